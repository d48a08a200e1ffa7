import { addLabEvents, DRILL_ACTOR, killCorosync, resourceOn } from './failover.js';
import { UNIT, waitFor } from './lab-cluster.js';
import { type Scenario, Timeline } from './scenario.js';
import { overlaps } from './writes.js';

/**
 * The fencing device fails: the unit hangs (accepts connections, answers
 * nothing). pa's Corosync is killed; pb must try to fence pa, fail, and not
 * start the resource while pa's fate is unknown. Then the fault is cleared:
 * pb's next attempt fences pa and only then does pb start the resource.
 */
export const deviceFailure: Scenario = {
  name: 'device-failure',
  summary: 'the PDU hangs while a node fails: fencing fails and the resource waits; cleared, fencing completes first',
  async run(ctx) {
    if (!ctx.cluster) throw new Error('this scenario needs the Pacemaker cluster');
    const cluster = ctx.cluster;
    const timeline = new Timeline();
    const reasons: string[] = [];
    const victim = 'pa';
    const survivor = 'pb';
    await resourceOn(cluster, victim, timeline);
    const from = cluster.events.length;
    cluster.lab.setFault(UNIT, 'hang', true, DRILL_ACTOR);
    const t = Date.now();
    timeline.add('failure', t, victim, await killCorosync(cluster, victim));
    ctx.say('device-failure: the unit hangs; waiting for a failed fencing attempt');
    let failedAt: number | undefined;
    try {
      await waitFor(
        `${survivor} to report a failed fencing of ${victim}`,
        async () => {
          const r = await cluster.inNode(survivor, '/usr/sbin/stonith_admin', ['--history', victim]);
          if (/failed/i.test(r.stdout)) {
            failedAt = Date.now();
            return true;
          }
          return false;
        },
        120_000,
      );
      timeline.add('fence-failed', failedAt, survivor, 'stonith_admin --history reports the fencing failed');
    } catch (err) {
      reasons.push((err as Error).message);
    }
    const during = await cluster.status(survivor);
    if (during?.resourceOn.includes(survivor)) reasons.push(`${survivor} started the resource while fencing failed`);
    const cleared = Date.now();
    cluster.lab.setFault(UNIT, 'hang', false, DRILL_ACTOR);
    ctx.say('device-failure: fault cleared; waiting for fencing to complete and the resource to move');
    try {
      await waitFor(
        `${survivor} to run the resource`,
        async () => (await cluster.status(survivor))?.resourceOn.includes(survivor) ?? false,
        120_000,
      );
    } catch (err) {
      reasons.push((err as Error).message);
    }
    const plugOff = addLabEvents(
      cluster.events.slice(from),
      timeline,
      cluster.node(victim).plug,
      victim,
      cluster.node(survivor).address,
    );
    const runs = cluster.writes();
    const started = runs.find((r) => r.node === survivor && r.startMs >= t);
    if (started) timeline.add('resource-started', started.startMs, survivor, 'its first write to the shared disk');
    if (started && started.startMs < cleared) reasons.push(`${survivor} started the resource while the unit hung`);
    if (plugOff !== undefined && plugOff < cleared) reasons.push(`${victim}'s plug went OFF while the unit hung`);
    if (started && plugOff !== undefined && started.startMs < plugOff) {
      reasons.push(`${survivor} started the resource before ${victim}'s plug read OFF`);
    }
    if (plugOff === undefined) reasons.push(`${victim}'s plug never went OFF after the fault was cleared`);
    reasons.push(...overlaps(runs));
    return {
      scenario: 'device-failure',
      verdict: reasons.length === 0 ? 'pass' : 'fail',
      reasons,
      timeline: timeline.sorted(),
    };
  },
};
