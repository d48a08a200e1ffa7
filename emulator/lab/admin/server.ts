import http from 'node:http';
import type { Lab } from '../lab.js';

/**
 * STUB (lab-core's branch only): the admin API's signature, so `fencekit lab`
 * can start it. lab-admin's server.ts replaces this file at merge; it answers
 * only GET /healthz and GET /api/units.
 */
export interface AdminServerOptions {
  /** HOST:PORT. */
  listen: string;
  /** Required on any address but loopback. */
  token?: string;
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export async function startAdminServer(lab: Lab, opts: AdminServerOptions): Promise<AdminServer> {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(opts.listen);
  if (!m) throw new Error(`admin address '${opts.listen}' is not HOST:PORT`);
  const host = m[1] ?? (m[2] || '127.0.0.1');
  const server = http.createServer((req, res) => {
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"EAUTH","message":"token"}}');
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.url === '/api/units') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(lab.units()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(m[3]), host, () => resolve());
  });
  const address = server.address() as { address: string; port: number };
  const shown = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
