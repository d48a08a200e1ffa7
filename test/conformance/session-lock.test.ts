import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { RawClient } from '../helpers/raw-client.js';
import { peer, run } from '../helpers/run.js';
import { untilEvent } from '../helpers/wait.js';

/**
 * The IPS-800 takes one session at a time. While one is open the real
 * clients must fail; once it closes they must succeed. 127.0.0.40–49.
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const STONITH = '/usr/sbin/stonith';
const fenceOk = peer(FENCE_WTI).available;
const stonithOk = peer(STONITH).available;

describe.skipIf(!fenceOk || !stonithOk)('the single-session lock, as the real clients meet it', () => {
  let wti: RunningWti;
  beforeAll(async () => {
    wti = await startWti({ listen: '127.0.0.40:23', password: 'changeme', plugs: [{ number: 4, name: 'db1' }] });
  });
  afterAll(() => wti.stop());

  const fence = () =>
    run(FENCE_WTI, ['-a', wti.host, '-u', String(wti.port), '-p', 'changeme', '-n', '4', '-o', 'status']);

  it('fence_wti fails while a session is held, and succeeds once it is released', async () => {
    const from = wti.events.length;
    const holder = await RawClient.connect(wti.host, wti.port);
    try {
      await holder.login('changeme');
      const busy = await fence();
      expect(busy.code).toBe(1);
      expect(busy.stdout).toBe('');
      expect(wti.events.slice(from).some((e) => e.type === 'refused')).toBe(true);
    } finally {
      holder.send('/X,Y\r\n');
      await holder.expectClose();
      holder.close();
    }
    const free = await fence();
    expect(free.stdout).toBe('Status: ON\n');
    expect(free.code).toBe(0);
  });

  it('stonith -S fails while a session is held, and succeeds once it is released', async () => {
    const holder = await RawClient.connect(wti.host, wti.port);
    await holder.login('changeme');
    // stonith retries its login for about 20 s; release the session only after it gave up.
    const busy = await run(STONITH, ['-t', 'wti_nps', `ipaddr=${wti.host}`, 'password=changeme', '-S'], {
      timeoutMs: 90_000,
    });
    expect(busy.code).not.toBe(0);
    holder.close();
    await holder.expectClose();
    const free = await run(STONITH, ['-t', 'wti_nps', `ipaddr=${wti.host}`, 'password=changeme', '-S']);
    expect(free.code).toBe(0);
  });

  it('stonith -T reset waits out a session released while it retries', async () => {
    const holder = await RawClient.connect(wti.host, wti.port);
    await holder.login('changeme');
    const from = wti.events.length;
    const pending = run(STONITH, ['-t', 'wti_nps', `ipaddr=${wti.host}`, 'password=changeme', '-T', 'reset', 'db1'], {
      timeoutMs: 90_000,
    });
    // Let it be refused a few times, then free the device mid-retry.
    await untilEvent(wti, (e) => e.type === 'refused', { since: from, count: 3, what: 'three refused logins' });
    holder.send('/X,Y\r\n');
    const r = await pending;
    holder.close();
    expect(r.code).toBe(0);
    const changes = wti.events.slice(from).filter((e) => e.type === 'plug' && e.plug === 4);
    expect(changes.map((e) => (e.type === 'plug' ? e.state : ''))).toEqual(['OFF', 'ON']);
    expect(wti.events.slice(from).filter((e) => e.type === 'refused').length).toBeGreaterThan(0);
  });
});
