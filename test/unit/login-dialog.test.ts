import { describe, expect, it } from 'vitest';
import { cliV64 } from '../../emulator/apc/cli-v64.js';
import { masterSwitchMenu } from '../../emulator/apc/menu-ap9211.js';
import { rackPduMenuV27 } from '../../emulator/apc/menu-v27.js';
import type { EmulatorEvent } from '../../emulator/events.js';
import { handOff, LoginDialog, type LoginTexts } from '../../emulator/login.js';
import { wtiLogin } from '../../emulator/wti/menu-session.js';
import { personalities } from '../../emulator/wti/personality.js';

/**
 * The shared login with each device's own texts and counts: lines in; out,
 * what the line carries, whether typing is secret, the events, the hang-up
 * and the account handed to the session.
 */
interface Account {
  name: string;
  mode: 'admin' | 'user';
}

function login(texts: LoginTexts, opts: { drop?: boolean } = {}) {
  const accounts: Record<string, Account> = {
    'apc:s3cret': { name: 'apc', mode: 'admin' },
    ':secret': { name: 'system', mode: 'admin' },
    ':plug1': { name: 'plug 1', mode: 'user' },
  };
  const t = {
    out: '',
    secret: false,
    events: [] as EmulatorEvent[],
    closedWith: null as string | null,
    writesAfterClose: 0,
    in: null as Account | null,
  };
  const dialog = new LoginDialog<Account>(texts, {
    terminal: { origin: 'test', write: () => {}, setSecret: () => {}, close: () => {} },
    emit: (e) => t.events.push(e),
    write: (text) => {
      if (t.closedWith !== null) t.writesAfterClose++;
      t.out += text;
    },
    close: (reason) => {
      t.closedWith = reason;
    },
    setSecret: (on) => {
      t.secret = on;
    },
    verify: (user, password) => accounts[`${user}:${password}`],
    mode: (a) => a.mode,
    dropAfterLogin: () => opts.drop ?? false,
    loggedIn: (a) => {
      t.in = a;
    },
  });
  /** What was written since the last call. */
  let seen = 0;
  const take = () => {
    const fresh = t.out.slice(seen);
    seen = t.out.length;
    return fresh;
  };
  const type = (...lines: string[]) => {
    for (const l of lines) dialog.input(l);
  };
  return { t, dialog, take, type };
}

const WTI = wtiLogin(personalities.ips800.text, 3);
const failed = (n: number) => Array.from({ length: n }, () => ({ type: 'login-failed', origin: 'test' }));

describe('each device’s dialogue, right first time', () => {
  it.each([
    ['WTI', WTI, ['secret'], ['\r\nPassword: ', '']],
    ['APC menu v2.7', rackPduMenuV27.login, ['apc', 's3cret'], ['\r\nUser Name : ', '\r\nPassword  : ', '\r\n']],
    ['APC AP9211', masterSwitchMenu.login, ['apc', 's3cret'], ['\r\nUser Name : ', '\r\nPassword  : ', '\r\n']],
    ['APC CLI v6.4 (name trimmed)', cliV64.login, [' apc ', 's3cret'], ['\r\nUser Name : ', 'Password  : ', '\r\n']],
  ] as const)('%s', (_name, texts, lines, outputs) => {
    const l = login(texts);
    l.dialog.start();
    expect(l.take()).toBe(outputs[0]);
    expect(l.dialog.typing).toBe(lines.length === 2 ? 'user' : 'password');
    lines.forEach((line, i) => {
      l.type(line);
      expect(l.take()).toBe(outputs[i + 1]);
    });
    expect(l.t.secret).toBe(false);
    expect(l.dialog.typing).toBeNull();
    expect(l.t.in?.mode).toBe('admin');
    expect(l.t.events).toEqual([{ type: 'login', origin: 'test', mode: 'admin' }]);
    expect(l.t.closedWith).toBeNull();
  });
});

describe('the password field is secret, the user name is not', () => {
  it.each([
    ['WTI: from the first prompt', WTI, false],
    ['APC: only after the user name', rackPduMenuV27.login, true],
  ] as const)('%s', (_name, texts, hasUser) => {
    const l = login(texts);
    l.dialog.start();
    expect(l.t.secret).toBe(!hasUser);
    if (hasUser) {
      l.type('apc');
      expect(l.t.secret).toBe(true);
    }
    l.type('wrong');
    // Asked again: secret again only where the password is asked first.
    expect(l.t.secret).toBe(!hasUser);
  });
});

