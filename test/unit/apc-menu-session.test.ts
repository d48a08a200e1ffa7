import { describe, expect, it } from 'vitest';
import { ApcDevice, type ApcFault, type ApcModel, type ApcRole } from '../../emulator/apc/apc-device.js';
import { createApcSession } from '../../emulator/apc/sessions.js';
import type { EmulatorEvent } from '../../emulator/events.js';
import type { ByteSession } from '../../emulator/session.js';
import { FakeTerminal } from '../helpers/fake-terminal.js';
import { ManualScheduler } from './support.js';

/**
 * The APC keystroke menus (v2.7 Rack PDU, AP9211 MasterSwitch) driven key by
 * key through a fake terminal, with the card's clock and the outlets' timers
 * in the test's hands. What is asserted is what fence_apc, apcmaster or a
 * person would see on the line.
 */

const CLOCK = { now: () => new Date(2014, 7, 11, 15, 6, 54), startedAt: new Date(2014, 6, 8, 11, 27, 30) };

function setup(
  opts: { model?: ApcModel; role?: ApcRole; login?: boolean; faults?: ApcFault[]; bootDelay?: number } = {},
) {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const device = new ApcDevice({
    model: opts.model ?? 'apc-rackpdu',
    firmware: '2.7',
    emit: (e) => events.push(e),
    scheduler,
  });
  device.users = [{ name: 'apc', password: 's3cret', role: opts.role ?? 'outlet' }];
  device.load({
    identity: { name: 'PDU-BAR', location: 'BRQ Lab' },
    plugs: [
      { number: 1, name: 'node1', rebootDuration: opts.bootDelay ?? 5 },
      { number: 2, name: 'node2', state: 'OFF' },
    ],
  });
  for (const f of opts.faults ?? []) device.faults.add(f);
  const term = new FakeTerminal();
  const session = createApcSession(device, term, (e) => events.push(e), {
    login: opts.login ?? false,
    user: 'apc',
    clock: CLOCK,
  }) as ByteSession;
  expect(session.kind).toBe('bytes');
  const type = (text: string) => session.input(Buffer.from(text, 'latin1'));
  session.start();
  return { device, term, session, type, events, scheduler };
}

/** Walk an outlet user from the Control Console to outlet `n`'s screen. */
function toOutlet(type: (t: string) => void, n: number) {
  type('1\r2\r');
  type('x'); // past the pager
  type(`${n}\r`);
}

describe('APC v2.7 menu: login over telnet', () => {
  it('asks User Name, then Password  : (two spaces), echoing the name but never the password', () => {
    const { term, type, events } = setup({ login: true });
    expect(term.take()).toBe('\r\nUser Name : ');
    type('apc\r\n');
    expect(term.take()).toBe('apc\r\nPassword  : ');
    type('s3cret\r\n');
    const banner = term.take();
    expect(banner).not.toContain('s3cret');
    expect(banner).toContain('American Power Conversion');
    expect(banner).toContain('User : Outlet User');
    expect(banner.endsWith('\r\n> ')).toBe(true);
    expect(events).toContainEqual({ type: 'login', origin: term.origin, mode: 'user', user: 'apc' });
  });

  it('answers a wrong password with User Name again, and hangs up after three', () => {
    const { term, type, events } = setup({ login: true });
    term.take();
    type('apc\r\nwrong1\r\n');
    expect(term.take()).toBe('apc\r\nPassword  : \r\n\r\nUser Name : ');
    type('apc\r\nwrong2\r\napc\r\nwrong3\r\n');
    expect(term.closedWith).toBe('too many wrong passwords');
    expect(term.all).not.toContain('wrong');
    expect(events.filter((e) => e.type === 'login-failed')).toHaveLength(3);
    expect(events.some((e) => e.type === 'login')).toBe(false);
  });

  it('a wrong user name is refused like a wrong password', () => {
    const { term, type, events } = setup({ login: true });
    type('nobody\rs3cret\r');
    expect(term.all.endsWith('User Name : ')).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['login-failed']);
  });
});

