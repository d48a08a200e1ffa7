import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus, type Timestamped } from '../../emulator/events.js';
import { WtiEmulator } from '../../emulator/wti-emulator.js';
import { sleep } from '../../src/deadline.js';
import { UsageError } from '../../src/errors.js';
import {
  authkeys,
  bootScript,
  type HeartbeatClusterConfig,
  haCf,
  haresources,
  RESOURCE_NAME,
  resourceScript,
} from './heartbeat-config.js';
import { classifyLine, LogFollower } from './heartbeat-log.js';
import { LabLink, NamespaceNode } from './heartbeat-nodes.js';
import { checkHeartbeatPrerequisites } from './heartbeat-prerequisites.js';
import type { DrillResult, TimelineEntry } from './timeline.js';

/**
 * The classic heartbeat setup as a drill: heartbeat 3 on two nodes, `pete`
 * and `mclaws`, with `stonith_host * wti_nps <ip> <password>` in ha.cf,
 * fenced through an emulated WTI IPS-800 whose plugs power the nodes.
 *
 * mclaws holds the resource (it writes to the shared disk). Its heartbeat
 * fails (killed, frozen with everything else on the node, or its link cut);
 * pete declares it dead, resets it through wti_nps, the plug goes OFF, which
 * ends mclaws' namespace, and only then does pete start the resource. When
 * the plug comes back ON mclaws boots again and pete keeps the resource.
 */

export const HEARTBEAT_SCENARIO = 'heartbeat';

/** How mclaws fails: its heartbeat is SIGKILLed (the resource runs on), every process is frozen, or its cable is pulled. */
export const HEARTBEAT_FAILURES = ['kill', 'freeze', 'cut-link'] as const;
export type HeartbeatFailure = (typeof HEARTBEAT_FAILURES)[number];

export interface HeartbeatDrillOptions {
  /** The first three octets of the lab link's /24 (default 127.0.14): nodes .1 and .2, the switch .254 port 23. */
  subnet?: string;
  failure?: HeartbeatFailure;
  /** Where the nodes' files and the shared disk go (default: a new directory in the system's temp dir). */
  workDir?: string;
  /** Keep workDir afterwards (it is always kept when the drill fails, and named in the reasons). */
  keep?: boolean;
  /** The whole drill's budget (default 150 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The emulator's event bus, for a caller that wants to watch the switch itself. */
  bus?: EventBus;
  /** Each timeline entry as it happens (a live printer). */
  onEntry?: (entry: TimelineEntry) => void;
}

const SURVIVOR = 'pete';
const VICTIM = 'mclaws';
/** Seconds the IPS-800 waits before powering a plug back on after a reset. */
const BOOT_DELAY_S = 2;
const IFACE = 'eth0';

interface Write {
  node: string;
  at: number;
}

/**
 * Run the heartbeat scenario. Throws UsageError (a subnet outside 127/8), PrerequisiteError
 * (ENOTROOT, EMISSING) or NamespaceError (ENAMESPACE) instead of a result when it cannot run.
 */
