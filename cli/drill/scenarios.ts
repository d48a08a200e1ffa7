import { addLabEvents, DRILL_ACTOR, killCorosync, resourceOn, settle, watchFailover } from './failover.js';
import { UNIT, waitFor } from './lab-cluster.js';
import { drillResult, pacemakerCluster, type Scenario, Timeline } from './scenario.js';
import { overlaps } from './writes.js';

/**
 * The Pacemaker scenarios. Each runs against the cluster the drill started:
 * pa holds the resource first, pb second.
 */
const BOTH_WAYS: Array<[string, string]> = [
  ['pa', 'pb'],
  ['pb', 'pa'],
];

export const disorderly: Scenario = {
  name: 'disorderly',
  summary: "kill a node's Corosync: the other fences it through the lab and only then starts the resource; both ways",
  async run(ctx) {
    const cluster = pacemakerCluster(ctx);
    const timeline = new Timeline();
    const reasons: string[] = [];
    for (const [victim, survivor] of BOTH_WAYS) {
      ctx.say(`disorderly: ${victim} holds the resource; killing its Corosync`);
      await resourceOn(cluster, victim, timeline);
      const out = await watchFailover(
        cluster,
        { victim, survivor, inject: () => killCorosync(cluster, victim) },
        timeline,
      );
      reasons.push(...out.reasons.map((r) => `${victim} → ${survivor}: ${r}`));
      if (out.reasons.length > 0) break;
    }
    return drillResult('disorderly', reasons, timeline);
  },
};

export const sickNotDead: Scenario = {
  name: 'sick-not-dead',
  summary: 'freeze a node (every process stopped, holding its files): the other fences it, and it is gone',
  async run(ctx) {
    const cluster = pacemakerCluster(ctx);
    const timeline = new Timeline();
    const victim = 'pa';
    await resourceOn(cluster, victim, timeline);
    ctx.say(`sick-not-dead: freezing ${victim}`);
    const out = await watchFailover(
      cluster,
      {
        victim,
        survivor: 'pb',
        inject: async () => {
          cluster.lab.freeze(UNIT, cluster.node(victim).plug, DRILL_ACTOR);
          return 'every process of the node stopped (SIGSTOP): alive, answering nothing';
        },
      },
      timeline,
    );
    return drillResult('sick-not-dead', out.reasons, timeline);
  },
};

export const splitBrain: Scenario = {
  name: 'split-brain',
  summary: 'cut the link between the nodes (each still reaches the PDU): exactly one survives holding the resource',
  async run(ctx) {
    const cluster = pacemakerCluster(ctx);
    const timeline = new Timeline();
    const reasons: string[] = [];
    await resourceOn(cluster, 'pa', timeline);
    const from = cluster.events.length;
    ctx.say('split-brain: isolating pa and pb from each other');
    await cluster.isolate(true);
    timeline.add('failure', Date.now(), undefined, 'the nodes no longer see each other; both still reach the unit');
    try {
      // One node is fenced (its plug goes OFF and its node dies), the other holds the resource.
      await waitFor(
        'one node fenced',
        async () => cluster.events.slice(from).some((e) => e.type === 'load' && e.status === 'dead'),
        60_000,
      );
      const dead = cluster.events.slice(from).find((e) => e.type === 'load' && e.status === 'dead');
      const loser = cluster.nodes.find((n) => dead?.type === 'load' && n.plug === dead.plug)?.name ?? '?';
      const winner = loser === 'pa' ? 'pb' : 'pa';
      timeline.add('note', Date.now(), winner, `${loser} was fenced; ${winner} survives`);
      await waitFor(
        `${winner} holding the resource`,
        async () => (await cluster.status(winner))?.resourceOn.includes(winner) ?? false,
        60_000,
      );
      // The loser boots again but, isolated, has no quorum (two_node waits for all): it must not fence or run anything.
      // Asking right after the boot proves nothing (its Pacemaker is not up yet): wait until the
      // loser's own Pacemaker has elected a DC and has nothing left to do, then ask it.
      await waitFor(`${loser} booted again`, async () => cluster.loadStatus(loser) === 'alive', 60_000);
      await waitFor(
        `${loser}'s Pacemaker deciding (a DC elected)`,
        async () => ((await cluster.status(loser))?.dc ?? null) !== null,
        60_000,
      );
      await settle(cluster, loser);
      const loserView = await cluster.status(loser);
      timeline.add(
        'note',
        Date.now(),
        loser,
        `rebooted, still isolated, its Pacemaker settled: sees ${loserView?.online.join(', ') || 'no node'} online, the resource on ${loserView?.resourceOn.join(', ') || 'no node'}`,
      );
      if (loserView?.resourceOn.includes(loser)) reasons.push(`${loser} runs the resource after its reboot`);
    } catch (err) {
      reasons.push((err as Error).message);
    }
    const events = cluster.events.slice(from);
    const fenced = new Set(events.flatMap((e) => (e.type === 'plug' && e.to === 'OFF' ? [e.plug] : [])));
    for (const [i, n] of cluster.nodes.entries()) addLabEvents(events, timeline, n.plug, n.name, null, i === 0);
    if (fenced.size !== 1) reasons.push(`${fenced.size} nodes were fenced (exactly one should be)`);
    await cluster.isolate(false);
    timeline.add('note', Date.now(), undefined, 'link restored');
    reasons.push(...overlaps(cluster.writes()));
    return drillResult('split-brain', reasons, timeline);
  },
};
