import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { Server } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { serveGraphqlWsSocket } from '../../../src/platform/graphql/graphql-ws-socket';

/** The parts of a ws socket serveGraphqlWsSocket uses; `bufferedAmount` is what its client has not taken. */
class SlowClientSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  protocol = 'graphql-transport-ws';
  bufferedAmount = 0;
  readonly sent: string[] = [];
  terminated = false;
  send(data: string, done: (error?: Error) => void) {
    this.sent.push(data);
    this.bufferedAmount += data.length;
    done();
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close', 1006, Buffer.from(''));
  }
  close() {}
  ping() {}
}

/** Serves a stand-in socket; `send` is how graphql-ws hands it an answer. */
function served(logger = new Logger('test'), callersOtherSockets: SlowClientSocket[] = []) {
  const socket = new SlowClientSocket();
  let send: (data: string) => Promise<void> | void = () => undefined;
  const server = {
    opened: (handle: { send: (data: string) => Promise<void> | void }) => {
      send = handle.send;
      return () => Promise.resolve();
    },
  } as unknown as Server<object>;
  serveGraphqlWsSocket(server, socket as unknown as WebSocket, {}, logger, {
    maxSubscribeBytes: 64 * 1024,
    maxBufferedBytes: 1000,
    callerBacklog: () =>
      [socket, ...callersOtherSockets].reduce((sum, peer) => sum + peer.bufferedAmount, 0),
  });
  return { socket, send: (data: string) => send(data) };
}

describe('a graphql-ws socket whose client does not read', () => {
  it('is dropped once GRAPHQL_WS_MAX_BUFFERED_BYTES of answers wait for it, instead of queueing every event', async () => {
    const logger = new Logger('test');
    const logged = jest.spyOn(logger, 'log').mockImplementation(() => undefined);
    const { socket, send } = served(logger);

    for (let i = 0; i < 10; i++) await send('x'.repeat(300));

    // 300, 600, 900, 1,200 bytes queued: the fifth answer finds more than 1,000 waiting.
    expect(socket.sent).toHaveLength(4);
    expect(socket.terminated).toBe(true);
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining(
        '1200 bytes of answers its caller has not taken, 1200 of them on this socket (GRAPHQL_WS_MAX_BUFFERED_BYTES is 1000)',
      ),
    );
  });

  it('is dropped once its caller’s sockets hold GRAPHQL_WS_MAX_BUFFERED_BYTES together, so more sockets hold no more', async () => {
    const other = new SlowClientSocket();
    other.bufferedAmount = 800;
    const { socket, send } = served(new Logger('test'), [other]);

    for (let i = 0; i < 5; i++) await send('x'.repeat(100));

    // 800 and 100, 200, 300 on this socket: the fourth answer finds 1,100 waiting in all.
    expect(socket.sent).toHaveLength(3);
    expect(socket.terminated).toBe(true);
  });

  it('keeps a socket that takes its answers while another of its caller’s does not', async () => {
    const other = new SlowClientSocket();
    other.bufferedAmount = 5000;
    await expectKeptWhileTaking(served(new Logger('test'), [other]), 10);
  });

  it('keeps a client that takes its answers, however many it is sent', async () => {
    await expectKeptWhileTaking(served(), 100);
  });
});

/** Sends `count` answers, each taken by the client at once: all go out, and the socket stays. */
async function expectKeptWhileTaking(
  { socket, send }: ReturnType<typeof served>,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    await send('x'.repeat(300));
    socket.bufferedAmount = 0; // taken by the client
  }
  expect(socket.sent).toHaveLength(count);
  expect(socket.terminated).toBe(false);
  socket.emit('close', 1000, Buffer.from(''));
}
