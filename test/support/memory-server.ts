/**
 * The server in a child process of its own, for the bounded-memory test: it boots the app, says
 * where it listens, and on `measure` collects garbage and reports what its heap and buffers hold.
 * Run with --expose-gc (and a heap ceiling, so unbounded growth aborts instead of swapping).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/bootstrap';
import { loadSettings } from '../../src/platform/config/settings';

async function main() {
  const settings = loadSettings({ ...process.env, LOG_LEVEL: 'silent' });
  const app = await createApp({ settings });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message: string) => {
    if (message !== 'measure') return;
    for (let i = 0; i < 3; i++) global.gc?.();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    process.send?.({ heapUsed, arrayBuffers });
  });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
  process.send?.({ url: `http://127.0.0.1:${port}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
