import { describe, expect, it } from 'vitest';
import { ApcDevice, type ApcFault } from '../../emulator/apc/apc-device.js';
import { createApcSession } from '../../emulator/apc/sessions.js';
import type { EmulatorEvent } from '../../emulator/events.js';
import type { LineSession } from '../../emulator/session.js';
import { FakeTerminal } from '../helpers/fake-terminal.js';
import { ManualScheduler } from './support.js';

/**
 * The AOS v6.4 `apc>` command line, line by line through a fake terminal (the
 * front-end, not the session, echoes typed lines). The regexes below are
 * fence_apc 4.12.1's own: what it can read is what matters.
 */

/** fence_apc: firmware digit, prompt and status rows. */
const FIRMWARE = /\s*v(\d)*\./;
const PROMPT = /\napc>/;
const STATUS_ROW = /^\s*(\d+): (.*): (On|Off)\s*$/i;

const CLOCK = { now: () => new Date(2017, 9, 4, 8, 29, 16), startedAt: new Date(2017, 9, 4, 8, 3, 0) };

function setup(opts: { login?: boolean; faults?: ApcFault[] } = {}) {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const device = new ApcDevice({
    model: 'apc-rackpdu',
    firmware: '6.4',
    outlets: 8,
    emit: (e) => events.push(e),
    scheduler,
  });
  device.users = [{ name: 'apc', password: 's3cret', role: 'admin' }];
  device.load({
    plugs: [
      { number: 1, name: 'web1', rebootDuration: 4 },
      { number: 2, name: 'db1', state: 'OFF' },
      { number: 3, name: 'Twin' },
      { number: 4, name: 'twin' },
    ],
  });
  for (const f of opts.faults ?? []) device.faults.add(f);
  const term = new FakeTerminal('test 127.0.0.1:4001');
  const session = createApcSession(device, term, (e) => events.push(e), {
    login: opts.login ?? false,
    user: 'apc',
    clock: CLOCK,
  }) as LineSession;
  expect('kind' in session).toBe(false);
  session.start();
  const type = (...lines: string[]) => {
    for (const l of lines) session.input(l, false);
  };
  return { device, term, session, type, events, scheduler };
}

/** The status rows fence_apc would parse out of a reply. */
function rows(reply: string): string[][] {
  return reply
    .split('\n')
    .map((l) => STATUS_ROW.exec(l))
    .filter((m) => m !== null)
    .map((m) => [m[1] as string, m[2] as string, m[3] as string]);
}

describe('APC v6.4 CLI: login and banner', () => {
  it('asks User Name, then Password  : with echo off, and opens with a banner fence_apc reads as v6', () => {
    const { term, type, events } = setup({ login: true });
    expect(term.take()).toBe('\r\nUser Name : ');
    type('apc');
    expect(term.take()).toBe('Password  : ');
    expect(term.secret).toBe(true);
    type('s3cret');
    expect(term.secret).toBe(false);
    const banner = term.take();
    expect(banner).not.toContain('s3cret');
    expect(FIRMWARE.exec(banner)?.[1]).toBe('6');
    expect(banner).toContain('v6.4.6');
    expect(banner).toContain('Date : 10/04/2017');
    expect(banner).toContain('Up Time   : 0 Days 0 Hours 26 Minutes');
    expect(banner).toMatch(/\r\napc>$/);
    expect(events).toEqual([{ type: 'login', origin: term.origin, mode: 'admin', user: 'apc' }]);
  });

  it('answers a wrong password with User Name again and hangs up after three', () => {
    const { term, type, events } = setup({ login: true });
    type('apc', 'nope');
    expect(term.all.endsWith('User Name : ')).toBe(true);
    type('apc', 'nope', 'apc', 'nope');
    expect(term.closedWith).toBe('too many wrong passwords');
    expect(events.filter((e) => e.type === 'login-failed')).toHaveLength(3);
    expect(term.all).not.toContain('nope');
  });

  it('starts at the banner on SSH', () => {
    const { term } = setup();
    expect(PROMPT.test(term.take())).toBe(true);
  });
});

