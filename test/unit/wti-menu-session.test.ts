import { describe, expect, it } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { type MenuSessionOptions, WtiMenuSession } from '../../emulator/wti/menu-session.js';
import { statusScreen } from '../../emulator/wti/screens.js';
import { WtiDevice, type WtiSnapshot } from '../../emulator/wti/wti-device.js';
import { FakeTerminal } from '../helpers/fake-terminal.js';
import { ManualScheduler, settle } from './support.js';

/**
 * The WTI menu driven line by line through a fake terminal, with the device's
 * clock in the test's hands. What is asserted is what a person (or fence_wti,
 * or wti_nps) would see on the line.
 */

type DeviceSetup = Partial<Omit<WtiSnapshot, 'plugs'>> & { plugs?: Partial<WtiSnapshot['plugs'][number]>[] };

function setup(
  opts: { model?: 'ips800' | 'nps'; device?: DeviceSetup; session?: MenuSessionOptions; start?: boolean } = {},
) {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const device = new WtiDevice({ model: opts.model ?? 'ips800', emit: (e) => events.push(e), scheduler });
  device.load({ systemPassword: 'secret', ...opts.device });
  const term = new FakeTerminal('test 127.0.0.1:4000', { countWritesAfterClose: true });
  const session = new WtiMenuSession(device, term, (e) => events.push(e), opts.session);
  const type = (...lines: string[]) => {
    for (const l of lines) session.input(l);
  };
  const states = () =>
    device.bank
      .all()
      .map((o) => o.state)
      .join(' ');
  /** Log in with the system password and forget the output so far. */
  const login = (password = 'secret') => {
    session.start();
    type(password);
    const out = term.take();
    events.length = 0;
    return out;
  };
  if (opts.start) session.start();
  return { scheduler, events, device, term, session, type, states, login };
}

const PROMPT = 'IPS> ';
const PROCESSING = '\r\nProcessing - please wait\r\n';
const SURE = '\r\nSure? (Y/N): ';

const plugEvents = (events: EmulatorEvent[]) =>
  events.filter((e) => e.type === 'plug').map((e) => (e.type === 'plug' ? `${e.plug} ${e.state}` : ''));
const settings = (events: EmulatorEvent[]) => events.filter((e) => e.type === 'setting');

describe('login', () => {
  it('asks "Password: " first, and marks the typing secret', () => {
    const t = setup();
    t.session.start();
    expect(t.term.take()).toBe('\r\nPassword: ');
    expect(t.term.secret).toBe(true);
  });

  it('on the system password: clears secret, shows the banner, the status screen, then the prompt', () => {
    const t = setup();
    t.session.start();
    t.term.take();
    t.type('secret');
    expect(t.term.secret).toBe(false);
    const out = t.term.take();
    expect(out).toBe(statusScreen(t.device, null) + PROMPT);
    expect(out).toContain(' Power Switch');
    expect(t.events).toEqual([{ type: 'login', origin: t.term.origin, mode: 'admin' }]);
  });

  it('on a wrong password: "Invalid password", then asks again with secret set again', () => {
    const t = setup();
    t.session.start();
    t.term.take();
    t.type('wrong');
    expect(t.term.take()).toBe('\r\nInvalid password\r\n\r\nPassword: ');
    expect(t.term.secret).toBe(true);
    expect(t.term.secretCalls).toEqual([true, false, true]);
    expect(t.events).toEqual([{ type: 'login-failed', origin: t.term.origin }]);
    t.type('secret');
    expect(t.term.take()).toContain(PROMPT);
    expect(t.term.closedWith).toBeNull();
  });

  it('hangs up after three wrong passwords, and writes nothing more', () => {
    const t = setup();
    t.session.start();
    t.type('a', 'b');
    expect(t.term.closedWith).toBeNull();
    t.type('c');
    expect(t.term.closedWith).toBe('too many wrong passwords');
    expect(t.term.all.match(/Invalid password/g)).toHaveLength(3);
    expect(t.term.all.match(/Password: /g)).toHaveLength(3);
    expect(t.term.all.endsWith('\r\nInvalid password\r\n')).toBe(true);
    expect(t.term.secret).toBe(false);
    t.type('secret', '/S');
    expect(t.term.writesAfterClose).toBe(0);
    expect(t.events.filter((e) => e.type === 'login-failed')).toHaveLength(3);
    expect(t.events.filter((e) => e.type === 'login')).toHaveLength(0);
  });

  it('honours another try count', () => {
    const t = setup({ session: { maxLoginTries: 1 } });
    t.session.start();
    t.type('nope');
    expect(t.term.closedWith).toBe('too many wrong passwords');
  });

  it('does not take a password that differs in case or by a space', () => {
    const t = setup();
    t.session.start();
    t.type('Secret', ' secret');
    expect(t.term.all.match(/Invalid password/g)).toHaveLength(2);
  });

  it('with no password of any kind: no prompt, straight to the status screen and the prompt', () => {
    const t = setup({ device: { systemPassword: null } });
    t.session.start();
    const out = t.term.take();
    expect(out).not.toContain('Password: ');
    expect(out).toBe(statusScreen(t.device, null) + PROMPT);
    expect(t.term.secretCalls).toEqual([]);
    expect(t.events).toEqual([{ type: 'login', origin: t.term.origin, mode: 'admin' }]);
  });

  it('takes a command typed right behind the password (wti_nps does not wait for the screen)', () => {
    const t = setup();
    t.session.start();
    t.type('secret', '/s');
    expect(t.term.all).toContain(' Power Switch');
    expect(t.term.all.match(/Plug \| Name/g)).toHaveLength(2);
  });
});

