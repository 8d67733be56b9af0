import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIdentity } from '../../../src/platform/faults/file-identity';

describe('FileIdentity: is the path still the file a store opened?', () => {
  const dir = mkdtempSync(join(tmpdir(), 'partner-ledger-identity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says nothing while it is, and names the path once it was deleted', () => {
    const file = join(dir, 'deleted.db');
    writeFileSync(file, 'x');
    const identity = new FileIdentity(file);
    expect(identity.lost()).toBeUndefined();
    rmSync(file);
    expect(identity.lost()).toBe(`${file} was deleted while the server had it open`);
  });

  it('tells a file moved over the path (a restore while running) from the one opened, though the name is the same', () => {
    const file = join(dir, 'replaced.db');
    writeFileSync(file, 'opened');
    const identity = new FileIdentity(file);
    writeFileSync(join(dir, 'other.db'), 'opened');
    renameSync(join(dir, 'other.db'), file);
    expect(identity.lost()).toBe(
      `${file} was replaced by another file while the server had it open`,
    );
  });

  it('learns a file made after it was created (opened lazily) at first sight', () => {
    const file = join(dir, 'lazy.db');
    const identity = new FileIdentity(file);
    expect(identity.lost()).toBeUndefined();
    writeFileSync(file, 'x');
    expect(identity.lost()).toBeUndefined();
    rmSync(file);
    expect(identity.lost()).toMatch(/was deleted/);
  });
});
