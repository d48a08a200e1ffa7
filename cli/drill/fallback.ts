import { addLabEvents, DRILL_ACTOR, killCorosync, resourceOn } from './failover.js';
import { iloUnit, UNIT, waitFor } from './lab-cluster.js';
import { drillResult, pacemakerCluster, type Scenario, Timeline } from './scenario.js';
import { overlaps } from './writes.js';

/**
 * The fencing device fails and the cluster falls back. Each node is behind
 * its WTI plug and its own iLO in series, and Pacemaker's topology has the
 * WTI at level 1 and the iLO at level 2. The WTI unit hangs and pa's
 * Corosync is killed. pb's level 1 fails, its level 2 powers pa off through
 * pa's iLO, and only then does pb start the resource. The WTI plug never
 * moves: the unit hung.
 */
export const fallback: Scenario = {
  name: 'fallback',
  summary: "the PDU hangs while a node fails: fencing falls back to the node's iLO, then the resource moves",
  secondLevel: true,
  async run(ctx) {
    const cluster = pacemakerCluster(ctx);
    const timeline = new Timeline();
    const reasons: string[] = [];
    const victim = 'pa';
    const survivor = 'pb';
    const ilo = iloUnit(victim);
    await resourceOn(cluster, victim, timeline);
    const from = cluster.events.length;
    cluster.lab.setFault(UNIT, 'hang', true, DRILL_ACTOR);
    const t = Date.now();
    timeline.add('failure', t, victim, await killCorosync(cluster, victim));
    ctx.say(`fallback: unit ${UNIT} hangs; waiting for ${survivor} to fence ${victim} through ${ilo}`);
    try {
      await waitFor(
        `${survivor} to run the resource`,
        async () => (await cluster.status(survivor))?.resourceOn.includes(survivor) ?? false,
        120_000,
        ctx.signal,
      );
    } catch (err) {
      reasons.push((err as Error).message);
    }
    cluster.lab.setFault(UNIT, 'hang', false, DRILL_ACTOR);

    const events = cluster.events.slice(from);
    const survivorAddress = cluster.node(survivor).address;
    const wtiOff = addLabEvents(events, timeline, cluster.node(victim).plug, victim, survivorAddress);
    // The second level, from the lab's events: the iLO's server power, switched by the survivor.
    let iloOff: number | undefined;
    for (const e of events) {
      if (e.type !== 'plug' || e.unit !== ilo) continue;
      const at = Date.parse(e.time);
      const by = `${e.actor.protocol} ${e.actor.peer ?? ''}`.trim();
      timeline.add(e.to === 'OFF' ? 'ilo-off' : 'ilo-on', at, victim, `${ilo}: server ${e.from} → ${e.to} by ${by}`);
      if (e.to === 'OFF' && iloOff === undefined) {
        iloOff = at;
        if (!e.actor.peer?.startsWith(`${survivorAddress}:`)) {
          reasons.push(`${ilo} was switched OFF by ${by}, not by ${survivor} (${survivorAddress})`);
        }
      }
    }
    // The fencer's own account of the levels, from the survivor's Pacemaker log.
    const log = cluster.pacemakerLog(survivor);
    const level1Failed = logTime(log, LEVEL_1_FAILED(victim), t);
    if (level1Failed !== undefined) {
      timeline.add('level-1-failed', level1Failed, survivor, `pacemaker-fenced: fence-${victim} (the WTI plug) failed`);
    } else {
      reasons.push(`${survivor}'s fencer log shows no failed attempt with fence-${victim}: level 1 was not tried`);
    }
    const level2 = logTime(log, LEVEL_2_REQUESTED(victim), t);
    if (level2 !== undefined) {
      timeline.add('level-2-requested', level2, survivor, `pacemaker-fenced: falls back to fence-ilo-${victim}`);
    }

    const runs = cluster.writes();
    const started = runs.find((r) => r.node === survivor && r.startMs >= t);
    if (started) timeline.add('resource-started', started.startMs, survivor, 'its first write to the shared disk');
    if (wtiOff !== undefined) reasons.push(`${victim}'s WTI plug went OFF although the unit hung`);
    if (iloOff === undefined) reasons.push(`${ilo} never powered ${victim} off: the second level did not fence`);
    if (!events.some((e) => e.type === 'load' && e.unit === UNIT && e.status === 'dead')) {
      reasons.push(`${victim}'s node never died`);
    }
    if (!started) reasons.push(`${survivor} never started the resource`);
    if (started && iloOff !== undefined && started.startMs < iloOff) {
      reasons.push(
        `${survivor} started the resource ${iloOff - started.startMs} ms before ${ilo} powered ${victim} off`,
      );
    }
    reasons.push(...overlaps(runs));
    return drillResult('fallback', reasons, timeline);
  },
};

/** pacemaker-fenced's line for a level-1 attempt that failed, or that it timed out (Pacemaker 2.1.5's words). */
export const LEVEL_1_FAILED = (victim: string) =>
  new RegExp(
    `error: Operation '\\w+' \\[\\d+\\] targeting ${victim} using fence-${victim} (?:returned|could not be executed)`,
  );

/** pacemaker-fenced's line when it turns to the second level. */
export const LEVEL_2_REQUESTED = (victim: string) =>
  new RegExp(`Requesting that \\S+ perform '\\w+' action targeting ${victim} using fence-ilo-${victim}`);

/**
 * The time of the first line of a Pacemaker log that matches `re`, at or
 * after `since` (epoch ms). The log's stamps ("Dec 03 07:42:08.313") are the
 * machine's local time without a year: the year is the drill's.
 */
export function logTime(log: string, re: RegExp, since: number): number | undefined {
  const year = new Date(since).getFullYear();
  for (const line of log.split('\n')) {
    if (!re.test(line)) continue;
    const m = /^(\w{3}) (\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3}) /.exec(line);
    if (!m) continue;
    const at = Date.parse(`${m[1]} ${m[2]} ${year} ${m[3]}`);
    // The log's stamps are to the millisecond, the drill's clock too: a second's slack for rounding.
    if (!Number.isNaN(at) && at >= since - 1000) return at;
  }
  return undefined;
}
