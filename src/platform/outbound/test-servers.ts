/**
 * Loopback-only servers for the outbound tests. Everything listens on 127.0.0.1 (or ::1) so the tests
 * never send a packet anywhere else. Not imported by production code.
 */
import http from 'node:http';
import net from 'node:net';
import type { LookupFn } from './target.js';

export interface TestServer {
  port: number;
  /** Origin, e.g. http://127.0.0.1:4321 */
  origin: string;
  /** Requests seen (method, url, headers, body), to prove what did or did not arrive. */
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  /** Connections accepted (also counts raw TCP servers that never speak HTTP). */
  connections: number;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function startHttpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
  host = '127.0.0.1',
): Promise<TestServer> {
  const state: Pick<TestServer, 'requests' | 'connections'> = { requests: [], connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', () => state.connections++);
  const port = await listen(server, host);
  const shown = host.includes(':') ? `[${host}]` : host;
  return Object.assign(state, {
    port,
    origin: `http://${shown}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Accepts TCP connections and never says a word: for connect (TLS) and total timeouts. */
export async function startSilentServer(): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const state = { requests: [], connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, '127.0.0.1');
  return Object.assign(state, {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  });
}

/** A resolver with fixed answers; unknown names fail like NXDOMAIN, so no real DNS is ever queried. */
export function fixedLookup(table: Record<string, string[]>): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers;
  };
  return Object.assign(fn, { calls });
}

/** Whether this machine can listen on ::1 (some containers have IPv6 disabled). */
export async function canListenOnIpv6Loopback(): Promise<boolean> {
  const server = net.createServer();
  try {
    await listen(server, '::1');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the promise to reject');
}
