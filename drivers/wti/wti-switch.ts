import { type BusyRetryOptions, openWithBusyRetry } from '../../src/busy-retry.js';
import type { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { AuthError, ProtocolError, UsageError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PlugInfo, PowerState, PowerSwitch } from '../../src/power-switch.js';
import { cutReply, emitProgress, type ProgressListener } from '../../src/progress.js';
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
  busyRetry?: BusyRetryOptions;
  /** Every byte exchanged, passwords masked: a debug aid, worded freely. */
  transcript?: Transcript;
  /** Typed progress (connecting, logged-in, command-sent, read-back, …): what callers decide from. */
  progress?: ProgressListener;
}

export interface WtiSwitch extends PowerSwitch {
  /** The family the last session's prompt showed (IPS, NPS, …). */
  readonly family: WtiFamily | undefined;
}

export function createWtiSwitch(opts: WtiOptions): WtiSwitch {
  const backend = new WtiBackend(opts);
  const fencer = new Fencer(backend, { timeoutMs: opts.timeoutMs, progress: opts.progress });
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
  /** The unit, as progress events name it. */
  private readonly target: string;

  constructor(private readonly opts: WtiOptions) {
    const given = [opts.host !== undefined, opts.serial !== undefined, opts.connect !== undefined].filter(Boolean);
    if (given.length !== 1) throw new UsageError('give exactly one of host, serial or connect');
    this.wake = opts.serial !== undefined;
    if (opts.connect) {
      this.connect = opts.connect;
      this.target = 'custom transport';
    } else if (opts.serial !== undefined) {
      const serial = typeof opts.serial === 'string' ? { path: opts.serial } : opts.serial;
      this.connect = () => openSerial(serial);
      this.target = `serial ${serial.path}`;
    } else {
      const host = opts.host as string;
      const port = opts.port ?? 23;
      this.target = `telnet ${host}:${port}`;
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
      const open = !dialog.closed;
      if (open) dialog.send(`${WTI.logout}${WTI.lineEnd}`);
      await dialog.stream.close();
      emitProgress(this.opts.progress, { type: 'disconnected', reason: open ? 'logout' : 'closed' });
    }
  }

  async close(): Promise<void> {}

  /** Connect and log in, retrying while the unit turns us away because another session holds it. */
  private login(deadline: Deadline): Promise<Dialog> {
    const { transcript, progress } = this.opts;
    return openWithBusyRetry(
      deadline,
      this.opts.busyRetry,
      { transcript, progress, target: this.target },
      async (track, attempt) => {
        const dialog = new Dialog(await this.connect(deadline), transcript);
        track(dialog);
        emitProgress(progress, { type: 'connected', target: this.target });
        if (this.wake) dialog.send(WTI.lineEnd);
        await this.authenticate(dialog, deadline, attempt);
        return dialog;
      },
    );
  }

  private async authenticate(dialog: Dialog, deadline: Deadline, attempt: number): Promise<void> {
    const promptMs = this.opts.promptTimeoutMs ?? 10_000;
    const progress = this.opts.progress;
    const wait = (patterns: RegExp[], phase: string) =>
      dialog.expect(patterns, { phase, deadline, timeoutMs: promptMs });
    const refused = (message: string, reply: string): AuthError => {
      emitProgress(progress, { type: 'login-refused', reply: cutReply(reply), attempt });
      return new AuthError(message, { reply });
    };
    let r = await wait([WTI.loginPrompt, WTI.passwordPrompt, WTI.prompt], 'login prompt');
    if (r.index === 0) {
      if (this.opts.username === undefined) throw new AuthError('the unit asks for a user name; none was given');
      dialog.send(`${this.opts.username}${WTI.lineEnd}`);
      emitProgress(progress, { type: 'credentials-sent', field: 'username' });
      r = await wait([WTI.passwordPrompt, WTI.prompt, WTI.loginPrompt, WTI.invalidPassword], 'password prompt');
      if (r.index >= 2) throw refused('the unit rejected the user name', r.match[0]);
      r = { ...r, index: r.index + 1 };
    }
    if (r.index === 1) {
      if (this.opts.password === undefined) throw new AuthError('the unit asks for a password; none was given');
      dialog.send(`${this.opts.password}${WTI.lineEnd}`, { secret: true });
      emitProgress(progress, { type: 'credentials-sent', field: 'password' });
      r = await wait([WTI.prompt, WTI.invalidPassword, WTI.passwordPrompt, WTI.loginPrompt], 'prompt after login');
      if (r.index !== 0) throw refused('the unit rejected the password', r.match[0]);
    }
    this.family = r.match[1] as WtiFamily;
    emitProgress(progress, { type: 'logged-in', prompt: r.match[0].trim() });
    // The prompt may come after the first status screen: read on from a clean slate.
    dialog.discard();
  }
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
      // A prompt with nothing before it is not the answer to /S but a stray one, left by
      // an extra Enter (a password ending in CR, from a CRLF config file): read on.
      if (r.index === 0 && screen.trim() === '') continue;
      if (r.index === 0) return parseStatusTable(screen);
      this.dialog.send(WTI.lineEnd);
    }
    throw new ProtocolError(`the status screen ran past ${MAX_PAGES} pages`);
  }

  async setPlugs(plugs: readonly number[], state: PowerState, deadline: Deadline): Promise<void> {
    const command = WTI.switch(state, plugs);
    this.dialog.send(`${command}${WTI.lineEnd}`);
    const timeoutMs = this.opts.powerTimeoutMs ?? 60_000;
    let r = await this.dialog.expect([WTI.prompt, WTI.confirm], {
      phase: `prompt after ${command}`,
      deadline,
      timeoutMs,
    });
    if (r.index === 1) {
      // Firmware that ignores ",Y" still asks.
      this.dialog.send(`${WTI.yes}${WTI.lineEnd}`);
      r = await this.dialog.expect([WTI.prompt], { phase: `prompt after ${command}`, deadline, timeoutMs });
    }
    const refusal = WTI.refusal.exec(r.before);
    if (refusal) {
      const reply = refusal[0].trim();
      throw new ProtocolError(`the unit answered ${command} with "${cutReply(reply)}"`, { plugs, reply });
    }
  }
}
