import type { EmulatorEvent } from '../events.js';
import { corrupt, type OutputClock, PacedOutput, realClock } from '../fault-effects.js';
import { handOff } from '../login.js';
import { realScheduler, type Scheduler } from '../model/scheduler.js';
import type { LineSession, Terminal } from '../session.js';
import { IloFaultSet } from './faults.js';
import type { IloDevice } from './ilo-device.js';
import { type SmashClpPersonality, type SmashStatus, smashClp } from './smash-clp.js';

/**
 * One SMASH CLP session (`</>hpiLO-> `), as fence_ilo_ssh and fence_ilo_mp
 * drive it over SSH. The SSH front-end has already checked the password, so
 * the session starts logged in: it reports the 'login', prints the banner and
 * the prompt (the hand-off in emulator/login.ts, as on every emulated
 * terminal), then answers one command per line (lines from the front-end's
 * line decoder, src/line-assembler.ts). Every string comes from the
 * personality (smash-clp.ts); this file holds only the grammar and what each
 * command does to the device.
 *
 * Grammar: `verb [-option…] [target] [property…]`, words case-insensitive.
 * A target is absolute (`/system1`) or relative to `/` (`system1`); a
 * trailing `/` is ignored.
 *
 * | command | effect |
 * |---|---|
 * | `SMCLP`, empty line | the prompt again |
 * | `show [target] [property…]` | `/` or `/system1`, optionally only the named properties |
 * | `start /system1`, `power on` | on (after the device's transition) |
 * | `stop /system1`, `power off` | graceful off (after the transition) |
 * | `stop -f /system1`, `power off hard` | forced off (after the transition) |
 * | `reset /system1 [hard]`, `power reset` | off, then on (`IloDevice.cycle`) |
 * | `power` | `power: server power is currently: On` |
 * | `help`, `?` | the command list |
 * | `exit` | ends the session |
 *
 * A power command answers at once, as the iLO does; the state follows after the
 * device's `transitionSeconds`. No password ever reaches here.
 *
 * Faults (docs/ilo.md §6.2), read at the start and at each line and write:
 * - `stuck-relay` (`stuck-power`) is the device's: the command is acknowledged,
 *   nothing moves;
 * - `drop-after-login` hangs up right after the 'login' event, before the
 *   banner; `hang-after-login` stays, says nothing and acts on nothing;
 * - `hang`: nothing more is said or done (the SSH front-end has already
 *   taken the connection and the password);
 * - `slow`: every write leaves `SLOW_MS` late, in order, the hang-up after it;
 * - `garbled`: every write is noise, line ends kept, so no prompt matches.
 * The last three belong to the byte stream rather than to SMASH CLP: a
 * front-end that applies them itself turns them off here (`streamFaults`).
 * `refuse-login` is the device's (SSH refuses the password) and `busy` the
 * session limit's (unit.ts).
 *
 * **The `enabledstate=` line is written on its own, after a short pause.**
 * fence_ilo_ssh reads the pty 100 bytes at a time and tries `EnabledState=(.*)`
 * after each read, so a read that ends inside `enabledstate=enabled` yields a
 * cut value (`enab`), which it takes for "off". Where the 100-byte reads fall
 * depends on what came before (host name length, echo timing): with a 33-byte
 * host name, 3 status reads in 10 came back OFF while the server was on. A
 * pause before the property line lets the client drain what came first, so the
 * line starts a fresh read and arrives whole. Lines typed meanwhile wait.
 */
export interface SmashSessionOptions {
  /** The account the SSH front-end authenticated. */
  user: string;
  /** The iLO's clock, for the date line of each status block (the device has none). */
  now?: () => Date;
  /** The address the client connected to, for the banner's first line. */
  address?: string;
  personality?: SmashClpPersonality;
  /** Runs the pause before the `enabledstate=` line; the host's timers by default. */
  scheduler?: Scheduler;
  /** That pause, in ms (default 50); 0 writes everything at once. */
  statePauseMs?: number;
  /** The clock the `slow` fault waits on; the host's by default. */
  clock?: OutputClock;
  /**
   * Whether this session applies `hang`, `slow` and `garbled` itself (default
   * true). False when the front-end applies them to every byte stream it
   * carries, so that they act once.
   */
  streamFaults?: boolean;
}

type Power = 'on' | 'off' | 'force-off' | 'cycle';

const NO_FAULTS = new IloFaultSet();

export class SmashSession implements LineSession {
  private closed = false;
  private readonly p: SmashClpPersonality;
  private readonly now: () => Date;
  private readonly scheduler: Scheduler;
  private readonly statePauseMs: number;
  /** The rest of a reply, waiting for its pause to end. */
  private pending: { handle: unknown } | null = null;
  private readonly queue: { line: string; truncated: boolean }[] = [];
  /** Logged in under `hang-after-login`: silent from then on. */
  private hung = false;
  /** The terminal is gone (`end`): nothing more reaches it. */
  private gone = false;
  private readonly output: PacedOutput;
  private readonly streamFaults: boolean;

