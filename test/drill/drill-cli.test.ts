import { describe, expect, it } from 'vitest';
import type { DrillResult, TimelineEntry } from '../../cli/drill/timeline.js';
import { FENCEKIT } from '../helpers/cli.js';
import { nodePeer } from '../helpers/node-peer.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit drill` for real: a two-node Corosync + Pacemaker cluster on lab
 * nodes (namespaces on 127.0.12.0/24, the unit on 127.0.12.254:23), fenced
 * with the real fence_wti through the lab. The scenarios CI runs (issue 13):
 * disorderly failover both ways, and the sick-but-not-dead node; and the
 * fallback to a second fencing level (each node's iLO, through the real
 * fence_redfish) when the WTI hangs. One file, one
 * scenario at a time: they share the lab link.
 */
const { available } = await nodePeer([
  '/usr/sbin/corosync',
  '/usr/sbin/pacemakerd',
  '/usr/sbin/crm_mon',
  '/usr/sbin/stonith_admin',
  '/usr/sbin/fence_wti',
  '/usr/sbin/fence_redfish',
]);

async function drill(scenario: string): Promise<{ code: number | null; result: DrillResult; stderr: string }> {
  const r = await run(process.execPath, [FENCEKIT, 'drill', scenario, '--json', '--subnet', '127.0.12'], {
    timeoutMs: 280_000,
  });
  let result: DrillResult;
  try {
    result = JSON.parse(r.stdout) as DrillResult;
  } catch {
    throw new Error(`no JSON from fencekit drill ${scenario} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, result, stderr: r.stderr };
}

/** The first entry of `what` for `node` at or after `fromMs`. */
const first = (t: TimelineEntry[], what: string, node: string, fromMs = 0) =>
  t.find((e) => e.what === what && e.node === node && e.atMs >= fromMs);

/** A failover as the timeline tells it: the victim's plug read OFF, its node died, then the survivor started the resource. */
function expectFencedBeforeTakeover(t: TimelineEntry[], victim: string, survivor: string) {
  const failure = first(t, 'failure', victim);
  expect(failure, `no failure of ${victim}`).toBeDefined();
  const from = failure?.atMs ?? 0;
  const off = first(t, 'plug-off', victim, from);
  const gone = first(t, 'node-gone', victim, from);
  const started = first(t, 'resource-started', survivor, from);
  expect(off, `${victim}'s plug never went OFF`).toBeDefined();
  expect(gone, `${victim}'s node never died`).toBeDefined();
  expect(started, `${survivor} never started the resource`).toBeDefined();
  expect(started?.atMs).toBeGreaterThanOrEqual(off?.atMs ?? Number.POSITIVE_INFINITY);
  expect(gone?.atMs).toBeGreaterThanOrEqual(off?.atMs ?? Number.POSITIVE_INFINITY);
}

describe.skipIf(!available)('fencekit drill (Pacemaker on lab nodes, fence_wti through the lab)', () => {
  it('disorderly: Corosync killed on pa, then on pb; each time the other fences it and only then starts the resource', async () => {
    const { code, result, stderr } = await drill('disorderly');
    expect(result.reasons, stderr).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(code).toBe(0);
    expectFencedBeforeTakeover(result.timeline, 'pa', 'pb');
    expectFencedBeforeTakeover(result.timeline, 'pb', 'pa');
  }, 300_000);

  it('sick-not-dead: the frozen node is fenced, its namespaces killed, and the other takes over', async () => {
    const { code, result, stderr } = await drill('sick-not-dead');
    expect(result.reasons, stderr).toEqual([]);
    expect(code).toBe(0);
    expectFencedBeforeTakeover(result.timeline, 'pa', 'pb');
    expect(result.timeline.find((e) => e.what === 'failure')?.detail).toMatch(/SIGSTOP/);
  }, 300_000);

  it("fallback: the WTI hangs, level 1 fails, pa's iLO (level 2, fence_redfish) fences it, then pb takes over", async () => {
    const { code, result, stderr } = await drill('fallback');
    expect(result.reasons, stderr).toEqual([]);
    expect(code).toBe(0);
    const t = result.timeline;
    const failure = first(t, 'failure', 'pa');
    const level1 = first(t, 'level-1-failed', 'pb', failure?.atMs);
    const iloOff = first(t, 'ilo-off', 'pa', failure?.atMs);
    const gone = first(t, 'node-gone', 'pa', failure?.atMs);
    const started = first(t, 'resource-started', 'pb', failure?.atMs);
    expect(level1 && iloOff && gone && started, JSON.stringify(t)).toBeTruthy();
    expect(iloOff?.atMs).toBeGreaterThanOrEqual(level1?.atMs ?? Number.POSITIVE_INFINITY);
    expect(started?.atMs).toBeGreaterThanOrEqual(iloOff?.atMs ?? Number.POSITIVE_INFINITY);
    // The hung unit's plug never moved.
    expect(t.filter((e) => e.what === 'plug-off')).toEqual([]);
  }, 300_000);

  it('refuses an unknown scenario with the usage status, naming the scenarios', async () => {
    const r = await run(process.execPath, [FENCEKIT, 'drill', 'no-such-drill']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/no scenario 'no-such-drill' \(scenarios: orderly, disorderly, sick-not-dead/);
  });
});
