import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../emulator/lab/lab.js';
import { parseLabConfig } from '../../emulator/lab/lab-config.js';
import { ip, vethName } from '../../emulator/lab/loads/node-link.js';
import { pidsInNamespaceOf } from '../../emulator/lab/loads/pid-namespace.js';
import type { LabEvent } from '../../emulator/lab/types.js';
import { drillWtiUnit } from './drill-unit.js';
import { type ExecResult, exec } from './exec.js';
import {
  authkeys,
  bootScript,
  type HeartbeatClusterConfig,
  haCf,
  haresources,
  RESOURCE_NAME,
  resourceScript,
} from './heartbeat-config.js';

/**
 * The heartbeat cluster in a lab: one WTI IPS-800 unit listening on the host's
 * end of the lab link (port 23, where wti_nps connects), whose plugs power the
 * nodes as node loads, each plug named after its node so wti_nps finds it.
 * Files live under one directory: `conf/<node>/` (ha.cf, authkeys,
 * haresources, the resource script, boot.sh, and the node's logs), `disk/`
 * (the shared disk) and `lab/` (the lab's state, the nodes' private
 * directories).
 */
export const UNIT = 'ips800';

export interface HeartbeatLabOptions {
  cluster: HeartbeatClusterConfig;
  /** The IPS-800's password (also in ha.cf). */
  password: string;
  /** The directory to build everything in (it must exist). */
  dir: string;
  /** Seconds the unit waits before a reset's power-on. */
  bootDelay: number;
  /** Every lab event, as it happens. */
  onEvent(e: LabEvent): void;
}

export interface HeartbeatLab {
  readonly lab: Lab;
  /** conf/<node>: the node's files and its logs (log/ha-log, log/boot). */
  nodeDir(node: string): string;
  /** The shared disk. */
  readonly disk: string;
  plug(node: string): number;
  /** The living processes of a node (named `comm`, when given), by host pid. */
  processes(node: string, comm?: string): number[];
  /** Run a command inside the node's namespaces. */
  inNode(node: string, args: readonly string[], timeoutMs?: number): Promise<ExecResult>;
  /** The node's cable: down unplugs it from the lab link (the switch included). */
  setLink(node: string, up: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startHeartbeatLab(opts: HeartbeatLabOptions): Promise<HeartbeatLab> {
  const { cluster, dir } = opts;
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const disk = path.join(dir, 'disk');
  const stateDir = path.join(dir, 'lab');
  fs.mkdirSync(disk, { recursive: true });
  const passwordFile = path.join(conf, 'ips800.pw');
  const nodeDir = (name: string) => path.join(conf, name);
  fs.mkdirSync(conf, { recursive: true });
  fs.writeFileSync(passwordFile, `${opts.password}\n`, { mode: 0o600 });
  const key = authkeys(randomHex());
  for (const n of cluster.nodes) {
    const d = nodeDir(n.name);
    fs.mkdirSync(path.join(d, 'log'), { recursive: true });
    const log = path.join(d, 'log');
    fs.writeFileSync(
      path.join(d, 'ha.cf'),
      haCf(cluster, n.name, opts.password, {
        logfile: path.join(log, 'ha-log'),
        debugfile: path.join(log, 'ha-debug'),
      }),
      { mode: 0o600 },
    );
    fs.writeFileSync(path.join(d, 'authkeys'), key, { mode: 0o600 });
    fs.writeFileSync(path.join(d, 'haresources'), haresources(cluster.owner));
    fs.writeFileSync(path.join(d, RESOURCE_NAME), resourceScript(disk), { mode: 0o755 });
    fs.writeFileSync(path.join(d, 'boot.sh'), bootScript(), { mode: 0o755 });
  }
  const plugOf = new Map(cluster.nodes.map((n, i) => [n.name, i + 1]));
  const plug = (name: string) => {
    const p = plugOf.get(name);
    if (p === undefined) throw new Error(`no node ${name}`);
    return p;
  };
  const config = parseLabConfig(
    {
      stateDir,
      admin: null,
      units: [
        drillWtiUnit({
          name: UNIT,
          listen: `${cluster.switchAddress}:23`,
          passwordFile,
          bootDelay: opts.bootDelay,
          nodes: cluster.nodes.map((n) => ({
            name: n.name,
            plug: plug(n.name),
            address: n.address,
            boot: `exec /bin/sh ${nodeDir(n.name)}/boot.sh ${nodeDir(n.name)}`,
            shared: [conf, disk],
          })),
        }),
      ],
    },
    'fencekit drill heartbeat',
    dir,
  );

  let lab: Lab | undefined;
  let unsubscribe = () => {};
  const loadPid = (name: string) => lab?.unit(UNIT).plugs.find((p) => p.plug === plug(name))?.load?.pid;
  const handle: HeartbeatLab = {
    get lab() {
      if (!lab) throw new Error('the lab is not running');
      return lab;
    },
    nodeDir,
    disk,
    plug,
    processes(name, comm) {
      const init = loadPid(name);
      return init === undefined ? [] : pidsInNamespaceOf(init, { comm, living: true });
    },
    inNode(name, args, timeoutMs = 10_000) {
      const pid = loadPid(name);
      if (pid === undefined) return Promise.resolve({ code: null, stdout: '', stderr: `${name} is not running` });
      return exec('/usr/bin/nsenter', ['-t', String(pid), '-n', '-m', '-u', '-p', '--', ...args], timeoutMs);
    },
    async setLink(name, up) {
      const r = await ip(['link', 'set', vethName(stateDir, UNIT, plug(name)), up ? 'up' : 'down']);
      if (r.code !== 0) throw new Error(`cannot set ${name}'s link ${up ? 'up' : 'down'}: ${r.stderr}`);
    },
    async stop() {
      unsubscribe();
      await lab?.stop();
    },
  };
  lab = await Lab.start(config, { stateDir });
  for (const e of lab.events.since(0)) opts.onEvent(e);
  unsubscribe = lab.events.subscribe(opts.onEvent);
  return handle;
}

function randomHex(): string {
  return randomBytes(16).toString('hex');
}