export async function heartbeatDrill(opts: HeartbeatDrillOptions = {}): Promise<DrillResult> {
  const subnet = opts.subnet ?? '127.0.14';
  // Loopback only: the drill puts the switch's address on a bridge of the host.
  if (!/^127\.(\d{1,3})\.(\d{1,3})$/.test(subnet) || subnet.split('.').some((o) => Number(o) > 255)) {
    throw new UsageError(`the heartbeat drill's subnet is three octets in 127/8, such as 127.0.14 (not ${subnet})`);
  }
  const failure = opts.failure ?? 'kill';
  if (!HEARTBEAT_FAILURES.includes(failure)) {
    throw new UsageError(`the heartbeat drill's failure is ${HEARTBEAT_FAILURES.join(', ')} (not ${failure})`);
  }
  checkHeartbeatPrerequisites();
  const budget = opts.timeoutMs ?? 150_000;
  const started = Date.now();
  const end = started + budget;
  const timeline: TimelineEntry[] = [];
  const reasons: string[] = [];
  /** Set once the scenario is over: the clean-up's power cuts are not part of the story. */
  let over = false;
  const note = (what: string, node?: string, detail?: string, at = Date.now()) => {
    if (over) return;
    const entry: TimelineEntry = { atMs: at - started, what, ...(node ? { node } : {}), ...(detail ? { detail } : {}) };
    timeline.push(entry);
    opts.onEntry?.(entry);
  };

  const tag = subnet.split('.').pop() ?? '14';
  const switchHost = `${subnet}.254`;
  const cluster: HeartbeatClusterConfig = {
    nodes: [
      { name: SURVIVOR, address: `${subnet}.1` },
      { name: VICTIM, address: `${subnet}.2` },
    ],
    owner: VICTIM,
    switchAddress: switchHost,
    keepaliveMs: 500,
    warntimeMs: 1500,
    deadtimeMs: 3000,
    initdeadMs: 6000,
    iface: IFACE,
  };
  const password = randomBytes(12).toString('base64url');
  const workDir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-drill-heartbeat-'));
  const shared = path.join(workDir, 'shared');
  fs.mkdirSync(shared, { recursive: true });

  const bus = opts.bus ?? new EventBus(1000);
  let link: LabLink | null = null;
  let emulator: WtiEmulator | null = null;
  const nodes = new Map<string, NamespaceNode>();
  const plugEvents: Array<Timestamped & { type: 'plug' }> = [];
  const writes: Write[] = [];
  const logLines = new Map<string, string[]>();
  let unsubscribe = () => {};
  const watchers: fs.FSWatcher[] = [];
  let failed = false;
  try {
    for (const n of cluster.nodes) await prepareNode(workDir, cluster, n.name, password, shared);
    link = await LabLink.create(`heartbeat${tag}br`, `${switchHost}/24`);
    cluster.nodes.forEach((n, i) => {
      const node = new NamespaceNode(
        {
          hostname: n.name,
          address: `${n.address}/24`,
          boot: `sh ${path.join(workDir, n.name, 'boot.sh')} ${path.join(workDir, n.name)}`,
          dir: path.join(workDir, n.name),
          link: link as LabLink,
          veth: `heartbeat${tag}n${i + 1}`,
          iface: IFACE,
        },
        {
          unit: 'ips800',
          plug: i + 1,
          stateDir: workDir,
          onStatus: (status) => {
            if (status === 'dead') note('node-gone', n.name, 'power cut: its PID namespace ended');
            if (status === 'crashed') note('note', n.name, 'its namespace ended by itself');
          },
        },
      );
      nodes.set(n.name, node);
    });
    const plugOf = (name: string | null) => (name ? nodes.get(name) : undefined);
    unsubscribe = bus.subscribe((e) => {
      if (e.type !== 'plug') return;
      plugEvents.push(e);
      note(e.state === 'OFF' ? 'plug-off' : 'plug-on', e.name ?? undefined, `plug ${e.plug} ${e.state} by ${e.by}`);
      const node = plugOf(e.name);
      if (!node) return;
      if (e.state === 'OFF') void node.powerOff();
      else node.powerOn();
    });
    emulator = await WtiEmulator.start({
      bus,
      config: {
        model: 'ips800',
        listen: `${switchHost}:23`,
        password,
        bootDelay: BOOT_DELAY_S,
        plugs: cluster.nodes.map((n, i) => ({ number: i + 1, name: n.name })),
      },
    });

    // Followers: each node's heartbeat log, and the shared disk.
    const followers = cluster.nodes.map(
      (n) =>
        new LogFollower(readFrom(path.join(workDir, n.name, 'log', 'ha-log')), (line) => {
          const lines = logLines.get(n.name) ?? [];
          lines.push(line);
          logLines.set(n.name, lines);
          const event = classifyLine(line, n.name);
          if (event) note(event.what, event.node, event.detail);
        }),
    );
    followers.push(
      new LogFollower(readFrom(path.join(shared, 'writes')), (line) => {
        const [node, ms] = line.split(' ');
        if (!node || !ms) return;
        const at = Number(ms);
        if (!writes.some((w) => w.node === node && w.at > lastPowerOn(plugEvents, node))) {
          note('resource-started', node, `${RESOURCE_NAME} writes to the shared disk`, at);
        }
        writes.push({ node, at });
      }),
    );
    const poll = () => {
      for (const f of followers) f.poll();
    };
    // Read a log the moment it grows, so its lines are stamped in order with the switch's
    // events; the 100 ms poll below is the fallback.
    for (const dir of [...cluster.nodes.map((n) => path.join(workDir, n.name, 'log')), shared]) {
      watchers.push(fs.watch(dir, poll));
    }
    const until = async (what: string, test: () => boolean): Promise<boolean> => {
      while (!test()) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
        if (Date.now() > end) {
          reasons.push(`timed out waiting for ${what} (${budget} ms in all)`);
          return false;
        }
        await sleep(100, opts.signal);
        poll();
      }
      return true;
    };

    // Both nodes boot with their plugs ON.
    for (const node of nodes.values()) node.powerOn();
    for (const [name, node] of nodes) {
      await node.booted;
      if (node.bootError) throw node.bootError;
      note('boot', name, 'plug ON with the unit: the node boots');
    }
    const survivor = nodes.get(SURVIVOR) as NamespaceNode;
    const victim = nodes.get(VICTIM) as NamespaceNode;
    const said = (name: string, text: string) => (logLines.get(name) ?? []).some((l) => l.includes(text));
    const ready =
      (await until(`${VICTIM} to run ${RESOURCE_NAME}`, () => writes.some((w) => w.node === VICTIM))) &&
      (await until(`${SURVIVOR} to finish its start-up`, () =>
        said(SURVIVOR, 'Initial resource acquisition complete'),
      ));
    if (ready) {
      await failVictim(victim, failure, note);
      const failedAt = Date.now();
      const fenced = await until(`${SURVIVOR} to fence ${VICTIM} and take ${RESOURCE_NAME}`, () =>
        writes.some((w) => w.node === SURVIVOR && w.at > failedAt),
      );
      // The fenced node comes back ON after the boot delay, starts heartbeat again and settles.
      if (fenced) {
        await until(`${VICTIM} to boot again and settle`, () => settledAfterReboot(logLines.get(VICTIM) ?? []));
      }
      await judge({ survivor, victim, failedAt, plugEvents, writes, survivorAddress: `${subnet}.1`, reasons, note });
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    over = true;
    unsubscribe();
    for (const w of watchers) w.close();
    for (const node of nodes.values()) await node.close().catch(() => undefined);
    await emulator?.stop().catch(() => undefined);
    await link?.close();
    if (!failed && reasons.length > 0) reasons.push(`the nodes' files and logs are kept in ${workDir}`);
    if (!(opts.keep || failed || reasons.length > 0 || opts.workDir)) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }
  return {
    scenario: HEARTBEAT_SCENARIO,
    verdict: reasons.length === 0 ? 'pass' : 'fail',
    reasons,
    timeline: timeline.sort((a, b) => a.atMs - b.atMs),
  };
}

