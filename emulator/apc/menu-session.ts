import { LineAssembler } from '../../src/line-assembler.js';
import type { EmulatorEvent } from '../events.js';
import { LoginDialog } from '../login.js';
import type { SwitchAction } from '../model/outlet-bank.js';
import type { ByteSession, Terminal } from '../session.js';
import type { ApcDevice, ApcRole, ApcUser } from './apc-device.js';
import { type CardClock, cardDate, cardTime, cardUptime } from './clock.js';
import type {
  ActionTarget,
  ItemTarget,
  MenuItem,
  MenuPersonality,
  MenuTree,
  OutletAction,
  ScreenDef,
} from './menu-personality.js';

/**
 * One session on an APC keystroke menu (the v2.7 Rack PDU, the AP9211
 * MasterSwitch), whichever front-end carries it. It reads keystrokes, echoes
 * them itself, and renders every screen from its personality.
 *
 * Keys are handled strictly in the order they arrive, which is what the
 * recordings show: a client's `\r\n` ends a menu entry with the CR; the LF
 * that follows is swallowed at a prompt, but if the CR drew a screen that
 * stopped at the pager, the LF is the "any key" that continues it. Typed-ahead
 * input (apcmaster sends `N\r1\r1\r` at once) is simply read in turn.
 *
 * The bytes go through the shared line decoder (src/line-assembler.ts), set
 * as this card reads them: printable ASCII only, no echo for the line end,
 * and every key offered to `key()` first, which takes the pager's "any key",
 * ESC and Ctrl-C. The login is the shared one (emulator/login.ts).
 */
export interface ApcMenuSessionOptions {
  /** Ask User Name / Password (telnet), or start at the banner (SSH already authenticated `user`). */
  login: boolean;
  user?: string;
  clock: CardClock;
}

const ETX = 0x03; // Ctrl-C
const ESC = 0x1b;

/** A screen on the stack, with the outlet it is about (null: all outlets). */
interface Frame {
  screen: string;
  outlet?: number | null;
}

type State =
  /** User Name and Password (LoginDialog). */
  | { kind: 'login' }
  | { kind: 'menu' }
  /** The pager waits for a key; `pages` are what is left to print. */
  | { kind: 'pager'; pages: string[] }
  | { kind: 'confirm'; action: OutletAction }
  | { kind: 'press-enter' }
  /** stall-mid-screen: the card has gone silent. */
  | { kind: 'stalled' }
  | { kind: 'closed' };

const SWITCH: Partial<Record<OutletAction, SwitchAction>> = {
  'immediate-on': 'on',
  'immediate-off': 'off',
  'immediate-reboot': 'boot',
  'delayed-on': 'on',
  'delayed-off': 'off',
  'delayed-reboot': 'boot',
};

export class ApcMenuSession implements ByteSession {
  readonly kind = 'bytes';
  private state: State = { kind: 'closed' };
  private readonly keys: LineAssembler;
  private readonly login: LoginDialog<ApcUser>;
  private role: ApcRole = 'outlet';
  /** Who logged in, for the events of what they switch. */
  private user: string | undefined;
  private tree: MenuTree;
  private stack: Frame[] = [];

  constructor(
    private readonly device: ApcDevice,
    private readonly terminal: Terminal,
    emit: (e: EmulatorEvent) => void,
    private readonly p: MenuPersonality,
    private readonly opts: ApcMenuSessionOptions,
  ) {
    this.tree = p.tree(this.role);
    this.keys = new LineAssembler({
      maxLength: () => (this.state.kind === 'login' ? p.maxLogin : p.maxTyped),
      charset: 'ascii',
      lineEndEcho: '',
      echo: (text) => this.write(text),
      key: (byte) => this.key(byte),
      line: (text) => this.enter(text),
    });
    // The card echoes what is typed itself, whatever the transport negotiated.
    this.keys.echoEnabled = true;
    this.login = new LoginDialog(p.login, {
      terminal,
      emit,
      write: (text) => this.write(text),
      close: (reason) => this.close(reason),
      setSecret: (on) => {
        this.keys.secret = on;
        terminal.setSecret(on);
      },
      verify: (name, password) => device.authenticate(name, password),
      mode: (user) => (user.role === 'admin' ? 'admin' : 'user'),
      userName: (user) => user.name,
      faults: device.faults,
      loggedIn: (user) => this.loggedIn(user),
    });
  }