describe('plug-password user mode', () => {
  const userDevice: DeviceSetup = {
    plugs: [
      { number: 2, password: 'pw2', name: 'web' },
      { number: 5, password: 'pw2', name: 'web' },
      { number: 7, password: 'other' },
    ],
  };

  it('logs in as a user who sees only the plugs of that password', () => {
    const t = setup({ device: userDevice });
    t.session.start();
    t.type('pw2');
    const out = t.term.take();
    const rows = out.split('\r\n').filter((l) => /^ \d/.test(l));
    expect(rows.map((r) => r.trim().split(' ')[0])).toEqual(['2', '5']);
    expect(t.events).toContainEqual({ type: 'login', origin: t.term.origin, mode: 'user' });
  });

  it('may switch its own plugs, by number, name or *, and nothing else', async () => {
    const t = setup({ device: userDevice });
    t.login('pw2');
    t.type('/off 3,y');
    expect(t.term.take()).toBe(`\r\nInvalid Plug\r\n${PROMPT}`);
    t.type('/off 1:8,y');
    expect(t.term.take()).toBe(`\r\nInvalid Plug\r\n${PROMPT}`);
    t.type('/off *,y');
    await settle();
    expect(t.states()).toBe('ON OFF ON ON OFF ON ON ON');
    const out = t.term.take();
    expect(out.split('\r\n').filter((l) => /^ \d/.test(l))).toHaveLength(2);
    t.type('/on web,y');
    t.scheduler.runAll();
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    t.type('/boot 2,y');
    t.scheduler.runAll();
    await settle();
    expect(plugEvents(t.events)).toEqual(['2 OFF', '5 OFF', '2 ON', '5 ON', '2 OFF', '2 ON']);
  });

  it.each(['/G', '/P 2', '/P', '/D', '/d,y'])('refuses %s with "Invalid Command"', (cmd) => {
    const t = setup({ device: userDevice });
    t.login('pw2');
    t.type(cmd);
    expect(t.term.take()).toBe(`\r\nInvalid Command\r\n${PROMPT}`);
    expect(settings(t.events)).toEqual([]);
  });

  it('still has /S, /H and /X', () => {
    const t = setup({ device: userDevice });
    t.login('pw2');
    t.type('/h');
    expect(t.term.take()).toMatch(/\/BOOT[\s\S]*IPS> $/);
    t.type('/s');
    expect(
      t.term
        .take()
        .split('\r\n')
        .filter((l) => /^ \d/.test(l)),
    ).toHaveLength(2);
    t.type('/x,y');
    expect(t.term.closedWith).toBe('logout');
  });

  it('the system password still gives the whole unit', () => {
    const t = setup({ device: userDevice });
    t.session.start();
    t.type('secret');
    expect(t.term.all.split('\r\n').filter((l) => /^ \d/.test(l))).toHaveLength(8);
  });

  it('a plug password opens user mode even when no system password is set', () => {
    // The unit asks for a password (a plug password exists); the plug password must not open the whole unit.
    const t = setup({ device: { ...userDevice, systemPassword: null } });
    t.session.start();
    expect(t.term.take()).toBe('\r\nPassword: ');
    t.type('pw2');
    expect(t.events).toContainEqual({ type: 'login', origin: t.term.origin, mode: 'user' });
    expect(
      t.term
        .take()
        .split('\r\n')
        .filter((l) => /^ \d/.test(l)),
    ).toHaveLength(2);
    t.type('/G');
    expect(t.term.take()).toContain('Invalid Command');
  });
});

