import fs from 'node:fs';
import { checkNodeSupport, NodeLoadError } from '../../emulator/lab/loads/node-load.js';
import { DRILL_EXIT } from './exit-codes.js';
import { type DrillFlags, drillOptions } from './flags.js';
import { type DrillCluster, startDrillCluster } from './lab-cluster.js';
import { formatResult } from './print.js';
import { findScenario, SCENARIOS } from './registry.js';
import type { DrillOptions } from './scenario.js';
import type { DrillResult } from './timeline.js';

/**
 * `fencekit drill <scenario>`: check the machine, start the lab and the
 * cluster, run the scenario, print its timeline and verdict (or JSON), stop
 * everything it started, and return the exit status (exit-codes.ts).
 */
const PACEMAKER = [
  '/usr/sbin/corosync',
  '/usr/sbin/pacemakerd',
  '/usr/sbin/crm_mon',
  '/usr/sbin/crm_attribute',
  '/usr/sbin/stonith_admin',
];
const FENCE_REDFISH = '/usr/sbin/fence_redfish';
const AGENTS: Record<DrillOptions['fence'], string> = {
  wti: '/usr/sbin/fence_wti',
  fencekit: '/usr/sbin/fence_fencekit',
  stonith: '',
};

export async function runDrill(
  name: string,
  flags: DrillFlags,
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const scenario = findScenario(name);
  if (!scenario) {
    err(`fencekit drill: no scenario '${name}' (scenarios: ${SCENARIOS.map((s) => s.name).join(', ')})\n`);
    return DRILL_EXIT.usage;
  }
  const options = drillOptions(scenario, flags);
  if ('usage' in options) {
    err(`fencekit drill: ${options.usage}\n`);
    return DRILL_EXIT.usage;
  }
  const { fence, subnet } = options;

  try {
    await checkNodeSupport();
    await scenario.checkPrerequisites?.();
  } catch (e) {
    if (e instanceof NodeLoadError) {
      err(`fencekit drill: ${e.message}\n`);
      return e.nodeCode === 'ENONS' ? DRILL_EXIT.noNamespaces : DRILL_EXIT.notRootOrMissing;
    }
    throw e;
  }
  if (!scenario.ownStack) {
    if (fence === 'stonith') {
      err(
        'fencekit drill: --fence stonith (the cluster-glue plugins) is for the heartbeat scenario; Pacemaker drills use wti or fencekit\n',
      );
      return DRILL_EXIT.usage;
    }
    // The second level's agent: the real fence_redfish beside fence_wti; fence_fencekit does both.
    const secondAgent = scenario.secondLevel && fence === 'wti' ? [FENCE_REDFISH] : [];
    const missing = [...PACEMAKER, AGENTS[fence], ...secondAgent].filter((p) => !fs.existsSync(p));
    if (missing.length > 0) {
      const hint =
        fence === 'fencekit' && missing.includes(AGENTS.fencekit)
          ? ' (fencekit agent install)'
          : ' (apt-get install -y pacemaker corosync pacemaker-cli-utils fence-agents)';
      err(`fencekit drill: ${missing.join(', ')} not installed${hint}\n`);
      return DRILL_EXIT.notRootOrMissing;
    }
  }

  const say = (line: string) => {
    if (!flags.json) err(`${line}\n`);
  };
  let cluster: DrillCluster | null = null;
  let interrupted: NodeJS.Signals | null = null;
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    abort.abort();
    err(`fencekit drill: ${signal}: stopping the lab\n`);
    // Stopping the lab kills the nodes: the scenario's waits then fail at once.
    void (cluster as DrillCluster | null)?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  try {
    if (!scenario.ownStack) {
      say(`drill ${scenario.name}: starting the lab and a two-node cluster on ${subnet}.0/24`);
      try {
        cluster = await startDrillCluster({
          subnet,
          agent: fence === 'fencekit' ? 'fence_fencekit' : 'fence_wti',
          keep: options.keep,
          signal: abort.signal,
          ...(scenario.secondLevel ? { secondLevel: true } : {}),
        });
      } catch (e) {
        if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
        err(`fencekit drill: the cluster did not come up: ${(e as Error).message}\n`);
        return DRILL_EXIT.setup;
      }
      if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
      say(`drill ${scenario.name}: cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s (${cluster.dir})`);
    }
    let result: DrillResult;
    try {
      result = await scenario.run({ cluster, options, say, signal: abort.signal });
    } catch (e) {
      result = { scenario: scenario.name, verdict: 'fail', reasons: [(e as Error).message], timeline: [] };
    }
    if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
    out(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    say(`drill ${scenario.name}: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
    return result.verdict === 'pass' ? DRILL_EXIT.pass : DRILL_EXIT.fail;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await (cluster as DrillCluster | null)?.stop();
  }
}
