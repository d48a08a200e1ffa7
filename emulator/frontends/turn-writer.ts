import type net from 'node:net';

/**
 * Writes to a socket what a session says in one go: the opening telnet offers
 * with the password prompt, a screen with the prompt after it, all the answers
 * to a burst of negotiation. A session writes in small parts; each socket write
 * costs a system call and, with Nagle off, a segment of its own.
 *
 * Inside `batch()` (the front-end wraps the connection's start and each chunk
 * it reads) the parts are written when the batch returns. A part written
 * outside one (a boot finishing, the idle timer) goes out in a
 * `process.nextTick`, with whatever else that callback writes. Either way the
 * bytes leave before the event loop reads or waits again: no client waits any
 * longer for them.
 */
export class TurnWriter {
  private pending: Uint8Array[] = [];
  private depth = 0;
  private queued = false;

  constructor(
    private readonly socket: net.Socket,
    /** A peer that stops reading while we owe it more than this many bytes is cut off… */
    private readonly maxPending: number,
    /** …through this, which must destroy the socket. */
    private readonly overflow: () => void,
  ) {}

  /** Run `fn`, then write in one piece what it wrote. */
  batch(fn: () => void): void {
    this.depth++;
    try {
      fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  write(bytes: Uint8Array): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.pending.push(bytes);
    if (this.depth === 0 && !this.queued) {
      this.queued = true;
      process.nextTick(this.flushQueued);
    }
  }

  /** Write what is pending now (before ending the socket, say). */
  flush(): void {
    const parts = this.pending;
    if (parts.length === 0) return;
    this.pending = [];
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));
    if (this.socket.writableLength > this.maxPending) this.overflow();
  }

  private readonly flushQueued = (): void => {
    this.queued = false;
    this.flush();
  };
}
