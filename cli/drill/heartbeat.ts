import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Actor, LabEvent } from '../../emulator/lab/types.js';
import { sleep } from '../../src/deadline.js';
import { UsageError } from '../../src/errors.js';
import { type HeartbeatClusterConfig, RESOURCE_NAME } from './heartbeat-config.js';
import { type HeartbeatLab, startHeartbeatLab, UNIT } from './heartbeat-lab.js';
import { classifyLine, LogFollower } from './heartbeat-log.js';
import { checkHeartbeatPrerequisites } from './heartbeat-prerequisites.js';
import type { Scenario } from './scenario.js';
import type { DrillResult, TimelineEntry } from './timeline.js';

/**
 * The classic heartbeat setup as a drill: heartbeat 3 on two nodes, `pete`
 * and `mclaws`, with `stonith_host * wti_nps <ip> <password>` in ha.cf,
 * fenced through a lab's emulated WTI IPS-800 whose plugs power the nodes
 * (node loads: each node a PID, network, mount and UTS namespace of its own).
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
  /** Keep workDir afterwards (it is always kept when the verdict is fail, and named in the reasons). */
  keep?: boolean;
  /** The whole drill's budget (default 150 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Every lab event as it happens (the switch's plug and session events, the loads'), for a caller that watches the switch itself. */
  onLabEvent?: (e: LabEvent) => void;
  /** Each timeline entry as it happens (a live printer). */
  onEntry?: (entry: TimelineEntry) => void;
}

/**
 * The scenario as `fencekit drill heartbeat` runs it (registry.ts lists it): a
 * stack of its own, on the drill's --subnet, mclaws failing as --failure says
 * (its heartbeat killed unless told otherwise). The
 * fencing is always heartbeat's own `stonith_host` line with wti_nps, whatever
 * --fence says.
 */
export const heartbeat: Scenario = {
  name: HEARTBEAT_SCENARIO,
  summary:
    'heartbeat 3 (pete, mclaws) with stonith_host * wti_nps: mclaws fails (--failure kill, freeze or cut-link); pete resets it through the IPS-800 and only then takes the resource',
  ownStack: true,
  failures: HEARTBEAT_FAILURES,
  checkPrerequisites: checkHeartbeatPrerequisites,
  run(ctx) {
    const failure = (ctx.options.failure ?? 'kill') as HeartbeatFailure;
    ctx.say(
      `drill heartbeat: starting the lab, pete and mclaws on ${ctx.options.subnet}.0/24; mclaws will fail: ${failure}`,
    );
    return heartbeatDrill({
      subnet: ctx.options.subnet,
      failure,
      keep: ctx.options.keep,
      signal: ctx.signal,
      onEntry: (e) =>
        ctx.say(
          `drill heartbeat: ${(e.atMs / 1000).toFixed(1)} s ${e.what}${e.node ? ` ${e.node}` : ''}: ${e.detail ?? ''}`,
        ),
    });
  },
};

const SURVIVOR = 'pete';
const VICTIM = 'mclaws';
/** Seconds the IPS-800 waits before powering a plug back on after a reset. */
const BOOT_DELAY_S = 2;
/** The node's end of the lab link, as the node load names it. */
const IFACE = 'eth0';

interface Write {
  node: string;
  at: number;
}

