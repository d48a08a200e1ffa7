import { describe, expect, it } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { garble, type OutputClock, PacedOutput, SLOW_MS } from '../../emulator/fault-effects.js';
import { IloFaultSet } from '../../emulator/ilo/faults.js';
import { ILO_FAULTS, IloDevice } from '../../emulator/ilo/ilo-device.js';
import { RibclSession, ribclDocument } from '../../emulator/ilo/ribcl.js';
import { createSmashSession } from '../../emulator/ilo/smash-session.js';
import { FakeTerminal } from '../helpers/fake-terminal.js';
import { ManualScheduler } from './support.js';

/**
 * The iLO's faults without any socket: the fault set, the output faults, the
 * device, a RIBCL session and a SMASH CLP session, each fault switched on and
 * off while the session runs, as the lab does. Time is a ManualScheduler.
 */

const clockOf = (s: ManualScheduler): OutputClock => ({
  setTimeout: (fn, ms) => s.setTimeout(fn, ms),
  clearTimeout: (h) => s.clearTimeout(h),
  now: () => s.now,
});

function device() {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const emit = (e: EmulatorEvent) => events.push(e);
  const d = new IloDevice({ model: 'ilo4', emit, scheduler });
  d.users = [{ name: 'admin', password: 'pw' }];
  return { d, scheduler, events, emit };
}

describe('the fault names', () => {
  it('are the lab vocabulary an iLO takes, stuck-power kept as an older name', () => {
    expect([...ILO_FAULTS]).toEqual([
      'busy',
      'hang',
      'hang-after-login',
      'drop-after-login',
      'refuse-login',
      'slow',
      'garbled',
      'stuck-relay',
      'stuck-power',
    ]);
  });

  it('stuck-power is filed, found and removed as stuck-relay', () => {
    const set = new IloFaultSet();
    set.add('stuck-power');
    expect([...set]).toEqual(['stuck-relay']);
    expect(set.has('stuck-relay')).toBe(true);
    expect(set.has('stuck-power')).toBe(true);
    expect(set.delete('stuck-power')).toBe(true);
    expect(set.size).toBe(0);
    set.add('stuck-relay');
    set.delete('stuck-relay');
    expect(set.has('stuck-power')).toBe(false);
  });
});

