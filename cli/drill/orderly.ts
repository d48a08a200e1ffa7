import { resourceOn } from './failover.js';
import { type DrillCluster, waitFor } from './lab-cluster.js';
import { drillResult, pacemakerCluster, type Scenario, Timeline } from './scenario.js';
import { overlaps } from './writes.js';

/**
 * Orderly failover: put the node holding the resource in standby; the
 * resource stops there and starts on the other node, nobody is fenced; take
 * the standby off. Then the same from the other node.
 */
async function standby(cluster: DrillCluster, node: string, on: boolean): Promise<void> {
  const r = await cluster.inNode(node, '/usr/sbin/crm_attribute', [
    '--node',
    node,
    '--name',
    'standby',
    '--update',
    on ? 'on' : 'off',
    '--lifetime',
    'forever',
  ]);
  if (r.code !== 0) throw new Error(`crm_attribute standby ${on ? 'on' : 'off'} on ${node}: ${r.stderr.trim()}`);
}

export const orderly: Scenario = {
  name: 'orderly',
  summary: 'put the node holding the resource in standby: it moves to the other node, nobody is fenced; both ways',
  async run(ctx) {
    const cluster = pacemakerCluster(ctx);
    const timeline = new Timeline();
    const reasons: string[] = [];
    const from = cluster.events.length;
    for (const [node, other] of [
      ['pa', 'pb'],
      ['pb', 'pa'],
    ] as const) {
      await resourceOn(cluster, node, timeline);
      ctx.say(`orderly: standby ${node}`);
      const t = Date.now();
      await standby(cluster, node, true);
      timeline.add('standby', t, node, 'crm_attribute --name standby --update on');
      try {
        await waitFor(
          `the resource on ${other}`,
          async () => (await cluster.status(other))?.resourceOn.includes(other) ?? false,
          60_000,
        );
      } catch (err) {
        reasons.push((err as Error).message);
      }
      const runs = cluster.writes();
      const stopped = runs.find((r) => r.node === node && r.stopped && r.endMs >= t);
      if (stopped) timeline.add('resource-stopped', stopped.endMs, node, 'its stop line on the shared disk');
      else reasons.push(`${node} never stopped the resource cleanly`);
      const started = runs.find((r) => r.node === other && r.startMs >= t);
      if (started) timeline.add('resource-started', started.startMs, other, 'its first write to the shared disk');
      await standby(cluster, node, false);
      timeline.add('online', Date.now(), node, 'standby off');
      if (reasons.length > 0) break;
    }
    const fenced = cluster.events.slice(from).filter((e) => e.type === 'plug');
    for (const e of fenced) {
      if (e.type === 'plug') reasons.push(`plug ${e.plug} switched ${e.to} during an orderly failover`);
    }
    reasons.push(...overlaps(cluster.writes()));
    return drillResult('orderly', reasons, timeline);
  },
};
