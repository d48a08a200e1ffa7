import { describe, expect, it } from 'vitest';
import { ApcDevice } from '../../emulator/apc/apc-device.js';
import { createApcSession } from '../../emulator/apc/sessions.js';
import type { EmulatorEvent } from '../../emulator/events.js';
import { type ByteSession, isByteSession, type LineSession } from '../../emulator/session.js';
import { WtiMenuSession } from '../../emulator/wti/menu-session.js';
import { WtiDevice } from '../../emulator/wti/wti-device.js';
import { FakeTerminal } from '../helpers/fake-terminal.js';
import { ManualScheduler } from './support.js';

/**
 * The faults a session acts on (refuse-login, hang-after-login, stuck-relay),
 * the same on the WTI menu, the APC v2.7 menu and the APC `apc>` CLI: each
 * switched on and off on a device whose sessions are running, as the lab
 * does, and taking effect at the next login or command.
 */
interface Unit {
  name: string;
  faults: Set<string>;
  events: EmulatorEvent[];
  scheduler: ManualScheduler;
  /** A new session on a new terminal, started. */
  connect(): { term: FakeTerminal; type(...lines: string[]): void };
  /** The lines of a right login (after the prompt). */
  right: string[];
  /** Text that shows the first screen after a login. */
  loggedIn: RegExp;
  /** Text that shows the login was refused. */
  refused: RegExp;
  /** The lines that turn plug 1 off from the first screen. */
  off1: string[];
  state(plug: number): string | undefined;
  /** The user name events carry (none on a WTI). */
  user?: string;
}

function driver(session: LineSession | ByteSession) {
  return (...lines: string[]) => {
    for (const l of lines) {
      if (isByteSession(session)) session.input(Buffer.from(`${l}\r`, 'latin1'));
      else session.input(l, false);
    }
  };
}

function wti(): Unit {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const device = new WtiDevice({ model: 'ips800', emit: (e) => events.push(e), scheduler });
  device.load({ systemPassword: 'secret', confirm: false });
  return {
    name: 'WTI menu',
    faults: device.faults as Set<string>,
    events,
    scheduler,
    connect() {
      const term = new FakeTerminal('telnet 127.0.0.1:4000', { countWritesAfterClose: true });
      const session = new WtiMenuSession(device, term, (e) => events.push(e));
      session.start();
      return { term, type: driver(session) };
    },
    right: ['secret'],
    loggedIn: /IPS> $/,
    refused: /Invalid password/,
    off1: ['/off 1'],
    state: (n) => device.bank.get(n)?.state,
  };
}

function apc(firmware: '2.7' | '6.4'): Unit {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const device = new ApcDevice({ model: 'apc-rackpdu', firmware, outlets: 8, emit: (e) => events.push(e), scheduler });
  device.users = [{ name: 'apc', password: 's3cret', role: 'admin' }];
  const clock = { now: () => new Date(2014, 7, 11), startedAt: new Date(2014, 7, 1) };
  return {
    name: firmware === '2.7' ? 'APC v2.7 menu' : 'APC v6.4 CLI',
    faults: device.faults as Set<string>,
    events,
    scheduler,
    connect() {
      const term = new FakeTerminal('telnet 127.0.0.1:4001', { countWritesAfterClose: true });
      const session = createApcSession(device, term, (e) => events.push(e), { login: true, clock });
      session.start();
      return { term, type: driver(session) };
    },
    right: ['apc', 's3cret'],
    loggedIn: firmware === '2.7' ? /Control Console[\s\S]*> $/ : /apc>$/,
    refused: /User Name : $/,
    // Device Manager, Outlet Control/Configuration, outlet 1, Control Outlet, Immediate Off, YES.
    off1: firmware === '2.7' ? ['1', '3', '1', '1', '2', 'YES'] : ['olOff 1'],
    state: (n) => device.bank.get(n)?.state,
    user: 'apc',
  };
}

const UNITS = [wti, () => apc('2.7'), () => apc('6.4')];

describe.each(UNITS.map((make) => [make().name, make] as const))('%s', (_name, make) => {
  it('refuse-login: the right password is refused as a wrong one, then taken once the fault is cleared', () => {
    const u = make();
    const { term, type } = u.connect();
    term.take();
    u.faults.add('refuse-login');
    type(...u.right);
    expect(term.take()).toMatch(u.refused);
    expect(u.events.map((e) => e.type)).toEqual(['login-failed']);
    expect(term.closedWith).toBeNull();

    u.faults.delete('refuse-login');
    type(...u.right);
    expect(term.take()).toMatch(u.loggedIn);
    expect(u.events.map((e) => e.type)).toEqual(['login-failed', 'login']);
  });

  it('hang-after-login: the login is reported, then the session says nothing; the next session is whole again', () => {
    const u = make();
    u.faults.add('hang-after-login');
    const first = u.connect();
    first.term.take();
    first.type(...u.right);
    expect(first.term.muted).toBe(true);
    expect(first.term.take()).not.toMatch(u.loggedIn);
    expect(u.events).toEqual([
      { type: 'login', origin: first.term.origin, mode: 'admin', ...(u.user ? { user: u.user } : {}) },
    ]);
    first.type(...u.off1);
    expect(first.term.take()).toBe('');
    expect(u.state(1)).toBe('ON');
    expect(first.term.closedWith).toBeNull();

    u.faults.delete('hang-after-login');
    const second = u.connect();
    second.type(...u.right);
    expect(second.term.take()).toMatch(u.loggedIn);
  });

  it('stuck-relay: acknowledged, nothing moves, one switch-ignored per plug; the next command after clearing moves it', () => {
    const u = make();
    const { term, type } = u.connect();
    type(...u.right);
    term.take();
    u.events.length = 0;
    u.faults.add('stuck-relay');
    type(...u.off1);
    u.scheduler.runAll();
    expect(u.state(1)).toBe('ON');
    expect(u.events).toEqual([
      {
        type: 'switch-ignored',
        plug: 1,
        requested: 'OFF',
        by: term.origin,
        ...(u.user ? { user: u.user } : {}),
        reason: 'fault: stuck-relay',
      },
    ]);

    u.faults.delete('stuck-relay');
    u.events.length = 0;
    const again = u.connect();
    again.type(...u.right, ...u.off1);
    u.scheduler.runAll();
    expect(u.state(1)).toBe('OFF');
    expect(u.events.filter((e) => e.type === 'plug')).toEqual([
      { type: 'plug', plug: 1, name: null, state: 'OFF', by: again.term.origin, ...(u.user ? { user: u.user } : {}) },
    ]);
  });
});

describe('an open WTI unit (no password) under refuse-login', () => {
  it('asks for a password and takes none; once cleared, the next session opens on the status screen as before', () => {
    const scheduler = new ManualScheduler();
    const events: EmulatorEvent[] = [];
    const device = new WtiDevice({ model: 'ips800', emit: (e) => events.push(e), scheduler });
    device.faults.add('refuse-login');
    const term = new FakeTerminal();
    const session = new WtiMenuSession(device, term, (e) => events.push(e));
    session.start();
    expect(term.take()).toBe('\r\nPassword: ');
    session.input('', false);
    expect(term.take()).toContain('Invalid password');

    device.faults.delete('refuse-login');
    const next = new FakeTerminal();
    new WtiMenuSession(device, next, (e) => events.push(e)).start();
    expect(next.take()).toMatch(/IPS> $/);
  });
});