  constructor(
    private readonly device: IloDevice,
    private readonly terminal: Terminal,
    private readonly emit: (e: EmulatorEvent) => void,
    private readonly opts: SmashSessionOptions,
  ) {
    this.p = opts.personality ?? smashClp;
    this.now = opts.now ?? (() => new Date());
    this.scheduler = opts.scheduler ?? realScheduler;
    this.statePauseMs = opts.statePauseMs ?? 50;
    this.streamFaults = opts.streamFaults ?? true;
    this.output = new PacedOutput(this.streamFaults ? device.faults : NO_FAULTS, opts.clock ?? realClock);
  }

  /** Silent, whichever fault made it so. */
  private get mute(): boolean {
    return this.hung || (this.streamFaults && this.device.faults.has('hang'));
  }

  /** A reply is half written: the idle timer must wait, typed lines queue. */
  get busy(): boolean {
    return this.pending !== null;
  }

  start(): void {
    const host = {
      terminal: this.terminal,
      // The 'login' names the account SSH authenticated.
      emit: (e: EmulatorEvent) => this.emit(e.type === 'login' ? { ...e, user: this.opts.user } : e),
      dropAfterLogin: () => this.device.faults.has('drop-after-login'),
      close: (reason: string) => this.close(reason),
    };
    if (!handOff(host, 'admin')) return;
    if (this.device.faults.has('hang-after-login')) {
      this.hung = true;
      return;
    }
    const id = this.device.identity;
    const server = this.server;
    const lines = this.p.banner({
      user: this.opts.user,
      iloName: `ILO${server.serial}`,
      address: this.opts.address ?? null,
      license: id.license,
      firmware: id.firmware,
      firmwareDate: id.date,
      serverName: this.device.hostName,
      on: this.device.power === 'ON',
    });
    this.write(lines.map((l) => l + this.p.eol).join('') + this.p.prompt);
  }

  input(line: string, truncated = false): void {
    if (this.closed || this.mute) return;
    if (this.pending) {
      // Bounded, as a device's type-ahead buffer is.
      if (this.queue.length < 64) this.queue.push({ line, truncated });
      return;
    }
    this.command(line, truncated);
  }

  end(): void {
    this.closed = true;
    this.gone = true;
    this.output.clear();
    this.queue.length = 0;
    if (this.pending) this.scheduler.clearTimeout(this.pending.handle);
    this.pending = null;
  }

  private command(line: string, truncated: boolean): void {
    if (truncated) return this.reply(this.p.statuses.notRecognized);
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    const verb = (words[0] ?? '').toLowerCase();
    const args = words.slice(1);
    switch (verb) {
      case '':
      case 'smclp':
        return this.write(this.p.prompt);
      case 'exit':
        return this.close('logout');
      case 'help':
      case '?':
        return this.reply(this.p.statuses.completed, this.p.help);
      case 'show':
        return this.show(args);
      case 'start':
        return this.onSystem(args, [], () => 'on');
      case 'stop':
        return this.onSystem(args, ['-f', '-force'], (opts) => (opts.size > 0 ? 'force-off' : 'off'));
      case 'reset':
        return this.onSystem(args, ['hard', 'soft'], () => 'cycle');
      case 'power':
        return this.powerCommand(args);
      default:
        return this.reply(this.p.statuses.notRecognized);
    }
  }

  // --- commands ------------------------------------------------------------

  private show(args: string[]): void {
    const options = args.filter((a) => a.startsWith('-'));
    const [target, ...wanted] = args.filter((a) => !a.startsWith('-'));
    if (options.length > 0) return this.reply(this.p.statuses.invalidOption);
    const path = resolveTarget(target ?? '/');
    if (path === this.p.root.path) {
      if (wanted.length > 0) return this.reply(this.p.statuses.invalidOption);
      const root = this.p.root;
      return this.reply(this.p.statuses.completed, [
        root.path,
        '  Targets',
        ...root.targets.map((t) => `    ${t}`),
        '  Properties',
        '  Verbs',
        `    ${root.verbs}`,
      ]);
    }
    if (path !== this.p.system.path) return this.reply(this.p.statuses.invalidTarget);
    const all = this.p.system.properties({
      server: this.server,
      serverName: this.device.hostName,
      on: this.device.power === 'ON',
    });
    const names = wanted.map((w) => w.toLowerCase());
    if (names.some((n) => !all.some(([key]) => key === n))) return this.reply(this.p.statuses.invalidOption);
    const properties = names.length > 0 ? all.filter(([key]) => names.includes(key)) : all;
    this.reply(this.p.statuses.completed, [
      this.p.system.path,
      ...(names.length > 0 ? [] : ['  Targets', ...this.p.system.targets.map((t) => `    ${t}`)]),
      '  Properties',
      ...properties.map(([key, value]) => `    ${key}=${value}`),
      '  Verbs',
      `    ${this.p.system.verbs}`,
    ]);
  }

