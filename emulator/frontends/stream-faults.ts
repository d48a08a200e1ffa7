import type net from 'node:net';
import { corrupt, type OutputClock, PacedOutput, realClock } from '../fault-effects.js';

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
 * The last two are the same on every front-end (fault-effects.ts); what is the
 * byte streams' own is `hang` and putting the three together (`StreamOutput`).
 *
 * `busy` is the session limit's (session-limit.ts), `refuse-login`,
 * `hang-after-login` and `drop-after-login` the login's (emulator/login.ts),
 * and SSH's own authentication (ssh.ts).
 */
export type FaultSet = ReadonlySet<string>;

/**
 * What a session writes, on its way to the transport, with the output faults
 * applied: dropped while `hang` is on, garbled while `garbled` is, held
 * `SLOW_MS` while `slow` is (fault-effects.ts). Order is kept: a part that
 * needs no delay still waits for a slow one written before it, and so does the
 * hang-up (`after`).
 */
export class StreamOutput {
  private readonly paced: PacedOutput;

  constructor(
    private readonly faults: FaultSet,
    private readonly send: (text: string) => void,
    clock: OutputClock = realClock,
  ) {
    this.paced = new PacedOutput(faults, clock);
  }

  get hung(): boolean {
    return this.faults.has('hang');
  }

  write(text: string): void {
    if (text === '' || this.hung) return;
    const out = corrupt(this.faults, text);
    this.paced.send(() => this.send(out));
  }

  /** Run `fn` once what was written before it has left (a hang-up after the last words). */
  after(fn: () => void): void {
    this.paced.send(fn);
  }

  /** The transport is gone: drop what is still waiting. */
  clear(): void {
    this.paced.clear();
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
