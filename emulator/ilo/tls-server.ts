import http from 'node:http';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import type { EmulatorEvent } from '../events.js';
import { corrupt, PacedOutput } from '../fault-effects.js';
import type { IloDevice } from './ilo-device.js';
import { RibclSession } from './ribcl.js';
import { tlsContextOptions } from './tls-versions.js';

/**
 * The iLO's TLS port (443 on the real board).
 *
 * - `raw` (iLO 2, `--tls`): every connection is a RIBCL session, XML straight
 *   on the TLS stream, as fence_ilo (through gnutls-cli) and riloe speak it.
 * - `sniff` (iLO 3 and later, `--https`): the first bytes decide. A request
 *   line (`GET `, `POST `…) hands the connection to node:http and the iLO's
 *   HTTP handler (RIBCL over HTTP, Redfish); anything else is a raw RIBCL
 *   session, which the real iLO 3/4 still accept on 443.
 *
 * RIBCL sessions:
 * - Each reply document goes out as its own write, the next one only when the
 *   previous has been handed to TLS, so each travels in a TLS record of its
 *   own: riloe parses every `recv(1024)` as one whole document (ilo.md §3).
 * - The connection is closed once the request's outer `</RIBCL>` (or
 *   `</LOCFG>`) has been answered, for one-shot clients (riloe reads until
 *   the board closes); after a refused login; and after `idleTimeoutSeconds`
 *   without input. fence_ilo never closes its RIBCL and keeps the connection.
 *
 * A failing TLS handshake (a client that does not trust the certificate, or
 * one speaking plain text) is reported as a 'refused' event and costs nothing
 * else.
 *
 * Faults, read at each connection and each arrival (docs/ilo.md §6.2):
 * `hang` takes a new connection and answers nothing, not even the TLS
 * handshake, and a RIBCL session already open stops answering; `slow` sends
 * each document `SLOW_MS` late; `garbled` sends it as noise. The login
 * faults are the RIBCL session's and the device's. Events name the peer as `ribcl 127.0.0.1:40112` (then the user), never
 * a password.
 */
export interface IloTlsFrontendOptions {
  host: string;
  port: number;
  mode: 'raw' | 'sniff';
  cert: string;
  key: string;
  device: IloDevice;
  emit: (e: EmulatorEvent) => void;
  /** The HTTP side, for `sniff`. */
  httpHandler?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  idleTimeoutSeconds: () => number;
}

