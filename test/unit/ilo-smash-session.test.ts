import { describe, expect, it } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { IloDevice, type IloFault, type IloModel } from '../../emulator/ilo/ilo-device.js';
import { createSmashSession } from '../../emulator/ilo/smash-session.js';
import type { LineSession } from '../../emulator/session.js';
import { FakeTerminal } from '../helpers/fake-terminal.js';
import { ManualScheduler } from './support.js';

/**
 * The SMASH CLP session line by line through a fake terminal (the SSH
 * front-end, not the session, echoes typed lines). What fence_ilo_ssh and
 * fence_ilo_mp 4.12.1 read is what matters: the prompt regex `hpiLO->`, and
 * `EnabledState=(.*)` (case-insensitive) whose value starts with `enabled`
 * when the server is on.
 */

const PROMPT = '</>hpiLO-> ';
/** fence_ilo_ssh's own status regex and reading of it. */
const ENABLED_STATE = /EnabledState=(.*)/i;
function agentReads(text: string): 'on' | 'off' | null {
  const m = ENABLED_STATE.exec(text);
  if (!m) return null;
  return (m[1] ?? '').toLowerCase().startsWith('enabled') ? 'on' : 'off';
}

/** A fixed iLO clock: Wednesday 26 September 2018, 15:31:57 local time. */
const NOW = new Date(2018, 8, 26, 15, 31, 57);
const DATE_LINE = 'Wed Sep 26 15:31:57 2018';

function setup(
  opts: {
    model?: IloModel;
    power?: 'ON' | 'OFF';
    transitionSeconds?: number;
    faults?: IloFault[];
    hostName?: string;
  } = {},
) {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const emit = (e: EmulatorEvent) => events.push(e);
  const device = new IloDevice({ model: opts.model ?? 'ilo4', emit, scheduler });
  device.users = [{ name: 'admin', password: 'pw-never-shown' }];
  device.power = opts.power ?? 'ON';
  device.transitionSeconds = opts.transitionSeconds ?? 0;
  if (opts.hostName) device.hostName = opts.hostName;
  for (const f of opts.faults ?? []) device.faults.add(f);
  const terminal = new FakeTerminal('ssh 127.0.0.1:40112 admin');
  const session: LineSession = createSmashSession(device, terminal, emit, { user: 'admin', now: () => NOW, scheduler });
  session.start();
  const banner = terminal.take();
  /** Type a line and let any pause in the reply run out. */
  const type = (line: string): string => {
    session.input(line, false);
    scheduler.advance(1000);
    return terminal.take();
  };
  const plugChanges = () =>
    events
      .filter((e) => e.type === 'plug')
      .map((e) => (e.type === 'plug' ? e.state : ''))
      .join(' ');
  return { scheduler, events, device, terminal, session, banner, type, plugChanges };
}

describe('SMASH CLP session: login and banner', () => {
  it('reports the login of the account SSH authenticated, with its origin', () => {
    const { events } = setup();
    expect(events).toEqual([{ type: 'login', origin: 'ssh 127.0.0.1:40112 admin', mode: 'admin', user: 'admin' }]);
  });

  it('greets with the user, the firmware, the server name and power, then the prompt', () => {
    const { banner } = setup({ hostName: 'db7' });
    expect(banner).toContain('User:admin logged-in to ILO');
    expect(banner).toContain('\r\niLO Advanced 2.78 at  Apr 28 2021\r\n');
    expect(banner).toContain('\r\nServer Name: db7\r\n');
    expect(banner).toContain('\r\nServer Power: On\r\n');
    expect(banner.endsWith(`\r\n\r\n${PROMPT}`)).toBe(true);
    expect(banner).not.toContain('pw-never-shown');
  });

  it('names the generation in the banner, and the power as it is', () => {
    const { banner } = setup({ model: 'ilo2', power: 'OFF' });
    expect(banner).toContain('\r\niLO 2 Advanced 2.29 at  Jul 16 2015\r\n');
    expect(banner).toContain('\r\nServer Power: Off\r\n');
  });

  it('drop-after-login: the login is reported, then the line is hung up before any banner', () => {
    const { terminal, events } = setup({ faults: ['drop-after-login'] });
    expect(events.map((e) => e.type)).toEqual(['login']);
    expect(terminal.closedWith).toBe('fault: drop-after-login');
    expect(terminal.all).toBe('');
  });
});

