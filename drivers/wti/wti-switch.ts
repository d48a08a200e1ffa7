import type { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { AuthError, BusyError, ConnectionError, ProtocolError, UsageError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PlugInfo, PowerState, PowerSwitch } from '../../src/power-switch.js';
import type { Transcript } from '../../src/transcript.js';
import type { ByteStream } from '../../src/transport/byte-stream.js';
import { openSerial, type SerialOptions } from '../../src/transport/serial.js';
import { connectTelnet } from '../../src/transport/telnet.js';
import { MAX_PAGES, WTI, type WtiFamily } from './dialect.js';
import { parseStatusTable } from './status-table.js';

/**
 * The WTI driver: one session per operation (the unit takes one session at a
 * time, so we never hold it longer than a command needs), password or user
 * name + password login, the /S table, /ON and /OFF with ",Y", and /X.
 */
export interface WtiOptions {
  /** Telnet: host and port (default 23). */
  host?: string;
  port?: number;
  /** Serial instead of telnet: a device path ("/dev/ttyS0", "/dev/ttyS0@9600") or full settings. */
  serial?: string | SerialOptions;
  /** Any other transport (tests, SSH): called once per session. */
  connect?: (deadline: Deadline) => Promise<ByteStream>;
  username?: string;
  password?: string;
  /** Budget of one operation (default 60 s). */
  timeoutMs?: number;
  /** Cap on one prompt wait (default 10 s). */
  promptTimeoutMs?: number;
  /** Cap on the wait for the prompt after a switching command, which the unit holds through boot delays (default 60 s). */
  powerTimeoutMs?: number;
  /** While the unit is busy with another session: retry, doubling the pause from `initialMs` to `maxMs`. */
  busyRetry?: { initialMs?: number; maxMs?: number };
  /** Every byte exchanged, passwords masked. */
  transcript?: Transcript;
}

export interface WtiSwitch extends PowerSwitch {
  /** The family the last session's prompt showed (IPS, NPS, …). */
  readonly family: WtiFamily | undefined;
}

export function createWtiSwitch(opts: WtiOptions): WtiSwitch {
  const backend = new WtiBackend(opts);
  const fencer = new Fencer(backend, { timeoutMs: opts.timeoutMs });
  return Object.defineProperty(fencer, 'family', {
    get: () => backend.family,
    enumerable: true,
  }) as unknown as WtiSwitch;
}

class WtiBackend implements PlugBackend {
  family: WtiFamily | undefined;
  private readonly connect: (deadline: Deadline) => Promise<ByteStream>;
  /** A serial console says nothing until a key is pressed. */
  private readonly wake: boolean;

  constructor(private readonly opts: WtiOptions) {
    const given = [opts.host !== undefined, opts.serial !== undefined, opts.connect !== undefined].filter(Boolean);
    if (given.length !== 1) throw new UsageError('give exactly one of host, serial or connect');
    this.wake = opts.serial !== undefined;
    if (opts.connect) this.connect = opts.connect;
    else if (opts.serial !== undefined) {
      const serial = typeof opts.serial === 'string' ? { path: opts.serial } : opts.serial;
      this.connect = () => openSerial(serial);
    } else {
      const host = opts.host as string;
      const port = opts.port ?? 23;
      this.connect = (deadline) =>
        connectTelnet({ host, port, timeoutMs: deadline.phase('connect', 10_000), signal: deadline.signal });
    }
  }

  async withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    const dialog = await this.login(deadline);
    try {
      return await work(new WtiSession(dialog, this.opts));
    } finally {
      // Log out so the unit frees its only session at once rather than at its idle timeout.
      if (!dialog.closed) dialog.send(`${WTI.logout}${WTI.lineEnd}`);
      await dialog.stream.close();
    }
  }

  async close(): Promise<void> {}

  /** Connect and log in, retrying while the unit turns us away because another session holds it. */
  private async login(deadline: Deadline): Promise<Dialog> {
    const initial = this.opts.busyRetry?.initialMs ?? 250;
    const max = this.opts.busyRetry?.maxMs ?? 2000;
    let pause = initial;
    let attempts = 0;
    let busySeen = false;
    for (;;) {
      attempts++;
      let dialog: Dialog | undefined;
      try {
        const stream = await this.connect(deadline);
        dialog = new Dialog(stream, this.opts.transcript);
        if (this.wake) dialog.send(WTI.lineEnd);
        await this.authenticate(dialog, deadline);
        return dialog;
      } catch (err) {
        await dialog?.stream.close();
        const busy = isBusy(err, dialog);
        if (!busy) throw err;
        busySeen ||= !(err instanceof ConnectionError && /ECONNREFUSED/.test(String(err.message)));
        if (deadline.remaining() <= pause) {
          const why = busySeen
            ? `the unit turned away ${attempts} connection${attempts > 1 ? 's' : ''}: another session holds it`
            : `the connection was refused ${attempts} time${attempts > 1 ? 's' : ''}`;
          const last = err instanceof Error ? `; last: ${err.message}` : '';
          throw busySeen ? new BusyError(why + last, { cause: err }) : new ConnectionError(why + last, { cause: err });
        }
        this.opts.transcript?.('note', `busy, retrying in ${pause} ms`);
        await deadline.sleep(pause);
        pause = Math.min(pause * 2, max);
      }
    }
  }

  private async authenticate(dialog: Dialog, deadline: Deadline): Promise<void> {
    const promptMs = this.opts.promptTimeoutMs ?? 10_000;
    const wait = (patterns: RegExp[], phase: string) =>
      dialog.expect(patterns, { phase, deadline, timeoutMs: promptMs });
    let r = await wait([WTI.loginPrompt, WTI.passwordPrompt, WTI.prompt], 'login prompt');
    if (r.index === 0) {
      if (this.opts.username === undefined) throw new AuthError('the unit asks for a user name; none was given');
      dialog.send(`${this.opts.username}${WTI.lineEnd}`);
      r = await wait([WTI.passwordPrompt, WTI.prompt, WTI.loginPrompt, WTI.invalidPassword], 'password prompt');
      if (r.index >= 2) throw new AuthError('the unit rejected the user name');
      r = { ...r, index: r.index + 1 };
    }
    if (r.index === 1) {
      if (this.opts.password === undefined) throw new AuthError('the unit asks for a password; none was given');
      dialog.send(`${this.opts.password}${WTI.lineEnd}`, { secret: true });
      r = await wait([WTI.prompt, WTI.invalidPassword, WTI.passwordPrompt, WTI.loginPrompt], 'prompt after login');
      if (r.index !== 0) throw new AuthError('the unit rejected the password');
    }
    this.family = r.match[1] as WtiFamily;
    // The prompt may come after the first status screen: read on from a clean slate.
    dialog.discard();
  }
}