/**
 * Run the heartbeat scenario. Throws UsageError (a subnet outside 127/8, an unknown failure)
 * or NodeLoadError (ENOTROOT, EMISSING, ENONS) instead of a result when it cannot run.
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
  await checkHeartbeatPrerequisites();
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

  const cluster: HeartbeatClusterConfig = {
    nodes: [
      { name: SURVIVOR, address: `${subnet}.1` },
      { name: VICTIM, address: `${subnet}.2` },
    ],
    owner: VICTIM,
    switchAddress: `${subnet}.254`,
    keepaliveMs: 500,
    warntimeMs: 1500,
    deadtimeMs: 3000,
    initdeadMs: 6000,
    iface: IFACE,
  };
  const dir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-drill-heartbeat-'));
  fs.mkdirSync(dir, { recursive: true });
  const plugEvents: PlugEvent[] = [];
  const writes: Write[] = [];
  const logLines = new Map<string, string[]>();
  const watchers: fs.FSWatcher[] = [];
  let lab: HeartbeatLab | null = null;
  let failed = false;
  const onLabEvent = (e: LabEvent) => {
    opts.onLabEvent?.(e);
    if (e.type === 'plug' && e.unit === UNIT) {
      plugEvents.push(e);
      note(e.to === 'OFF' ? 'plug-off' : 'plug-on', e.name ?? undefined, `plug ${e.plug} ${e.to} by ${by(e.actor)}`);
    } else if (e.type === 'load' && e.unit === UNIT) {
      const node = cluster.nodes[e.plug - 1]?.name;
      if (e.status === 'alive') note('boot', node, 'plug ON: the node boots heartbeat');
      if (e.status === 'dead') note('node-gone', node, 'power cut: its PID namespace ended');
      if (e.status === 'crashed') note('note', node, 'the node ended by itself while its plug is ON');
    }
  };
  try {
    lab = await startHeartbeatLab({
      cluster,
      password: randomBytes(12).toString('base64url'),
      dir,
      bootDelay: BOOT_DELAY_S,
      onEvent: onLabEvent,
    });
    const h = lab;

    // Followers: each node's heartbeat log, and the shared disk.
    const followers = cluster.nodes.map(
      (n) =>
        new LogFollower(readFrom(path.join(h.nodeDir(n.name), 'log', 'ha-log')), (line) => {
          const lines = logLines.get(n.name) ?? [];
          lines.push(line);
          logLines.set(n.name, lines);
          const event = classifyLine(line, n.name);
          if (event) note(event.what, event.node, event.detail);
        }),
    );
    followers.push(
      new LogFollower(readFrom(path.join(h.disk, 'writes')), (line) => {
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
    for (const d of [...cluster.nodes.map((n) => path.join(h.nodeDir(n.name), 'log')), h.disk]) {
      watchers.push(fs.watch(d, poll));
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

    const said = (name: string, text: string) => (logLines.get(name) ?? []).some((l) => l.includes(text));
    const ready =
      (await until(`${VICTIM} to run ${RESOURCE_NAME}`, () => writes.some((w) => w.node === VICTIM))) &&
      (await until(`${SURVIVOR} to finish its start-up`, () =>
        said(SURVIVOR, 'Initial resource acquisition complete'),
      ));
    if (ready) {
      await failVictim(h, failure, note);
      const failedAt = Date.now();
      const fenced = await until(`${SURVIVOR} to fence ${VICTIM} and take ${RESOURCE_NAME}`, () =>
        writes.some((w) => w.node === SURVIVOR && w.at > failedAt),
      );
      // The fenced node comes back ON after the boot delay, starts heartbeat again and settles.
      if (fenced) {
        await until(`${VICTIM} to boot again and settle`, () => settledAfterReboot(logLines.get(VICTIM) ?? []));
      }
      await judge({ lab: h, failedAt, plugEvents, writes, survivorAddress: `${subnet}.1`, reasons, note });
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    over = true;
    for (const w of watchers) w.close();
    await lab?.stop();
    // Kept for a failed verdict (and named); a drill that threw (aborted, a port in use) has no story to read.
    if (!failed && reasons.length > 0) reasons.push(`the nodes' files and logs are kept in ${dir}`);
    if (!(opts.keep || (!failed && reasons.length > 0) || opts.workDir)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    scenario: HEARTBEAT_SCENARIO,
    verdict: reasons.length === 0 ? 'pass' : 'fail',
    reasons,
    timeline: timeline.sort((a, b) => a.atMs - b.atMs),
  };
}

type PlugEvent = Extract<LabEvent, { type: 'plug' }>;

/** Who switched: "telnet 127.0.14.1:40112", "lab", … */
function by(actor: Actor): string {
  return [actor.protocol, actor.peer, actor.user ? `(${actor.user})` : undefined].filter(Boolean).join(' ');
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
function lastPowerOn(plugEvents: readonly PlugEvent[], node: string): number {
  const ons = plugEvents.filter((e) => e.name === node && e.to === 'ON');
  const last = ons[ons.length - 1];
  return last ? Date.parse(last.time) : 0;
}

/** The node's heartbeat started a second time and has since finished taking or declining resources. */
function settledAfterReboot(lines: readonly string[]): boolean {
  const starts = lines.flatMap((l, i) => (l.includes('Configuration validated. Starting heartbeat') ? [i] : []));
  const second = starts[1];
  return (
    second !== undefined && lines.slice(second + 1).some((l) => l.includes('Initial resource acquisition complete'))
  );
}

const DRILL_ACTOR: Actor = { protocol: 'lab', user: 'drill heartbeat' };

async function failVictim(
  lab: HeartbeatLab,
  failure: HeartbeatFailure,
  note: (what: string, node?: string, detail?: string) => void,
): Promise<void> {
  switch (failure) {
    case 'kill': {
      const pids = lab.processes(VICTIM, 'heartbeat');
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone between the scan and the kill
        }
      }
      note('failure', VICTIM, `heartbeat killed (SIGKILL to ${pids.length} processes); ${RESOURCE_NAME} runs on`);
      return;
    }
    case 'freeze':
      lab.lab.freeze(UNIT, lab.plug(VICTIM), DRILL_ACTOR);
      note('failure', VICTIM, 'every process frozen (SIGSTOP): alive, answering nothing');
      return;
    case 'cut-link':
      await lab.setLink(VICTIM, false);
      note('failure', VICTIM, `link cut; ${RESOURCE_NAME} runs on, the switch is out of its reach too`);
      return;
  }
}

