import net from 'node:net';
import { TelnetServerSide } from '../../src/telnet/server-side.js';
import type { EmulatorEvent } from '../events.js';
import type { SessionFactory } from '../session.js';
import { LineChannel } from './line-channel.js';
import { SessionLimit } from './session-limit.js';
import { type FaultSet, holdSilently } from './stream-faults.js';
import { TurnWriter } from './turn-writer.js';

/**
 * The telnet front-end: character-mode negotiation, echo, and the unit's
 * single-session lock. While the unit's `limit` is reached, a new connection is
 * accepted and closed at once, as the WTI manual describes a busy unit (the
 * busy fault gives the same answer). A hung unit accepts and says nothing, not
 * even its telnet offers (stream-faults.ts). What a session writes in one turn
 * of the event loop leaves in one socket write.
 */
export interface TelnetFrontendOptions {
  host: string;
  port: number;
  makeSession: SessionFactory;
  emit: (e: EmulatorEvent) => void;
  idleTimeoutSeconds: () => number;
  /** Sessions the unit takes at once (default: one), possibly shared with other front-ends. */
  limit?: SessionLimit;
  /** A peer that stops reading while we owe it this many bytes is cut off. */
  maxPendingOutput?: number;
  /** The device's faults in force (busy, hang, slow, garbled and the login's), read as they apply. */
  faults?: FaultSet;
}

export class TelnetFrontend {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly limit: SessionLimit;

  constructor(private readonly opts: TelnetFrontendOptions) {
    this.limit = opts.limit ?? new SessionLimit(1, opts.faults);
    this.server = net.createServer((socket) => this.accept(socket));
    // A failing accept (EMFILE under a connection flood) must not take the emulator down.
    this.server.on('error', () => {});
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', onError);
        const address = this.server.address() as net.AddressInfo;
        this.opts.emit({ type: 'listening', frontEnd: 'telnet', address: `${address.address}:${address.port}` });
        resolve(address);
      });
    });
  }

  get address(): net.AddressInfo {
    return this.server.address() as net.AddressInfo;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const origin = `telnet ${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => {});
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.opts.faults?.has('hang')) {
      holdSilently(socket, this.opts.idleTimeoutSeconds());
      return;
    }
    const refusal = this.limit.acquire();
    if (refusal !== null) {
      this.opts.emit({ type: 'refused', origin, reason: refusal });
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);

    let released = false;
    const release = (reason: string) => {
      if (released) return;
      released = true;
      this.limit.release();
      this.opts.emit({ type: 'logout', origin, reason });
    };
    const out = new TurnWriter(socket, this.opts.maxPendingOutput ?? 1 << 20, () => {
      release('peer stopped reading');
      socket.destroy();
    });
    const send = (bytes: Uint8Array) => out.write(bytes);

    const telnet = new TelnetServerSide({
      send,
      data: (bytes) => channel.feed(bytes),
      optionChanged: () => {
        channel.echo = telnet.echoing;
      },
    });
    const channel = new LineChannel({
      origin,
      write: (text) => send(telnet.codec.encode(text)),
      hangUp: (reason) => {
        // Free the lock before the socket finishes closing: a client that logs out
        // and reconnects at once must not find its own old session in the way.
        release(reason);
        out.flush();
        socket.end();
      },
      makeSession: this.opts.makeSession,
      idleTimeoutSeconds: this.opts.idleTimeoutSeconds,
      faults: this.opts.faults,
    });

    socket.on('data', (chunk) => out.batch(() => telnet.codec.feed(chunk)));
    socket.on('close', () => {
      channel.end();
      release('disconnected');
    });
    out.batch(() => {
      telnet.start();
      channel.open();
    });
  }
}