/** The per-node files: a copy of the package's /etc/ha.d and /var/lib/heartbeat, with the drill's configuration. */
async function prepareNode(
  workDir: string,
  cluster: HeartbeatClusterConfig,
  name: string,
  password: string,
  shared: string,
): Promise<void> {
  const dir = path.join(workDir, name);
  for (const sub of ['etc', 'var-lib', 'log']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  // cp -a keeps the hacluster ownership of the package's directories.
  await copyTree('/etc/ha.d', path.join(dir, 'etc'));
  await copyTree('/var/lib/heartbeat', path.join(dir, 'var-lib'));
  // A node's identity and history are its own: a host that once ran heartbeat must not lend both nodes its UUID.
  for (const f of ['hb_uuid', 'hb_generation', 'hostcache', 'delhostcache', 'fifo']) {
    fs.rmSync(path.join(dir, 'var-lib', f), { force: true });
  }
  const log = path.join(dir, 'log');
  fs.writeFileSync(
    path.join(dir, 'etc', 'ha.cf'),
    haCf(cluster, name, password, { logfile: path.join(log, 'ha-log'), debugfile: path.join(log, 'ha-debug') }),
    { mode: 0o600 },
  );
  fs.writeFileSync(path.join(dir, 'etc', 'authkeys'), authkeys(randomKey(workDir)), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'etc', 'haresources'), haresources(cluster.owner));
  fs.writeFileSync(path.join(dir, 'etc', 'resource.d', RESOURCE_NAME), resourceScript(shared), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'boot.sh'), bootScript(), { mode: 0o755 });
}

/** One authkeys secret for the cluster (both nodes must share it), kept beside the nodes. */
function randomKey(workDir: string): string {
  const file = path.join(workDir, '.authkey');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8');
}

function copyTree(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('cp', ['-a', `${from}/.`, to], { timeout: 10_000 }, (err) => (err ? reject(err) : resolve())),
  );
}

/** A file's bytes from an offset, empty when it does not exist yet. */
function readFrom(file: string): (offset: number) => Buffer {
  return (offset) => {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return Buffer.alloc(0);
      const buf = Buffer.alloc(size - offset);
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  };
}

/** When the node's plug last came ON (0 when it never switched): writes after it are a new run of the resource. */
function lastPowerOn(plugEvents: ReadonlyArray<Timestamped & { type: 'plug' }>, node: string): number {
  const ons = plugEvents.filter((e) => e.name === node && e.state === 'ON');
  return ons.length > 0 ? (ons[ons.length - 1] as Timestamped).time.getTime() : 0;
}