describe('status, help and errors', () => {
  it('/S and /s redraw the status screen, then the prompt', () => {
    const t = setup();
    t.login();
    t.type('/S');
    expect(t.term.take()).toBe(statusScreen(t.device, null) + PROMPT);
    t.type('/s');
    expect(t.term.take()).toBe(statusScreen(t.device, null) + PROMPT);
  });

  it('/H and /h show help, then the prompt (wti_nps needs a prompt after every /h)', () => {
    const t = setup();
    t.login();
    t.type('/h');
    const out = t.term.take();
    expect(out.endsWith(`\r\n${PROMPT}`)).toBe(true);
    expect(out.match(/IPS> /g)).toHaveLength(1);
    expect(out).not.toContain('-----+');
    t.type('/H');
    expect(t.term.take()).toBe(out);
  });

  it.each(['/SG', '/sg', 'hello', 'S', '/', '/?', '/BOO 1', '/ONX 1', '/1'])(
    'answers %j with "Invalid Command" and the prompt',
    (line) => {
      const t = setup();
      t.login();
      t.type(line);
      expect(t.term.take()).toBe(`\r\nInvalid Command\r\n${PROMPT}`);
    },
  );

  it('answers an empty line with just the prompt', () => {
    const t = setup();
    t.login();
    t.type('', '   ');
    expect(t.term.take()).toBe(PROMPT + PROMPT);
  });

  it('uses the NPS prompt and banner for the NPS personality', () => {
    const t = setup({ model: 'nps' });
    const out = t.login();
    expect(out).toContain('Network Power Switch v2.12     Site: (undefined)');
    expect(out.endsWith('NPS> ')).toBe(true);
    t.type('/x');
    expect(t.term.take()).toBe(SURE);
  });
});

