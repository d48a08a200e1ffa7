import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Lab } from '../../emulator/lab/lab.js';
import { parseLabConfig } from '../../emulator/lab/lab-config.js';
import { ip, isolatePort, vethName } from '../../emulator/lab/loads/node-link.js';
import { nodeRoot } from '../../emulator/lab/loads/node-load.js';
import type { Actor, LabEvent } from '../../emulator/lab/types.js';
import { bootScript, cibXml, corosyncConf, type DrillNode, type FenceSetup } from './cluster-files.js';
import { drillWtiUnit } from './drill-unit.js';
import { type ExecResult, exec } from './exec.js';
import { DISKWRITER_AGENT } from './ocf-agent.js';
import { parseRuns, type WriteRun } from './writes.js';

/**
 * A two-node Corosync + Pacemaker cluster in a lab: one WTI IPS-800 unit
 * listening on the host's end of the lab link, whose plugs 1 and 2 power the
 * nodes `pa` and `pb` (node loads), each fenced by the other through the
 * unit. Everything the drill writes lives in one directory (removed by stop()
 * unless kept): the lab's state, the nodes' private directories, the shared
 * disk and the cluster's configuration.
 */
export const UNIT = 'wti';
export const DRILL_ACTOR: Actor = { protocol: 'lab', user: 'drill' };

export interface DrillClusterOptions {
  /** The lab link: the first three octets (127.0.12); nodes .1 and .2, the unit .254. */
  subnet: string;
  agent: FenceSetup['agent'];
  /** Keep the directory afterwards (to read the logs). */
  keep?: boolean;
  /** Milliseconds to wait for the cluster to come up. */
  upTimeoutMs?: number;
  /** Gives up the start (and stops what started) when aborted. */
  signal?: AbortSignal;
  /**
   * A second fencing level: each node also behind its own iLO (`ilo-pa`,
   * `ilo-pb`, Redfish on the unit's address, ports 8441 and 8442), in series
   * with its WTI plug, and a Pacemaker topology: the WTI first, then the iLO.
   */
  secondLevel?: boolean;
}

/** The unit name of a node's iLO, when the cluster has a second fencing level. */
export const iloUnit = (node: string) => `ilo-${node}`;

export interface DrillCluster {
  readonly lab: Lab;
  readonly dir: string;
  readonly nodes: DrillNode[];
  /** Every lab event since the lab started, in order. */
  readonly events: LabEvent[];
  /** Run a command inside a node's namespaces. */
  inNode(node: string, file: string, args: string[], timeoutMs?: number): Promise<ExecResult>;
  /** The cluster as `observer` sees it, or null when it cannot tell (down, frozen). */
  status(observer: string): Promise<ClusterStatus | null>;
  /** The node's load status in the lab (alive, frozen, dead, …). */
  loadStatus(node: string): string;
  /** The shared disk's runs of writes. */
  writes(): WriteRun[];
  /** Take the node's end of the lab link down (or up again). */
  setLink(node: string, up: boolean): Promise<void>;
  /** Isolate the two nodes from each other, each still reaching the unit (bridge port isolation). */
  isolate(on: boolean): Promise<void>;
  /** The node's Pacemaker log (its private copy), for a failure's explanation. */
  pacemakerLog(node: string): string;
  node(name: string): DrillNode;
  stop(): Promise<void>;
}

export interface ClusterStatus {
  online: string[];
  /** Where the resource runs (empty: stopped). */
  resourceOn: string[];
  dc: string | null;
}

const NODES = ['pa', 'pb'];