describe('try counts', () => {
  it.each([
    ['WTI', WTI, 3, ['wrong'], '\r\nInvalid password\r\n\r\nPassword: ', '\r\nInvalid password\r\n'],
    ['WTI, one try', wtiLogin(personalities.nps.text, 1), 1, ['wrong'], '', '\r\nInvalid password\r\n'],
    [
      'APC menu v2.7',
      rackPduMenuV27.login,
      3,
      ['apc', 'wrong'],
      '\r\nPassword  : \r\n\r\nUser Name : ',
      '\r\nPassword  : \r\n\r\n',
    ],
    ['APC CLI v6.4', cliV64.login, 3, ['apc', 'wrong'], 'Password  : \r\n\r\nUser Name : ', 'Password  : \r\n\r\n'],
  ] as const)('%s: %i wrong passwords hang up, one fewer does not', (_name, texts, tries, attempt, again, last) => {
    const l = login(texts);
    l.dialog.start();
    l.take();
    for (let i = 1; i < tries; i++) {
      l.type(...attempt);
      expect(l.take()).toBe(again);
      expect(l.t.closedWith).toBeNull();
    }
    l.type(...attempt);
    expect(l.take()).toBe(last);
    expect(l.t.closedWith).toBe('too many wrong passwords');
    expect(l.t.events).toEqual(failed(tries));
    expect(l.t.secret).toBe(false);
    expect(l.dialog.typing).toBeNull();
    // Nothing more is read once hung up.
    l.type('apc', 's3cret', 'secret');
    expect(l.t.writesAfterClose).toBe(0);
    expect(l.t.in).toBeNull();
  });

  it.each([
    ['WTI', WTI, ['wrong'], ['secret']],
    ['APC menu v2.7', rackPduMenuV27.login, ['apc', 'wrong'], ['apc', 's3cret']],
    ['APC CLI v6.4', cliV64.login, ['nobody', 's3cret'], ['apc', 's3cret']],
  ] as const)('%s: the last try still lets a right password in', (_name, texts, wrong, right) => {
    const l = login(texts);
    l.dialog.start();
    l.type(...wrong, ...wrong, ...right);
    expect(l.t.closedWith).toBeNull();
    expect(l.t.in?.name).toBe(right.length === 1 ? 'system' : 'apc');
    expect(l.t.events.map((e) => e.type)).toEqual(['login-failed', 'login-failed', 'login']);
  });

  it('APC menus ask again on an empty name and password, without counting it', () => {
    for (const texts of [rackPduMenuV27.login, masterSwitchMenu.login]) {
      const l = login(texts);
      l.dialog.start();
      l.take();
      for (let i = 0; i < 5; i++) l.type('', '');
      expect(l.take()).toBe('\r\nPassword  : \r\nUser Name : '.repeat(5));
      expect(l.t.events).toEqual([]);
      l.type('apc', 's3cret');
      expect(l.t.in?.name).toBe('apc');
    }
  });

  it('the APC CLI counts an empty name and password as a wrong one', () => {
    const l = login(cliV64.login);
    l.dialog.start();
    l.type('', '', '', '', '', '');
    expect(l.t.closedWith).toBe('too many wrong passwords');
    expect(l.t.events).toEqual(failed(3));
  });

  it('a plug password logs in as a user (WTI)', () => {
    const l = login(WTI);
    l.dialog.start();
    l.type('plug1');
    expect(l.t.in).toEqual({ name: 'plug 1', mode: 'user' });
    expect(l.t.events).toEqual([{ type: 'login', origin: 'test', mode: 'user' }]);
  });
});

describe('the hand-off', () => {
  it('grants without a dialogue (an open unit, SSH): the login is reported, nothing is written', () => {
    const l = login(rackPduMenuV27.login);
    l.dialog.grant({ name: 'apc', mode: 'user' });
    expect(l.t.out).toBe('');
    expect(l.t.in?.name).toBe('apc');
    expect(l.t.events).toEqual([{ type: 'login', origin: 'test', mode: 'user' }]);
  });

  it('drop-after-login: the login is reported, then the line hangs up before the first screen', () => {
    const l = login(WTI, { drop: true });
    l.dialog.start();
    l.type('secret');
    expect(l.t.events).toEqual([{ type: 'login', origin: 'test', mode: 'admin' }]);
    expect(l.t.closedWith).toBe('fault: drop-after-login');
    expect(l.t.in).toBeNull();
  });

  it('handOff alone (SMASH): true to go on, false when the fault hung up', () => {
    for (const drop of [false, true]) {
      const events: EmulatorEvent[] = [];
      let closed: string | null = null;
      const host = {
        terminal: { origin: 'ssh', write: () => {}, setSecret: () => {}, close: () => {} },
        emit: (e: EmulatorEvent) => events.push(e),
        dropAfterLogin: () => drop,
        close: (reason: string) => {
          closed = reason;
        },
      };
      expect(handOff(host, 'admin')).toBe(!drop);
      expect(events).toEqual([{ type: 'login', origin: 'ssh', mode: 'admin' }]);
      expect(closed).toBe(drop ? 'fault: drop-after-login' : null);
    }
  });
});
