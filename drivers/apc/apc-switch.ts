import { type BusyRetryOptions, openWithBusyRetry } from '../../src/busy-retry.js';
import type { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { AuthError, ProtocolError, UsageError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PlugInfo, PowerState, PowerSwitch } from '../../src/power-switch.js';
import { cutReply, emitProgress, type ProgressListener } from '../../src/progress.js';
import type { Transcript } from '../../src/transcript.js';
import type { ByteStream } from '../../src/transport/byte-stream.js';
import { connectTelnet } from '../../src/transport/telnet.js';
import { APC, type ApcMode } from './dialect.js';
import { parseCliOutlets, parseMenuOutlets } from './outlet-list.js';

/**
 * The APC driver for the card's text interfaces: the numbered menu (AOS
 * v2/v3) and the `apc>` command line (AOS v5 and later), chosen from the
 * banner's version as fence_apc chooses, over telnet or any other byte stream
 * (SSH). One session per operation: the card takes few sessions at a time.
 */
export interface ApcOptions {
  /** Telnet: host and port (default 23). */
  host?: string;
  port?: number;
  /** Any other transport, e.g. SSH: called once per session. */
  connect?: (deadline: Deadline) => Promise<ByteStream>;
  /** The transport has already authenticated (SSH): the card starts at its banner. */
  preAuthenticated?: boolean;
  username?: string;
  password?: string;
  /** `auto` (default) reads the AOS version from the banner. */
  mode?: ApcMode | 'auto';
  timeoutMs?: number;
  /** Cap on one prompt wait (default 10 s). */
  promptTimeoutMs?: number;
  /** Cap on the wait after a YES or an olOn/olOff (default 30 s). */
  powerTimeoutMs?: number;
  busyRetry?: BusyRetryOptions;
  /** Every byte exchanged, passwords masked: a debug aid, worded freely. */
  transcript?: Transcript;
  /** Typed progress (connecting, logged-in, command-sent, read-back, …): what callers decide from. */
  progress?: ProgressListener;
}

export interface ApcSwitch extends PowerSwitch {
  /** The interface the last session used. */
  readonly mode: ApcMode | undefined;
}

export function createApcSwitch(opts: ApcOptions): ApcSwitch {
  const backend = new ApcBackend(opts);
  return Object.defineProperty(new Fencer(backend, { timeoutMs: opts.timeoutMs, progress: opts.progress }), 'mode', {
    get: () => backend.mode,
    enumerable: true,
  }) as unknown as ApcSwitch;
}

class ApcBackend implements PlugBackend {
  mode: ApcMode | undefined;
  private readonly connect: (deadline: Deadline) => Promise<ByteStream>;
  /** The card, as progress events name it. */
  private readonly target: string;

  constructor(private readonly opts: ApcOptions) {
    if ((opts.host === undefined) === (opts.connect === undefined))
      throw new UsageError('give exactly one of host or connect');
    if (opts.connect) {
      this.connect = opts.connect;
      this.target = 'custom transport';
    } else {
      const host = opts.host as string;
      const port = opts.port ?? 23;
      this.target = `telnet ${host}:${port}`;
      this.connect = (deadline) =>
        connectTelnet({ host, port, timeoutMs: deadline.phase('connect', 10_000), signal: deadline.signal });
    }
  }

  async withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    let mode = 'menu' as ApcMode;
    const { transcript, progress } = this.opts;
    const report = { transcript, progress, target: this.target };
    const dialog = await openWithBusyRetry(deadline, this.opts.busyRetry, report, async (track, attempt) => {
      const d = new Dialog(await this.connect(deadline), transcript);
      track(d);
      emitProgress(progress, { type: 'connected', target: this.target });
      mode = await this.login(d, deadline, attempt);
      return d;
    });
    this.mode = mode;
    const session = mode === 'cli' ? new CliSession(dialog, this.opts) : new MenuSession(dialog, this.opts);
    try {
      return await work(session);
    } finally {
      const open = !dialog.closed;
      if (open) session.logout();
      await dialog.stream.close();
      emitProgress(progress, { type: 'disconnected', reason: open ? 'logout' : 'closed' });
    }
  }

  async close(): Promise<void> {}

  /** Log in (unless SSH did), and tell the menu from the command line. */
  private async login(dialog: Dialog, deadline: Deadline, attempt: number): Promise<ApcMode> {
    const progress = this.opts.progress;
    const timeoutMs = this.opts.promptTimeoutMs ?? 10_000;
    const prompts = [APC.menuPrompt, APC.cliPrompt];
    let r: Awaited<ReturnType<Dialog['expect']>>;
    if (this.opts.preAuthenticated) {
      r = await dialog.expect(prompts, { phase: 'prompt after login', deadline, timeoutMs });
    } else {
      if (this.opts.username === undefined || this.opts.password === undefined) {
        throw new AuthError('the card asks for a user name and a password; give both');
      }
      await dialog.expect([APC.userPrompt], { phase: 'login prompt', deadline, timeoutMs });
      dialog.send(`${this.opts.username}${APC.enter}`);
      emitProgress(progress, { type: 'credentials-sent', field: 'username' });
      await dialog.expect([APC.passwordPrompt], { phase: 'password prompt', deadline, timeoutMs });
      dialog.send(`${this.opts.password}${APC.enter}`, { secret: true });
      emitProgress(progress, { type: 'credentials-sent', field: 'password' });
      r = await dialog.expect([...prompts, APC.userPrompt], { phase: 'prompt after login', deadline, timeoutMs });
      if (r.index === 2) {
        // The card shows the login prompt again, after what it says of the failure.
        const reply = r.before.trim();
        emitProgress(progress, { type: 'login-refused', reply: cutReply(reply), attempt });
        throw new AuthError('the card rejected the user name or password', { reply });
      }
    }
    emitProgress(progress, { type: 'logged-in', prompt: r.match[0].trim() });
    if (this.opts.mode && this.opts.mode !== 'auto') return this.opts.mode;
    if (r.index === 1) return 'cli';
    const version = APC.version.exec(r.before);
    return version && Number(version[1]) >= 5 ? 'cli' : 'menu';
  }
}

