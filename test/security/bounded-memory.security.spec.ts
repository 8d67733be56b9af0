import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/platform/auth/token-minter';
import { removeDataDir, TEST_SECRET } from '../support/app';
import { people } from '../support/tenants';
import { SOURCE_LOADER } from '../../src/platform/common/worker-file';

/** How much the server's heap and buffers may grow over the whole soak. */
const BUDGET_BYTES = 32 * 1024 * 1024;
const ANONYMOUS_DOCUMENTS = 2_000;
const SIGNED_IN_DOCUMENTS = 1_500;

interface Memory {
  heapUsed: number;
  arrayBuffers: number;
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
}

const measure = async (child: ChildProcess) => {
  const reply = nextMessage<Memory>(child);
  child.send('measure');
  const { heapUsed, arrayBuffers } = await reply;
  return heapUsed + arrayBuffers;
};

/** A distinct document of about 25 KB: 500 aliased-free fields spread over fragments, and a comment. */
function distinctDocument(n: number, size: 'large' | 'fields'): string {
  const fragment = `fragment F${n} on Actor { userId name tenantId tenantKind tenantName tenantDomain roles }`;
  const spreads = Array.from({ length: 40 }, () => `...F${n}`).join(' ');
  const comment = size === 'large' ? `# ${n} ${'x'.repeat(20_000)}\n` : '';
  return `${comment}${fragment} query Q${n} { me { ${spreads} } }`;
}

describe('bounded memory: what a server keeps does not grow with what callers send', () => {
  let child: ChildProcess;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-memory-'));
    child = fork(join(__dirname, '../support/memory-server.ts'), [], {
      execArgv: ['-r', SOURCE_LOADER, '--expose-gc', '--max-old-space-size=256'],
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        AUTH_SECRET: TEST_SECRET,
        RATE_LIMIT_PER_MINUTE: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    ({ url } = await nextMessage<{ url: string }>(child));
  }, 60_000);
  afterAll(() => {
    child.disconnect();
    removeDataDir(dataDir);
  });

  it('thousands of distinct anonymous and signed-in documents leave the heap within a fixed budget', async () => {
    const token = await mintToken(TEST_SECRET, people.ann);
    const post = (query: string, authorization?: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization: `Bearer ${authorization}` } : {}),
        },
        body: JSON.stringify({ query }),
      });
    // Warm up: the first requests load code and fill caches that are there anyway.
    for (let n = 0; n < 50; n++) await (await post(distinctDocument(-n, 'fields'), token)).text();
    const before = await measure(child);

    for (let n = 0; n < ANONYMOUS_DOCUMENTS; n++) {
      const response = await post(distinctDocument(n, 'large'));
      expect(response.status).toBe(401);
      await response.text();
    }
    for (let n = 0; n < SIGNED_IN_DOCUMENTS; n++) {
      const response = await post(distinctDocument(n, n % 2 ? 'large' : 'fields'), token);
      const body = (await response.json()) as { errors?: unknown };
      expect(body.errors).toBeUndefined();
    }
    const after = await measure(child);

    // Kept unbounded, the anonymous documents alone would hold about 60 MB of text, and the
    // signed-in documents' parsed forms several times that.
    expect(after - before).toBeLessThan(BUDGET_BYTES);
    const still = await post('{ me { userId } }', token);
    expect(((await still.json()) as { data: { me: { userId: string } } }).data.me.userId).toBe(
      'ann',
    );
  }, 180_000);
});