describe('switching commands', () => {
  it('/OFF asks "Sure? (Y/N): " and Y turns the plug off, redraws the screen, then the prompt', async () => {
    const t = setup();
    t.login();
    t.type('/OFF 3');
    expect(t.term.take()).toBe(SURE);
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    t.type('Y');
    await settle();
    expect(t.states()).toBe('ON ON OFF ON ON ON ON ON');
    expect(t.term.take()).toBe(PROCESSING + statusScreen(t.device, null) + PROMPT);
    expect(t.events).toEqual([{ type: 'plug', plug: 3, name: null, state: 'OFF', by: t.term.origin }]);
  });

  it('takes a lower-case y as yes', async () => {
    const t = setup();
    t.login();
    t.type('/off 3', 'y');
    await settle();
    expect(t.states()).toBe('ON ON OFF ON ON ON ON ON');
  });

  it.each(['N', 'n', '', 'yes', '/S'])('aborts on %j instead of Y, and changes nothing', async (answer) => {
    const t = setup();
    t.login();
    t.type('/off 3');
    t.term.take();
    t.type(answer);
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(t.term.take()).toBe(`\r\nCommand Aborted\r\n${PROMPT}`);
    expect(t.events).toEqual([]);
  });

  it.each([
    ['/off 3,y', 'fence_wti'],
    ['/OFF 3,Y', 'upper case'],
    ['/Off 3 ,y', 'wti_nps'],
    ['/off 3 , y', 'spaces around the comma'],
    ['/off3,y', 'no space'],
  ])('skips the question with %j (%s)', async (line) => {
    const t = setup();
    t.login();
    t.type(line);
    expect(t.term.take()).toBe(PROCESSING);
    await settle();
    expect(t.states()).toBe('ON ON OFF ON ON ON ON ON');
    expect(t.term.take()).toBe(statusScreen(t.device, null) + PROMPT);
  });

  it('/ON turns plugs on; "/on 3,y" as fence_wti sends it', async () => {
    const t = setup({ device: { plugs: [{ number: 3, state: 'OFF' }] } });
    t.login();
    t.type('/on 3,y');
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(plugEvents(t.events)).toEqual(['3 ON']);
  });

  it('/ON of several plugs holds the prompt through the sequence delays', async () => {
    const t = setup({
      device: { plugs: [1, 2, 3].map((number) => ({ number, state: 'OFF' as const, bootDelay: 2 })) },
    });
    t.login();
    t.type('/on 1:3,y');
    await settle();
    expect(t.states()).toBe('ON OFF OFF ON ON ON ON ON');
    expect(t.term.take()).toBe(PROCESSING);
    t.scheduler.advance(2000);
    await settle();
    expect(t.states()).toBe('ON ON OFF ON ON ON ON ON');
    expect(t.term.take()).toBe('');
    t.scheduler.advance(2000);
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(t.term.take()).toBe(statusScreen(t.device, null) + PROMPT);
  });

  it('/BOOT prints "Processing - please wait" (lower-case please) and holds the prompt until the plug is back on', async () => {
    const t = setup({ device: { plugs: [{ number: 2, bootDelay: 5 }] } });
    t.login();
    t.type('/BOOT 2 ,y');
    const out = t.term.take();
    expect(out).toBe(PROCESSING);
    expect(out).toContain('rocessing - please wait');
    expect(t.states()).toBe('ON OFF ON ON ON ON ON ON');
    t.scheduler.advance(4999);
    await settle();
    expect(t.term.take()).toBe('');
    expect(t.states()).toBe('ON OFF ON ON ON ON ON ON');
    t.scheduler.advance(1);
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(t.term.take()).toBe(statusScreen(t.device, null) + PROMPT);
    expect(plugEvents(t.events)).toEqual(['2 OFF', '2 ON']);
  });

  it('/BO is /BOOT; "/BOOT 1 5 ,y" (wti_nps, one node on two plugs) boots both', async () => {
    const t = setup();
    t.login();
    t.type('/bo 1 5 ,y');
    expect(t.states()).toBe('OFF ON ON ON OFF ON ON ON');
    t.scheduler.runAll();
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(plugEvents(t.events)).toEqual(['1 OFF', '5 OFF', '1 ON', '5 ON']);
    expect(t.term.take().endsWith(PROMPT)).toBe(true);
  });

  it('asks for confirmation before /BOOT too, and only then says Processing', async () => {
    const t = setup();
    t.login();
    t.type('/boot 4');
    expect(t.term.take()).toBe(SURE);
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    t.type('Y');
    expect(t.term.take()).toBe(PROCESSING);
    expect(t.states()).toBe('ON ON ON OFF ON ON ON ON');
  });

  it('switches every plug named alike, and * switches all of them, named or not', async () => {
    const t = setup({
      device: {
        plugs: [
          { number: 2, name: 'node2' },
          { number: 6, name: 'NODE2' },
          { number: 8, name: 'db' },
        ],
      },
    });
    t.login();
    t.type('/off node2,y');
    await settle();
    expect(t.states()).toBe('ON OFF ON ON ON OFF ON ON');
    t.type('/off *,y');
    await settle();
    expect(t.states()).toBe('OFF OFF OFF OFF OFF OFF OFF OFF');
  });

  it.each(['/on 9,y', '/on 0,y', '/on nosuch,y', '/on', '/on ,y', '/on 4:2,y', '/on +,y'])(
    'answers a bad plug list %j with "Invalid Plug" and the prompt, without asking',
    (line) => {
      const t = setup();
      t.login();
      t.type(line);
      expect(t.term.take()).toBe(`\r\nInvalid Plug\r\n${PROMPT}`);
      expect(t.events).toEqual([]);
    },
  );

  it('processes lines typed ahead during a boot afterwards, in order', async () => {
    const t = setup();
    t.login();
    t.type('/boot 1,y', '/off 2,y', '/s', '/on 2,y');
    expect(t.term.take()).toBe(PROCESSING);
    expect(t.states()).toBe('OFF ON ON ON ON ON ON ON');
    t.scheduler.advance(499);
    await settle();
    expect(t.term.take()).toBe('');
    t.scheduler.advance(1);
    await settle();
    await settle();
    // Boot done; then /off 2; then /s; then /on 2: each with its own screen, each ended by a prompt.
    const segments = t.term.take().split(PROMPT);
    expect(segments).toHaveLength(5);
    const plug2 = (seg: string) => /\r\n 2 {3}\|[^|]*\|[^|]*\| {3}(ON|OFF)/.exec(seg)?.[1];
    expect(segments.map((seg) => [seg.includes('Processing'), plug2(seg)])).toEqual([
      [false, 'ON'],
      [true, 'OFF'],
      [false, 'OFF'],
      [true, 'ON'],
      [false, undefined],
    ]);
    expect(plugEvents(t.events)).toEqual(['1 OFF', '1 ON', '2 OFF', '2 ON']);
  });

  it('logs out with a /x,y typed ahead during a boot only once the boot is over', async () => {
    const t = setup();
    t.login();
    t.type('/boot 1,y', '/x,y');
    expect(t.term.closedWith).toBeNull();
    t.scheduler.runAll();
    await settle();
    expect(t.term.closedWith).toBe('logout');
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(t.term.writesAfterClose).toBe(0);
  });

  it('keeps at most maxQueuedLines lines typed ahead', async () => {
    const t = setup({ session: { maxQueuedLines: 2 } });
    t.login();
    t.type('/boot 1,y', '/off 2,y', '/off 3,y', '/off 4,y');
    t.scheduler.runAll();
    await settle();
    await settle();
    expect(t.states()).toBe('ON OFF OFF ON ON ON ON ON');
  });

  it('answers the confirmation of wti_nps ("Y" after any "(Y/N):")', async () => {
    const t = setup();
    t.login();
    t.type('/BOOT 1');
    expect(t.term.take()).toMatch(/\(Y\/N\):/);
    t.type('Y');
    expect(t.term.take()).toContain('rocessing - please wait');
  });

  it('does not ask when confirmation is off in /G', async () => {
    const t = setup({ device: { confirm: false } });
    t.login();
    t.type('/off 3');
    expect(t.term.take()).toBe(PROCESSING);
    await settle();
    expect(t.states()).toBe('ON ON OFF ON ON ON ON ON');
  });

  it('does not redraw the status screen after switching in Automated Mode', async () => {
    const t = setup({ device: { automated: true } });
    t.login();
    t.type('/off 3,y');
    await settle();
    expect(t.term.take()).toBe(PROCESSING + PROMPT);
  });

  it('/D asks, then sets every plug to its power-up default', async () => {
    const t = setup({
      device: {
        plugs: [
          { number: 1, state: 'OFF' },
          { number: 2, default: 'OFF', state: 'ON' },
        ],
      },
    });
    t.login();
    t.type('/D');
    expect(t.term.take()).toBe(SURE);
    t.type('y');
    expect(t.states()).toBe('ON OFF ON ON ON ON ON ON');
    const out = t.term.take();
    expect(out.startsWith(PROCESSING)).toBe(true);
    expect(out.endsWith(statusScreen(t.device, null) + PROMPT)).toBe(true);
    expect(plugEvents(t.events)).toEqual(['1 ON', '2 OFF']);
  });

  it('stops writing when the connection ends during a boot, while the boot still completes', async () => {
    const t = setup();
    t.login();
    t.type('/boot 1,y');
    t.term.take();
    t.session.end();
    t.scheduler.runAll();
    await settle();
    expect(t.term.take()).toBe('');
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    t.type('/s');
    expect(t.term.take()).toBe('');
  });
});