interface ApcSession extends PlugSession {
  logout(): void;
}

class MenuSession implements ApcSession {
  constructor(
    private readonly dialog: Dialog,
    private readonly opts: ApcOptions,
  ) {}

  private prompt(deadline: Deadline, phase: string, timeoutMs = this.opts.promptTimeoutMs ?? 10_000) {
    return this.dialog.expect([APC.menuPrompt], { phase, deadline, timeoutMs });
  }

  private choose(item: string): void {
    this.dialog.send(`${item}${APC.enter}`);
  }

  /** Back to the Control Console from anywhere: Ctrl-C, then its prompt. */
  private async top(deadline: Deadline): Promise<void> {
    this.dialog.send(APC.ctrlC);
    await this.prompt(deadline, 'Control Console');
  }

  /**
   * Control Console → Device Manager → the outlet list; returns the whole
   * (paged) list. The AP9211 MasterSwitch has no Device Manager: its `1`
   * ("Device Control") lists the outlets at once.
   */
  private async outletList(deadline: Deadline): Promise<string> {
    const timeoutMs = this.opts.promptTimeoutMs ?? 10_000;
    const page = (phase: string) => this.dialog.expect([APC.menuPrompt, APC.pager], { phase, deadline, timeoutMs });
    this.choose('1');
    let r = await page('Device Manager');
    if (r.index === 0 && !APC.outletRow.test(r.before)) {
      const manager = r.before;
      if (APC.outletMenus.v3.test(manager)) {
        this.choose('2');
        await this.prompt(deadline, 'Outlet Management');
        this.choose('1');
      } else {
        const entry = APC.outletMenus.v2Admin.exec(manager) ?? APC.outletMenus.v2User.exec(manager);
        if (!entry) throw new ProtocolError('the Device Manager offers no outlet control');
        this.choose(entry[1] as string);
      }
      r = await page('outlet list');
    }
    let screen = r.before;
    for (let pages = 1; r.index !== 0; pages++) {
      if (pages >= 16) throw new ProtocolError('the outlet list ran past 16 pages');
      this.dialog.send(APC.enter);
      r = await page('outlet list');
      screen += r.before;
    }
    return screen;
  }

  async readPlugs(deadline: Deadline): Promise<PlugInfo[]> {
    const outlets = parseMenuOutlets(await this.outletList(deadline));
    await this.top(deadline);
    return outlets;
  }

  async setPlugs(plugs: readonly number[], state: PowerState, deadline: Deadline): Promise<void> {
    const powerMs = this.opts.powerTimeoutMs ?? 30_000;
    for (const plug of plugs) {
      await this.outletList(deadline);
      this.choose(String(plug));
      const screen = (await this.prompt(deadline, `outlet ${plug}`)).before;
      if (APC.controlOutlet.test(screen)) {
        this.choose('1');
        await this.prompt(deadline, `control of outlet ${plug}`);
      }
      this.choose(state === 'on' ? APC.immediateOn : APC.immediateOff);
      await this.dialog.expect([APC.confirmYes], {
        phase: `confirmation of outlet ${plug}`,
        deadline,
        timeoutMs: powerMs,
      });
      this.dialog.send(`${APC.yes}${APC.enter}`);
      await this.dialog.expect([APC.pager], { phase: `outlet ${plug} ${state}`, deadline, timeoutMs: powerMs });
      this.dialog.send(APC.enter);
      await this.prompt(deadline, `outlet ${plug}`, powerMs);
      await this.top(deadline);
    }
  }

  logout(): void {
    this.dialog.send(APC.ctrlC);
    this.choose(APC.logoutItem);
  }
}

class CliSession implements ApcSession {
  constructor(
    private readonly dialog: Dialog,
    private readonly opts: ApcOptions,
  ) {}

  private async command(
    text: string,
    deadline: Deadline,
    timeoutMs: number,
    plugs?: readonly number[],
  ): Promise<string> {
    this.dialog.send(`${text}${APC.enter}`);
    const r = await this.dialog.expect([APC.cliPrompt], { phase: `prompt after ${text}`, deadline, timeoutMs });
    const result = APC.cli.result.exec(r.before);
    if (result && result[1] !== '000') {
      const reply = `E${result[1]}: ${result[2]}`;
      throw new ProtocolError(`the card answered ${text} with ${cutReply(reply)}`, {
        reply,
        deviceStatus: `E${result[1]}`,
        plugs,
      });
    }
    return r.before;
  }

  async readPlugs(deadline: Deadline): Promise<PlugInfo[]> {
    return parseCliOutlets(await this.command(APC.cli.status, deadline, this.opts.promptTimeoutMs ?? 10_000));
  }

  async setPlugs(plugs: readonly number[], state: PowerState, deadline: Deadline): Promise<void> {
    for (const plug of plugs) {
      const text = state === 'on' ? APC.cli.on(plug) : APC.cli.off(plug);
      await this.command(text, deadline, this.opts.powerTimeoutMs ?? 30_000, [plug]);
    }
  }

  logout(): void {
    this.dialog.send(`${APC.cli.logout}${APC.enter}`);
  }
}