describe('SMASH CLP session: status as fence_ilo_ssh reads it', () => {
  it('SMCLP is accepted and answered with the prompt only', () => {
    const { type } = setup();
    expect(type('SMCLP')).toBe(PROMPT);
  });

  it('an empty line gives the prompt again', () => {
    const { type } = setup();
    expect(type('')).toBe(PROMPT);
  });

  it('show /system1 on a server that is on: a status block, Targets, Properties with enabledstate=enabled, Verbs', () => {
    const { type } = setup({ hostName: 'node1' });
    const out = type('show /system1');
    expect(agentReads(out)).toBe('on');
    expect(
      out.startsWith(
        `\r\nstatus=0\r\nstatus_tag=COMMAND COMPLETED\r\n${DATE_LINE}\r\n\r\n\r\n\r\n/system1\r\n  Targets\r\n`,
      ),
    ).toBe(true);
    expect(out).toContain('\r\n  Properties\r\n');
    expect(out).toContain('\r\n    enabledstate=enabled\r\n');
    expect(out).toContain('\r\n    oemhp_server_name=node1\r\n');
    expect(out).toContain('\r\n  Verbs\r\n    cd version exit show reset start stop\r\n');
    expect(out.endsWith(`\r\n\r\n${PROMPT}`)).toBe(true);
    // Every line ends CRLF: no bare LF, no bare CR.
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('show /system1 on a server that is off reads as off', () => {
    const { type } = setup({ power: 'OFF' });
    const out = type('show /system1');
    expect(out).toContain('\r\n    enabledstate=disabled\r\n');
    expect(agentReads(out)).toBe('off');
  });

  it('show /system1 enabledstate shows only that property', () => {
    const { type } = setup();
    const out = type('show /system1 enabledstate');
    expect(agentReads(out)).toBe('on');
    expect(out).toContain('/system1\r\n  Properties\r\n    enabledstate=enabled\r\n  Verbs\r\n');
    expect(out).not.toContain('Targets');
    expect(out).not.toContain('oemhp_server_name');
  });

  it('commands and targets are case-insensitive, relative targets and a trailing slash are fine', () => {
    const { type } = setup();
    expect(agentReads(type('SHOW /SYSTEM1'))).toBe('on');
    expect(agentReads(type('Show system1/'))).toBe('on');
    expect(agentReads(type('show /system1 EnabledState'))).toBe('on');
  });

  it('the enabledstate line comes after a pause, on its own write; lines typed meanwhile wait their turn', () => {
    const { session, terminal, scheduler } = setup();
    session.input('show /system1', false);
    const first = terminal.take();
    expect(first).toContain('status=0');
    expect(first).not.toMatch(/enabledstate/i);
    expect(first).not.toContain(PROMPT);
    expect(session.busy).toBe(true);

    session.input('power', false);
    expect(terminal.take()).toBe('');

    scheduler.advance(50);
    const rest = terminal.take();
    expect(rest.startsWith('    enabledstate=enabled\r\n')).toBe(true);
    // The queued `power` ran after the show's prompt.
    const showEnd = rest.indexOf(PROMPT);
    expect(showEnd).toBeGreaterThan(0);
    expect(rest.slice(showEnd + PROMPT.length)).toContain('power: server power is currently: On');
    expect(rest.endsWith(PROMPT)).toBe(true);
    expect(session.busy).toBe(false);
  });

  it('a session ended during the pause writes nothing more and leaves no timer behind', () => {
    const { session, terminal, scheduler } = setup();
    session.input('show /system1', false);
    session.end();
    terminal.take();
    scheduler.advance(1000);
    expect(terminal.take()).toBe('');
    expect(scheduler.pending).toBe(0);
  });

  it('power: "power: server power is currently: On|Off"', () => {
    const on = setup();
    expect(on.type('power')).toContain('\r\npower: server power is currently: On\r\n');
    const off = setup({ power: 'OFF' });
    expect(off.type('POWER')).toContain('\r\npower: server power is currently: Off\r\n');
  });
});

describe('SMASH CLP session: power commands', () => {
  it('start /system1 powers on, and the change is reported by the session origin', () => {
    const { type, device, events } = setup({ power: 'OFF' });
    const out = type('start /system1');
    expect(out).toContain('status=0\r\nstatus_tag=COMMAND COMPLETED\r\n');
    expect(out).toContain('Server powering on .......');
    expect(out.endsWith(PROMPT)).toBe(true);
    expect(device.power).toBe('ON');
    expect(events.at(-1)).toMatchObject({ type: 'plug', state: 'ON', by: 'ssh 127.0.0.1:40112 admin' });
  });

  it('power off hard (fence_ilo_ssh) and stop -f /system1 (fence_ilo_mp) force the server off', () => {
    const a = setup();
    expect(a.type('power off hard')).toContain('Forcing server power off .......');
    expect(a.device.power).toBe('OFF');
    const b = setup();
    expect(b.type('stop -f /system1')).toContain('Forcing server power off .......');
    expect(b.device.power).toBe('OFF');
    const c = setup();
    c.type('STOP /system1 -F');
    expect(c.device.power).toBe('OFF');
  });

  it('stop /system1 is graceful: the prompt comes back at once, the server goes off after its transition', () => {
    const { session, terminal, scheduler, device } = setup({ transitionSeconds: 2 });
    session.input('stop /system1', false);
    const out = terminal.take();
    expect(out).toContain('Server powering off .......');
    expect(out.endsWith(PROMPT)).toBe(true);
    expect(device.power).toBe('ON');
    // Still on until the transition ends, and show says so.
    session.input('show /system1', false);
    scheduler.advance(100);
    expect(agentReads(terminal.take())).toBe('on');
    scheduler.advance(2000);
    expect(device.power).toBe('OFF');
    session.input('show /system1', false);
    scheduler.advance(100);
    expect(agentReads(terminal.take())).toBe('off');
  });

  it('power on and power off also switch', () => {
    const { type, device } = setup({ power: 'OFF' });
    type('power on');
    expect(device.power).toBe('ON');
    type('power off');
    expect(device.power).toBe('OFF');
  });

  it('reset /system1 hard (fence_ilo_ssh --method cycle) answers at once, then goes off, then on', () => {
    const { session, terminal, scheduler, plugChanges, device } = setup({ transitionSeconds: 2 });
    session.input('reset /system1 hard', false);
    const out = terminal.take();
    expect(out).toContain('Server resetting .......');
    expect(out.endsWith(PROMPT)).toBe(true);
    expect(plugChanges()).toBe('');
    scheduler.advance(2000);
    expect(plugChanges()).toBe('OFF');
    scheduler.advance(2001);
    expect(plugChanges()).toBe('OFF ON');
    expect(device.power).toBe('ON');
  });

  it('reset /system1 and power reset cycle too', () => {
    const a = setup();
    a.type('reset /system1');
    expect(a.plugChanges()).toBe('OFF ON');
    const b = setup();
    b.type('power reset');
    expect(b.plugChanges()).toBe('OFF ON');
  });

  it('start on a server already on, or heading there, is refused and changes nothing', () => {
    const { type, plugChanges } = setup();
    const out = type('start /system1');
    expect(out).toContain('status=2\r\nstatus_tag=COMMAND PROCESSING FAILED\r\n');
    expect(out).toContain('Server power already on.');
    expect(plugChanges()).toBe('');
    const off = setup({ power: 'OFF' });
    expect(off.type('power off hard')).toContain('Server power already off.');
    expect(off.plugChanges()).toBe('');
  });

  it('stuck-power: the command is acknowledged but the server never moves', () => {
    const { type, device, plugChanges } = setup({ faults: ['stuck-power'] });
    expect(type('power off hard')).toContain('status=0');
    expect(device.power).toBe('ON');
    expect(agentReads(type('show /system1'))).toBe('on');
    expect(plugChanges()).toBe('');
  });
});

describe('SMASH CLP session: errors, help, exit', () => {
  it('an unknown command gets an error status block and the prompt', () => {
    const { type } = setup();
    const out = type('frobnicate /system1');
    expect(out).toBe(
      `\r\nstatus=2\r\nstatus_tag=COMMAND PROCESSING FAILED\r\nerror_tag=COMMAND NOT RECOGNIZED\r\n${DATE_LINE}\r\n\r\n\r\n\r\n${PROMPT}`,
    );
  });

  it('a line longer than the buffer is never run', () => {
    const { session, terminal, device } = setup();
    session.input('power off hard', true);
    expect(terminal.take()).toContain('error_tag=COMMAND NOT RECOGNIZED');
    expect(device.power).toBe('ON');
  });

  it('a power verb on another target, or with an unknown option, is refused and nothing moves', () => {
    const { type, plugChanges } = setup();
    expect(type('stop /system2')).toContain('error_tag=INVALID TARGET');
    expect(type('stop')).toContain('error_tag=INVALID TARGET');
    expect(type('stop -x /system1')).toContain('error_tag=INVALID OPTION');
    expect(type('power off now')).toContain('error_tag=INVALID OPTION');
    expect(type('show /system1 nosuchproperty')).toContain('error_tag=INVALID OPTION');
    expect(plugChanges()).toBe('');
  });

  it('show / lists system1 and map1', () => {
    const { type } = setup();
    const out = type('show /');
    expect(out).toContain('status=0');
    expect(out).toContain('\r\n/\r\n  Targets\r\n    system1\r\n    map1\r\n');
    expect(agentReads(out)).toBeNull();
  });

  it('help lists the commands without anything a client could take for a prompt or a state', () => {
    const { type } = setup();
    const out = type('help');
    expect(out).toContain('status=0');
    expect(out).toContain('start /system1');
    expect(out.slice(0, -PROMPT.length)).not.toContain('hpiLO->');
    expect(agentReads(out)).toBeNull();
  });

  it('exit ends the session with nothing more written', () => {
    const { session, terminal } = setup();
    session.input('exit', false);
    expect(terminal.closedWith).toBe('logout');
    expect(terminal.take()).toBe('');
    session.input('show /system1', false);
    expect(terminal.take()).toBe('');
  });
});
