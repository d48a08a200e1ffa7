import type { LabEvent } from '../../emulator/lab/types.js';
import { DRILL_ACTOR, type DrillCluster, UNIT, waitFor } from './lab-cluster.js';
import type { Timeline } from './scenario.js';
import { overlaps, type WriteRun } from './writes.js';

/**
 * One failover watched end to end: the resource runs on `victim`, `inject`
 * breaks the victim, and the survivor must fence it through the lab before
 * it starts the resource. The timeline comes from three independent sources:
 * the survivor's view of the cluster (detection), the lab's own events (the
 * fencing session, the plug, the node's death) and the shared disk (who
 * wrote when).
 */
export interface Failover {
  victim: string;
  survivor: string;
  /** What breaks the victim; returns the failure's detail for the timeline. */
  inject(): Promise<string>;
}

/** Where the resource should run before the failure: moved there if it is not. */
export async function resourceOn(cluster: DrillCluster, node: string, timeline: Timeline): Promise<void> {
  await waitFor('both nodes online', async () => (await cluster.status(node))?.online.length === 2, 180_000);
  await settle(cluster, node);
  const now = await cluster.status(node);
  if (now?.resourceOn[0] !== node) {
    timeline.add('note', Date.now(), node, `moving the resource to ${node} first`);
    await cluster.inNode(node, '/usr/sbin/crm_resource', ['--resource', 'disk', '--move', '--node', node]);
    await waitFor(`the resource on ${node}`, async () => (await cluster.status(node))?.resourceOn[0] === node, 60_000);
    await cluster.inNode(node, '/usr/sbin/crm_resource', ['--resource', 'disk', '--clear']);
  }
  await settle(cluster, node);
  // A few writes of the victim's own before it fails.
  await waitFor(`${node} writing`, async () => lastRun(cluster.writes(), node)?.writes !== undefined, 10_000);
}

/**
 * Until the cluster has nothing left to do (crm_resource --wait). A node that
 * has just rejoined may not have the whole status yet: a failure injected then
 * found a Pacemaker 2.1.5 that started the resource on the new node without
 * fencing the lost one. The drills test a settled cluster.
 */
export async function settle(cluster: DrillCluster, node: string): Promise<void> {
  const r = await cluster.inNode(node, '/usr/sbin/crm_resource', ['--wait', '--timeout', '60s'], 70_000);
  if (r.code !== 0) throw new Error(`the cluster did not settle within 60 s: ${r.stderr.trim()}`);
}

export interface FailoverOutcome {
  reasons: string[];
}

export async function watchFailover(
  cluster: DrillCluster,
  f: Failover,
  timeline: Timeline,
  timeoutMs = 90_000,
): Promise<FailoverOutcome> {
  const reasons: string[] = [];
  const victim = cluster.node(f.victim);
  const survivor = cluster.node(f.survivor);
  const fromEvent = cluster.events.length;
  const t = Date.now();
  timeline.add('failure', t, f.victim, await f.inject());

  let detected = false;
  try {
    await waitFor(
      `${f.survivor} to run the resource`,
      async () => {
        const s = await cluster.status(f.survivor);
        if (!s) return false;
        if (!detected && !s.online.includes(f.victim)) {
          detected = true;
          timeline.add('detected', Date.now(), f.survivor, `${f.victim} is no longer online`);
        }
        return s.resourceOn.includes(f.survivor);
      },
      timeoutMs,
    );
  } catch (err) {
    reasons.push((err as Error).message);
  }

  // A few writes of the survivor's before the disk is read: a victim still writing then shows as an overlap.
  await waitFor(
    `${f.survivor} writing`,
    async () => (cluster.writes().find((r) => r.node === f.survivor && r.startMs >= t)?.writes ?? 0) >= 3,
    5_000,
  ).catch(() => {});
  const events = cluster.events.slice(fromEvent);
  const plugOff = addLabEvents(events, timeline, victim.plug, f.victim, survivor.address);
  const runs = cluster.writes();
  const victimLast = runs.filter((r) => r.node === f.victim && r.startMs < t).at(-1);
  if (victimLast) timeline.add('last-write', victimLast.endMs, f.victim, 'its last write to the shared disk');
  const started = runs.find((r) => r.node === f.survivor && r.startMs >= t);
  if (started) timeline.add('resource-started', started.startMs, f.survivor, 'its first write to the shared disk');

  if (plugOff === undefined) reasons.push(`${f.victim}'s plug never went OFF`);
  if (!events.some((e) => e.type === 'load' && e.plug === victim.plug && e.status === 'dead')) {
    reasons.push(`${f.victim}'s node never died`);
  }
  if (!started) reasons.push(`${f.survivor} never started the resource`);
  if (started && plugOff !== undefined && started.startMs < plugOff) {
    reasons.push(
      `${f.survivor} started the resource ${plugOff - started.startMs} ms before ${f.victim}'s plug read OFF`,
    );
  }
  reasons.push(...overlaps(runs));
  return { reasons };
}