describe('garbled output', () => {
  const doc = ribclDocument('2.23', undefined, '<GET_HOST_POWER\n    HOST_POWER="ON"\n    />\n');

  it('keeps the length and the line ends, and leaves nothing a client could read', () => {
    const g = garble(doc);
    expect(g).toHaveLength(doc.length);
    expect(g.split('\n').map((l) => l.length)).toEqual(doc.split('\n').map((l) => l.length));
    expect(g).not.toMatch(/[A-Za-z0-9<>"'{}:]/);
    // What fence_ilo waits for, and what fence_redfish parses.
    expect(g).not.toMatch(/<\/RIBCL>|HOST_POWER="/);
    expect(() => JSON.parse(garble('{"PowerState":"On"}'))).toThrow();
  });
});

describe('slow output', () => {
  it('delivers SLOW_MS late while slow is on, at once when off, always in order', () => {
    const scheduler = new ManualScheduler();
    const faults = new IloFaultSet();
    const out = new PacedOutput(faults, clockOf(scheduler));
    const got: string[] = [];
    out.send(() => got.push('a'));
    expect(got).toEqual(['a']);

    faults.add('slow');
    out.send(() => got.push('b'));
    faults.delete('slow');
    // Given after a slow one: it waits its turn.
    out.send(() => got.push('c'));
    scheduler.advance(SLOW_MS - 1);
    expect(got).toEqual(['a']);
    scheduler.advance(1);
    expect(got).toEqual(['a', 'b', 'c']);
    out.send(() => got.push('d'));
    expect(got).toEqual(['a', 'b', 'c', 'd']);
  });

  it('drops what is waiting when the connection is gone', () => {
    const scheduler = new ManualScheduler();
    const faults = new IloFaultSet(['slow']);
    const out = new PacedOutput(faults, clockOf(scheduler));
    const got: string[] = [];
    out.send(() => got.push('late'));
    out.clear();
    scheduler.runAll();
    expect(got).toEqual([]);
    expect(scheduler.pending).toBe(0);
  });
});

describe('the device', () => {
  it('refuse-login: the right password is wrong while the fault is on, right again once it is off', () => {
    const { d } = device();
    expect(d.authenticate('admin', 'pw')).toBe(true);
    d.faults.add('refuse-login');
    expect(d.authenticate('admin', 'pw')).toBe(false);
    d.faults.delete('refuse-login');
    expect(d.authenticate('admin', 'pw')).toBe(true);
  });

  it('stuck-relay: a command that would move the server is ignored and reported, with the user', () => {
    const { d, events } = device();
    d.faults.add('stuck-relay');
    d.setPower('OFF', 'ribcl 127.0.0.1:4000 admin', 'admin');
    expect(d.power).toBe('ON');
    expect(events).toEqual([
      {
        type: 'switch-ignored',
        plug: 1,
        requested: 'OFF',
        by: 'ribcl 127.0.0.1:4000 admin',
        user: 'admin',
        reason: 'fault: stuck-relay',
      },
    ]);
    // Asking for the state it is in would not have moved anything: nothing to report.
    d.setPower('ON', 'ribcl 127.0.0.1:4000 admin', 'admin');
    expect(events).toHaveLength(1);
    d.cycle('redfish 127.0.0.1:4001 admin', 'admin');
    expect(events[1]).toMatchObject({ type: 'switch-ignored', requested: 'OFF', reason: 'fault: stuck-relay' });
    expect(d.power).toBe('ON');
  });

  it('stuck-relay cleared: the next command moves the server, and the plug event names the user', () => {
    const { d, events } = device();
    d.faults.add('stuck-power');
    d.setPower('OFF', 'ssh 127.0.0.1:4002 admin', 'admin');
    d.faults.delete('stuck-relay');
    d.setPower('OFF', 'ssh 127.0.0.1:4002 admin', 'admin');
    expect(d.power).toBe('OFF');
    expect(events.map((e) => e.type)).toEqual(['switch-ignored', 'plug']);
    expect(events[1]).toEqual({
      type: 'plug',
      plug: 1,
      name: 'node1',
      state: 'OFF',
      by: 'ssh 127.0.0.1:4002 admin',
      user: 'admin',
    });
  });
});

describe('a RIBCL session', () => {
  const ORIGIN = 'ribcl 127.0.0.1:40000';
  const LOGIN = '<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="admin" PASSWORD="pw">';
  const OFF = '<SERVER_INFO MODE="write"><HOLD_PWR_BTN/></SERVER_INFO>';
  const status = (doc: string) => /STATUS="(0x[0-9A-F]+)"/.exec(doc)?.[1];

  it('busy: the login is answered with an error status and the session ends; cleared, the next one logs in', () => {
    const { d, events, emit } = device();
    d.faults.add('busy');
    const busy = new RibclSession(d, { origin: ORIGIN, emit }).feed(LOGIN);
    expect(busy.end).toBe(true);
    expect(busy.documents.map(status)).toEqual(['0x0000', '0x0002']);
    expect(events).toEqual([{ type: 'refused', origin: `${ORIGIN} admin`, reason: 'fault: busy' }]);
    d.faults.delete('busy');
    const ok = new RibclSession(d, { origin: ORIGIN, emit }).feed(LOGIN + OFF);
    expect(ok.end).toBe(false);
    expect(ok.documents.map(status)).toEqual(['0x0000', '0x0000', '0x0000', '0x0000', '0x0000']);
    expect(d.power).toBe('OFF');
    expect(events.at(-1)).toMatchObject({ type: 'plug', state: 'OFF', user: 'admin' });
  });

  it('refuse-login: Login failed for the right password, then a login once cleared', () => {
    const { d, events, emit } = device();
    d.faults.add('refuse-login');
    const refused = new RibclSession(d, { origin: ORIGIN, emit }).feed(LOGIN);
    expect(refused.documents.map(status)).toEqual(['0x0000', '0x005F']);
    expect(refused.end).toBe(true);
    d.faults.delete('refuse-login');
    new RibclSession(d, { origin: ORIGIN, emit }).feed(LOGIN);
    expect(events.map((e) => e.type)).toEqual(['login-failed', 'login']);
    expect(events[1]).toEqual({ type: 'login', origin: `${ORIGIN} admin`, mode: 'admin', user: 'admin' });
  });

  it('hang-after-login: the login is answered, then nothing, and no command is carried out', () => {
    const { d, emit } = device();
    d.faults.add('hang-after-login');
    const session = new RibclSession(d, { origin: ORIGIN, emit });
    const first = session.feed(LOGIN + OFF);
    expect(first.documents.map(status)).toEqual(['0x0000', '0x0000']);
    expect(first.end).toBe(false);
    expect(session.isHung).toBe(true);
    // Clearing the fault does not wake a session it caught; the next session is served.
    d.faults.delete('hang-after-login');
    expect(session.feed(OFF).documents).toEqual([]);
    expect(d.power).toBe('ON');
    const next = new RibclSession(d, { origin: ORIGIN, emit }).feed(LOGIN + OFF);
    expect(next.documents).toHaveLength(5);
    expect(d.power).toBe('OFF');
  });
});

describe('a SMASH CLP session', () => {
  const PROMPT = '</>hpiLO-> ';

  function smash(faults: ('hang-after-login' | 'slow')[] = []) {
    const { d, scheduler, events, emit } = device();
    for (const f of faults) d.faults.add(f);
    const terminal = new FakeTerminal('ssh 127.0.0.1:40112 admin');
    const session = createSmashSession(d, terminal, emit, {
      user: 'admin',
      scheduler,
      clock: clockOf(scheduler),
      now: () => new Date(2018, 8, 26, 15, 31, 57),
    });
    session.start();
    const type = (line: string): string => {
      session.input(line, false);
      scheduler.advance(100);
      return terminal.take();
    };
    return { d, scheduler, events, terminal, session, type };
  }

  it('reports the login with the user SSH authenticated', () => {
    const { events } = smash();
    expect(events).toEqual([{ type: 'login', origin: 'ssh 127.0.0.1:40112 admin', mode: 'admin', user: 'admin' }]);
  });

  it('hang-after-login: logged in, no banner, no prompt, no command carried out', () => {
    const { d, events, terminal, type } = smash(['hang-after-login']);
    expect(events.map((e) => e.type)).toEqual(['login']);
    expect(terminal.take()).toBe('');
    d.faults.delete('hang-after-login');
    expect(type('power off hard')).toBe('');
    expect(d.power).toBe('ON');
    expect(terminal.closedWith).toBeNull();
  });

  it('hang switched on mid-session: nothing is answered or done; switched off, it answers again', () => {
    const { d, terminal, type } = smash();
    expect(terminal.take()).toContain(PROMPT);
    d.faults.add('hang');
    expect(type('power off hard')).toBe('');
    expect(d.power).toBe('ON');
    d.faults.delete('hang');
    expect(type('power')).toContain(PROMPT);
  });

  it('garbled switched on mid-session: the replies are noise with no prompt; switched off, readable again', () => {
    const { d, terminal, type } = smash();
    terminal.take();
    d.faults.add('garbled');
    const noise = type('show /system1');
    expect(noise.length).toBeGreaterThan(0);
    expect(noise).not.toContain('hpiLO->');
    expect(noise).not.toMatch(/enabledstate/i);
    d.faults.delete('garbled');
    expect(type('show /system1')).toMatch(/enabledstate=enabled[\s\S]*<\/>hpiLO-> $/);
  });

  it('slow: the banner and every reply come SLOW_MS late, and exit hangs up only after them', () => {
    const { d, scheduler, terminal, session } = smash(['slow']);
    expect(terminal.take()).toBe('');
    scheduler.advance(SLOW_MS);
    expect(terminal.take()).toContain(PROMPT);
    session.input('power', false);
    scheduler.advance(SLOW_MS - 1);
    expect(terminal.take()).toBe('');
    scheduler.advance(1);
    expect(terminal.take()).toMatch(/server power is currently: On[\s\S]*hpiLO-> $/);
    session.input('exit', false);
    expect(terminal.closedWith).toBeNull();
    scheduler.advance(SLOW_MS);
    expect(terminal.closedWith).toBe('logout');
    d.faults.delete('slow');
  });

  it('leaves hang, slow and garbled to a front-end that applies them itself (streamFaults: false)', () => {
    const { d, scheduler, events, emit } = device();
    d.faults.add('slow');
    d.faults.add('garbled');
    const terminal = new FakeTerminal('ssh 127.0.0.1:40112 admin');
    createSmashSession(d, terminal, emit, { user: 'admin', scheduler, streamFaults: false }).start();
    expect(terminal.take()).toContain(PROMPT);
    expect(events.map((e) => e.type)).toEqual(['login']);
  });

  it('stuck-relay: "power off hard" is acknowledged, the server stays on, the ignored command is reported', () => {
    const { d, events, type } = smash();
    d.faults.add('stuck-relay');
    expect(type('power off hard')).toMatch(/status=0[\s\S]*hpiLO-> $/);
    expect(d.power).toBe('ON');
    expect(events.at(-1)).toEqual({
      type: 'switch-ignored',
      plug: 1,
      requested: 'OFF',
      by: 'ssh 127.0.0.1:40112 admin',
      user: 'admin',
      reason: 'fault: stuck-relay',
    });
  });
});