describe('APC v6.4 CLI: commands', () => {
  it('olStatus all: E000: Success, then one row per outlet, then the prompt', () => {
    const { term, type } = setup();
    term.take();
    type('olStatus all');
    const reply = term.take();
    expect(reply.startsWith('E000: Success\r\n 1: web1: On\r\n 2: db1: Off\r\n')).toBe(true);
    expect(rows(reply)).toHaveLength(8);
    expect(rows(reply)[4]).toEqual(['5', 'Outlet 5', 'On']);
    expect(PROMPT.test(reply)).toBe(true);
  });

  it('olStatus takes a number, a list, a range or a name (case-insensitive, every match)', () => {
    const { term, type } = setup();
    term.take();
    type('olstatus 2');
    expect(rows(term.take())).toEqual([['2', 'db1', 'Off']]);
    type('olStatus 1,3-4');
    expect(rows(term.take()).map((r) => r[0])).toEqual(['1', '3', '4']);
    type('olStatus TWIN');
    expect(rows(term.take()).map((r) => r[0])).toEqual(['3', '4']);
  });

  it('olOn, olOff switch and answer E000', () => {
    const { device, term, type } = setup();
    term.take();
    type('olOn 2');
    expect(term.take()).toBe('E000: Success\r\n\r\napc>');
    expect(device.bank.get(2)?.state).toBe('ON');
    type('olOff web1,db1');
    expect(device.bank.get(1)?.state).toBe('OFF');
    expect(device.bank.get(2)?.state).toBe('OFF');
  });

  it('olReboot keeps the outlet off for its reboot duration', () => {
    const { device, type, scheduler } = setup();
    type('olReboot 1');
    expect(device.bank.get(1)?.state).toBe('OFF');
    scheduler.advance(3999);
    expect(device.bank.get(1)?.state).toBe('OFF');
    scheduler.advance(1);
    expect(device.bank.get(1)?.state).toBe('ON');
  });

  it('errors: E101 for an unknown command, E102 for a bad or missing outlet, nothing switched', () => {
    const { device, term, type, events } = setup();
    term.take();
    type('4');
    expect(term.take()).toBe('E101: Command Not Found\r\n\r\napc>');
    type('olOff 9');
    expect(term.take()).toContain('E102: Parameter Error');
    type('olOff');
    expect(term.take()).toContain('E102: Parameter Error');
    type('olOff 1,nosuch');
    expect(term.take()).toContain('E102: Parameter Error');
    expect(device.bank.get(1)?.state).toBe('ON');
    expect(events.filter((e) => e.type === 'plug')).toEqual([]);
  });

  it('help lists the commands; an empty line gives the prompt again', () => {
    const { term, type } = setup();
    term.take();
    type('help');
    expect(term.take()).toContain('olStatus');
    type('');
    expect(term.take()).toBe('apc>');
  });

  it('exit, quit and bye end the session', () => {
    for (const word of ['exit', 'quit', 'BYE']) {
      const { term, type } = setup();
      type(word);
      expect(term.closedWith).toBe('logout');
    }
  });
});

describe('APC v6.4 CLI: faults', () => {
  it('stuck-relay: E000, and the outlet does not move', () => {
    const { device, term, type } = setup({ faults: ['stuck-relay'] });
    term.take();
    type('olOff 1');
    expect(term.take()).toContain('E000: Success');
    expect(device.bank.get(1)?.state).toBe('ON');
  });

  it('stall-mid-screen: olStatus stops half-way and nothing more is answered', () => {
    const { term, type, session } = setup({ faults: ['stall-mid-screen'] });
    term.take();
    type('olStatus all');
    expect(PROMPT.test(term.take())).toBe(false);
    type('olStatus 1', 'help');
    expect(term.take()).toBe('');
    expect(session.busy).toBe(true);
  });

  it('drop-after-login: reported, then hung up before the banner', () => {
    const { term, type, events } = setup({ login: true, faults: ['drop-after-login'] });
    type('apc', 's3cret');
    expect(events.map((e) => e.type)).toEqual(['login']);
    expect(term.closedWith).toBe('fault: drop-after-login');
    expect(term.all).not.toContain('apc>');
  });
});
