import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { failureMessage } from '../../../src/platform/faults/failure-message';
import {
  asUnavailable,
  inDatabaseFile,
  StoreUnavailableError,
} from '../../../src/platform/faults/store-unavailable';
import { GaveUpError } from '../../../src/platform/projection-engine/step-retries';

/** An error as node's fs raises it (errno, syscall, path). */
const fsError = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: refused, ${syscall} '${path}'`), { code, syscall, path });

describe('what a failed command or server start prints', () => {
  it.each(['EROFS', 'EACCES', 'EPERM'])(
    'a file of DATA_DIR it may not write (%s) is named, with what to do, not as a bare errno',
    (code) => {
      const message = failureMessage(fsError(code, 'chmod', '/srv/data/events.db'));
      expect(message).toContain(`/srv/data/events.db cannot be written (${code})`);
      expect(message).toContain('DATA_DIR must be writable');
    },
  );

  it('a file outside DATA_DIR it may not write (a backup target, a schema file) is named without blaming DATA_DIR', () => {
    const outside = failureMessage(
      fsError('EACCES', 'open', '/mnt/ro/backup.incomplete-1'),
      '/srv/data',
    );
    expect(outside).toBe(
      '/mnt/ro/backup.incomplete-1 cannot be written (EACCES): this user may not write there',
    );
    const inside = failureMessage(fsError('EACCES', 'open', '/srv/data/events.db'), '/srv/data/');
    expect(inside).toContain('DATA_DIR must be writable');
  });

  it('a damaged database file says how to mend it, whether the store or a step given up on raised it', () => {
    const damaged = new StoreUnavailableError('CORRUPT', 'database disk image is malformed');
    const sqlite = Object.assign(new Error('database disk image is malformed'), {
      code: 'SQLITE_CORRUPT',
    });
    for (const error of [damaged, new GaveUpError('reading and applying events', sqlite)]) {
      const message = failureMessage(error);
      expect(message).toContain('a database file in DATA_DIR is damaged');
      expect(message).toContain('restore DATA_DIR from a backup');
      expect(message).not.toContain('try again later');
    }
  });

  it.each([
    ['events.db', 'restore DATA_DIR from a backup'],
    ['read-models.db', 'the read models are rebuilt from the events'],
    ['idempotency.db', 'only the Idempotency-Keys it remembers are lost'],
  ])('a damaged %s is named, with what mends that file alone', (file, mend) => {
    const sqlite = Object.assign(new Error('database disk image is malformed'), {
      code: 'SQLITE_CORRUPT',
    });
    let raised: unknown;
    try {
      inDatabaseFile(`/srv/data/${file}`, () => {
        throw sqlite;
      });
    } catch (error) {
      raised = error;
    }
    for (const error of [asUnavailable(raised), new GaveUpError('reading events', raised)]) {
      const message = failureMessage(error);
      expect(message).toMatch(new RegExp(`^${file.replace('.', '\\.')} in DATA_DIR is damaged`));
      expect(message).toContain(mend);
      expect(message).not.toContain('If it is');
    }
  });

  it('any other error is printed as it is', () => {
    expect(failureMessage(new Error('Unknown projection "x"'))).toBe('Unknown projection "x"');
    expect(failureMessage(fsError('ENOENT', 'open', '/srv/data/x'))).toContain('ENOENT');
  });

  it('a port already taken names the address and the settings that move it', async () => {
    const holder = createServer();
    const second: Server = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    try {
      second.listen(port, '127.0.0.1');
      const [error] = (await once(second, 'error')) as [Error];
      const message = failureMessage(error);
      expect(message).toContain(`127.0.0.1:${port} is already in use (EADDRINUSE)`);
      expect(message).toContain('set PORT (and HOST) to a free one');
    } finally {
      second.close();
      holder.close();
    }
  });
});
