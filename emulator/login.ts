import type { EmulatorEvent } from './events.js';
import type { Terminal } from './session.js';

/**
 * The login every emulated terminal shares (WTI menu, APC menus, APC `apc>`
 * CLI, SMASH CLP): an optional user-name prompt, a password prompt that
 * nothing echoes, the count of wrong tries and the hang-up after the last,
 * and the hand-off to the logged-in state (the 'login' event, then the
 * drop-after-login fault). Each device gives its texts and its count as data
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

/** What the hand-off needs from a session. */
export interface HandOffHost {
  readonly terminal: Terminal;
  emit(e: EmulatorEvent): void;
  /** Whether the device's drop-after-login fault is on. */
  dropAfterLogin(): boolean;
  /** End the session: the session marks itself closed and closes the terminal. */
  close(reason: string): void;
}

/**
 * The user is in: report the 'login', then hang up if the drop-after-login
 * fault is on. True when the session should go on to its first screen.
 */
export function handOff(host: HandOffHost, mode: LoginMode): boolean {
  host.emit({ type: 'login', origin: host.terminal.origin, mode });
  if (!host.dropAfterLogin()) return true;
  host.close('fault: drop-after-login');
  return false;
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
    const account = this.host.verify(this.user, line);
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

  /** Let `account` in, after a right password or with none asked (an open unit, SSH). */
  grant(account: A): void {
    this.field = null;
    if (handOff(this.host, this.host.mode(account))) this.host.loggedIn(account);
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