/** A line closed before the unit said a word, or refused at once, is the unit being busy. */
function isBusy(err: unknown, dialog: Dialog | undefined): boolean {
  if (!(err instanceof ConnectionError)) return false;
  if (dialog === undefined) return /ECONNREFUSED|ECONNRESET/.test(err.message);
  return !dialog.receivedAny;
}

class WtiSession implements PlugSession {
  constructor(
    private readonly dialog: Dialog,
    private readonly opts: WtiOptions,
  ) {}

  async readPlugs(deadline: Deadline): Promise<PlugInfo[]> {
    this.dialog.send(`${WTI.status}${WTI.lineEnd}`);
    let screen = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await this.dialog.expect([WTI.prompt, WTI.paging], {
        phase: 'prompt after /S',
        deadline,
        timeoutMs: this.opts.promptTimeoutMs ?? 10_000,
      });
      screen += r.before;
      if (r.index === 0) return parseStatusTable(screen);
      this.dialog.send(WTI.lineEnd);
    }
    throw new ProtocolError(`the status screen ran past ${MAX_PAGES} pages`);
  }

  async setPlugs(plugs: readonly number[], state: PowerState, deadline: Deadline): Promise<void> {
    const command = WTI.switch(state, plugs);
    this.dialog.send(`${command}${WTI.lineEnd}`);
    const timeoutMs = this.opts.powerTimeoutMs ?? 60_000;
    let r = await this.dialog.expect([WTI.prompt, WTI.confirm], { phase: `prompt after ${command}`, deadline, timeoutMs });
    if (r.index === 1) {
      // Firmware that ignores ",Y" still asks.
      this.dialog.send(`${WTI.yes}${WTI.lineEnd}`);
      r = await this.dialog.expect([WTI.prompt], { phase: `prompt after ${command}`, deadline, timeoutMs });
    }
    const refusal = WTI.refusal.exec(r.before);
    if (refusal) throw new ProtocolError(`the unit answered ${command} with "${refusal[0].trim()}"`);
  }
}

