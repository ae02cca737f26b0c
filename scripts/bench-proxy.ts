/**
 * A delaying TCP proxy on 127.0.0.1 for the benchmark: every chunk, in each direction, is held for half the
 * round-trip time, so a request and its answer cost one RTT more than on the loopback (TLS passes through).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

function delayed(from: Socket, to: Socket, ms: number): void {
  // Chunks keep their order: each is released `ms` after it arrived, and timers of equal delay fire in order.
  from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), ms));
  from.on('end', () => setTimeout(() => to.end(), ms));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), ms));
}

export function startDelayProxy(targetPort: number, rttMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    delayed(client, upstream, rttMs / 2);
    delayed(upstream, client, rttMs / 2);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}
