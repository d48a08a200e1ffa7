import type net from 'node:net';

/**
 * Writes to a socket what a session says during one turn of the event loop in
 * one piece: the opening telnet offers with the password prompt, a screen with
 * the prompt after it. A session writes in small parts (negotiation replies,
 * a screen, then its prompt); each socket write costs a system call and, with
 * Nagle off, a segment of its own. The bytes are sent in a `process.nextTick`
 * after the code that produced them returns, before the event loop reads or
 * waits again, so no client waits any longer for them.
 */
export class TurnWriter {
  private pending: Uint8Array[] = [];
  private queued = false;

  constructor(
    private readonly socket: net.Socket,
    /** A peer that stops reading while we owe it more than this many bytes is cut off… */
    private readonly maxPending: number,
    /** …through this, which must destroy the socket. */
    private readonly overflow: () => void,
  ) {}

  write(bytes: Uint8Array): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.pending.push(bytes);
    if (!this.queued) {
      this.queued = true;
      process.nextTick(this.flush);
    }
  }

  /** Write what is pending now (before ending the socket). */
  readonly flush = (): void => {
    this.queued = false;
    const parts = this.pending;
    if (parts.length === 0) return;
    this.pending = [];
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));
    if (this.socket.writableLength > this.maxPending) this.overflow();
  };
}