describe('APC v2.7 menu: screens and keys', () => {
  it('starts at the banner on SSH, with the clock it was given', () => {
    const { term } = setup();
    const out = term.take();
    expect(out.startsWith('\n\n\n\rAmerican Power Conversion')).toBe(true);
    expect(out).toContain('Date : 08/11/2014\r\n');
    expect(out).toContain('Time : 15:06:54\n\r');
    expect(out).toContain('Up Time   : 34 Days 3 Hours 39 Minutes                Stat : P+ N+ A+\r\n');
    expect(out).toContain('Location  : BRQ Lab                                   User : Outlet User\n\r');
    expect(out.endsWith('     4- Logout\r\n\r\n     <ESC>- Main Menu, <ENTER>- Refresh\r\n> ')).toBe(true);
  });

  it('echoes the digit, then draws the screen; the LF of CR LF is swallowed at a prompt', () => {
    const { term, type } = setup();
    term.take();
    type('1\r\n');
    const out = term.take();
    expect(out.startsWith('1\n\n\r------- Device Manager ---')).toBe(true);
    expect(out).toContain('     2- Outlet Control\r\n');
    expect(out.split('> ')).toHaveLength(2);
  });

  it('Enter on an empty line redraws the screen', () => {
    const { term, type } = setup();
    term.take();
    type('1\r');
    const first = term.take();
    type('\r');
    expect(term.take()).toBe(first.slice(1)); // the same screen, without the echoed digit
  });

  it('stops the outlet list at the pager after 22 rows; any key continues, a waiting LF included', () => {
    const { device, term, type } = setup();
    type('1\r2\r');
    const page = term.take();
    expect(page).toContain('    22- Outlet 22                ON\r\n\r        Press <ENTER> to continue...');
    expect(page).not.toContain('23-');
    type('\n');
    const rest = term.take();
    expect(rest.startsWith(`\r${' '.repeat(36)}\r    23- Outlet 23                ON\r\n`)).toBe(true);
    expect(rest).toContain(`    25- ALL Accessible Outlets\r\n\r\n     <ESC>- Back, <ENTER>- Refresh\r\n> `);
    expect(device.bank.count).toBe(24);
  });

  it('a CR LF at the outlet list redraws it and the LF runs past the new pager', () => {
    const { term, type } = setup();
    type('1\r2\r\n');
    term.take();
    type('\r\n');
    const out = term.take();
    expect(out.match(/Press <ENTER> to continue\.\.\./g)).toHaveLength(1);
    expect(out.endsWith('Refresh\r\n> ')).toBe(true);
  });

  it('a CR LF typed at the pager is one Enter: it continues, and the LF is not a second Enter', () => {
    const { term, type } = setup();
    type('1\r2\r');
    term.take();
    type('\r\n');
    const out = term.take();
    expect(out).toContain('    24- Outlet 24');
    expect(out).not.toContain('------- Outlet Control');
  });

  it('Ctrl-C while the pager waits goes to the banner and the Control Console', () => {
    const { term, type } = setup();
    type('1\r2\r');
    term.take();
    type('\x03');
    const out = term.take();
    expect(out.startsWith('\n\n\n\rAmerican Power Conversion')).toBe(true);
    expect(out).toContain('------- Control Console ---');
    expect(out).not.toContain('23-');
  });

  it('ESC goes back one level, and at the top redraws the Control Console', () => {
    const { term, type } = setup();
    type('1\r');
    term.take();
    type('\x1b');
    expect(term.take()).toContain('------- Control Console ---');
    type('\x1b');
    const top = term.take();
    expect(top.startsWith('\n\n\r------- Control Console ---')).toBe(true);
    expect(top).not.toContain('American Power Conversion');
  });

  it('shows an outlet screen titled with its name, and an unknown choice redraws', () => {
    const { term, type } = setup();
    toOutlet(type, 2);
    const out = term.take();
    expect(out).toContain('------- node2 ---');
    expect(out).toContain('        Name         : node2\r\n        Outlet       : 2\r\n        State        : OFF\r\n');
    expect(out).toContain('     3- Immediate Reboot          \r\n');
    type('9\r');
    expect(term.take()).toContain('------- node2 ---');
  });

  it('Immediate On: confirmation, "Command successfully issued.", then the redrawn screen with the new state', () => {
    const { device, term, type } = setup();
    toOutlet(type, 2);
    term.take();
    type('1\r\n');
    expect(term.take()).toBe(
      '1\r\n        -----------------------------------------------------------------------\r\n' +
        '        Immediate On              \r\n\r\n        This command will immediately turn\r\n' +
        "        outlet 2 named 'node2' ON.\r\n\r\n        Enter 'YES' to continue or <ENTER> to cancel : ",
    );
    expect(device.bank.get(2)?.state).toBe('OFF');
    type('YES\r');
    expect(term.take()).toBe('YES\r\n        Command successfully issued.\r\n\r\n        Press <ENTER> to continue...');
    expect(device.bank.get(2)?.state).toBe('ON');
    type('\n');
    const redraw = term.take();
    expect(redraw.startsWith('\r\n\n\n\r------- node2 ---')).toBe(true);
    expect(redraw).toContain('State        : ON\r\n');
  });

  it('<ENTER> at the confirmation cancels: nothing switches', () => {
    const { device, term, type } = setup();
    toOutlet(type, 1);
    type('2\r');
    term.take();
    type('\r');
    expect(term.take()).toContain('------- node1 ---');
    expect(device.bank.get(1)?.state).toBe('ON');
  });

  it('Immediate Reboot keeps the outlet off for its reboot duration', () => {
    const { device, type, scheduler, events } = setup({ bootDelay: 7 });
    toOutlet(type, 1);
    type('3\rYES\r');
    expect(device.bank.get(1)?.state).toBe('OFF');
    scheduler.advance(6999);
    expect(device.bank.get(1)?.state).toBe('OFF');
    scheduler.advance(1);
    expect(device.bank.get(1)?.state).toBe('ON');
    expect(events.filter((e) => e.type === 'plug').map((e) => (e.type === 'plug' ? e.state : ''))).toEqual([
      'OFF',
      'ON',
    ]);
  });

  it('Delayed Off acts after the outlet delay, and Cancel drops it', () => {
    const { device, type, scheduler } = setup({ bootDelay: 3 });
    toOutlet(type, 1);
    type('5\rYES\r\r');
    scheduler.advance(2999);
    expect(device.bank.get(1)?.state).toBe('ON');
    scheduler.advance(1);
    expect(device.bank.get(1)?.state).toBe('OFF');
    type('4\rYES\r\r7\rYES\r\r');
    scheduler.runAll();
    expect(device.bank.get(1)?.state).toBe('OFF');
  });

  it('4- Logout closes the session', () => {
    const { term, type } = setup();
    type('4\r');
    expect(term.closedWith).toBe('logout');
  });

  it('an administrator gets 3- Outlet Control/Configuration and 1- Control Outlet, as fence_apc expects', () => {
    const { device, term, type } = setup({ role: 'admin' });
    expect(term.take()).toContain('User : Administrator');
    type('1\r');
    expect(term.take()).toContain('     3- Outlet Control/Configuration\r\n');
    type('3\r\n\r\n');
    const list = term.take();
    expect(list).toContain('------- Outlet Control/Configuration ---');
    expect(list).toContain('25- Master Control/Configuration');
    type('1\r\n');
    expect(term.take()).toContain('     1- Control Outlet            \r\n');
    type('1\r\n');
    expect(term.take()).toContain('     2- Immediate Off             \r\n');
    type('2\r\nYES\r\n\r\n');
    expect(device.bank.get(1)?.state).toBe('OFF');
  });
});

