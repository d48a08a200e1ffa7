import type { EmulatorEvent } from './events.js';
import type { Terminal } from './session.js';

/**
 * The login every emulated terminal shares (WTI menu, APC menus, APC `apc>`
 * CLI, SMASH CLP): an optional user-name prompt, a password prompt that
 * nothing echoes, the count of wrong tries and the hang-up after the last,
 * and the hand-off to the logged-in state (the 'login' event, then the
 * login faults). Each device gives its texts and its count as data
 * (`LoginTexts`); the session gives the check and what it draws once in.
 * Bytes are not its business: it reads whole lines, from the line decoder
 * (src/line-assembler.ts).
 */
export interface LoginTexts {
  /** Written once, before the first prompt (default nothing). */
  greeting?: string;
  /** The user-name prompt; absent when the device asks only for a password (WTI). */
  user?: string;
  /** Written after the user-name line, before the password prompt (default nothing). */
  afterUser?: string;
  password: string;
  /** Written after each password line, before it is checked (default nothing). */
  afterPassword?: string;
  /** After a wrong password when another try is left, before the first prompt again. */
  rejected: string;
  /** Wrong passwords before the device hangs up. */
  maxTries: number;
  /** After the last wrong password, before hanging up. */
  hangUp: string;
  /** An empty user name with an empty password asks again and is not counted. */
  emptyAsksAgain?: boolean;
  /** Blanks around the user name are dropped. */
  trimUser?: boolean;
}

export type LoginMode = 'admin' | 'user';

/**
 * The faults the login acts on, the same on every device and front-end, read
 * at each login so one added or removed while the unit runs applies to the next:
 * - `refuse-login`: every password is refused as a wrong one (the wrong-password
 *   text, the 'login-failed' event, the count of tries, the hang-up after the last);
 *   a unit that asks no password asks one and takes none;
 * - `drop-after-login`: the login is reported, then the line is hung up;
 * - `hang-after-login`: the login is reported, then the session says nothing
 *   more, echo included, and reads nothing (Terminal.mute), until the peer
 *   leaves or the idle timeout ends it.
 */
export type LoginFault = 'refuse-login' | 'drop-after-login' | 'hang-after-login';

/** What the hand-off needs from a session. */
export interface HandOffHost {
  readonly terminal: Terminal;
  emit(e: EmulatorEvent): void;
  /** The device's faults in force (the set itself, so a change applies at the next login). */
  readonly faults?: ReadonlySet<string>;
  /** Whether drop-after-login is on: the older form of `faults`, still read. */
  dropAfterLogin?(): boolean;
  /** End the session: the session marks itself closed and closes the terminal. */
  close(reason: string): void;
}

function faultOn(host: HandOffHost, fault: LoginFault): boolean {
  if (host.faults?.has(fault)) return true;
  return fault === 'drop-after-login' && (host.dropAfterLogin?.() ?? false);
}

/**
 * The user is in: report the 'login' (with the user's name, where the device
 * has user names), then apply drop-after-login or hang-after-login. True when
 * the session should go on to its first screen.
 */
export function handOff(host: HandOffHost, mode: LoginMode, user?: string): boolean {
  host.emit({ type: 'login', origin: host.terminal.origin, mode, ...(user ? { user } : {}) });
  if (faultOn(host, 'drop-after-login')) {
    host.close('fault: drop-after-login');
    return false;
  }
  if (faultOn(host, 'hang-after-login')) {
    host.terminal.mute?.();
    return false;
  }
  return true;
}

/** What the login dialogue needs from a session, besides the hand-off. */
export interface LoginHost<A> extends HandOffHost {
  /** The session's own write (it writes nothing once closed). */
  write(text: string): void;
  /** The password field starts (true) or ends (false): nothing typed may be echoed meanwhile. */
  setSecret(on: boolean): void;
  /** The account for this user name ('' when the device asks none) and password, or none. */
  verify(user: string, password: string): A | null | undefined;
  mode(account: A): LoginMode;
  /** The account's user name for the 'login' event; none where the device has no user names (WTI). */
  userName?(account: A): string | undefined;
  /** Past the hand-off: draw the first screen. */
  loggedIn(account: A): void;
}

export type LoginField = 'user' | 'password';

export class LoginDialog<A> {
  private field: LoginField | null = null;
  private user = '';
  private tries = 0;

  constructor(
    private readonly texts: LoginTexts,
    private readonly host: LoginHost<A>,
  ) {}

  /** The field being typed, or null when no login is under way. */
  get typing(): LoginField | null {
    return this.field;
  }

  /** The greeting and the first prompt. */
  start(): void {
    this.ask(this.texts.greeting ?? '');
  }

  /** A line typed while `typing` is not null. */
  input(line: string): void {
    const t = this.texts;
    if (this.field === 'user') {
      this.user = t.trimUser ? line.trim() : line;
      this.field = 'password';
      this.host.setSecret(true);
      this.host.write((t.afterUser ?? '') + t.password);
      return;
    }
    if (this.field !== 'password') return;
    this.field = null;
    this.host.setSecret(false);
    if (t.afterPassword) this.host.write(t.afterPassword);
    const account = faultOn(this.host, 'refuse-login') ? null : this.host.verify(this.user, line);
    if (account) return this.grant(account);
    if (t.emptyAsksAgain && this.user === '' && line === '') return this.ask('');
    this.host.emit({ type: 'login-failed', origin: this.host.terminal.origin });
    if (++this.tries >= t.maxTries) {
      this.host.write(t.hangUp);
      this.host.close('too many wrong passwords');
      return;
    }
    this.ask(t.rejected);
  }

  /** Let `account` in, after a right password or with none asked (SSH, which authenticated it). */
  grant(account: A): void {
    this.field = null;
    if (handOff(this.host, this.host.mode(account), this.host.userName?.(account))) this.host.loggedIn(account);
  }

  /**
   * A unit that asks no password (a WTI with none set): let `account` in at
   * once, unless refuse-login is on; then it asks, and takes no password.
   */
  open(account: A): void {
    if (faultOn(this.host, 'refuse-login')) return this.start();
    this.grant(account);
  }

  /** `before`, then the first prompt: the user name's, or the password's. */
  private ask(before: string): void {
    const t = this.texts;
    this.user = '';
    if (t.user !== undefined) {
      this.field = 'user';
      this.host.write(before + t.user);
      return;
    }
    this.field = 'password';
    this.host.setSecret(true);
    this.host.write(before + t.password);
  }
}
