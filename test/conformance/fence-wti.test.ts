import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plugStates, type RunningWti, resetWti, startWti } from '../helpers/emulator.js';
import { peer, run } from '../helpers/run.js';

/**
 * The real fence_wti (fence-agents 4.12.1) against the emulator. If it fails
 * here, the emulator is wrong. Addresses 127.0.0.10–19.
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const { available } = peer(FENCE_WTI);

describe.skipIf(!available)('fence_wti against the IPS-800 emulator', () => {
  let wti: RunningWti;
  const fence = (...args: string[]) =>
    run(FENCE_WTI, ['-a', wti.host, '-u', String(wti.port), '-p', 'changeme', ...args], { timeoutMs: 60_000 });

  beforeAll(async () => {
    wti = await startWti({
      listen: '127.0.0.10:0',
      password: 'changeme',
      plugs: [
        { number: 1, name: 'pete' },
        { number: 5, name: 'mclaws' },
      ],
      bootDelay: 0.5,
    });
  });
  afterAll(() => wti.stop());
  beforeEach(() => resetWti(wti));

  it('reads a plug that is on: "Status: ON", exit 0', async () => {
    const r = await fence('-n', '1', '-o', 'status');
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });

  it('powers a plug off, and status then exits 2', async () => {
    const off = await fence('-n', '5', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(off.code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
    const status = await fence('-n', '5', '-o', 'status');
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
  });

  it('says "Already OFF" without switching an off plug', async () => {
    resetWti(wti, [5]);
    const before = wti.events.filter((e) => e.type === 'plug').length;
    const r = await fence('-n', '5', '-o', 'off');
    expect(r.stdout).toBe('Success: Already OFF\n');
    expect(wti.events.filter((e) => e.type === 'plug').length).toBe(before);
  });

  it('powers a plug on', async () => {
    resetWti(wti, [5]);
    const r = await fence('-n', '5', '-o', 'on');
    expect(r.stdout).toBe('Success: Powered ON\n');
    expect(r.code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('ON');
  });

  it('reboots a plug: it goes off, then on again', async () => {
    const from = wti.events.length;
    const r = await fence('-n', '1', '-o', 'reboot');
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    const changes = wti.events.slice(from).filter((e) => e.type === 'plug' && e.plug === 1);
    expect(changes.map((e) => (e.type === 'plug' ? e.state : ''))).toEqual(['OFF', 'ON']);
  });

  it('lists every plug with its name', async () => {
    const r = await fence('-o', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines).toContain('1,pete');
    expect(lines).toContain('5,mclaws');
    expect(lines).toContain('2,(undefined)');
  });

  it('lists plugs with their states', async () => {
    await fence('-n', '2', '-o', 'off');
    const r = await fence('-o', 'list-status');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2,(undefined),off\n');
    expect(r.stdout).toContain('5,mclaws,on\n');
  });

  it('monitors the device: exit 0, no output', async () => {
    const r = await fence('-o', 'monitor');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('takes its options on stdin, as Pacemaker passes them', async () => {
    const r = await run(FENCE_WTI, [], {
      input: `ip=${wti.host}\nipport=${wti.port}\npassword=changeme\nplug=5\naction=status\n`,
    });
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });

  it('fails with a wrong password, and switches nothing', async () => {
    const before = plugStates(wti.emulator);
    const r = await run(FENCE_WTI, ['-a', wti.host, '-u', String(wti.port), '-p', 'wrong', '-n', '5', '-o', 'off']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Unable to connect/login to fencing device');
    expect(plugStates(wti.emulator)).toBe(before);
    expect(wti.events.some((e) => e.type === 'login-failed')).toBe(true);
  });

  it('fails on a plug that does not exist', async () => {
    const r = await fence('-n', '9', '-o', 'status');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Failed: Unable to obtain correct plug status or plug is not available');
  });

  it('works against the NPS personality too', async () => {
    const nps = await startWti({ listen: '127.0.0.11:0', model: 'nps', password: 'changeme' });
    try {
      const r = await run(FENCE_WTI, [
        '-a',
        nps.host,
        '-u',
        String(nps.port),
        '-p',
        'changeme',
        '-n',
        '3',
        '-o',
        'off',
      ]);
      expect(r.stdout).toBe('Success: Powered OFF\n');
      expect(nps.emulator.device.bank.get(3)?.state).toBe('OFF');
    } finally {
      await nps.stop();
    }
  });
});