describe('APC v2.7 menu: faults', () => {
  it('stuck-relay: the command is acknowledged and nothing moves', () => {
    const { device, term, type } = setup({ faults: ['stuck-relay'] });
    toOutlet(type, 1);
    type('2\rYES\r');
    expect(term.take()).toContain('Command successfully issued.');
    expect(device.bank.get(1)?.state).toBe('ON');
  });

  it('stall-mid-screen: the outlet list stops half-way and no key gets an answer', () => {
    const { term, type, session } = setup({ faults: ['stall-mid-screen'] });
    type('1\r');
    term.take();
    type('2\r');
    const half = term.take();
    expect(half.length).toBeGreaterThan(0);
    expect(half).not.toContain('Press <ENTER>');
    type('\r\x03\x1b1\r');
    expect(term.take()).toBe('');
    expect(session.busy).toBe(true);
    expect(term.closedWith).toBeNull();
  });

  it('drop-after-login: the login is reported, then the card hangs up', () => {
    const { term, type, events } = setup({ login: true, faults: ['drop-after-login'] });
    type('apc\rs3cret\r');
    expect(events.map((e) => e.type)).toEqual(['login']);
    expect(term.closedWith).toBe('fault: drop-after-login');
    expect(term.all).not.toContain('Control Console');
  });
});

