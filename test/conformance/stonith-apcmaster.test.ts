import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { peer, run, runOnTty } from '../helpers/run.js';
import { type RunningApc, resetApc, startApc } from '../helpers/units.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The real cluster-glue `stonith -t apcmaster` (1.0.12) against the AP9211
 * MasterSwitch personality. apcmaster only speaks to TCP port 23, so each
 * emulator here takes its own 127.0.0.110–119 (127.0.4.30 for the bare card)
 * on port 23 (we run as root in CI).
 *
 * apcmaster waits for a telnet client's `Escape character is '^]'.` before
 * the login prompt: it was written to sit behind a telnet client or terminal
 * server. The card never prints that line, so these cards run with the
 * emulator's opt-in `telnetClientGreeting`, which puts it in front as such a
 * client would; the last test shows what the plugin does against a bare card.
 */
const STONITH = '/usr/sbin/stonith';
const available = peer(STONITH).available && peer('/usr/lib/stonith/plugins/stonith2/apcmaster.so').available;

type Running = RunningApc;

function startMasterSwitch(listen: string, telnetClientGreeting = true): Promise<Running> {
  const [host = '', port = '23'] = listen.split(':');
  return startApc(host, {
    telnet: Number(port),
    model: 'apc-masterswitch',
    telnetClientGreeting,
    password: 'mast3r',
    role: 'admin',
    bootDelay: 0.5,
    plugs: [
      { number: 1, name: 'Pete' },
      { number: 3, name: 'mclaws' },
      { number: 5, name: 'web1', default: 'OFF' },
    ],
  });
}

/** Wait (bounded) until `done` holds. */
function eventually(done: () => boolean, what: string): Promise<void> {
  return waitFor(() => done(), { what }).then(() => {});
}