  /** A stalled card holds the line open: the idle timer must not end it. */
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
    const user = this.device.users.find((u) => u.name === name);
    this.login.grant(user ?? { name, password: '', role: 'admin' });
  }

  input(bytes: Uint8Array): void {
    this.keys.feed(bytes);
  }

  end(): void {
    this.state = { kind: 'closed' };
  }

  // --- output --------------------------------------------------------------

  private write(text: string): void {
    if (this.state.kind !== 'closed') this.terminal.write(text);
  }

  private close(reason: string): void {
    this.state = { kind: 'closed' };
    this.terminal.close(reason);
  }

  // --- keys, lines and login -----------------------------------------------

  /**
   * The keys that act at once: at the pager or "Press <ENTER>" every key
   * (the LF of a CR LF included; a CR that continues takes its LF with it
   * [inferred]), Ctrl-C leaving to the banner [rec]; in a menu or dialog,
   * Ctrl-C and ESC. A closed or stalled card takes every key and does nothing.
   */
  private key(byte: number): boolean {
    const k = this.state.kind;
    if (k === 'closed' || k === 'stalled') return true;
    if (k === 'pager' || k === 'press-enter') {
      if (byte === ETX) this.controlC();
      else if (k === 'pager') this.nextPage();
      else this.redraw(this.p.dialog.afterKey);
      return true;
    }
    if (k === 'login') return false;
    if (byte === ETX) this.controlC();
    else if (byte === ESC) this.escape();
    else return false;
    return true;
  }

  /** A CR (or a lone LF) ends what was typed: a user name, a password, a menu choice, an answer. */
  private enter(line: string): void {
    switch (this.state.kind) {
      case 'login':
        return this.login.input(line);
      case 'menu':
        return this.choose(line.trim());
      case 'confirm':
        return this.answer(this.state.action, line.trim());
      default:
        return;
    }
  }

  private loggedIn(user: ApcUser): void {
    this.role = user.role;
    this.user = user.name;
    this.tree = this.p.tree(user.role);
    this.state = { kind: 'menu' };
    this.home();
  }

  // --- screens -------------------------------------------------------------

  private def(frame: Frame): ScreenDef {
    const d = this.tree.screens[frame.screen];
    if (!d) throw new Error(`personality ${this.p.id}: no screen '${frame.screen}'`);
    return d;
  }

  private get frame(): Frame {
    return this.stack[this.stack.length - 1] ?? { screen: this.tree.top };
  }

  /** Banner and top menu: after login and on Ctrl-C. */
  private home(): void {
    this.stack = [{ screen: this.tree.top }];
    const now = this.opts.clock.now();
    const id = this.device.identity;
    const banner = this.p.banner({
      name: id.name,
      contact: id.contact,
      location: id.location,
      user: this.p.roleLabel[this.role],
      date: cardDate(now),
      time: cardTime(now),
      upTime: cardUptime(this.opts.clock.startedAt, now),
    });
    this.redraw(banner);
  }

  private controlC(): void {
    this.keys.reset();
    this.state = { kind: 'menu' };
    this.home();
  }

  private escape(): void {
    this.keys.reset();
    // From a dialog, ESC cancels it; elsewhere it climbs one level. The top menu redraws ("Main Menu").
    if (this.state.kind === 'menu' && this.stack.length > 1) this.stack.pop();
    this.state = { kind: 'menu' };
    this.redraw();
  }

  private open(frame: Frame): void {
    this.stack.push(frame);
    this.redraw();
  }

  /** Draw the screen on top of the stack, after `before`, stopping at the pager if it is long. */
  private redraw(before = ''): void {
    const frame = this.frame;
    const def = this.def(frame);
    const s = this.p.screen;
    const body = this.body(def, frame);
    const head = `${s.start}${s.title(this.title(def, frame))}${s.afterTitle}`;
    const tail = `${s.beforeFooter}${def.footer}${s.prompt}`;
    const pages: string[] = [];
    for (let i = 0; i < body.length || i === 0; i += this.p.pager.rows) {
      pages.push(
        body
          .slice(i, i + this.p.pager.rows)
          .map((l) => l + s.eol)
          .join(''),
      );
    }
    pages[0] = before + head + pages[0];
    pages[pages.length - 1] += tail;
    if (def.kind === 'outlets' && this.device.faults.has('stall-mid-screen')) {
      // Half a screen, then silence: the line stays open and nothing more is answered.
      const all = pages.join('');
      this.write(all.slice(0, Math.floor(all.length / 2)));
      this.state = { kind: 'stalled' };
      return;
    }
    this.state = { kind: 'menu' };
    this.showPage(pages);
  }

  private showPage(pages: string[]): void {
    const [page, ...rest] = pages;
    this.write(page ?? '');
    if (rest.length > 0) {
      this.state = { kind: 'pager', pages: rest };
      this.write(this.p.pager.wait);
    } else {
      this.state = { kind: 'menu' };
    }
  }

  private nextPage(): void {
    if (this.state.kind !== 'pager') return;
    const pages = this.state.pages;
    this.write(this.p.pager.erase);
    this.showPage(pages);
  }

  private title(def: ScreenDef, frame: Frame): string {
    if (def.kind !== 'outlet' || def.title !== undefined) return def.title ?? '';
    return this.target(frame).name;
  }

  private body(def: ScreenDef, frame: Frame): string[] {
    const s = this.p.screen;
    const items = (list: readonly MenuItem[], width = 0) => list.map((it, i) => s.item(i + 1, it.label.padEnd(width)));
    switch (def.kind) {
      case 'menu':
        return items(def.items);
      case 'info':
        return [...def.lines];
      case 'outlets': {
        const rows = this.device.bank
          .all()
          .map((o) => s.outletRow(o.number, o.name ?? this.p.unnamed(o.number), o.state));
        if (def.all) rows.push(s.allRow(this.device.bank.count + 1, def.all.label));
        return rows;
      }
      case 'outlet': {
        const t = this.target(frame);
        const fields =
          def.fields && t.number !== null
            ? [s.field('Name', t.name), s.field('Outlet', String(t.number)), s.field('State', t.state), '']
            : [];
        return [...fields, ...items(def.items, def.itemWidth)];
      }
    }
  }

  /** The outlet a screen or dialog is about. */
  private target(frame: Frame): ActionTarget {
    const n = frame.outlet ?? null;
    const o = n === null ? undefined : this.device.bank.get(n);
    if (!o) {
      const first = this.device.bank.get(1);
      return { number: null, name: 'ALL Accessible Outlets', state: 'ON', delay: (first?.bootDelayMs ?? 0) / 1000 };
    }
    return { number: o.number, name: o.name ?? this.p.unnamed(o.number), state: o.state, delay: o.bootDelayMs / 1000 };
  }

  // --- choices -------------------------------------------------------------

  private choose(choice: string): void {
    const frame = this.frame;
    const def = this.def(frame);
    if (choice === '') return this.redraw();
    if (choice === '?' && def.kind === 'outlet' && def.help) {
      return this.redraw(`${this.p.screen.eol}${def.help.map((l) => l + this.p.screen.eol).join('')}`);
    }
    const n = /^\d+$/.test(choice) ? Number(choice) : Number.NaN;
    if (def.kind === 'outlets') {
      if (n >= 1 && n <= this.device.bank.count) return this.open({ screen: def.outlet, outlet: n });
      if (def.all && n === this.device.bank.count + 1) return this.open({ screen: def.all.screen, outlet: null });
      return this.redraw(); // [unverified]: an unknown choice redraws the screen
    }
    if (def.kind === 'menu' || def.kind === 'outlet') {
      const item = def.items[n - 1];
      if (item) return this.follow(item.to, frame, item.label);
    }
    this.redraw();
  }

  private follow(to: ItemTarget, frame: Frame, label: string): void {
    if ('screen' in to) return this.open({ screen: to.screen, outlet: frame.outlet });
    if ('logout' in to) {
      this.write(this.p.logout);
      return this.close('logout');
    }
    const d = this.p.dialog;
    const eol = this.p.screen.eol;
    const text = d.describe(to.action, this.target(frame)).map((l) => `${d.indent}${l}${eol}`);
    this.state = { kind: 'confirm', action: to.action };
    this.write(`${d.start}${d.rule}${eol}${d.title(label)}${eol}${eol}${text.join('')}${eol}${d.confirm}`);
  }

  private answer(action: OutletAction, answer: string): void {
    if (answer.toUpperCase() !== 'YES') {
      // <ENTER> (or anything but YES) cancels: back to the outlet screen [unverified].
      return this.redraw(this.p.screen.eol);
    }
    this.perform(action);
    const d = this.p.dialog;
    const eol = this.p.screen.eol;
    this.state = { kind: 'press-enter' };
    this.write(`${eol}${d.issued}${eol}${eol}${d.pressEnter}`);
  }

  private perform(action: OutletAction): void {
    const t = this.target(this.frame);
    const plugs = t.number === null ? this.device.bank.all().map((o) => o.number) : [t.number];
    const by = this.terminal.origin;
    if (action === 'cancel') {
      this.device.cancelLater(plugs);
      return;
    }
    // A stuck relay (stuck-relay) is the bank's to find: the card acknowledges as usual.
    const what = SWITCH[action] as SwitchAction;
    if (action.startsWith('delayed-')) {
      this.device.later(plugs, what, t.delay * 1000, by, this.user);
      return;
    }
    void this.device.bank.switch(plugs, what, by, this.user);
  }
}
