import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApcSnmpSwitch, createApcSwitch } from '../../drivers/apc/index.js';
import { createIloSshSwitch, createIloSwitch, createRedfishSwitch } from '../../drivers/ilo/index.js';
import { createWtiSwitch, type WtiOptions } from '../../drivers/wti/index.js';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { IloEmulator } from '../../emulator/ilo-emulator.js';
import { AuthError, BusyError, ProtocolError, TimeoutError, UnknownPlugError } from '../../src/errors.js';
import { Fencer, type PlugSession } from '../../src/fencing.js';
import type { PlugInfo, PowerSwitch } from '../../src/power-switch.js';
import { cutReply, type ProgressEvent, REPLY_LIMIT } from '../../src/progress.js';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { RawClient } from '../helpers/raw-client.js';

/**
 * Typed progress events of every driver against the emulators, and the fields
 * their errors carry. 127.0.1.40–49, port 0.
 */

/** Collects events; `until` resolves once an event passes the test. */
function recorder() {
  const events: ProgressEvent[] = [];
  const waiters: { test: (e: ProgressEvent[]) => boolean; resolve: () => void }[] = [];
  const listener = (e: ProgressEvent) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.test(events)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const until = (test: (e: ProgressEvent[]) => boolean) =>
    new Promise<void>((resolve) => (test(events) ? resolve() : waiters.push({ test, resolve })));
  /** Event types in order, repeats of read-back/waiting kept. */
  const types = () => events.map((e) => e.type);
  return { events, listener, until, types };
}

/** No event may carry the password, in any field. */
function expectNoSecret(events: ProgressEvent[], secret: string): void {
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) expect(JSON.stringify(e)).not.toContain(secret);
}

