import { addLabEvents, DRILL_ACTOR, killCorosync, resourceOn } from './failover.js';
import { UNIT, waitFor } from './lab-cluster.js';
import { drillResult, pacemakerCluster, type Scenario, Timeline } from './scenario.js';
import { overlaps } from './writes.js';

/**
 * The fencing device fails: the unit hangs (accepts connections, answers
 * nothing), or, on a unit that does not know that fault, the closest it has. pa's Corosync is killed; pb must try to fence pa, fail, and not
 * start the resource while pa's fate is unknown. Then the fault is cleared:
 * pb's next attempt fences pa and only then does pb start the resource.
 */
/** The unit's failure, by preference: it hangs; failing that, it drops the session after login, or its relay sticks. */
const FAULTS = ['hang', 'hang-after-login', 'drop-after-login', 'stuck-relay'];

const FAILED = (victim: string) =>
  new RegExp(`Operation '(reboot|off)' targeting ${victim} by \\S+ for \\S+: (Error|Timed Out)`);

export const deviceFailure: Scenario = {
  name: 'device-failure',
  summary: 'the PDU hangs while a node fails: fencing fails and the resource waits; cleared, fencing completes first',
  async run(ctx) {
    const cluster = pacemakerCluster(ctx);
    const timeline = new Timeline();
    const reasons: string[] = [];
    const victim = 'pa';
    const survivor = 'pb';
    await resourceOn(cluster, victim, timeline);
    const known = cluster.lab.unit(UNIT).knownFaults;
    const fault = FAULTS.find((f) => known.includes(f));
    if (!fault)
      throw new Error(`unit ${UNIT} takes none of the faults ${FAULTS.join(', ')} (it has ${known.join(', ')})`);
    const from = cluster.events.length;
    cluster.lab.setFault(UNIT, fault, true, DRILL_ACTOR);
    const t = Date.now();
    timeline.add('failure', t, victim, await killCorosync(cluster, victim));
    ctx.say(`device-failure: the unit has the fault ${fault}; waiting for a failed fencing attempt`);
    let failedAt: number | undefined;
    try {
      await waitFor(
        `${survivor} to report a failed fencing of ${victim}`,
        async () => {
          // pacemaker-fenced's own word, in the survivor's log: "Operation 'reboot' targeting pa … Error occurred".
          if (FAILED(victim).test(cluster.pacemakerLog(survivor))) {
            failedAt = Date.now();
            return true;
          }
          return false;
        },
        120_000,
      );
      timeline.add('fence-failed', failedAt, survivor, 'pacemaker-fenced: the fencing operation ended in an error');
    } catch (err) {
      reasons.push((err as Error).message);
    }
    const during = await cluster.status(survivor);
    if (during?.resourceOn.includes(survivor)) reasons.push(`${survivor} started the resource while fencing failed`);
    const cleared = Date.now();
    cluster.lab.setFault(UNIT, fault, false, DRILL_ACTOR);
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
    return drillResult('device-failure', reasons, timeline);
  },
};
