/**
 * The network between a browser and the Worker, for the bench: a TCP proxy in front of wrangler dev
 * that holds every chunk for half the configured RTT in each direction (in order; a burst stays a
 * burst), so a keep-alive HTTP request pays one client RTT, as a browser's does.
 */
import net from 'node:net';
import { DelayLine } from '../dev/neon-endpoint';

export interface DelayProxy {
  port: number;
  rttMs(): number;
  setRtt(ms: number): void;
  close(): Promise<void>;
}

export async function startDelayProxy(targetPort: number, rttMs = 0): Promise<DelayProxy> {
  const state = { rtt: rttMs };
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    }
    const toServer = new DelayLine(() => state.rtt / 2);
    const toClient = new DelayLine(() => state.rtt / 2);
    const pipe = (from: net.Socket, to: net.Socket, line: DelayLine) => {
      from.on('data', (chunk: Buffer) => line.push(() => to.destroyed || to.write(chunk)));
      from.on('end', () => line.push(() => to.end()));
      from.on('error', () => {
        toServer.clear();
        toClient.clear();
        client.destroy();
        upstream.destroy();
      });
    };
    pipe(client, upstream, toServer);
    pipe(upstream, client, toClient);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    rttMs: () => state.rtt,
    setRtt: (ms: number) => {
      state.rtt = ms;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