describe('/X', () => {
  it.each(['/x,y', '/X,Y', '/x ,y', '/X, y'])('%j logs out at once', (line) => {
    const t = setup();
    t.login();
    t.type(line);
    expect(t.term.closedWith).toBe('logout');
    t.type('/s');
    expect(t.term.writesAfterClose).toBe(0);
  });

  it('/X asks "Sure? (Y/N): " when confirmation is on; Y logs out, N stays', () => {
    const t = setup();
    t.login();
    t.type('/X');
    expect(t.term.take()).toBe(SURE);
    t.type('N');
    expect(t.term.closedWith).toBeNull();
    expect(t.term.take()).toBe(`\r\nCommand Aborted\r\n${PROMPT}`);
    t.type('/x', 'Y');
    expect(t.term.closedWith).toBe('logout');
  });

  it('/X logs out at once when confirmation is off (fence_wti sends "/X" and closes)', () => {
    const t = setup({ device: { confirm: false } });
    t.login();
    t.type('/X');
    expect(t.term.closedWith).toBe('logout');
  });
});

describe('/G general parameters', () => {
  /** Open /G and return what it showed. */
  const openG = (t: ReturnType<typeof setup>) => {
    t.type('/G');
    return t.term.take();
  };

  it('shows the menu and leaves it on an empty line, back at the prompt', () => {
    const t = setup();
    t.login();
    const menu = openG(t);
    expect(menu).toContain('GENERAL PARAMETERS:');
    expect(menu).toMatch(/1\. System Password: +\(defined\)/);
    expect(menu).toMatch(/Command Confirmation: +On/);
    expect(menu).toMatch(/Disconnect Timeout: +5 Min/);
    expect(menu.endsWith('Enter selection, or press <Enter> to exit: ')).toBe(true);
    t.type('');
    expect(t.term.take()).toBe(`\r\n${PROMPT}`);
  });

  it('sets the site ID, shows it in the menu and on the banner, and reports it', () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('2');
    expect(t.term.take()).toBe('\r\nEnter new Site ID: ');
    t.type('rack-7');
    expect(t.term.take()).toMatch(/Site ID: +rack-7/);
    expect(t.device.siteId).toBe('rack-7');
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'siteId', by: t.term.origin }]);
    t.type('', '/s');
    expect(t.term.take()).toContain('Internet Power Switch v1.40h    Site ID: rack-7\r\n');
  });

  it('sets the system password without echo, never shows it, and the new one logs in', () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('1');
    expect(t.term.secret).toBe(true);
    expect(t.term.take()).toBe('\r\nEnter new System Password: ');
    t.type('n3w-pass');
    expect(t.term.secret).toBe(false);
    expect(t.term.all).not.toContain('n3w-pass');
    expect(t.device.systemPassword).toBe('n3w-pass');
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'systemPassword', by: t.term.origin }]);
    expect(t.device.authenticate('n3w-pass')).toEqual({ mode: 'admin' });
    expect(t.device.authenticate('secret')).toBeNull();
  });

  it('turns command confirmation off, so switching no longer asks', async () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('3', 'off');
    expect(t.term.take()).toMatch(/Command Confirmation: +Off/);
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'confirm', by: t.term.origin }]);
    t.type('', '/off 1');
    expect(t.term.take()).toBe(`\r\n${PROMPT}${PROCESSING}`);
    await settle();
    expect(t.states()).toBe('OFF ON ON ON ON ON ON ON');
  });

  it('sets the disconnect timeout in minutes, 1 to 30', () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('4', '30');
    expect(t.device.disconnectTimeout).toBe(1800);
    expect(t.term.take()).toMatch(/Disconnect Timeout: +30 Min/);
    t.type('4', '31');
    expect(t.term.take()).toContain('Invalid Entry');
    t.type('4', '0');
    expect(t.term.take()).toContain('Invalid Entry');
    expect(t.device.disconnectTimeout).toBe(1800);
    expect(settings(t.events)).toHaveLength(1);
  });

  it('turns Automated Mode on', () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('5', 'ON');
    expect(t.device.automated).toBe(true);
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'automated', by: t.term.origin }]);
  });

  it('answers a bad choice or a bad value with "Invalid Entry" and shows the menu again', () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('9');
    const out = t.term.take();
    expect(out.startsWith('\r\nInvalid Entry\r\n')).toBe(true);
    expect(out).toContain('GENERAL PARAMETERS:');
    t.type('x');
    expect(t.term.take()).toContain('Invalid Entry');
    t.type('3', 'maybe');
    expect(t.term.take()).toContain('Invalid Entry');
    t.type('2', 'x'.repeat(17));
    expect(t.term.take()).toContain('Invalid Entry');
    expect(t.device.confirm).toBe(true);
    expect(t.device.siteId).toBeNull();
    expect(settings(t.events)).toEqual([]);
  });

  it('reports nothing when a value is set to what it already was', () => {
    const t = setup();
    t.login();
    openG(t);
    t.type('3', 'on');
    expect(settings(t.events)).toEqual([]);
  });
});

