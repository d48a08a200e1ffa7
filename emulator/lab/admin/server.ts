import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FencekitError } from '../../../src/errors.js';
import type { Actor } from '../types.js';
import type { AdminLab } from './admin-lab.js';
import { TokenCheck } from './auth.js';
import { type Handler, ROUTES } from './handlers.js';
import { HttpError, toHttpError } from './http-error.js';
import { LabMetrics } from './metrics.js';
import { sendError } from './respond.js';
import { Router } from './router.js';
import { SseHub } from './sse.js';

/**
 * The lab's admin server on node:http: the JSON API, the event stream, the
 * metrics, the OpenAPI document and the live page (routes: handlers.ts).
 * Every change goes through the Lab's own methods with an actor naming the
 * API, the client's address and the token's name, so the audit log and the
 * event stream record it like any other switch.
 */
export interface AdminServerOptions {
  /** HOST:PORT ([v6]:PORT); port 0 takes a free one (see `url`). */
  listen: string;
  /** Required on any address but loopback; when given, required on loopback too. */
  token?: string;
  /** What actors carry for a request with the token; default "admin". */
  tokenName?: string;
  /** Between two SSE keep-alive comments; default 15 s. */
  keepAliveMs?: number;
  /** Event streams open at once; one more is a 503 (each holds a socket and a buffer); default 64. */
  maxStreams?: number;
  /** A request failed in a way the lab did not name (a bug): the client got a 500, this gets the error. */
  onError?: (err: unknown) => void;
}

export interface AdminServer {
  /** http://HOST:PORT/ as bound. */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_KEEP_ALIVE_MS = 15_000;
const DEFAULT_MAX_STREAMS = 64;

export async function startAdminServer(lab: AdminLab, opts: AdminServerOptions): Promise<AdminServer> {
  const { host, port } = parseListen(opts.listen);
  if (opts.token !== undefined && opts.token.trim() === '') {
    throw new FencekitError('EUSAGE', 'admin: the admin token is empty');
  }
  if (opts.token === undefined && !isLoopback(host)) {
    throw new FencekitError(
      'EUSAGE',
      `admin: ${opts.listen} is not a loopback address: the lab listens there only with an admin token (admin.tokenFile)`,
    );
  }
  const tokens = new TokenCheck(opts.token, opts.tokenName ?? 'admin');
  const router = new Router<Handler>(ROUTES);
  const metrics = new LabMetrics(lab);
  const hub = new SseHub(lab.events, {
    keepAliveMs: opts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    maxClients: opts.maxStreams ?? DEFAULT_MAX_STREAMS,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!tokens.required) checkHost(req);
      const url = new URL(req.url ?? '/', 'http://lab.invalid');
      const { route, params } = router.match(req.method ?? 'GET', url.pathname);
      const token = route.public ? undefined : tokens.check(req, url);
      if (route.method !== 'GET') checkOrigin(req);
      const actor: Actor = { protocol: 'api', peer: peerOf(req), ...(token !== undefined ? { token } : {}) };
      await route.handler({ req, res, url, params, actor, lab, hub, metrics });
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) opts.onError?.(err);
      sendError(res, httpError);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  // A client that sends garbage for HTTP gets a 400 from node and is gone; nothing reaches the handlers.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      metrics.close();
      reject(
        new FencekitError('ECONNECTION', `admin: cannot listen on ${opts.listen} (${err.code ?? err.message})`, {
          cause: err,
        }),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;

  return {
    url: `http://${shownHost}:${bound.port}/`,
    close: async () => {
      hub.closeAll();
      metrics.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** HOST:PORT or [V6]:PORT. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new FencekitError('EUSAGE', `admin: listen '${listen}' is not HOST:PORT (for example 127.0.0.1:8780)`);
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);
}

function peerOf(req: IncomingMessage): string {
  const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/i, '');
  return `${address.includes(':') ? `[${address}]` : address}:${req.socket.remotePort ?? 0}`;
}

/**
 * Without a token, the port on loopback is the only guard, and DNS rebinding
 * gets round it: a page of evil.example whose name now resolves to 127.0.0.1
 * is, to the browser, same-origin with the lab (its Origin and Host agree).
 * What gives it away is the Host header: a lab without a token answers only
 * to a loopback name or address.
 */
function checkHost(req: IncomingMessage): void {
  const header = req.headers.host;
  if (header === undefined) return; // HTTP/1.0: no name was used to reach us
  const host = /^(?:\[([^\]]*)\]|([^:]*))(?::\d*)?$/.exec(header);
  const name = (host?.[1] ?? host?.[2] ?? '').toLowerCase();
  if (!isLoopback(name)) {
    throw new HttpError(
      403,
      'EFORBIDDEN',
      `this lab has no admin token, so it answers only to a loopback address, not to '${header.slice(0, 64)}'`,
    );
  }
}

/**
 * A browser on another site may send a simple POST to a lab on loopback
 * without asking (no preflight). Such a request carries an Origin that is not
 * the lab's own: refuse it, token or not.
 */
function checkOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host === null || host !== req.headers.host) {
    throw new HttpError(403, 'EFORBIDDEN', `a request from ${origin.slice(0, 64)} may not change this lab`);
  }
}
