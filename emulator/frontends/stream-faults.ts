import type net from 'node:net';

/**
 * The faults every byte-stream front-end (telnet, serial, SSH) shows the same
 * way, whatever the device behind it, decided here once. The device's fault
 * set is read at each connection, line and write, so a fault added or removed
 * while the unit runs takes effect on the next one:
 *
 * - `hang`: a new connection is accepted and then answered with nothing, not
 *   even the telnet offers or the SSH version line (`holdSilently`); a serial
 *   line does not wake. An open session takes no more input and says nothing
 *   more while the fault is on (`StreamOutput`, LineChannel).
 * - `slow`: everything the unit writes leaves `SLOW_MS` late, in order, the
 *   hang-up after it.
 * - `garbled`: every printable character written is replaced by line noise
 *   (`garble`): line ends and blanks stay, so the lines still come, but no
 *   prompt, menu or status text matches.
 *
 * `busy` is the session limit's (session-limit.ts), `refuse-login`,
 * `hang-after-login` and `drop-after-login` the login's (emulator/login.ts),
 * and SSH's own authentication (ssh.ts).
 */
export type FaultSet = ReadonlySet<string>;

/** How late a slow unit answers. */
export const SLOW_MS = 2000;

/** No letter, digit, `>`, `:`, `-` or `$`: nothing any client's prompt pattern could match. */
const NOISE = '#%&*+=?@^_~|!';

/**
 * Line noise in place of `text`: each printable ASCII character becomes one of
 * NOISE, picked from the character and its place so repeated letters differ.
 * CR, LF and blanks stay. The result stays ASCII, so a client decoding UTF-8
 * (pexpect) reads it without error and simply never finds its prompt.
 */
export function garble(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c > 0x20 && c < 0x7f ? NOISE[(c * 7 + i) % NOISE.length] : text[i];
  }
  return out;
}

/** The clock StreamOutput waits on (tests give fake timers). */
export interface OutputClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: OutputClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * What a session writes, on its way to the transport, with the output faults
 * applied: dropped while `hang` is on, garbled while `garbled` is, held
 * `SLOW_MS` while `slow` is. Order is kept: a part that needs no delay still
 * waits for a slow one written before it, and so does the hang-up (`after`).
 */
export class StreamOutput {
  private readonly queue: { at: number; run: () => void }[] = [];
  private timer: unknown = null;

  constructor(
    private readonly faults: FaultSet,
    private readonly send: (text: string) => void,
    private readonly clock: OutputClock = realClock,
  ) {}

  get hung(): boolean {
    return this.faults.has('hang');
  }

  write(text: string): void {
    if (text === '' || this.hung) return;
    const out = this.faults.has('garbled') ? garble(text) : text;
    this.after(() => this.send(out));
  }

  /** Run `fn` once what was written before it has left (a hang-up after the last words). */
  after(fn: () => void): void {
    const delay = this.faults.has('slow') ? SLOW_MS : 0;
    if (delay === 0 && this.queue.length === 0) return fn();
    this.queue.push({ at: this.clock.now() + delay, run: fn });
    this.schedule();
  }

  /** The transport is gone: drop what is still waiting. */
  clear(): void {
    this.queue.length = 0;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const head = this.queue[0];
    if (this.timer !== null || !head) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        const now = this.clock.now();
        // The head is due; what follows it goes too if it is due, however it was queued.
        while (this.queue.length > 0 && (this.queue[0] as { at: number }).at <= now) {
          (this.queue.shift() as { run: () => void }).run();
        }
        this.schedule();
      },
      Math.max(0, head.at - this.clock.now()),
    );
  }
}

/**
 * A hung unit's answer to a new connection: accepted, then nothing. What the
 * peer sends is read and dropped; the socket is closed after `idleSeconds`
 * without input (0: never), as the unit's own idle timeout would, so clients
 * that never hang up do not pile up. Returns the function that ends it.
 */
export function holdSilently(socket: net.Socket, idleSeconds: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    if (idleSeconds > 0) {
      timer = setTimeout(() => socket.destroy(), idleSeconds * 1000);
      timer.unref();
    }
  };
  socket.on('data', arm);
  socket.once('close', () => clearTimeout(timer));
  arm();
  return () => {
    clearTimeout(timer);
    socket.destroy();
  };
}