export async function startDrillCluster(opts: DrillClusterOptions): Promise<DrillCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-drill-'));
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const disk = path.join(dir, 'disk');
  const stateDir = path.join(dir, 'lab');
  fs.mkdirSync(conf);
  fs.mkdirSync(disk, { mode: 0o777 });
  fs.chmodSync(disk, 0o777);
  const nodes: DrillNode[] = NODES.map((name, i) => ({ name, address: `${opts.subnet}.${i + 1}`, plug: i + 1 }));
  const password = 'drill';
  const iloPort = (n: DrillNode) => 8440 + n.plug;
  const fence: FenceSetup = {
    agent: opts.agent,
    host: `${opts.subnet}.254`,
    port: 23,
    password,
    ...(opts.secondLevel ? { secondLevel: { iloPort, username: 'fencer' } } : {}),
  };
  fs.writeFileSync(path.join(conf, 'corosync.conf'), corosyncConf(nodes));
  fs.writeFileSync(path.join(conf, 'cib.xml'), cibXml(nodes, fence, disk));
  fs.writeFileSync(path.join(conf, 'diskwriter'), DISKWRITER_AGENT, { mode: 0o755 });
  fs.writeFileSync(path.join(conf, 'boot.sh'), bootScript(conf), { mode: 0o755 });
  fs.writeFileSync(path.join(conf, 'wti.pw'), `${password}\n`, { mode: 0o600 });

  const config = parseLabConfig(
    {
      stateDir,
      admin: null,
      units: [
        drillWtiUnit({
          name: UNIT,
          listen: `${fence.host}:${fence.port}`,
          passwordFile: path.join(conf, 'wti.pw'),
          bootDelay: 0.2,
          nodes: nodes.map((n) => ({
            ...n,
            boot: `exec /bin/sh ${conf}/boot.sh`,
            shared: [conf, disk],
            ...(opts.secondLevel ? { alsoFedBy: [`${iloUnit(n.name)}:1`] } : {}),
          })),
        }),
        ...(opts.secondLevel
          ? nodes.map((n) => ({
              name: iloUnit(n.name),
              model: 'ilo4',
              https: `${fence.host}:${iloPort(n)}`,
              username: 'fencer',
              passwordFile: path.join(conf, 'wti.pw'),
            }))
          : []),
      ],
    },
    'fencekit drill',
    dir,
  );

  const events: LabEvent[] = [];
  let lab: Lab | undefined;
  let unsubscribe = () => {};
  const node = (name: string) => {
    const found = nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no node ${name}`);
    return found;
  };
  const plugView = (name: string) => lab?.unit(UNIT).plugs.find((p) => p.plug === node(name).plug);
  const inNode = async (name: string, file: string, args: string[], timeoutMs = 15_000) => {
    const pid = plugView(name)?.load?.pid;
    if (pid === undefined) return { code: null, stdout: '', stderr: `${name} is not running` };
    return exec('/usr/bin/nsenter', ['-t', String(pid), '-n', '-m', '-u', '-p', '--', file, ...args], timeoutMs);
  };
  let stopping: Promise<void> | null = null;
  const cleanup = () => {
    stopping ??= (async () => {
      unsubscribe();
      await lab?.stop();
      if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const cluster: DrillCluster = {
    get lab() {
      if (!lab) throw new Error('the lab is not running');
      return lab;
    },
    dir,
    nodes,
    events,
    inNode,
    node,
    async status(observer) {
      const r = await inNode(observer, '/usr/sbin/crm_mon', ['-1', '--output-as=xml'], 10_000);
      if (r.code !== 0) return null;
      return parseCrmMon(r.stdout);
    },
    loadStatus: (name) => plugView(name)?.load?.status ?? 'none',
    writes() {
      try {
        return parseRuns(fs.readFileSync(path.join(disk, 'writes.log'), 'utf8'));
      } catch {
        return [];
      }
    },
    async setLink(name, up) {
      const veth = vethName(stateDir, UNIT, node(name).plug);
      await ip(['link', 'set', veth, up ? 'up' : 'down']);
    },
    async isolate(on) {
      // Kept across the nodes' reboots: the one fenced boots again still cut off from the other.
      for (const n of nodes) await isolatePort(vethName(stateDir, UNIT, n.plug), on);
    },
    pacemakerLog(name) {
      const root = nodeRoot({ stateDir, unit: UNIT, plug: node(name).plug });
      try {
        return fs.readFileSync(path.join(root, 'var/log/pacemaker/pacemaker.log'), 'utf8');
      } catch {
        return '';
      }
    },
    stop: cleanup,
  };

  try {
    lab = await Lab.start(config, { stateDir });
    unsubscribe = lab.events.subscribe((e) => events.push(e));
    events.push(...lab.events.since(0));
    await waitFor(
      'the cluster: both nodes online and the resource started',
      async () => {
        const s = await cluster.status('pa');
        return s !== null && s.online.length === 2 && s.resourceOn.length === 1 && s.dc !== null;
      },
      opts.upTimeoutMs ?? 120_000,
      opts.signal,
    );
  } catch (err) {
    await cleanup();
    throw err;
  }
  return cluster;
}

export function parseCrmMon(xml: string): ClusterStatus {
  const online: string[] = [];
  for (const m of xml.matchAll(/<node name="([^"]+)"[^>]*?online="true"[^>]*?>/g)) {
    if (!/unclean="true"/.test(m[0])) online.push(m[1] as string);
  }
  const resourceOn: string[] = [];
  const disk = /<resource id="disk"[^>]*role="Started"[^>]*>([\s\S]*?)<\/resource>/.exec(xml);
  if (disk) for (const m of (disk[1] ?? '').matchAll(/<node name="([^"]+)"/g)) resourceOn.push(m[1] as string);
  const dc = /<current_dc[^>]*present="true"[^>]*name="([^"]+)"/.exec(xml)?.[1] ?? null;
  return { online, resourceOn, dc };
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (signal?.aborted) throw new Error(`interrupted while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
