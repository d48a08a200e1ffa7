import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WtiFault } from '../../emulator/wti/wti-device.js';
import { type RunningWti, resetWti, startWti } from '../helpers/emulator.js';
import { peer, run } from '../helpers/run.js';

/**
 * The real fence_wti (fence-agents 4.12.1) against a running IPS-800 whose
 * faults are switched on and off while it runs, as the lab does: each fault
 * makes the client fail as the fault says, and the next run after it is
 * cleared passes. Short client timeouts keep each failure to a few seconds.
 * Address 127.0.9.10, port 0.
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const { available } = peer(FENCE_WTI);
/** For a run that must fail: it gives up within a couple of seconds. */
const QUICK = ['--login-timeout', '1', '--shell-timeout', '1'];

describe.skipIf(!available)('fence_wti against a WTI unit with faults switched at run time', () => {
  let wti: RunningWti;
  const fence = (...args: string[]) =>
    run(FENCE_WTI, ['-a', wti.host, '-u', String(wti.port), '-p', 'changeme', ...args], { timeoutMs: 60_000 });
  const faults = () => wti.emulator.device.faults;

  beforeAll(async () => {
    wti = await startWti({ listen: '127.0.9.10:0', password: 'changeme', plugs: [{ number: 1, name: 'pete' }] });
  });
  afterAll(() => wti.stop());
  beforeEach(() => resetWti(wti));

  it.each<[WtiFault, string]>([
    ['busy', 'the connection is closed before any prompt'],
    ['hang', 'the connection is silent'],
    ['refuse-login', 'the password is refused'],
    ['garbled', 'no prompt can be read'],
    ['hang-after-login', 'nothing comes after the password'],
    ['drop-after-login', 'the line is hung up after the password'],
    ['stall-mid-screen', 'the status screen stops half-way'],
  ])('%s (%s): status fails to log in; cleared, it passes', async (fault) => {
    faults().add(fault);
    const failed = await fence('-n', '1', '-o', 'status', ...QUICK);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Unable to connect/login to fencing device');
    expect(failed.stdout).not.toContain('Status: ON');

    faults().delete(fault);
    const passed = await fence('-n', '1', '-o', 'status');
    expect(passed.stdout).toBe('Status: ON\n');
    expect(passed.code).toBe(0);
  });

  it('refuse-login is reported as wrong passwords; busy as refused connections', async () => {
    faults().add('refuse-login');
    const from = wti.events.length;
    await fence('-n', '1', '-o', 'status', ...QUICK);
    expect(wti.events.slice(from).some((e) => e.type === 'login-failed')).toBe(true);
    expect(wti.events.slice(from).some((e) => e.type === 'login')).toBe(false);
    faults().delete('refuse-login');
    faults().add('busy');
    const busyFrom = wti.events.length;
    await fence('-n', '1', '-o', 'status', ...QUICK);
    expect(wti.events.slice(busyFrom)).toContainEqual(
      expect.objectContaining({ type: 'refused', reason: 'fault: busy' }),
    );
  });

  it('slow: with the default timeouts status still passes; with 1 s ones it fails', async () => {
    faults().add('slow');
    const tight = await fence('-n', '1', '-o', 'status', '--login-timeout', '1', '--shell-timeout', '1');
    expect(tight.code).toBe(1);
    const patient = await fence('-n', '1', '-o', 'status');
    expect(patient.stdout).toBe('Status: ON\n');
    expect(patient.code).toBe(0);
  });

  it('stuck-relay: off is acknowledged but never reads back; each ignored switch is an event; cleared, off passes', async () => {
    faults().add('stuck-relay');
    const from = wti.events.length;
    const stuck = await fence('-n', '1', '-o', 'off', '--power-timeout', '3');
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('Timed out waiting to power OFF');
    expect(wti.emulator.device.bank.get(1)?.state).toBe('ON');
    const ignored = wti.events.slice(from).filter((e) => e.type === 'switch-ignored');
    expect(ignored.length).toBeGreaterThan(0);
    expect(ignored[0]).toMatchObject({ plug: 1, requested: 'OFF', reason: 'fault: stuck-relay' });
    expect(ignored[0]).not.toHaveProperty('user');

    faults().delete('stuck-relay');
    const off = await fence('-n', '1', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(wti.emulator.device.bank.get(1)?.state).toBe('OFF');
  });
});