describe('WTI driver progress', () => {
  let wti: RunningWti;
  const PASSWORD = 'Sekr1t-pw';
  const sw = (extra: Partial<WtiOptions> = {}) =>
    createWtiSwitch({ host: wti.host, port: wti.port, password: PASSWORD, ...extra });

  beforeAll(async () => {
    wti = await startWti({
      listen: '127.0.1.40:0',
      password: PASSWORD,
      bootDelay: 0,
      plugs: [
        { number: 1, name: 'pete' },
        { number: 2, name: 'twin' },
        { number: 3, name: 'twin' },
      ],
    });
  });
  afterAll(() => wti.stop());

  it('an off goes connecting, connected, credentials-sent, logged-in, read-back, command-sent, read-back, disconnected', async () => {
    wti.emulator.device.bank.force(1, 'ON', 'test');
    const r = recorder();
    await sw({ progress: r.listener }).off('pete');
    expect(r.types()).toEqual([
      'connecting',
      'connected',
      'credentials-sent',
      'logged-in',
      'read-back',
      'command-sent',
      'read-back',
      'disconnected',
    ]);
    expect(r.events[0]).toEqual({ type: 'connecting', target: `telnet ${wti.host}:${wti.port}`, attempt: 1 });
    expect(r.events[2]).toEqual({ type: 'credentials-sent', field: 'password' });
    expect(r.events[3]).toMatchObject({ type: 'logged-in', prompt: 'IPS>' });
    expect(r.events[5]).toEqual({ type: 'command-sent', command: 'off', plugs: [1], state: 'off' });
    expect(r.events[6]).toMatchObject({
      type: 'read-back',
      plugs: expect.arrayContaining([{ plug: 1, name: 'pete', state: 'off' }]),
    });
    expect(r.events[7]).toEqual({ type: 'disconnected', reason: 'logout' });
    expectNoSecret(r.events, PASSWORD);
  });

  it('a plug already off gives no command-sent', async () => {
    wti.emulator.device.bank.force(1, 'OFF', 'test');
    const r = recorder();
    await sw({ progress: r.listener }).off(1);
    expect(r.types()).not.toContain('command-sent');
  });

  it('a wrong password gives login-refused and an AuthError, never the password', async () => {
    const r = recorder();
    const err = await sw({ password: 'not-the-password', progress: r.listener })
      .status(1)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(r.types()).toEqual(['connecting', 'connected', 'credentials-sent', 'login-refused', 'disconnected']);
    expect(r.events[3]).toMatchObject({ type: 'login-refused', attempt: 1 });
    expect((r.events[3] as { reply?: string }).reply).toMatch(/invalid password/i);
    expectNoSecret(r.events, 'not-the-password');
    expectNoSecret(r.events, PASSWORD);
  });

  it('a busy unit gives busy-retry events with rising attempt numbers, then BusyError', async () => {
    const holder = await RawClient.connect(wti.host, wti.port);
    await holder.login(PASSWORD);
    const r = recorder();
    try {
      // Long enough for two retries on a loaded machine; the session stays held throughout.
      const err = await sw({ busyRetry: { initialMs: 50, maxMs: 100 }, timeoutMs: 4000, progress: r.listener })
        .status(1)
        .catch((e) => e);
      expect(err).toBeInstanceOf(BusyError);
    } finally {
      holder.close();
      await holder.expectClose();
    }
    const retries = r.events.filter((e) => e.type === 'busy-retry');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.map((e) => (e as { attempt: number }).attempt)).toEqual(retries.map((_, i) => i + 1));
    for (const e of retries) expect(e).toMatchObject({ maxAttempts: null });
    expect(retries.map((e) => (e as { delayMs: number }).delayMs).slice(0, 2)).toEqual([50, 100]);
    const attempts = r.events.filter((e) => e.type === 'connecting').map((e) => (e as { attempt: number }).attempt);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
  });

  it('a busy unit that frees its session: busy-retry, then the whole login', async () => {
    const holder = await RawClient.connect(wti.host, wti.port);
    await holder.login(PASSWORD);
    const r = recorder();
    const pending = sw({ busyRetry: { initialMs: 50, maxMs: 100 }, timeoutMs: 10_000, progress: r.listener }).status(1);
    // Free the session once the driver has been turned away twice: no fixed sleep.
    await r.until((events) => events.filter((e) => e.type === 'busy-retry').length >= 2);
    holder.send('/X,Y\r\n');
    await pending;
    holder.close();
    const t = r.types();
    expect(t.slice(t.lastIndexOf('connecting'))).toEqual([
      'connecting',
      'connected',
      'credentials-sent',
      'logged-in',
      'read-back',
      'disconnected',
    ]);
  });

  it('a stuck relay gives waiting events for the plug, and a TimeoutError naming it', async () => {
    wti.emulator.device.bank.force(2, 'ON', 'test');
    wti.emulator.device.bank.force(3, 'ON', 'test');
    wti.emulator.device.faults.add('stuck-relay');
    const r = recorder();
    try {
      const err = await sw({ progress: r.listener, timeoutMs: 3000 })
        .off('twin')
        .catch((e) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.phase).toBe('confirm');
      expect(err.plugs).toEqual([2, 3]);
    } finally {
      wti.emulator.device.faults.clear();
    }
    const waits = r.events.filter((e) => e.type === 'waiting');
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) expect(w).toEqual({ type: 'waiting', plugs: [2, 3], want: 'off' });
  });

  it('cuts a 10,000-character plug name in UnknownPlugError', async () => {
    const err = await sw()
      .status('x'.repeat(10_000))
      .catch((e) => e);
    expect(err).toBeInstanceOf(UnknownPlugError);
    expect(err.message.length).toBeLessThan(200);
    expect(err.target.length).toBeLessThan(100);
  });

  it('a listener that throws does not change the outcome', async () => {
    wti.emulator.device.bank.force(1, 'ON', 'test');
    const result = await sw({
      progress: () => {
        throw new Error('listener bug');
      },
    }).off(1);
    expect(result).toMatchObject([{ plug: 1, state: 'off', changed: true }]);
  });
});

