import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plugStates, type RunningWti, resetWti, startWti } from '../helpers/emulator.js';
import { peer, run, runOnTty } from '../helpers/run.js';

/**
 * The real cluster-glue `stonith -t wti_nps` (1.0.12) against the emulator.
 * wti_nps can only use port 23, so every emulator here takes its own
 * 127.0.0.20–39 on port 23 (we run as root in CI).
 */
const STONITH = '/usr/sbin/stonith';
const { available } = peer(STONITH);

describe.skipIf(!available)('stonith -t wti_nps against the IPS-800 emulator', () => {
  let wti: RunningWti;
  const stonith = (...args: string[]) =>
    run(STONITH, ['-t', 'wti_nps', `ipaddr=${wti.host}`, 'password=changeme', ...args], { timeoutMs: 90_000 });
  const plugEvents = (from: number, plug: number) =>
    wti.events
      .slice(from)
      .filter((e) => e.type === 'plug' && e.plug === plug)
      .map((e) => (e.type === 'plug' ? e.state : ''));

  beforeAll(async () => {
    wti = await startWti({
      listen: '127.0.0.20:23',
      password: 'changeme',
      bootDelay: 0.5,
      plugs: [
        { number: 1, name: 'pete' },
        { number: 3, name: 'twin' },
        { number: 5, name: 'mclaws' },
        { number: 7, name: 'twin' },
      ],
    });
  });
  afterAll(() => wti.stop());
  beforeEach(() => resetWti(wti));

  it('-S reports the device OK, exit 0', async () => {
    const r = await stonith('-S');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('-S on a terminal logs the login and "wti_nps device OK."', async () => {
    const r = await runOnTty(`${STONITH} -t wti_nps ipaddr=${wti.host} password=changeme -S`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('info: Successful login to WTI Network Power Switch.');
    expect(r.stdout).toContain('info: wti_nps device OK.');
  });

  it('-l lists the named plugs, one per line, (undefined) ones left out, duplicates kept', async () => {
    const r = await stonith('-l');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pete\ntwin\nmclaws\ntwin\n');
  });

  it('-T reset by host name: the plug goes off and back on after its boot delay', async () => {
    const from = wti.events.length;
    // When the plug goes off, its power-on is a step still waiting out the boot delay, not
    // done in the same breath (read from the unit's state, not from a clock).
    let onWaiting: boolean | undefined;
    const stopWatching = wti.bus.subscribe((e) => {
      if (e.type === 'plug' && e.plug === 5 && e.state === 'OFF') onWaiting = wti.emulator.device.bank.pending(5);
    });
    const r = await stonith('-T', 'reset', 'mclaws').finally(stopWatching);
    expect(r.code).toBe(0);
    expect(plugEvents(from, 5)).toEqual(['OFF', 'ON']);
    expect(onWaiting).toBe(true);
  });

  it('-T reset on a terminal logs the reboot and the power coming back', async () => {
    const r = await runOnTty(`${STONITH} -t wti_nps ipaddr=${wti.host} password=changeme -T reset pete`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('info: Host is being rebooted: pete');
    expect(r.stdout).toContain('info: Power restored to host: pete');
  });

  it('-T off then -T on by host name, matched case-insensitively', async () => {
    const off = await stonith('-T', 'off', 'MCLAWS');
    expect(off.code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
    const on = await stonith('-T', 'on', 'mclaws');
    expect(on.code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('ON');
  });

  it('switches both plugs that carry the same name', async () => {
    const off = await stonith('-T', 'off', 'twin');
    expect(off.code).toBe(0);
    expect(wti.emulator.device.bank.get(3)?.state).toBe('OFF');
    expect(wti.emulator.device.bank.get(7)?.state).toBe('OFF');
    const from = wti.events.length;
    const reset = await stonith('-T', 'reset', 'twin');
    expect(reset.code).toBe(0);
    expect(plugEvents(from, 3)).toEqual(['ON']);
    expect(plugEvents(from, 7)).toEqual(['ON']);
  });

  it('a name with no plug exits 4 and switches nothing', async () => {
    const before = plugStates(wti.emulator);
    const r = await stonith('-T', 'off', 'nosuchnode');
    expect(r.code).toBe(4);
    expect(plugStates(wti.emulator)).toBe(before);
  });

  it('a wrong password fails without switching anything', async () => {
    const wrong = await startWti({
      listen: '127.0.0.21:23',
      password: 'changeme',
      plugs: [{ number: 2, name: 'node2' }],
    });
    try {
      const before = plugStates(wrong.emulator);
      const r = await run(STONITH, ['-t', 'wti_nps', 'ipaddr=127.0.0.21', 'password=bad', '-T', 'off', 'node2'], {
        timeoutMs: 120_000,
      });
      expect(r.code).not.toBe(0);
      expect(plugStates(wrong.emulator)).toBe(before);
      expect(wrong.events.some((e) => e.type === 'login-failed')).toBe(true);
    } finally {
      await wrong.stop();
    }
  });
});
