import type { EmulatorEvent } from '../events.js';
import { LoginDialog } from '../login.js';
import type { SwitchAction } from '../model/outlet-bank.js';
import type { LineSession, Terminal } from '../session.js';
import type { ApcDevice, ApcRole } from './apc-device.js';
import type { CliPersonality } from './cli-v64.js';
import { type CardClock, cardDate, cardTime, cardUptime } from './clock.js';

/**
 * One session on the AOS v6 `apc>` command line. It reads whole lines (the
 * front-end's line decoder assembles and echoes them), logs in through the
 * shared login (emulator/login.ts), answers each command with an E-code and
 * data, and renders every string from its personality.
 */
export interface ApcCliSessionOptions {
  login: boolean;
  user?: string;
  clock: CardClock;
}

type State =
  /** User Name and Password (LoginDialog). */
  { kind: 'login' } | { kind: 'command' } | { kind: 'stalled' } | { kind: 'closed' };

interface Command {
  run(session: ApcCliSession, args: string): void;
}

/** The command grammar: a word, then arguments; words case-insensitive. */
const COMMANDS: Record<string, Command> = {
  '?': { run: (s) => s.help() },
  help: { run: (s) => s.help() },
  whoami: { run: (s) => s.whoami() },
  olstatus: { run: (s, args) => s.status(args) },
  olon: { run: (s, args) => s.switchOutlets('on', args) },
  oloff: { run: (s, args) => s.switchOutlets('off', args) },
  olreboot: { run: (s, args) => s.switchOutlets('boot', args) },
};

export class ApcCliSession implements LineSession {
  private state: State = { kind: 'closed' };
  private readonly login: LoginDialog<{ name: string; role: ApcRole }>;
  private user = '';

  constructor(
    private readonly device: ApcDevice,
    private readonly terminal: Terminal,
    emit: (e: EmulatorEvent) => void,
    private readonly p: CliPersonality,
    private readonly opts: ApcCliSessionOptions,
  ) {
    this.login = new LoginDialog(p.login, {
      terminal,
      emit,
      write: (text) => this.write(text),
      close: (reason) => this.close(reason),
      setSecret: (on) => terminal.setSecret(on),
      verify: (name, password) => device.authenticate(name, password),
      mode: (user) => (user.role === 'admin' ? 'admin' : 'user'),
      userName: (user) => user.name,
      faults: device.faults,
      loggedIn: (user) => this.loggedIn(user.name, user.role),
    });
  }

  get busy(): boolean {
    return this.state.kind === 'stalled';
  }

  start(): void {
    if (this.opts.login) {
      this.state = { kind: 'login' };
      this.login.start();
      return;
    }
    const name = this.opts.user ?? this.device.users[0]?.name ?? '';
    this.login.grant({ name, role: this.device.users.find((u) => u.name === name)?.role ?? 'admin' });
  }

  input(line: string, truncated = false): void {
    switch (this.state.kind) {
      case 'login':
        return this.login.input(line);
      case 'command':
        return truncated ? this.reply([this.p.codes.commandLine]) : this.command(line.trim());
      default:
        return;
    }
  }

  end(): void {
    this.state = { kind: 'closed' };
  }

  private write(text: string): void {
    if (this.state.kind !== 'closed') this.terminal.write(text);
  }

  private close(reason: string): void {
    this.state = { kind: 'closed' };
    this.terminal.close(reason);
  }

  private loggedIn(name: string, role: ApcRole): void {
    this.user = name;
    this.state = { kind: 'command' };
    const now = this.opts.clock.now();
    const id = this.device.identity;
    this.write(
      this.p.banner({
        name: id.name,
        contact: id.contact,
        location: id.location,
        user: this.p.roleLabel[role],
        date: cardDate(now),
        time: cardTime(now),
        upTime: cardUptime(this.opts.clock.startedAt, now),
      }) +
        this.p.eol +
        this.p.prompt,
    );
  }

  // --- commands ------------------------------------------------------------

  private command(text: string): void {
    if (text === '') return this.write(this.p.prompt);
    const m = /^(\S+)\s*(.*)$/.exec(text);
    const word = (m?.[1] ?? '').toLowerCase();
    if (this.p.exitWords.includes(word)) {
      this.write(`${this.p.bye}${this.p.eol}`);
      return this.close('logout');
    }
    const command = COMMANDS[word];
    if (!command) return this.reply([this.p.codes.notFound]);
    command.run(this, m?.[2] ?? '');
  }

  /** Lines, then a blank line and the prompt. */
  private reply(lines: readonly string[]): void {
    const eol = this.p.eol;
    this.write(`${lines.map((l) => l + eol).join('')}${eol}${this.p.prompt}`);
  }

  help(): void {
    this.reply([this.p.codes.success, ...this.p.help]);
  }

  whoami(): void {
    this.reply([this.p.codes.success, this.user]);
  }

  status(args: string): void {
    const plugs = this.outlets(args);
    if (!plugs) return this.reply([this.p.codes.parameter]);
    const rows = plugs.map((n) => {
      const o = this.device.bank.get(n);
      return this.p.statusRow(n, o?.name ?? this.p.unnamed(n), o?.state === 'ON');
    });
    if (this.device.faults.has('stall-mid-screen')) {
      const eol = this.p.eol;
      const all = [this.p.codes.success, ...rows].map((l) => l + eol).join('');
      this.write(all.slice(0, Math.floor(all.length / 2)));
      this.state = { kind: 'stalled' };
      return;
    }
    this.reply([this.p.codes.success, ...rows]);
  }

  switchOutlets(action: SwitchAction, args: string): void {
    const plugs = this.outlets(args);
    if (!plugs) return this.reply([this.p.codes.parameter]);
    // A stuck relay (stuck-relay) is the bank's to find: acknowledged as usual.
    void this.device.bank.switch(plugs, action, this.terminal.origin, this.user);
    this.reply([this.p.codes.success]);
  }

  /**
   * `all`, `3`, `1,3`, `1-3`, or an outlet name (case-insensitive), mixed by
   * commas; null when any part names no outlet [unverified: the card's exact rules].
   */
  private outlets(args: string): number[] | null {
    const bank = this.device.bank;
    const spec = args.trim();
    if (spec === '') return null;
    const out = new Set<number>();
    for (const raw of spec.split(',')) {
      const part = raw.trim();
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
      if (part.toLowerCase() === 'all') {
        for (const o of bank.all()) out.add(o.number);
      } else if (/^\d+$/.test(part)) {
        const n = Number(part);
        if (!bank.get(n)) return null;
        out.add(n);
      } else if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (from > to || !bank.get(from) || !bank.get(to)) return null;
        for (let n = from; n <= to; n++) out.add(n);
      } else {
        const named = bank
          .all()
          .filter((o) => (o.name ?? this.p.unnamed(o.number)).toLowerCase() === part.toLowerCase());
        if (named.length === 0) return null;
        for (const o of named) out.add(o.number);
      }
    }
    return [...out].sort((a, b) => a - b);
  }
}