describe('/P plug parameters', () => {
  const openP = (t: ReturnType<typeof setup>, n: number | string) => {
    t.type(`/P ${n}`);
    return t.term.take();
  };

  it('shows the plug’s settings', () => {
    const t = setup();
    t.login();
    const menu = openP(t, 3);
    expect(menu).toContain('PLUG 3 PARAMETERS:');
    expect(menu).toMatch(/Plug Name: +\(undefined\)/);
    expect(menu).toMatch(/Plug Password: +\(undefined\)/);
    expect(menu).toMatch(/Boot\/Seq\. Delay: +0\.5 Secs/);
    expect(menu).toMatch(/Power Up Default: +ON/);
  });

  it.each(['/P 9', '/P 0', '/P abc', '/P', '/P 1+2'])('answers %j with "Invalid Plug"', (line) => {
    const t = setup();
    t.login();
    t.type(line);
    expect(t.term.take()).toBe(`\r\nInvalid Plug\r\n${PROMPT}`);
  });

  it('names a plug: the name shows on /S and switches the plug', async () => {
    const t = setup();
    t.login();
    openP(t, 3);
    t.type('1', 'web-server');
    expect(t.term.take()).toMatch(/Plug Name: +web-server/);
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'name', plug: 3, by: t.term.origin }]);
    t.type('', '/s');
    expect(t.term.take()).toContain(' 3   | web-server       |');
    t.type('/off WEB-SERVER,y');
    await settle();
    expect(t.states()).toBe('ON ON OFF ON ON ON ON ON');
  });

  it('takes a 16-character name and refuses a 17-character one', () => {
    const t = setup();
    t.login();
    openP(t, 1);
    t.type('1', 'x'.repeat(17));
    expect(t.term.take()).toContain('Invalid Entry');
    expect(t.device.bank.get(1)?.name).toBeNull();
    t.type('1', 'y'.repeat(16));
    expect(t.device.bank.get(1)?.name).toBe('y'.repeat(16));
  });

  it('clears a name with an empty value', () => {
    const t = setup({ device: { plugs: [{ number: 1, name: 'old' }] } });
    t.login();
    openP(t, 1);
    t.type('1', '');
    expect(t.device.bank.get(1)?.name).toBeNull();
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'name', plug: 1, by: t.term.origin }]);
  });

  it('sets the boot delay only to one of the offered choices, and boot then waits that long', async () => {
    const t = setup();
    t.login();
    openP(t, 2);
    t.type('3', '3');
    expect(t.term.take()).toContain('Invalid Entry');
    expect(t.device.bank.get(2)?.bootDelayMs).toBe(500);
    t.type('3', '10');
    expect(t.term.take()).toMatch(/Boot\/Seq\. Delay: +10 Secs/);
    expect(t.device.bank.get(2)?.bootDelayMs).toBe(10_000);
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'bootDelayMs', plug: 2, by: t.term.origin }]);
    t.type('', '/s');
    expect(t.term.take()).toContain(' 2   | (undefined)      | (undefined) |   ON   |      10 Secs    |');
    t.type('/boot 2,y');
    t.scheduler.advance(9999);
    await settle();
    expect(t.states()).toBe('ON OFF ON ON ON ON ON ON');
    t.scheduler.advance(1);
    await settle();
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
  });

  it.each(['0.5', '1', '2', '5', '15', '30', '60'])('accepts the delay choice %s', (value) => {
    const t = setup();
    t.login();
    openP(t, 1);
    t.type('3', value);
    expect(t.device.bank.get(1)?.bootDelayMs).toBe(Number(value) * 1000);
  });

  it('sets the power-up default, shown on /S and used by /D', () => {
    const t = setup();
    t.login();
    openP(t, 4);
    t.type('4', 'off');
    expect(t.device.bank.get(4)?.powerUpDefault).toBe('OFF');
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'powerUpDefault', plug: 4, by: t.term.origin }]);
    t.type('4', 'sideways');
    expect(t.term.take()).toContain('Invalid Entry');
    t.type('', '/s');
    expect(t.term.take()).toContain(' 4   | (undefined)      | (undefined) |   ON   |     0.5 Secs    |   OFF   |');
    t.type('/d,y');
    expect(t.states()).toBe('ON ON ON OFF ON ON ON ON');
  });

  it('sets a plug password without echo; it shows as defined and logs in to that plug', () => {
    const t = setup();
    t.login();
    openP(t, 6);
    t.type('2');
    expect(t.term.secret).toBe(true);
    t.type('plug6pw');
    expect(t.term.secret).toBe(false);
    expect(t.term.all).not.toContain('plug6pw');
    expect(t.term.take()).toMatch(/Plug Password: +\(defined\)/);
    expect(settings(t.events)).toEqual([{ type: 'setting', what: 'password', plug: 6, by: t.term.origin }]);
    expect(t.device.authenticate('plug6pw')).toEqual({ mode: 'user', plugs: new Set([6]) });
    t.type('', '/s');
    expect(t.term.take()).toContain(' 6   | (undefined)      | (defined)   |');
  });
});

