import type { EmulatorEvent } from '../events.js';
import { LoginDialog, type LoginTexts } from '../login.js';
import type { SwitchAction } from '../model/outlet-bank.js';
import type { LineSession, Terminal } from '../session.js';
import { NAME_MAX, type WtiTexts } from './personality.js';
import { resolvePlugList } from './plug-list.js';
import { helpScreen, type MenuItem, menuScreen, statusScreen } from './screens.js';
import type { Access, WtiDevice } from './wti-device.js';

/**
 * One session on the WTI menu, whichever front-end carries it. It reads whole
 * lines (the front-end's line decoder, src/line-assembler.ts, makes them),
 * writes text, and knows nothing of sockets, serial lines or time. The
 * password prompt is the shared login (emulator/login.ts) with the texts of
 * `wtiLogin`.
 */
export interface MenuSessionOptions {
  /** Wrong passwords before the unit hangs up [inferred: the real count is unknown]. */
  maxLoginTries?: number;
  /** Lines typed ahead while a command runs are kept, up to this many. */
  maxQueuedLines?: number;
}

type Mode =
  | { kind: 'login' }
  | { kind: 'command' }
  | { kind: 'confirm'; then: () => void }
  | { kind: 'menu'; title: string; items: () => MenuItem[] }
  | { kind: 'menu-value'; title: string; items: () => MenuItem[]; item: MenuItem };

const EOL = '\r\n';
/** Stands for a line that overflowed the line buffer: no command, password or answer matches it. */
const OVERLONG = '\u0000';

interface Command {
  /** Needs the system password (plug-password users may only switch their plugs). */
  admin?: boolean;
  run(session: WtiMenuSession, args: string): void;
}

/** The command grammar: `/WORD args`, words case-insensitive. /SG is absent: the IPS-800 has no groups. */
const COMMANDS: Record<string, Command> = {
  S: { run: (s) => s.showStatus() },
  H: { run: (s) => s.showHelp() },
  G: { admin: true, run: (s) => s.openGeneralMenu() },
  P: { admin: true, run: (s, args) => s.openPlugMenu(args) },
  D: { admin: true, run: (s, args) => s.confirmThen(args, () => s.applyDefaults()) },
  ON: { run: (s, args) => s.switchPlugs('on', args) },
  OFF: { run: (s, args) => s.switchPlugs('off', args) },
  BOOT: { run: (s, args) => s.switchPlugs('boot', args) },
  BO: { run: (s, args) => s.switchPlugs('boot', args) },
  X: { run: (s, args) => s.confirmThen(args, () => s.logout()) },
};

/**
 * The WTI login as data: no user name, `Password: ` on a fresh line, and
 * "Invalid password" after each wrong one, the last included.
 */
export function wtiLogin(text: WtiTexts, maxTries: number): LoginTexts {
  const invalid = `${EOL}${text.invalidPassword}${EOL}`;
  return { password: `${EOL}${text.passwordPrompt}`, rejected: invalid, hangUp: invalid, maxTries };
}

/** Run a setter and report success, for the menus' validate-then-apply items. */
function applied(apply: () => void): true {
  apply();
  return true;
}

/** `3,y`, `3 ,Y`, `,y`: a trailing ",Y" answers the confirmation in advance. */
function splitConfirmation(args: string): { rest: string; confirmed: boolean } {
  const m = /^(.*?)\s*,\s*y\s*$/i.exec(args);
  return m ? { rest: m[1] ?? '', confirmed: true } : { rest: args.trim(), confirmed: false };
}

export class WtiMenuSession implements LineSession {
  private mode: Mode = { kind: 'login' };
  private access: Access | null = null;
  private readonly queue: string[] = [];
  private running = false;
  private closed = false;
  private readonly login: LoginDialog<Access>;
  private readonly maxQueuedLines: number;

  constructor(
    private readonly device: WtiDevice,
    private readonly terminal: Terminal,
    emit: (e: EmulatorEvent) => void,
    opts: MenuSessionOptions = {},
  ) {
    this.maxQueuedLines = opts.maxQueuedLines ?? 64;
    this.login = new LoginDialog(wtiLogin(device.personality.text, opts.maxLoginTries ?? 3), {
      terminal,
      emit,
      write: (text) => this.write(text),
      close: (reason) => this.hangUp(reason),
      setSecret: (on) => terminal.setSecret(on),
      verify: (_user, password) => device.authenticate(password),
      mode: (access) => access.mode,
      faults: device.faults,
      loggedIn: (access) => {
        this.access = access;
        this.showStatus();
      },
    });
  }

  private get text() {
    return this.device.personality.text;
  }

