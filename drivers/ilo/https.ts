import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Deadline } from '../../src/deadline.js';
import { AbortedError, ConnectionError, TimeoutError } from '../../src/errors.js';

/**
 * TLS to a management board, for RIBCL and Redfish alike. Certificates are
 * checked by default (against `ca`, or the system store); `insecure` turns
 * the check off, and must be asked for by name.
 */
export interface TlsTarget {
  host: string;
  port: number;
  /** Trust this certificate (PEM), e.g. the board's self-signed one. */
  ca?: string | Buffer;
  insecure?: boolean;
}

function tlsOptions(t: TlsTarget): tls.ConnectionOptions {
  return {
    host: t.host,
    port: t.port,
    ca: t.ca,
    rejectUnauthorized: !t.insecure,
    // An IP address is checked against the certificate's IP SANs, not SNI.
    servername: net.isIP(t.host) ? undefined : t.host,
  };
}

function describeTlsError(t: TlsTarget, err: Error): ConnectionError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const untrusted = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(code);
  // What the caller can do is a typed remedy; each CLI words it in its own options.
  return new ConnectionError(
    `TLS to ${t.host}:${t.port} failed: ${err.message}${untrusted ? " (the board's certificate is not trusted)" : ''}`,
    { cause: err, ...(untrusted ? { remedy: ['trust-ca', 'tls-insecure'] as const } : {}) },
  );
}

/**
 * A board that never answers the TCP handshake (a firewall dropping packets,
 * an address nobody holds) is a connect timeout, with the connect phase's own
 * share of the budget, not a board that "did not answer".
 */
function connectTimer(socket: net.Socket, t: TlsTarget, deadline: Deadline, fail: (err: Error) => void): () => void {
  const ms = Math.min(CONNECT_CAP_MS, Math.max(1, deadline.remaining()));
  const timer = setTimeout(
    () => fail(new TimeoutError('connect', `no connection to ${t.host}:${t.port} within ${ms} ms`)),
    ms,
  );
  const done = () => clearTimeout(timer);
  socket.once('connect', done);
  socket.once('close', done);
  return done;
}

/** The connect phase's cap, as the telnet and SSH drivers have it. */
const CONNECT_CAP_MS = 10_000;

/**
 * Raw RIBCL: write the request on a TLS socket and read until the board
 * closes, as riloe and python-hpilo do. One request per connection.
 */
export function rawExchange(
  t: TlsTarget,
  body: string,
  deadline: Deadline,
  phase: string,
  onSent?: () => void,
): Promise<string> {
  const timeoutMs = deadline.phase(phase, 30_000);
  return new Promise((resolve, reject) => {
    const socket = tls.connect(tlsOptions(t));
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connected();
      deadline.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onAbort = () => finish(new AbortedError());
    const connected = connectTimer(socket, t, deadline, finish);
    const timer = setTimeout(
      () =>
        finish(
          new TimeoutError(phase, `the board at ${t.host}:${t.port} did not finish its answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    deadline.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      socket.write(body);
      onSent?.();
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      if (size > 1 << 20) finish(new ConnectionError(`the board at ${t.host}:${t.port} sent more than 1 MiB`));
    });
    socket.on('end', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('error', (err) => finish(settled ? null : describeTlsError(t, err)));
  });
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request with the deadline's time and signal. */
export function httpsRequest(
  t: TlsTarget,
  req: { method: string; path: string; headers?: Record<string, string>; body?: string },
  deadline: Deadline,
  phase: string,
  onSent?: () => void,
): Promise<HttpReply> {
  const timeoutMs = deadline.phase(phase, 30_000);
  return new Promise((resolve, reject) => {
    const r = https.request(
      {
        ...tlsOptions(t),
        method: req.method,
        path: req.path,
        headers: {
          ...req.headers,
          ...(req.body !== undefined ? { 'content-length': Buffer.byteLength(req.body) } : {}),
        },
        signal: deadline.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          clearTimeout(timer);
          stopConnectTimer();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => reject(describeTlsError(t, err)));
      },
    );
    let stopConnectTimer = () => {};
    let connected = false;
    const timer = setTimeout(() => {
      stopConnectTimer();
      r.destroy();
      // With the whole budget spent on the handshake the two timers end together; whichever
      // fires first, a board that never took the connection is a connect timeout.
      reject(
        connected
          ? new TimeoutError(phase, `no HTTP answer from ${t.host}:${t.port} within ${timeoutMs} ms`)
          : new TimeoutError('connect', `no connection to ${t.host}:${t.port} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    r.on('socket', (socket) => {
      socket.once('connect', () => {
        connected = true;
      });
      stopConnectTimer = connectTimer(socket, t, deadline, (err) => {
        clearTimeout(timer);
        r.destroy();
        reject(err);
      });
    });
    r.on('error', (err) => {
      clearTimeout(timer);
      stopConnectTimer();
      if ((err as Error).name === 'AbortError') reject(new AbortedError(undefined, { cause: err }));
      else reject(describeTlsError(t, err));
    });
    r.end(req.body, () => onSent?.());
  });
}