describe('APC drivers progress', () => {
  let apc: ApcEmulator;
  const host = '127.0.1.41';

  beforeAll(async () => {
    apc = await ApcEmulator.start({
      config: {
        model: 'apc-rackpdu',
        firmware: '6.4',
        listen: `${host}:0`,
        snmp: `${host}:0`,
        username: 'apc',
        password: 'apc-Pw-9',
        plugs: [
          { number: 1, name: 'node1' },
          { number: 2, name: 'node2' },
        ],
        bootDelay: 0,
      },
    });
  });
  afterAll(() => apc.stop());

  it('CLI: an off reports the login and the switching, and the CLI prompt', async () => {
    apc.device.bank.force(1, 'ON', 'test');
    const r = recorder();
    const port = apc.telnet?.address.port ?? 0;
    await createApcSwitch({ host, port, username: 'apc', password: 'apc-Pw-9', progress: r.listener }).off(1);
    expect(r.types()).toEqual([
      'connecting',
      'connected',
      'credentials-sent',
      'credentials-sent',
      'logged-in',
      'read-back',
      'command-sent',
      'read-back',
      'disconnected',
    ]);
    expect(r.events.slice(2, 4)).toEqual([
      { type: 'credentials-sent', field: 'username' },
      { type: 'credentials-sent', field: 'password' },
    ]);
    expectNoSecret(r.events, 'apc-Pw-9');
  });

  it('CLI: a wrong password gives login-refused and an AuthError', async () => {
    const r = recorder();
    const port = apc.telnet?.address.port ?? 0;
    const err = await createApcSwitch({
      host,
      port,
      username: 'apc',
      password: 'wrong-Pw-1',
      progress: r.listener,
      timeoutMs: 20_000,
    })
      .status(1)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(r.types()).toContain('login-refused');
    expect(r.types()).not.toContain('logged-in');
    expectNoSecret(r.events, 'wrong-Pw-1');
  });

  it('SNMP: a refused SET names its outlet on the error', async () => {
    const port = apc.snmp?.address.port ?? 0;
    // The read community reads but may not write: the SET of outlet 2 is refused.
    apc.device.bank.force(2, 'ON', 'test');
    const r = recorder();
    const err = await createApcSnmpSwitch({ host, port, community: 'public', progress: r.listener })
      .off(2)
      .catch((e) => e);
    expect(err.plugs).toEqual([2]);
    expect(err.deviceStatus).toMatch(/^\d+$/);
    expect(r.types().slice(0, 4)).toEqual(['connecting', 'connected', 'logged-in', 'read-back']);
    expect(r.events).toContainEqual({ type: 'command-sent', command: 'off', plugs: [2], state: 'off' });
    expect(r.types().at(-1)).toBe('disconnected');
  });
});

