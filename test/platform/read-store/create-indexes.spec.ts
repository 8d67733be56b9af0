import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStore } from '../../../src/platform/read-store/read-store';

describe('ReadStore.createIndexes: query indexes sorted with a helper thread', () => {
  let dir: string;
  let store: ReadStore;
  const threads = () => store.db.pragma('threads', { simple: true });
  const indexes = () =>
    store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
      .pluck()
      .all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'create-indexes-'));
    store = new ReadStore(join(dir, 'read-models.db'));
    store.db.exec('CREATE TABLE entries (id INTEGER PRIMARY KEY, a TEXT, b TEXT)');
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([0, 1, 2])('builds them and leaves the setting as it found it (%i)', (setting) => {
    store.db.pragma(`threads = ${setting}`);
    store.createIndexes([
      'CREATE INDEX entries_by_a ON entries (a)',
      'CREATE INDEX entries_by_b ON entries (b)',
    ]);
    expect(indexes()).toEqual(['entries_by_a', 'entries_by_b']);
    expect(threads()).toBe(setting);
  });

  it('gives the setting back when a statement fails', () => {
    expect(() =>
      store.createIndexes([
        'CREATE INDEX entries_by_a ON entries (a)',
        'CREATE INDEX entries_by_c ON entries (c)',
      ]),
    ).toThrow(/no such column: c/);
    expect(threads()).toBe(0);
  });
});