describe.skipIf(!available)('stonith -t apcmaster against the AP9211 MasterSwitch emulator', () => {
  let ms: Running;
  const HOST = '127.0.0.110';
  const stonith = (...args: string[]) =>
    run(STONITH, ['-t', 'apcmaster', `ipaddr=${HOST}`, 'login=apc', 'password=mast3r', ...args], { timeoutMs: 90_000 });
  const state = (n: number) => ms.emulator.device.bank.get(n)?.state;
  const plugChanges = (from: number, plug: number) =>
    ms.events
      .slice(from)
      .filter((e) => e.type === 'plug' && e.plug === plug)
      .map((e) => (e.type === 'plug' ? e.state : ''));

  beforeAll(async () => {
    ms = await startMasterSwitch(`${HOST}:23`);
  });
  afterAll(() => ms.emulator.stop());
  // As configured (outlet 5 off, the others on), with no session of an earlier test still open.
  beforeEach(async () => {
    await eventually(() => ms.emulator.limit.inUse === 0, 'every earlier session closed');
    resetApc(ms, [5]);
  });

  it('-S reports the device OK, exit 0, after one login and a logout', async () => {
    const from = ms.events.length;
    const r = await stonith('-S');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const mine = ms.events.slice(from);
    expect(mine.filter((e) => e.type === 'login')).toHaveLength(1);
    await eventually(() => ms.events.slice(from).some((e) => e.type === 'logout'), 'the session ends');
  });

  it('-S on a terminal logs the login and "apcmaster device OK."', async () => {
    const r = await runOnTty(`${STONITH} -t apcmaster ipaddr=${HOST} login=apc password=mast3r -S`, {
      timeoutMs: 90_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('info: Successful login to APC MasterSwitch.');
    expect(r.stdout).toContain('info: apcmaster device OK.');
  });

  it('-l lists every outlet name, lower-cased, without an "all outlets" entry', async () => {
    const r = await stonith('-l');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pete\noutlet 2\nmclaws\noutlet 4\nweb1\noutlet 6\noutlet 7\noutlet 8\n');
  });

  it('-T reset by host name: Immediate Reboot, the outlet goes off and comes back on', async () => {
    const from = ms.events.length;
    const r = await runOnTty(`${STONITH} -t apcmaster ipaddr=${HOST} login=apc password=mast3r -T reset mclaws`, {
      timeoutMs: 90_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('info: Host being rebooted: mclaws');
    expect(r.stdout).toContain('info: Power restored to host: mclaws');
    await eventually(() => state(3) === 'ON' && plugChanges(from, 3).length === 2, 'outlet 3 back on');
    expect(plugChanges(from, 3)).toEqual(['OFF', 'ON']);
  });

  it('-T off opens a second session while the first is still open, and switches the outlet off', async () => {
    const from = ms.events.length;
    const r = await stonith('-T', 'off', 'PETE');
    expect(r.code).toBe(0);
    expect(state(1)).toBe('OFF');
    expect(plugChanges(from, 1)).toEqual(['OFF']);
    // Both logins happen before either session ends: two sessions at once.
    const mine = ms.events.slice(from);
    const logins = mine.map((e, i) => (e.type === 'login' ? i : -1)).filter((i) => i >= 0);
    const firstLogout = mine.findIndex((e) => e.type === 'logout');
    expect(logins).toHaveLength(2);
    expect(firstLogout === -1 || firstLogout > (logins[1] as number)).toBe(true);
    expect(mine.some((e) => e.type === 'refused')).toBe(false);
  });

  it('-T on switches the outlet back on', async () => {
    resetApc(ms, [1, 5]);
    const r = await stonith('-T', 'on', 'pete');
    expect(r.code).toBe(0);
    expect(state(1)).toBe('ON');
  });

  it('-T on an outlet that is already on leaves it on', async () => {
    const from = ms.events.length;
    const r = await stonith('-T', 'on', 'pete');
    expect(r.code).toBe(0);
    expect(plugChanges(from, 1)).toEqual([]);
  });

  it('an unknown host exits 4 and switches nothing', async () => {
    const from = ms.events.length;
    const r = await stonith('-T', 'off', 'nosuchnode');
    expect(r.code).toBe(4);
    expect(ms.events.slice(from).filter((e) => e.type === 'plug')).toEqual([]);
  });

  it('a wrong password fails without switching anything, and the card reports it', async () => {
    const wrong = await startMasterSwitch('127.0.0.111:23');
    try {
      const r = await run(
        STONITH,
        ['-t', 'apcmaster', 'ipaddr=127.0.0.111', 'login=apc', 'password=bad', '-T', 'off', 'pete'],
        {
          timeoutMs: 120_000,
        },
      );
      expect(r.code).not.toBe(0);
      expect(wrong.emulator.device.bank.get(1)?.state).toBe('ON');
      expect(wrong.events.some((e) => e.type === 'login-failed')).toBe(true);
      expect(wrong.events.some((e) => e.type === 'login' || e.type === 'plug')).toBe(false);
    } finally {
      await wrong.emulator.stop();
    }
  });
  it('a bare card (no telnet client in between): apcmaster never sees the escape line, gives up after 20 attempts, exit 1', {
    timeout: 120_000,
  }, async () => {
    const bare = await startMasterSwitch('127.0.4.30:23', false);
    try {
      const r = await runOnTty(`${STONITH} -t apcmaster ipaddr=127.0.4.30 login=apc password=mast3r -S`, {
        timeoutMs: 110_000,
      });
      expect(r.code).toBe(1);
      const lines = r.stdout.split(/\r?\n/).filter((l) => l !== '');
      const missed = lines.filter(
        (l) => l === "CRIT: Did not find string Escape character is '^]'. from APC MasterSwitch.",
      );
      // Each of its 20 login attempts waits (up to 10 s) for the line and reports what it got instead.
      expect(missed).toHaveLength(20);
      // The first attempt had the card's prompt in front of it (its own line end included).
      expect(r.stdout).toContain('User Name : ]');
      expect(lines.slice(-2)).toEqual([
        'CRIT: Cannot log into APC MasterSwitch.',
        'ERROR: apcmaster device not accessible.',
      ]);
      // It never answers the card's User Name prompt, so the card sees no login at all.
      expect(bare.events.some((e) => e.type === 'login' || e.type === 'login-failed')).toBe(false);
    } finally {
      await bare.emulator.stop();
    }
  });
});