  private get prompt(): string {
    return this.device.personality.prompt;
  }

  start(): void {
    if (this.device.open) return this.login.open({ mode: 'admin' });
    this.login.start();
  }

  /** A command is running: the prompt is held, typed lines wait. */
  get busy(): boolean {
    return this.running;
  }

  /** A whole line from the front-end. A line cut at the buffer's end is never run as a command. */
  input(line: string, truncated = false): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueuedLines) return;
    this.queue.push(truncated ? OVERLONG : line);
    this.pump();
  }

  /** The connection is gone: write nothing more. Running operations finish on the device. */
  end(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private pump(): void {
    while (!this.running && !this.closed && this.queue.length > 0) {
      this.handle(this.queue.shift() as string);
    }
  }

  private write(text: string): void {
    if (!this.closed) this.terminal.write(text);
  }

  private showPrompt(): void {
    this.mode = { kind: 'command' };
    this.write(this.prompt);
  }

  private handle(line: string): void {
    const mode = this.mode;
    switch (mode.kind) {
      case 'login':
        return this.login.input(line);
      case 'command':
        return this.command(line);
      case 'confirm':
        if (line.trim().toUpperCase() === 'Y') return mode.then();
        this.write(`${EOL}${this.text.aborted}${EOL}`);
        return this.showPrompt();
      case 'menu':
        return this.menuChoice(line, mode.title, mode.items);
      case 'menu-value':
        return this.menuValue(line, mode);
    }
  }

  // --- commands ----------------------------------------------------------

  private command(line: string): void {
    const text = line.trim();
    if (text === '') return this.showPrompt();
    const m = /^\/([A-Za-z]+)(.*)$/.exec(text);
    const command = m ? COMMANDS[(m[1] as string).toUpperCase()] : undefined;
    if (!m || !command || (command.admin && this.access?.mode !== 'admin')) {
      this.write(`${EOL}${this.text.invalidCommand}${EOL}`);
      return this.showPrompt();
    }
    command.run(this, m[2] ?? '');
  }

  private visible(): ReadonlySet<number> | null {
    return this.access?.mode === 'user' ? this.access.plugs : null;
  }

  showStatus(): void {
    const screen = statusScreen(this.device, this.visible());
    if (this.device.faults.has('stall-mid-screen')) {
      // Half a screen, then silence: the session stays open and answers nothing more.
      this.write(screen.slice(0, Math.floor(screen.length / 2)));
      this.running = true;
      return;
    }
    this.write(screen);
    this.showPrompt();
  }

  showHelp(): void {
    this.write(helpScreen(this.device.personality));
    this.showPrompt();
  }

  /** Ask "Sure? (Y/N):" unless confirmation is off or the command carried ",Y". */
  confirmThen(args: string, then: () => void): void {
    const { confirmed } = splitConfirmation(args);
    if (!this.device.confirm || confirmed) return then();
    this.mode = { kind: 'confirm', then };
    this.write(`${EOL}${this.text.sure}`);
  }

  switchPlugs(action: SwitchAction, args: string): void {
    const { rest } = splitConfirmation(args);
    const visible = this.visible();
    const plugs = this.device.bank.all().filter((o) => visible === null || visible.has(o.number));
    const result = resolvePlugList(rest, plugs);
    if ('error' in result) {
      this.write(`${EOL}${this.text.invalidPlug}${EOL}`);
      return this.showPrompt();
    }
    this.confirmThen(args, () => this.run(action, result.plugs));
  }

  /** Hold the prompt until the device has finished, boot delays included. */
  private run(action: SwitchAction, plugs: number[]): void {
    this.write(`${EOL}${this.text.processing}${EOL}`);
    this.running = true;
    // A stuck relay is the bank's to find (stuck-relay): the answer here is the usual one.
    void this.device.bank.switch(plugs, action, this.terminal.origin).then(() => {
      this.running = false;
      if (this.closed) return;
      if (!this.device.automated) this.write(statusScreen(this.device, this.visible()));
      this.showPrompt();
      this.pump();
    });
  }

  applyDefaults(): void {
    this.write(`${EOL}${this.text.processing}${EOL}`);
    this.device.bank.applyDefaults(this.terminal.origin);
    if (this.device.automated) return this.showPrompt();
    this.showStatus();
  }

  logout(): void {
    this.hangUp('logout');
  }

  private hangUp(reason: string): void {
    this.closed = true;
    this.terminal.close(reason);
  }

  // --- /G and /P menus ---------------------------------------------------

  openGeneralMenu(): void {
    const d = this.device;
    const t = this.text;
    const by = this.terminal.origin;
    const onOff = (v: boolean) => (v ? 'On' : 'Off');
    const parseOnOff = (v: string): boolean | undefined =>
      /^on$/i.test(v) ? true : /^off$/i.test(v) ? false : undefined;
    const items = (): MenuItem[] => [
      {
        label: 'System Password',
        show: () => (d.systemPassword === null ? t.undefinedValue : t.definedValue),
        secret: true,
        set: (v) => v.length <= NAME_MAX && applied(() => d.setGeneral({ systemPassword: v === '' ? null : v }, by)),
      },
      {
        label: 'Site ID',
        show: () => d.siteId ?? t.undefinedValue,
        set: (v) => v.length <= NAME_MAX && applied(() => d.setGeneral({ siteId: v === '' ? null : v }, by)),
      },
      {
        label: 'Command Confirmation',
        show: () => onOff(d.confirm),
        set: (v) => {
          const on = parseOnOff(v);
          return on !== undefined && applied(() => d.setGeneral({ confirm: on }, by));
        },
      },
      {
        label: 'Disconnect Timeout',
        show: () => (d.disconnectTimeout % 60 === 0 ? `${d.disconnectTimeout / 60} Min` : `${d.disconnectTimeout} Sec`),
        set: (v) => {
          const minutes = Number(v);
          if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= 30)) return false;
          d.setGeneral({ disconnectTimeout: minutes * 60 }, by);
          return true;
        },
      },
      {
        label: 'Automated Mode',
        show: () => onOff(d.automated),
        set: (v) => {
          const on = parseOnOff(v);
          return on !== undefined && applied(() => d.setGeneral({ automated: on }, by));
        },
      },
    ];
    this.showMenu(t.generalTitle, items);
  }

  openPlugMenu(args: string): void {
    const n = Number(args.trim());
    const outlet = /^\d+$/.test(args.trim()) ? this.device.bank.get(n) : undefined;
    if (!outlet) {
      this.write(`${EOL}${this.text.invalidPlug}${EOL}`);
      return this.showPrompt();
    }
    const d = this.device;
    const t = this.text;
    const by = this.terminal.origin;
    const items = (): MenuItem[] => [
      {
        label: 'Plug Name',
        show: () => outlet.name ?? t.undefinedValue,
        // A "|" would split the /S table's Name column for every client that reads it.
        set: (v) =>
          v.length <= NAME_MAX &&
          !v.includes('|') &&
          applied(() => d.bank.configure(n, { name: v === '' ? null : v }, by)),
      },
      {
        label: 'Plug Password',
        show: () => (d.plugPassword(n) === null ? t.undefinedValue : t.definedValue),
        secret: true,
        set: (v) => v.length <= NAME_MAX && applied(() => d.setPlugPassword(n, v === '' ? null : v, by)),
      },
      {
        label: 'Boot/Seq. Delay',
        show: () => `${outlet.bootDelayMs / 1000} Secs`,
        set: (v) => {
          const seconds = Number(v);
          if (!d.personality.delayChoices.includes(seconds)) return false;
          d.bank.configure(n, { bootDelayMs: seconds * 1000 }, by);
          return true;
        },
      },
      {
        label: 'Power Up Default',
        show: () => outlet.powerUpDefault,
        set: (v) => {
          const value = v.trim().toUpperCase();
          if (value !== 'ON' && value !== 'OFF') return false;
          d.bank.configure(n, { powerUpDefault: value }, by);
          return true;
        },
      },
    ];
    this.showMenu(t.plugTitle(n), items);
  }

  private showMenu(title: string, items: () => MenuItem[]): void {
    this.mode = { kind: 'menu', title, items };
    this.write(menuScreen(this.device.personality, title, items()));
  }

  private menuChoice(line: string, title: string, items: () => MenuItem[]): void {
    const choice = line.trim();
    if (choice === '') {
      this.write(EOL);
      return this.showPrompt();
    }
    const item = items()[Number(choice) - 1];
    if (!/^\d+$/.test(choice) || !item) {
      this.write(`${EOL}${this.text.invalidEntry}${EOL}`);
      return this.showMenu(title, items);
    }
    this.mode = { kind: 'menu-value', title, items, item };
    if (item.secret) this.terminal.setSecret(true);
    this.write(`${EOL}${this.text.newValue(item.label)}`);
  }

  private menuValue(line: string, mode: Extract<Mode, { kind: 'menu-value' }>): void {
    if (mode.item.secret) this.terminal.setSecret(false);
    const value = mode.item.secret ? line : line.trim();
    if (line === OVERLONG || !mode.item.set(value)) this.write(`${EOL}${this.text.invalidEntry}${EOL}`);
    this.showMenu(mode.title, mode.items);
  }
}
