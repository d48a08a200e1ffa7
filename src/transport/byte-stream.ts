/**
 * What the dialog engine talks through: bytes out, bytes in, an end. Telnet,
 * serial, an SSH channel or an in-memory pair all look like this.
 */
export interface ByteStreamHandlers {
  data(bytes: Uint8Array): void;
  /** The far end closed, or the line failed (with the error). Called once. */
  end(error?: Error): void;
}

export interface ByteStream {
  /** Describes the far end for messages: "telnet 127.0.0.1:23", "serial /dev/ttyS0@9600". */
  readonly description: string;
  write(bytes: Uint8Array): void;
  /** Set the receivers; data that arrived before is delivered at once. */
  attach(handlers: ByteStreamHandlers): void;
  close(): Promise<void>;
}

/** Buffers what arrives before `attach`, so no byte of a greeting is lost. */
export class StreamInbox {
  private handlers: ByteStreamHandlers | null = null;
  private early: Uint8Array[] = [];
  private ended: { error?: Error } | null = null;

  data(bytes: Uint8Array): void {
    if (this.ended) return;
    if (this.handlers) this.handlers.data(bytes);
    else this.early.push(bytes);
  }

  end(error?: Error): void {
    if (this.ended) return;
    this.ended = { error };
    this.handlers?.end(error);
  }

  attach(handlers: ByteStreamHandlers): void {
    this.handlers = handlers;
    for (const chunk of this.early) handlers.data(chunk);
    this.early = [];
    if (this.ended) handlers.end(this.ended.error);
  }
}
