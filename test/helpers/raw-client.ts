import net from 'node:net';

/**
 * A bare TCP client that records everything the emulator sends and waits for
 * text to appear, the way the real clients' expect loops do. Every wait has a
 * deadline; the socket is destroyed by `close()`.
 */
export class RawClient {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(host: string, port: number, timeoutMs = 3000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Everything received so far, as latin1 text (telnet negotiation bytes included). */
  get text(): string {
    return this.received.toString('latin1');
  }

  get bytes(): Buffer {
    return this.received;
  }

  /** The text received with IAC sequences removed. */
  get plain(): string {
    return stripTelnet(this.received).toString('latin1');
  }

  send(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Wait until `pattern` appears in the plain text after `from` (a character offset). */
  async expect(pattern: string | RegExp, timeoutMs = 3000, from = 0): Promise<RegExpExecArray | string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.plain.slice(from);
      if (typeof pattern === 'string') {
        if (text.includes(pattern)) return pattern;
      } else {
        const m = pattern.exec(text);
        if (m) return m;
      }
      if (this.closed)
        throw new Error(`connection closed before ${String(pattern)}; got ${JSON.stringify(this.plain)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${String(pattern)}; got ${JSON.stringify(this.plain)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for the peer to close the connection. */
  async expectClose(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the connection stayed open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Log in with the password and wait for the first prompt. */
  async login(password: string, prompt = 'IPS> '): Promise<void> {
    await this.expect('Password: ');
    this.send(`${password}\r\n`);
    await this.expect(prompt);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Remove telnet commands (IAC …) from a byte stream, for reading screens. */
export function stripTelnet(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 255) {
      out.push(b);
      continue;
    }
    const verb = bytes[i + 1];
    if (verb === 255) {
      out.push(255);
      i++;
    } else if (verb !== undefined && verb >= 251 && verb <= 254) i += 2;
    else if (verb === 250) {
      while (i < bytes.length && !(bytes[i] === 255 && bytes[i + 1] === 240)) i++;
      i++;
    } else i++;
  }
  return Buffer.from(out);
}