/**
 * The lab's side of a fencing, into the timeline: the survivor's session on
 * the unit, the victim's plug and node. Returns when the plug went OFF (epoch ms).
 */
export function addLabEvents(
  events: LabEvent[],
  timeline: Timeline,
  plug: number,
  victim: string,
  fencerAddress: string | null,
  /** Sessions and faults too (false when another call for the other plug adds them). */
  sessions = true,
): number | undefined {
  let plugOff: number | undefined;
  // The session that switched a plug is the fencing request; the others are the
  // fencer's monitors and retries (refused while the unit's one session is taken).
  const switchers = new Set(events.flatMap((e) => (e.type === 'plug' && e.actor.peer ? [e.actor.peer] : [])));
  for (const e of events) {
    const at = Date.parse(e.time);
    if (e.type === 'session' && sessions && e.unit === UNIT && e.what !== 'logout') {
      const from = e.actor.peer?.split(':')[0] ?? '?';
      if (fencerAddress === null || from === fencerAddress) {
        const fencing = e.what === 'login' && e.actor.peer !== undefined && switchers.has(e.actor.peer);
        const what = fencing ? 'fence-requested' : e.what === 'login' ? 'session' : `session-${e.what}`;
        timeline.add(what, at, undefined, `${e.actor.protocol} session from ${e.actor.peer ?? '?'} on unit ${UNIT}`);
      }
    } else if (e.type === 'plug' && e.unit === UNIT && e.plug === plug) {
      const by =
        e.actor === DRILL_ACTOR || e.actor.protocol === 'lab' ? 'the lab' : `${e.actor.protocol} ${e.actor.peer ?? ''}`;
      timeline.add(e.to === 'OFF' ? 'plug-off' : 'plug-on', at, victim, `plug ${plug} ${e.from} → ${e.to} by ${by}`);
      if (e.to === 'OFF' && plugOff === undefined) plugOff = at;
    } else if (
      e.type === 'load' &&
      e.unit === UNIT &&
      e.plug === plug &&
      (e.status === 'dead' || e.status === 'alive')
    ) {
      timeline.add(
        e.status === 'dead' ? 'node-gone' : 'node-back',
        at,
        victim,
        `its namespaces ${e.status === 'dead' ? 'were killed' : 'booted again'}`,
      );
    } else if (e.type === 'fault' && sessions) {
      timeline.add('fault', at, undefined, `${e.fault} ${e.active ? 'on' : 'off'} (unit ${e.unit})`);
    }
  }
  return plugOff;
}

export function lastRun(runs: WriteRun[], node: string): WriteRun | undefined {
  return runs.filter((r) => r.node === node).at(-1);
}

/** Kill the node's corosync (SIGKILL, by the pid the node itself reports). */
export async function killCorosync(cluster: DrillCluster, node: string): Promise<string> {
  const r = await cluster.inNode(node, '/bin/sh', ['-c', 'p=$(pidof corosync) && kill -9 $p && echo $p']);
  if (r.code !== 0) throw new Error(`could not kill corosync on ${node}: ${r.stderr.trim() || 'not running'}`);
  return `corosync (pid ${r.stdout.trim()} in the node) killed with SIGKILL`;
}

export { DRILL_ACTOR };