describe('APC AP9211 MasterSwitch menu (cluster-glue apcmaster)', () => {
  it("asks User Name and Password, without a telnet client's escape line (the card never prints it)", () => {
    const { term, type } = setup({ model: 'apc-masterswitch', login: true });
    expect(term.take()).toBe('\r\nUser Name : ');
    type('apc\r');
    expect(term.take().endsWith('Password  : ')).toBe(true);
    type('s3cret\r');
    expect(term.take()).toContain('American Power Conversion');
  });

  it('1 from the top lists the outlets directly: "-----" line, blank line, %d- %23c rows, then a short line', () => {
    const { term, type } = setup({ model: 'apc-masterswitch' });
    term.take();
    type('1\r');
    const out = term.take();
    const afterRule = out.slice(out.indexOf('-----'));
    const lines = afterRule.split('\r\n');
    expect(lines[1]).toBe('');
    const rows = lines.slice(2, 10).map((l) => /^\s*(\d+)- (.{23})/.exec(l));
    expect(rows.map((m) => m?.[2]?.trimEnd())).toEqual([
      'node1',
      'node2',
      ...[3, 4, 5, 6, 7, 8].map((n) => `Outlet ${n}`),
    ]);
    expect((lines[10] ?? 'x').length).toBeLessThanOrEqual(2);
    expect(out).not.toMatch(/ALL Accessible Outlets/i);
  });

  it('answers every ESC with exactly one screen ending in "> ", the top menu included', () => {
    const { term, type } = setup({ model: 'apc-masterswitch' });
    type('1\r1\r1\r');
    term.take();
    for (let i = 0; i < 8; i++) {
      type('\x1b');
      const out = term.take();
      expect(out.endsWith('> ')).toBe(true);
      expect(out.split('> ')).toHaveLength(2);
    }
  });

  it('takes typed-ahead input: 1\\r N\\r 1\\r 2\\r in one write reaches the confirmation', () => {
    const { device, term, type } = setup({ model: 'apc-masterswitch' });
    type('\x1b\x1b1\r1\r1\r2\r');
    expect(term.take()).toContain("Enter 'YES' to continue");
    type('YES\r');
    expect(term.take()).toContain('Press <ENTER> to continue');
    expect(device.bank.get(1)?.state).toBe('OFF');
    type('\r');
    const out = term.take();
    expect(out).toContain('------- Control Outlet ---');
    expect(out.endsWith('> ')).toBe(true);
  });

  it("3 at Control Outlet is an Immediate Reboot with the outlet's reboot duration", () => {
    const { device, type, scheduler } = setup({ model: 'apc-masterswitch', bootDelay: 2 });
    type('1\r1\r1\r3\rYES\r\r');
    expect(device.bank.get(1)?.state).toBe('OFF');
    scheduler.advance(2000);
    expect(device.bank.get(1)?.state).toBe('ON');
  });
});