/** The verdict: fenced through wti_nps by pete, nothing written by two nodes at once, pete holds the resource. */
async function judge(c: {
  lab: HeartbeatLab;
  failedAt: number;
  plugEvents: readonly PlugEvent[];
  writes: readonly Write[];
  survivorAddress: string;
  reasons: string[];
  note: (what: string, node?: string, detail?: string, at?: number) => void;
}): Promise<void> {
  const { reasons } = c;
  const off = c.plugEvents.find((e) => e.name === VICTIM && e.to === 'OFF' && Date.parse(e.time) >= c.failedAt);
  if (!off) {
    reasons.push(`${VICTIM}'s plug never went OFF`);
  } else if (off.actor.protocol !== 'telnet' || !off.actor.peer?.startsWith(`${c.survivorAddress}:`)) {
    reasons.push(
      `${VICTIM}'s plug went OFF by ${by(off.actor)}, not by wti_nps from ${SURVIVOR} (${c.survivorAddress})`,
    );
  }
  if (c.plugEvents.some((e) => e.name === SURVIVOR && e.to === 'OFF')) {
    reasons.push(`${SURVIVOR}'s plug went OFF: the survivor was fenced too`);
  }
  const offAt = off ? Date.parse(off.time) : Number.POSITIVE_INFINITY;
  const survivorFirst = c.writes.find((w) => w.node === SURVIVOR && w.at > c.failedAt)?.at;
  const victimLast = c.writes.filter((w) => w.node === VICTIM && w.at <= offAt).pop()?.at;
  if (survivorFirst === undefined) reasons.push(`${SURVIVOR} never started ${RESOURCE_NAME}`);
  else if (survivorFirst < offAt) {
    reasons.push(`${SURVIVOR} started ${RESOURCE_NAME} ${offAt - survivorFirst} ms before ${VICTIM}'s plug read OFF`);
  }
  // The shared disk: no write by the victim once the survivor wrote.
  if (survivorFirst !== undefined) {
    const overlap = c.writes.filter((w) => w.node === VICTIM && w.at >= survivorFirst);
    if (overlap.length > 0) {
      reasons.push(`${VICTIM} wrote to the shared disk ${overlap.length} times after ${SURVIVOR} started`);
    }
  }
  if (victimLast !== undefined && off) {
    c.note(
      'note',
      VICTIM,
      `last write to the shared disk ${offAt - victimLast} ms before its plug went OFF`,
      victimLast,
    );
  }
  const holds = async (node: string) => {
    const r = await c.lab.inNode(node, [`/etc/ha.d/resource.d/${RESOURCE_NAME}`, 'status']);
    return r.code === 0 ? r.stdout.trim() : `unknown: ${r.stderr.trim()}`;
  };
  const survivorSays = await holds(SURVIVOR);
  if (survivorSays !== 'running')
    reasons.push(`${SURVIVOR} does not hold ${RESOURCE_NAME} at the end (${survivorSays})`);
  const victimSays = await holds(VICTIM);
  if (victimSays === 'running') {
    reasons.push(
      off ? `${VICTIM} holds ${RESOURCE_NAME} again after its reboot` : `${VICTIM} still holds ${RESOURCE_NAME}`,
    );
  }
  c.note('holder', SURVIVOR, `${RESOURCE_NAME} status: ${SURVIVOR} ${survivorSays}, ${VICTIM} ${victimSays}`);
}
