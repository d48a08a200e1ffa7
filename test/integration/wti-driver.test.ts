import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWtiSwitch, type WtiOptions } from '../../drivers/wti/index.js';
import {
  AbortedError,
  AuthError,
  BusyError,
  ConnectionError,
  TimeoutError,
  UnknownPlugError,
} from '../../src/errors.js';
import { plugStates, type RunningWti, startWti } from '../helpers/emulator.js';
import { SOCAT, startPtyPair } from '../helpers/pty-pair.js';
import { RawClient } from '../helpers/raw-client.js';
import { peer } from '../helpers/run.js';
import { untilEvent } from '../helpers/wait.js';

/** The WTI driver against the emulator, over telnet and a serial pty pair. 127.0.0.90–99. */
describe('WTI driver over telnet', () => {
  let wti: RunningWti;
  const sw = (extra: Partial<WtiOptions> = {}) =>
    createWtiSwitch({ host: wti.host, port: wti.port, password: 'secret', ...extra });
  const plugEvents = (from: number) =>
    wti.events.slice(from).flatMap((e) => (e.type === 'plug' ? [`${e.plug}:${e.state}`] : []));

  beforeAll(async () => {
    wti = await startWti({
      listen: '127.0.0.90:0',
      bootDelay: 0.2,
      plugs: [
        { number: 1, name: 'pete' },
        { number: 3, name: 'Twin' },
        { number: 5, name: 'mclaws' },
        { number: 6, name: 'twin' },
      ],
    });
  });
  afterAll(() => wti.stop());
  afterEach(() => {
    wti.emulator.device.faults.clear();
    for (const o of wti.emulator.device.bank.all()) wti.emulator.device.bank.force(o.number, 'ON', 'test');
  });

  it('reads status by number and by name', async () => {
    const s = sw();
    expect(await s.status(1)).toMatchObject([{ plug: 1, name: 'pete', state: 'on', action: 'status', changed: false }]);
    expect(await s.status('mclaws')).toMatchObject([{ plug: 5, name: 'mclaws', state: 'on' }]);
    expect(s.family).toBe('IPS');
  });

  it('returns from off only once the plug reads OFF on the device', async () => {
    const result = await sw().off('mclaws');
    expect(result).toMatchObject([{ plug: 5, state: 'off', action: 'off', changed: true }]);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
  });

  it('does not switch a plug already in the wanted state', async () => {
    const from = wti.events.length;
    expect(await sw().on(1)).toMatchObject([{ plug: 1, state: 'on', changed: false }]);
    expect(plugEvents(from)).toEqual([]);
  });

  it('switches every plug of a name together, names compared without case', async () => {
    const from = wti.events.length;
    const result = await sw().off('TWIN');
    expect(result.map((r) => r.plug)).toEqual([3, 6]);
    expect(plugEvents(from)).toEqual(['3:OFF', '6:OFF']);
  });

  it('reboots: off, read back off, on, read back on', async () => {
    const from = wti.events.length;
    const result = await sw().reboot([1, 'mclaws']);
    expect(result).toMatchObject([
      { plug: 1, state: 'on', action: 'reboot', changed: true },
      { plug: 5, state: 'on', action: 'reboot', changed: true },
    ]);
    expect(plugEvents(from)).toEqual(['1:OFF', '5:OFF', '1:ON', '5:ON']);
  });

  it('lists every plug with name and state', async () => {
    wti.emulator.device.bank.force(3, 'OFF', 'test');
    const plugs = await sw().list();
    expect(plugs).toHaveLength(8);
    expect(plugs[2]).toEqual({ plug: 3, name: 'Twin', state: 'off' });
    expect(plugs[1]).toEqual({ plug: 2, name: null, state: 'on' });
  });

  it('refuses a plug that does not exist, switching nothing', async () => {
    const before = plugStates(wti.emulator);
    await expect(sw().off('nosuch')).rejects.toBeInstanceOf(UnknownPlugError);
    await expect(sw().off(9)).rejects.toMatchObject({ code: 'EUNKNOWNPLUG' });
    expect(plugStates(wti.emulator)).toBe(before);
  });

  it('raises AuthError on a wrong password', async () => {
    const err = await sw({ password: 'wrong' })
      .status(1)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.code).toBe('EAUTH');
  });

  it('logs out, so the next session gets the unit at once', async () => {
    const s = sw({ busyRetry: { initialMs: 5000 } });
    for (let i = 0; i < 3; i++) await s.status(1);
    expect(wti.events.filter((e) => e.type === 'refused')).toHaveLength(0);
  });

  it('records a transcript of the bytes, with the password masked', async () => {
    const lines: string[] = [];
    await sw({ transcript: (dir, text) => lines.push(`${dir} ${text}`) }).off(1);
    const all = lines.join('\n');
    expect(all).toContain('sent /OFF 1,Y');
    expect(all).toContain('sent ********');
    expect(all).toContain('Plug | Name');
    expect(all).not.toContain('secret');
  });

  it('waits out a session held by someone else, once it is released', async () => {
    const holder = await RawClient.connect(wti.host, wti.port);
    await holder.login('secret');
    const from = wti.events.length;
    const pending = sw({ busyRetry: { initialMs: 50, maxMs: 200 }, timeoutMs: 10_000 }).off('pete');
    // Release the session only once the driver has been turned away at least twice: it is retrying.
    await untilEvent(wti, (e) => e.type === 'refused', { since: from, count: 2, what: 'two refused connections' });
    holder.send('/X,Y\r\n');
    const result = await pending;
    holder.close();
    expect(result).toMatchObject([{ plug: 1, state: 'off' }]);
    expect(wti.events.filter((e) => e.type === 'refused').length).toBeGreaterThan(0);
  });

  it('raises BusyError when the session stays held past the budget', async () => {
    const holder = await RawClient.connect(wti.host, wti.port);
    await holder.login('secret');
    try {
      const err = await sw({ busyRetry: { initialMs: 50, maxMs: 200 }, timeoutMs: 1500 })
        .status(1)
        .catch((e) => e);
      expect(err).toBeInstanceOf(BusyError);
      expect(err.code).toBe('EBUSY');
    } finally {
      holder.close();
      await holder.expectClose();
    }
  });

  it('raises TimeoutError when the unit stops answering mid-screen, and the next session works', async () => {
    wti.emulator.device.faults.add('stall-mid-screen');
    const err = await sw({ timeoutMs: 5000, promptTimeoutMs: 1000 })
      .status(1)
      .catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('prompt after login');
    wti.emulator.device.faults.clear();
    expect(await sw().status(1)).toMatchObject([{ plug: 1, state: 'on' }]);
  });

  it('never reports off when the relay does not move: TimeoutError in the confirm phase', async () => {
    wti.emulator.device.faults.add('stuck-relay');
    const err = await sw({ timeoutMs: 2500 })
      .off(5)
      .catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('confirm');
    expect(err.message).toContain('plug 5 still reads on');
    expect(wti.emulator.device.bank.get(5)?.state).toBe('ON');
  });

  it('reports a connection dropped after login as a lost connection, not as busy', async () => {
    wti.emulator.device.faults.add('drop-after-login');
    const err = await sw({ timeoutMs: 3000 })
      .status(1)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
  });

  it('stops when its AbortSignal fires', async () => {
    wti.emulator.device.faults.add('stall-mid-screen');
    const controller = new AbortController();
    // Abort once the screen has stalled half-way: the driver is then waiting on the unit.
    const transcript = (dir: string, text: string) => {
      if (dir === 'received' && text.includes('Plug | Name')) queueMicrotask(() => controller.abort());
    };
    const err = await sw({ transcript })
      .status(1, { signal: controller.signal })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AbortedError);
  });

  it('recognises the NPS family', async () => {
    const nps = await startWti({ listen: '127.0.0.91:0', model: 'nps' });
    try {
      const s = createWtiSwitch({ host: nps.host, port: nps.port, password: 'secret' });
      expect(await s.off(2)).toMatchObject([{ plug: 2, state: 'off' }]);
      expect(s.family).toBe('NPS');
    } finally {
      await nps.stop();
    }
  });
});

const socatOk = peer(SOCAT).available;

describe.skipIf(!socatOk)('WTI driver over a serial line (socat pty pair)', () => {
  it('switches a plug off and reads it back, through the serial set-up port', async () => {
    const pty = await startPtyPair();
    const wti = await startWti({ listen: null, serial: pty.a, plugs: [{ number: 5, name: 'mclaws' }] });
    try {
      const s = createWtiSwitch({ serial: { path: pty.b, baudRate: 9600 }, password: 'secret' });
      expect(await s.off('mclaws')).toMatchObject([{ plug: 5, state: 'off', changed: true }]);
      expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
      expect(await s.status(5)).toMatchObject([{ plug: 5, state: 'off' }]);
    } finally {
      await wti.stop();
      await pty.stop();
    }
  });
});