describe('iLO drivers progress', () => {
  let board: IloEmulator;
  const host = '127.0.1.42';
  let tlsPort = 0;
  let httpsPort = 0;
  let ilo2: IloEmulator;

  beforeAll(async () => {
    board = await IloEmulator.start({
      config: {
        model: 'ilo4',
        listen: null,
        https: `${host}:0`,
        ssh: `${host}:0`,
        username: 'admin',
        password: 'pw-Ilo-7',
        transition: 0,
      },
    });
    httpsPort = board.https?.address.port ?? 0;
    ilo2 = await IloEmulator.start({
      config: {
        model: 'ilo2',
        listen: null,
        tls: '127.0.1.43:0',
        username: 'admin',
        password: 'pw-Ilo-7',
        transition: 0,
      },
    });
    tlsPort = ilo2.tls?.address.port ?? 0;
  });
  afterAll(async () => {
    await board.stop();
    await ilo2.stop();
  });

  const makers: Record<string, (password: string, progress: (e: ProgressEvent) => void) => PowerSwitch> = {
    'RIBCL raw': (password, progress) =>
      createIloSwitch({
        host: '127.0.1.43',
        port: tlsPort,
        username: 'admin',
        password,
        ca: ilo2.certificate?.cert,
        progress,
      }),
    'RIBCL over HTTP': (password, progress) =>
      createIloSwitch({
        host,
        port: httpsPort,
        username: 'admin',
        password,
        transport: 'http',
        ca: board.certificate?.cert,
        progress,
      }),
    'SMASH CLP': (password, progress) =>
      createIloSshSwitch({
        host,
        port: board.ssh?.address.port ?? 0,
        username: 'admin',
        password,
        hostKey: 'insecure',
        progress,
      }),
    Redfish: (password, progress) =>
      createRedfishSwitch({
        host,
        port: httpsPort,
        username: 'admin',
        password,
        ca: board.certificate?.cert,
        progress,
      }),
  };

  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: an off is logged in, sent and read back; no event has the password`, async () => {
      board.device.setPower('ON', 'test');
      ilo2.device.setPower('ON', 'test');
      const r = recorder();
      await make('pw-Ilo-7', r.listener).off(1);
      const t = r.types();
      expect(t[0]).toBe('connecting');
      expect(t.indexOf('connected')).toBeGreaterThan(0);
      expect(t.indexOf('credentials-sent')).toBeGreaterThan(t.indexOf('connecting'));
      expect(t.indexOf('logged-in')).toBeGreaterThan(t.indexOf('credentials-sent'));
      expect(t.indexOf('command-sent')).toBeGreaterThan(t.indexOf('logged-in'));
      expect(t.lastIndexOf('read-back')).toBeGreaterThan(t.indexOf('command-sent'));
      // Every connection is reported closed; RIBCL opens one per request, so its last read-back may come after.
      expect(t.filter((x) => x === 'disconnected').length).toBe(t.filter((x) => x === 'connecting').length);
      expect(t.lastIndexOf('disconnected')).toBeGreaterThan(t.indexOf('command-sent'));
      const last = r.events.filter((e) => e.type === 'read-back').at(-1);
      expect(last).toMatchObject({ plugs: [{ plug: 1, state: 'off' }] });
      expectNoSecret(r.events, 'pw-Ilo-7');
    });

    it(`${name}: a wrong password gives login-refused and an AuthError`, async () => {
      const r = recorder();
      const err = await make('wrong-Pw-3', r.listener)
        .status(1)
        .catch((e) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(r.types()).toContain('login-refused');
      expect(r.types()).not.toContain('logged-in');
      expectNoSecret(r.events, 'wrong-Pw-3');
    });
  }
});

describe('Fencer reports a refused command', () => {
  it('command-sent, then command-refused with the device reply and the plugs, then the ProtocolError', async () => {
    const plugs: PlugInfo[] = [
      { plug: 1, name: 'a', state: 'on' },
      { plug: 2, name: 'b', state: 'on' },
    ];
    const session: PlugSession = {
      readPlugs: async () => plugs,
      setPlugs: async () => {
        throw new ProtocolError('refused', { plugs: [2], reply: `Invalid Plug\r\n${'#'.repeat(500)}` });
      },
    };
    const r = recorder();
    const fencer = new Fencer(
      { withSession: (_d, work) => work(session), close: async () => {} },
      { progress: r.listener },
    );
    const err = await fencer.off([1, 2]).catch((e) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.plugs).toEqual([2]);
    expect(r.types()).toEqual(['read-back', 'command-sent', 'command-refused']);
    const refused = r.events[2] as unknown as { plugs: number[]; reply: string; command: string };
    expect(refused.plugs).toEqual([2]);
    expect(refused.command).toBe('off');
    expect(refused.reply.startsWith('Invalid Plug\\x0d')).toBe(true);
    expect(refused.reply.length).toBeLessThan(REPLY_LIMIT + 20);
  });
});

describe('cutReply and error fields', () => {
  it('cuts long device text and shows control characters', () => {
    const cut = cutReply(`a\x1b[2J${'b'.repeat(400)}`);
    expect(cut.startsWith('a\\x1b[2J')).toBe(true);
    expect(cut.length).toBeLessThan(REPLY_LIMIT + 20);
    expect(cut).toMatch(/… \(\d+ more\)$/);
  });

  it('an error cuts the reply it is given', () => {
    const err = new ProtocolError('refused', { reply: 'x'.repeat(400), plugs: [4] });
    expect(err.reply?.length).toBeLessThan(REPLY_LIMIT + 20);
    expect(err.plugs).toEqual([4]);
    expect(err.code).toBe('EPROTOCOL');
  });
});
