import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from '../../emulator/lab/admin/server.js';
import type { Lab } from '../../emulator/lab/lab.js';
import type { PlugView, UnitView } from '../../emulator/lab/types.js';
import { peer, run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';
import { startWtiLab, type WtiLab } from '../helpers/wti-lab.js';

/**
 * Faults injected through the admin API make the real fence_wti fail as the
 * fault says, clearing them makes it pass, and /metrics counts what happened.
 * A real Lab with a WTI unit whose plug 5 powers a process. Addresses 127.0.8.10–11.
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const { available } = peer(FENCE_WTI);
const PASSWORD = 'secret';

describe.skipIf(!available)('fault injection through the admin API, judged by fence_wti', () => {
  let wtiLab: WtiLab;
  let lab: Lab;
  let admin: AdminServer;
  let port = 0;

  const fence = (...args: string[]) =>
    run(FENCE_WTI, ['-a', '127.0.8.10', '-u', String(port), '-n', '5', ...args], { timeoutMs: 60_000 });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(new URL(p, admin.url), {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  };
  /** Every sample of /metrics, keyed `name{label="value",…}` with the labels in alphabetical order. */
  const metrics = async (): Promise<Map<string, number>> => {
    const text = await (await fetch(new URL('/metrics', admin.url))).text();
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) continue;
      const labels = (m[2] ?? '')
        .split(/,(?=[a-z_]+=")/)
        .filter(Boolean)
        .sort()
        .join(',');
      samples.set(`${m[1]}{${labels}}`, Number(m[3]));
    }
    return samples;
  };
  const metric = async (key: string) => (await metrics()).get(key) ?? 0;
  const settlesAt = (key: string, value: number) =>
    waitFor(async () => (await metric(key)) === value, { what: `${key} to be ${value}` });
  const plug5 = async () => ((await api('GET', '/api/units/wti-a')).json as UnitView).plugs.find((p) => p.plug === 5);

  beforeAll(async () => {
    wtiLab = await startWtiLab({ host: '127.0.8.10', password: PASSWORD, label: 'lab-admin-faults' });
    ({ lab, port } = wtiLab);
    admin = await startAdminServer(lab, { listen: '127.0.8.11:0' });
  });
  afterAll(async () => {
    await admin?.close();
    await wtiLab?.stop();
  });

  it('fences with no fault: the plug goes OFF and the load is dead', async () => {
    await settlesAt('fencekit_lab_loads_alive{unit="wti-a"}', 1);
    const r = await fence('-p', PASSWORD, '-o', 'off');
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(await plug5()).toMatchObject({ state: 'OFF', load: { status: 'dead' } });
    await settlesAt('fencekit_lab_loads_alive{unit="wti-a"}', 0);
    expect(await metric('fencekit_lab_plugs_on{unit="wti-a"}')).toBe(7);
  });

  it('stuck-relay: fence_wti cannot power the plug off and fails; cleared, it succeeds', async () => {
    const on = await api('POST', '/api/units/wti-a/plugs/5', { action: 'on' });
    expect((on.json as PlugView).state).toBe('ON');
    await settlesAt('fencekit_lab_loads_alive{unit="wti-a"}', 1);

    const injected = await api('PUT', '/api/units/wti-a/faults/stuck-relay');
    expect((injected.json as UnitView).faults).toEqual(['stuck-relay']);
    expect(await metric('fencekit_lab_fault_active{fault="stuck-relay",unit="wti-a"}')).toBe(1);
    const stuck = await fence('-p', PASSWORD, '-o', 'off', '--power-timeout', '3');
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toMatch(/Failed: Timed out waiting to power OFF/);
    expect(await plug5()).toMatchObject({ state: 'ON', load: { status: 'alive' } });

    await api('DELETE', '/api/units/wti-a/faults/stuck-relay');
    expect(await metric('fencekit_lab_fault_active{fault="stuck-relay",unit="wti-a"}')).toBe(0);
    const cleared = await fence('-p', PASSWORD, '-o', 'off');
    expect(cleared.stdout).toBe('Success: Powered OFF\n');
    expect(await plug5()).toMatchObject({ state: 'OFF', load: { status: 'dead' } });
  });

  it('drop-after-login: fence_wti loses the connection and fails; cleared, it reads the plug', async () => {
    await api('PUT', '/api/units/wti-a/faults/drop-after-login');
    const dropped = await fence('-p', PASSWORD, '-o', 'status');
    expect(dropped.code).toBe(1);
    await api('DELETE', '/api/units/wti-a/faults/drop-after-login');
    const status = await fence('-p', PASSWORD, '-o', 'status');
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
  });

  it('/metrics counts the sessions, the failed logins and the switches', async () => {
    const wrong = await fence('-p', 'not-the-password', '-o', 'status');
    expect(wrong.code).toBe(1);
    await settlesAt('fencekit_lab_failed_logins_total{protocol="telnet",unit="wti-a"}', 1);
    const m = await metrics();
    // fence_wti logged in 5 times: off, stuck off, off, dropped status, status.
    expect(m.get('fencekit_lab_sessions_total{protocol="telnet",unit="wti-a"}')).toBe(5);
    // Plug 5 switched by fence_wti: off, off (the stuck attempt moved nothing); by the API: on.
    expect(m.get('fencekit_lab_switch_operations_total{plug="5",protocol="telnet",result="ok",unit="wti-a"}')).toBe(2);
    expect(m.get('fencekit_lab_switch_operations_total{plug="5",protocol="api",result="ok",unit="wti-a"}')).toBe(1);
    expect(m.get('fencekit_lab_fault_active{fault="drop-after-login",unit="wti-a"}')).toBe(0);
    expect(m.get('fencekit_lab_plugs_on{unit="wti-a"}')).toBe(7);
  });
});