  /** `start|stop|reset [options] /system1 [words]`: only /system1 has power. */
  private onSystem(args: string[], allowed: string[], what: (given: Set<string>) => Power): void {
    const extras = args.filter((a) => a.startsWith('-') || !looksLikeTarget(a));
    const targets = args.filter((a) => !a.startsWith('-') && looksLikeTarget(a));
    const given = new Set(extras.map((a) => a.toLowerCase()));
    if ([...given].some((g) => !allowed.includes(g))) return this.reply(this.p.statuses.invalidOption);
    if (targets.length !== 1 || resolveTarget(targets[0] as string) !== this.p.system.path) {
      return this.reply(this.p.statuses.invalidTarget);
    }
    this.power(what(given));
  }

  /** HP's own `power` verb: `power`, `power on`, `power off [hard]`, `power reset`. */
  private powerCommand(args: string[]): void {
    const sub = args.map((a) => a.toLowerCase()).join(' ');
    switch (sub) {
      case '':
        return this.reply(this.p.statuses.completed, [this.p.text.currently(this.device.power === 'ON')]);
      case 'on':
        return this.power('on');
      case 'off':
        return this.power('off');
      case 'off hard':
        return this.power('force-off');
      case 'reset':
        return this.power('cycle');
      default:
        return this.reply(this.p.statuses.invalidOption);
    }
  }

  private power(what: Power): void {
    const t = this.p.text;
    const by = this.terminal.origin;
    const heading = this.device.target;
    switch (what) {
      case 'on':
        if (heading === 'ON') return this.reply(this.p.statuses.failed, [t.alreadyOn]);
        this.device.setPower('ON', by, this.opts.user);
        return this.reply(this.p.statuses.completed, [t.poweringOn]);
      case 'off':
      case 'force-off':
        if (heading === 'OFF') return this.reply(this.p.statuses.failed, [t.alreadyOff]);
        this.device.setPower('OFF', by, this.opts.user);
        return this.reply(this.p.statuses.completed, [what === 'off' ? t.poweringOff : t.forcingOff]);
      case 'cycle':
        this.device.cycle(by, this.opts.user);
        return this.reply(this.p.statuses.completed, [t.resetting]);
    }
  }

  // --- output --------------------------------------------------------------

  private get server() {
    return this.p.servers[this.device.model];
  }

  /**
   * A status block, then the output, then the prompt: a blank line,
   * `status=…`, `status_tag=…`, `error_tag=…` on failures, the date, blank
   * lines, the output lines, blank lines, the prompt. One write, except that
   * the `enabledstate=` line and what follows go out after the pause.
   */
  private reply(status: SmashStatus, lines: readonly string[] = []): void {
    const eol = this.p.eol;
    const head = [
      '',
      `status=${status.status}`,
      `status_tag=${status.tag}`,
      ...(status.error ? [`error_tag=${status.error}`] : []),
      this.p.date(this.now()),
      ...Array<string>(this.p.blanksAfterStatus).fill(''),
    ];
    const tail = lines.length > 0 ? [...lines, ...Array<string>(this.p.blanksAfterOutput).fill('')] : [];
    const all = [...head, ...tail];
    const text = (from: number, to?: number) =>
      all
        .slice(from, to)
        .map((l) => l + eol)
        .join('');
    const state = `${this.p.enabledState.name}=`;
    const cut = all.findIndex((l) => l.trimStart().startsWith(state));
    if (cut < 0 || this.statePauseMs <= 0) return this.write(text(0) + this.p.prompt);
    this.write(text(0, cut));
    this.pending = {
      handle: this.scheduler.setTimeout(() => {
        this.pending = null;
        this.write(text(cut) + this.p.prompt);
        this.drain();
      }, this.statePauseMs),
    };
  }

  /** Run the lines typed while a reply was paused. */
  private drain(): void {
    while (!this.closed && !this.pending && this.queue.length > 0) {
      const next = this.queue.shift() as { line: string; truncated: boolean };
      this.command(next.line, next.truncated);
    }
  }

  /** Out through the output faults: nothing while mute, noise while garbled, late while slow. */
  private write(text: string): void {
    if (this.closed || this.mute) return;
    const out = this.streamFaults ? corrupt(this.device.faults, text) : text;
    this.output.send(() => {
      if (!this.gone) this.terminal.write(out);
    });
  }

  /** Hang up once what was written has gone out. */
  private close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (this.pending) this.scheduler.clearTimeout(this.pending.handle);
    this.pending = null;
    this.output.send(() => {
      if (this.gone) return;
      this.end();
      this.terminal.close(reason);
    });
  }
}

/** `/system1`, `system1`, `/SYSTEM1/`, `/` → a lower-case absolute path. */
function resolveTarget(target: string): string {
  const parts = target
    .toLowerCase()
    .split('/')
    .filter((p) => p !== '');
  return `/${parts.join('/')}`;
}

/** A word is a target when it is a path, or names one of the root's children. */
function looksLikeTarget(word: string): boolean {
  return word.includes('/') || /^[a-z_]+\d+$/i.test(word);
}

/** SMASH CLP (`</>hpiLO-> `) as fence_ilo_ssh drives it, over SSH. */
export function createSmashSession(
  device: IloDevice,
  terminal: Terminal,
  emit: (e: EmulatorEvent) => void,
  opts: SmashSessionOptions,
): LineSession {
  return new SmashSession(device, terminal, emit, opts);
}
