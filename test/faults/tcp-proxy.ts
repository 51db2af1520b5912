import net from 'node:net';

export interface TcpProxy {
  /** The loopback port the proxy listens on. */
  readonly port: number;
  /** Connections accepted and forwarded so far. */
  readonly forwarded: number;
  /** Destroys every live connection (a reset to both ends) and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP forwarder to `target`, to make a shared server (the machine's PostgreSQL) unreachable for
 * one test only: the real server stays up for everyone else. While cut, it keeps listening (so the port
 * stays ours) and resets every connection at once, which a client sees as the server going away.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const live = new Set<net.Socket>();
  let cut = false;
  let forwarded = 0;
  const drop = (socket: net.Socket) => {
    live.delete(socket);
    if (!socket.destroyed) socket.resetAndDestroy();
  };
  const server = net.createServer((client) => {
    if (cut) {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    forwarded++;
    const upstream = net.connect(target.port, target.host);
    live.add(client);
    live.add(upstream);
    // Either side failing or ending takes the other one down with it, as a real peer going away would.
    const end = () => {
      drop(client);
      drop(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get forwarded() {
      return forwarded;
    },
    cut() {
      cut = true;
      for (const socket of [...live]) drop(socket);
    },
    restore() {
      cut = false;
    },
    async close() {
      cut = true;
      for (const socket of [...live]) drop(socket);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