/** How a connection's first bytes look: an HTTP request line, not one, or too short to tell. */
export function sniff(head: Buffer): 'http' | 'ribcl' | 'undecided' {
  const text = head.toString('latin1');
  let undecided = false;
  for (const method of HTTP_METHODS) {
    const token = `${method} `;
    if (text.startsWith(token)) return 'http';
    if (token.startsWith(text)) undecided = true;
  }
  return undecided ? 'undecided' : 'ribcl';
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE'];

/** Seconds a client gets to finish the TLS handshake. */
const HANDSHAKE_TIMEOUT_MS = 30_000;

export class IloTlsFrontend {
  private readonly server: net.Server;
  private readonly context: tls.SecureContext;
  private readonly http: http.Server | null;
  private readonly sockets = new Set<net.Socket>();
  private bound: net.AddressInfo | null = null;

  constructor(private readonly opts: IloTlsFrontendOptions) {
    this.context = tls.createSecureContext({ cert: opts.cert, key: opts.key, ...tlsContextOptions(opts.device.model) });
    // Our own TCP listener and TLS wrapping (rather than tls.Server): the peer's
    // address is still known when a handshake fails, and close() can cut every connection.
    this.server = net.createServer((raw) => this.handshake(raw));
    // A failing accept (EMFILE under a flood) must not take the emulator down.
    this.server.on('error', () => {});
    if (opts.mode === 'sniff') {
      if (!opts.httpHandler) throw new Error('sniff mode needs an HTTP handler');
      this.http = http.createServer(opts.httpHandler);
      this.http.on('clientError', (_err, socket) => socket.destroy());
    } else {
      this.http = null;
    }
  }

  /** The name of the front-end in events and the `listening` line. */
  get label(): string {
    return this.opts.mode === 'raw' ? 'ribcl' : 'https';
  }

  listen(): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', onError);
        const address = this.server.address() as net.AddressInfo;
        this.bound = address;
        const frontEnd = this.opts.mode === 'raw' ? 'tls (raw RIBCL)' : 'https (RIBCL, HTTP)';
        this.opts.emit({ type: 'listening', frontEnd, address: `${address.address}:${address.port}` });
        resolve({ address: address.address, port: address.port });
      });
    });
  }

  get address(): { address: string; port: number } {
    const a = this.bound ?? (this.server.address() as net.AddressInfo | null);
    return a ? { address: a.address, port: a.port } : { address: this.opts.host, port: this.opts.port };
  }

  /** Connections open now, answered or not (a hung board holds them). */
  get connections(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.http?.close();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** TLS on a new connection; a failure is a 'refused' event and nothing more. */
  private handshake(raw: net.Socket): void {
    raw.on('error', () => {});
    raw.setNoDelay(true);
    this.sockets.add(raw);
    raw.once('close', () => this.sockets.delete(raw));
    if (this.opts.device.faults.has('hang')) return holdSilently(raw, this.opts.idleTimeoutSeconds());
    const peer = `${raw.remoteAddress ?? '?'}:${raw.remotePort ?? '?'}`;
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: this.context });
    let secured = false;
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = 'no handshake within 30 s';
      socket.destroy();
    }, HANDSHAKE_TIMEOUT_MS);
    socket.once('secure', () => {
      secured = true;
      clearTimeout(timer);
      this.accept(socket, peer);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!secured) failure ??= handshakeReason(err);
      socket.destroy();
    });
    socket.once('close', () => {
      clearTimeout(timer);
      if (secured) return;
      const reason = failure ?? 'the client hung up during the handshake';
      this.opts.emit({ type: 'refused', origin: `${this.label} ${peer}`, reason: `TLS handshake failed: ${reason}` });
    });
  }

  private accept(socket: tls.TLSSocket, peer: string): void {
    const idle = this.opts.idleTimeoutSeconds();
    if (idle > 0) socket.setTimeout(idle * 1000, () => socket.destroy());
    if (this.opts.mode === 'raw') return this.ribcl(socket, `ribcl ${peer}`, null);

    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const kind = sniff(head);
      if (kind === 'undecided') return;
      socket.off('data', onData);
      socket.pause();
      if (kind === 'ribcl') return this.ribcl(socket, `ribcl ${peer}`, head);
      // Give node:http the bytes already read, then the connection.
      socket.setTimeout(0);
      socket.unshift(head);
      this.http?.emit('connection', socket);
      socket.resume();
    };
    socket.on('data', onData);
  }

  /** A raw RIBCL session on this connection; `head` is what was already read from it. */
  private ribcl(socket: tls.TLSSocket, origin: string, head: Buffer | null): void {
    const session = new RibclSession(this.opts.device, { origin, emit: this.opts.emit });
    const decoder = new StringDecoder('utf8');
    const faults = this.opts.device.faults;
    const paced = new PacedOutput(faults);
    const queue: string[] = [];
    let writing = false;
    let ending = false;
    let over = false;

    const finish = (reason: string) => {
      if (over) return;
      over = true;
      if (session.user !== null) this.opts.emit({ type: 'logout', origin: `${origin} ${session.user}`, reason });
    };
    const pump = () => {
      if (writing || socket.destroyed) return;
      const doc = queue.shift();
      if (doc === undefined) {
        if (ending) {
          finish('request complete');
          socket.end();
        }
        return;
      }
      writing = true;
      socket.write(doc, 'utf8', () => {
        writing = false;
        pump();
      });
    };
    let heard = false;
    const onText = (text: string) => {
      // A hung board reads what comes and acts on none of it.
      if (heard || text === '' || faults.has('hang')) return;
      const reply = session.feed(text);
      const documents = reply.documents.map((doc) => corrupt(faults, doc));
      if (reply.end) {
        heard = true;
        socket.off('data', onData);
      }
      // The close waits for the last document, however late it goes out.
      paced.send(() => {
        queue.push(...documents);
        if (reply.end) ending = true;
        pump();
      });
    };
    const onData = (chunk: Buffer) => onText(decoder.write(chunk));

    socket.on('data', onData);
    socket.once('close', () => {
      paced.clear();
      finish('disconnected');
    });
    if (head) onText(decoder.write(head));
    socket.resume();
  }
}

/**
 * A hung board's answer to a new connection: taken, then nothing. What the
 * peer sends is read and dropped; the socket is closed after `idleSeconds`
 * without input (0: never), as the board's idle timeout would, so clients
 * that never give up do not pile up.
 */
function holdSilently(socket: net.Socket, idleSeconds: number): void {
  if (idleSeconds > 0) socket.setTimeout(idleSeconds * 1000, () => socket.destroy());
  socket.on('data', () => {});
}

/** The short reason of a handshake failure: OpenSSL's alert, or the socket error. */
function handshakeReason(err: NodeJS.ErrnoException): string {
  const alert = /alert ([a-z ]+)/i.exec(err.message)?.[1];
  if (alert) return `the client sent alert "${alert.trim()}"`;
  return err.code ?? err.message;
}