/** The node's heartbeat started a second time and has since finished taking or declining resources. */
function settledAfterReboot(lines: readonly string[]): boolean {
  const starts = lines.flatMap((l, i) => (l.includes('Configuration validated. Starting heartbeat') ? [i] : []));
  const second = starts[1];
  return (
    second !== undefined && lines.slice(second + 1).some((l) => l.includes('Initial resource acquisition complete'))
  );
}

async function failVictim(
  victim: NamespaceNode,
  failure: HeartbeatFailure,
  note: (what: string, node?: string, detail?: string) => void,
): Promise<void> {
  switch (failure) {
    case 'kill': {
      const pids = victim.signal('heartbeat', 'SIGKILL');
      note('failure', VICTIM, `heartbeat killed (SIGKILL to ${pids.length} processes); ${RESOURCE_NAME} runs on`);
      return;
    }
    case 'freeze':
      victim.freeze();
      note('failure', VICTIM, 'every process frozen (SIGSTOP): alive, answering nothing');
      return;
    case 'cut-link':
      await victim.cutLink();
      note('failure', VICTIM, `link cut; ${RESOURCE_NAME} runs on, the switch is out of its reach too`);
      return;
  }
}

/** The verdict: fenced through wti_nps by pete, nothing written by two nodes at once, pete holds the resource. */
async function judge(c: {
  survivor: NamespaceNode;
  victim: NamespaceNode;
  failedAt: number;
  plugEvents: ReadonlyArray<Timestamped & { type: 'plug' }>;
  writes: readonly Write[];
  survivorAddress: string;
  reasons: string[];
  note: (what: string, node?: string, detail?: string, at?: number) => void;
}): Promise<void> {
  const { reasons } = c;
  const off = c.plugEvents.find((e) => e.name === VICTIM && e.state === 'OFF' && e.time.getTime() >= c.failedAt);
  if (!off) {
    reasons.push(`${VICTIM}'s plug never went OFF`);
  } else if (!off.by.startsWith(`telnet ${c.survivorAddress}:`)) {
    reasons.push(`${VICTIM}'s plug went OFF by ${off.by}, not by wti_nps from ${SURVIVOR} (${c.survivorAddress})`);
  }
  if (c.plugEvents.some((e) => e.name === SURVIVOR && e.state === 'OFF')) {
    reasons.push(`${SURVIVOR}'s plug went OFF: the survivor was fenced too`);
  }
  const offAt = off?.time.getTime() ?? Number.POSITIVE_INFINITY;
  const survivorFirst = c.writes.find((w) => w.node === SURVIVOR && w.at > c.failedAt)?.at;
  const victimLast = c.writes.filter((w) => w.node === VICTIM && w.at <= offAt).pop()?.at;
  if (survivorFirst === undefined) reasons.push(`${SURVIVOR} never started ${RESOURCE_NAME}`);
  else if (survivorFirst < offAt) {
    reasons.push(`${SURVIVOR} started ${RESOURCE_NAME} ${offAt - survivorFirst} ms before ${VICTIM}'s plug read OFF`);
  }
  // The shared disk: no write by the victim once the survivor wrote, until the victim's plug came back.
  if (survivorFirst !== undefined) {
    const overlap = c.writes.filter((w) => w.node === VICTIM && w.at >= survivorFirst);
    if (overlap.length > 0)
      reasons.push(`${VICTIM} wrote to the shared disk ${overlap.length} times after ${SURVIVOR} started`);
  }
  if (victimLast !== undefined && off) {
    c.note(
      'note',
      VICTIM,
      `last write to the shared disk ${offAt - victimLast} ms before its plug went OFF`,
      victimLast,
    );
  }
  const holds = async (node: NamespaceNode) =>
    (await node.exec([`/etc/ha.d/resource.d/${RESOURCE_NAME}`, 'status']).catch((err: unknown) => String(err))).trim();
  const survivorSays = await holds(c.survivor);
  if (survivorSays !== 'running')
    reasons.push(`${SURVIVOR} does not hold ${RESOURCE_NAME} at the end (${survivorSays})`);
  const victimSays = await holds(c.victim);
  if (victimSays === 'running') {
    reasons.push(
      off ? `${VICTIM} holds ${RESOURCE_NAME} again after its reboot` : `${VICTIM} still holds ${RESOURCE_NAME}`,
    );
  }
  c.note(
    'holder',
    SURVIVOR,
    `${RESOURCE_NAME} status: ${SURVIVOR} ${survivorSays}, ${VICTIM} ${victimSays || 'not running'}`,
  );
}