describe('named faults', () => {
  it('drop-after-login: the login is accepted, then the unit hangs up before any screen', () => {
    const t = setup();
    t.device.faults.add('drop-after-login');
    t.session.start();
    t.term.take();
    t.type('secret');
    expect(t.term.closedWith).toBe('fault: drop-after-login');
    expect(t.term.take()).toBe('');
    expect(t.events).toEqual([{ type: 'login', origin: t.term.origin, mode: 'admin' }]);
  });

  it('stall-mid-screen: half the status screen, then silence, whatever is typed', () => {
    const t = setup();
    t.login();
    t.device.faults.add('stall-mid-screen');
    t.type('/s');
    const full = statusScreen(t.device, null);
    expect(t.term.take()).toBe(full.slice(0, Math.floor(full.length / 2)));
    t.type('/h', '/x,y');
    expect(t.term.take()).toBe('');
    expect(t.term.closedWith).toBeNull();
  });

  it('stuck-relay: the command is acknowledged as usual, but no plug changes', async () => {
    const t = setup();
    t.login();
    t.device.faults.add('stuck-relay');
    t.type('/off 3,y');
    await settle();
    expect(t.term.take()).toBe(PROCESSING + statusScreen(t.device, null) + PROMPT);
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(t.events).toEqual([
      {
        type: 'switch-ignored',
        plug: 3,
        requested: 'OFF',
        by: t.term.origin,
        reason: 'fault: stuck-relay',
      },
    ]);
  });
});
