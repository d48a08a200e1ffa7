import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Load, LoadContext } from '../../emulator/lab/loads/load.js';
import type { LoadStatus, LoadView } from '../../emulator/lab/types.js';
import { sleep } from '../../src/deadline.js';

/**
 * The heartbeat drill's own namespace wiring, until the lab's NodeLoad can
 * take its place: a bridge on the host for the lab link, and nodes that are
 * each a PID, network, mount and UTS namespace of their own, powered like a
 * lab load (it implements `Load`). Everything here is in this one file so the
 * swap touches nothing else.
 *
 * Addresses are in 127/8 on purpose (they never leave the machine): the kernel
 * takes them on a bridge and a veth, and routes them once `route_localnet` is
 * set on each end, because a /24 on the bridge is a longer prefix than the
 * host's `local 127.0.0.0/8`. The rest of 127/8 stays local on the host.
 */

export type NamespaceErrorCode = 'ENAMESPACE';

/** The kernel (or the container it runs in) refused a namespace, a bridge or a veth. */
export class NamespaceError extends Error {
  readonly code: NamespaceErrorCode = 'ENAMESPACE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NamespaceError';
  }
}

/** Run a command with a deadline; rejects with its stderr. */
export function command(file: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${String(stderr).trim() || err.message}`, { cause: err }));
      else resolve(String(stdout));
    });
  });
}

/** Ignore "no such device" when taking down what may already be gone. */
async function removeLink(name: string): Promise<void> {
  await command('ip', ['link', 'del', name]).catch(() => undefined);
}

/** The lab link: a bridge on the host holding the switch's address. */
export class LabLink {
  private constructor(readonly bridge: string) {}

  /** `cidr` is the host's (the switch's) address on the link, e.g. 127.0.14.254/24. */
  static async create(bridge: string, cidr: string): Promise<LabLink> {
    // A bridge of this name left by a drill that was killed is ours: start clean.
    await removeLink(bridge);
    try {
      await command('ip', ['link', 'add', bridge, 'type', 'bridge']);
      await command('ip', ['addr', 'add', cidr, 'dev', bridge]);
      await command('sysctl', ['-qw', `net.ipv4.conf.${bridge}.route_localnet=1`]);
      await command('ip', ['link', 'set', bridge, 'up']);
    } catch (err) {
      await removeLink(bridge);
      throw new NamespaceError(`cannot make the lab link ${bridge} with ${cidr}`, { cause: err });
    }
    return new LabLink(bridge);
  }

  close(): Promise<void> {
    return removeLink(this.bridge);
  }
}

/** As the lab's NodeLoadSpec (hostname, address, boot), plus what this wiring needs of its own. */
export interface NamespaceNodeSpec {
  hostname: string;
  /** ADDRESS/PREFIX on the lab link. */
  address: string;
  /** The command (sh -c) that starts the node's stack once its link is up. */
  boot: string;
  /** A directory of the node's own on the host: unshare's own messages go to log/unshare. */
  dir: string;
  link: LabLink;
  /** The host's end of the node's veth (at most 15 characters). */
  veth: string;
  /** The node's end, inside it. */
  iface: string;
}

/**
 * PID 1 of a node: `sh -c INIT init HOSTNAME ADDRESS IFACE BOOT`. It waits for
 * one line on stdin (the host has moved the node's end of the link in), sets
 * the host name, brings the link up with route_localnet (the addresses are in
 * 127/8), runs the boot command, then only reaps what the stack leaves behind,
 * as an init does. A power cut is the end of this PID namespace.
 */
const INIT = `set -e
read -r go
hostname "$1"
ip link set lo up
ip link set "$3" up
ip addr add "$2" dev "$3"
sysctl -qw "net.ipv4.conf.$3.route_localnet=1"
sh -c "$4"
exec bash -c 'while :; do sleep 5 & wait $!; done'
`;

/** The pid namespace of a process, as /proc names it, or null once it is gone. */
function pidNamespace(pid: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/** The children of a process, from /proc (empty when it has none or is gone). */
function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commOf(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * A zombie has already died: only its parent's wait is missing. The node's PID 1,
 * once unshare is gone, is reaped by the host's init, which may take a second or two.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

/**
 * One node: plug ON boots it (unshare, then the veth moved in, then boot.sh
 * goes on), plug OFF kills `unshare`, whose child (PID 1 of the node, started
 * with --kill-child) then dies, and the kernel ends every process of the PID
 * namespace with it: a power cut, not a shutdown.
 */
export class NamespaceNode implements Load {
  readonly kind = 'node' as const;
  private status: LoadStatus = 'off';
  private child: ChildProcess | null = null;
  /** PID 1 of the node, as the host sees it. */
  private init: number | null = null;
  private namespace: string | null = null;
  private last: LoadView['exit'];
  private booting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly spec: NamespaceNodeSpec,
    private readonly ctx: LoadContext,
  ) {}

  view(): LoadView {
    return {
      kind: 'node',
      status: this.status,
      ...(this.init !== null ? { pid: this.init } : {}),
      ...(this.last ? { exit: this.last } : {}),
    };
  }

  /** Resolves once the node runs its boot script (or failed to: see status). */
  get booted(): Promise<void> {
    return this.booting ?? Promise.resolve();
  }

  powerOn(): void {
    if (this.closed || this.status === 'starting' || this.status === 'alive' || this.status === 'frozen') return;
    this.setStatus('starting');
    // A power cut still being carried out finishes first (it takes the old veth down).
    this.booting = (this.stopping ?? Promise.resolve())
      .then(() => this.boot())
      .catch((err: unknown) => {
        this.bootError = err;
        this.kill();
        this.setStatus('crashed');
      });
  }

  /** Why the last boot failed, if it did. */
  bootError: unknown = null;

  private async boot(): Promise<void> {
    const { spec } = this;
    fs.mkdirSync(`${spec.dir}/log`, { recursive: true });
    const out = fs.openSync(`${spec.dir}/log/unshare`, 'a');
    // setpriv makes unshare die with this process, and --kill-child the node with unshare:
    // a drill that is itself killed leaves no node running.
    const child = spawn(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        '--',
        'unshare',
        '--net',
        '--uts',
        '--mount',
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--propagation',
        'private',
        'sh',
        '-c',
        INIT,
        'init',
        spec.hostname,
        spec.address,
        spec.iface,
        spec.boot,
      ],
      { stdio: ['pipe', out, out] },
    );
    fs.closeSync(out);
    this.child = child;
    child.stdin?.on('error', () => undefined);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      this.last = { code, signal };
      if (this.child === child) {
        this.child = null;
        this.init = null;
        if (this.status !== 'dead' && this.status !== 'off') this.setStatus(this.closed ? 'off' : 'crashed');
      }
    });
    if (child.pid === undefined) throw new NamespaceError('unshare did not start');
    // The forked child exists only once unshare has made every namespace: before
    // that, moving the veth "into unshare's pid" would leave it on the host.
    const started = Date.now();
    while (this.init === null) {
      const [first] = childrenOf(child.pid);
      if (first !== undefined) this.init = first;
      else if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > 10_000) {
        await exited;
        const why = fs.readFileSync(`${spec.dir}/log/unshare`, 'utf8').trim().split('\n').pop() ?? '';
        throw new NamespaceError(`unshare could not make the namespaces of ${spec.hostname}: ${why}`);
      } else await sleep(20);
    }
    this.namespace = pidNamespace(this.init);
    try {
      await removeLink(spec.veth);
      await command('ip', [
        'link',
        'add',
        spec.veth,
        'type',
        'veth',
        'peer',
        'name',
        spec.iface,
        'netns',
        String(this.init),
      ]);
      await command('sysctl', ['-qw', `net.ipv4.conf.${spec.veth}.route_localnet=1`]);
      await command('ip', ['link', 'set', spec.veth, 'master', spec.link.bridge]);
      await command('ip', ['link', 'set', spec.veth, 'up']);
    } catch (err) {
      throw new NamespaceError(`cannot give ${spec.hostname} its link ${spec.veth}`, { cause: err });
    }
    child.stdin?.end('go\n');
    this.setStatus('alive', this.init);
  }

  /** Every living process of the node (PID 1 included), by host pid. */
  processes(comm?: string): number[] {
    const ns = this.namespace;
    if (ns === null) return [];
    const found: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (pidNamespace(pid) !== ns) continue;
      if (comm !== undefined && commOf(pid) !== comm) continue;
      if (isZombie(pid)) continue;
      found.push(pid);
    }
    return found;
  }

  /** Send `signal` to the node's processes named `comm` (by pid); returns the pids. */
  signal(comm: string, signal: NodeJS.Signals): number[] {
    const pids = this.processes(comm);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone between the scan and the kill.
      }
    }
    return pids;
  }

  freeze(): void {
    for (const pid of this.processes()) {
      try {
        process.kill(pid, 'SIGSTOP');
      } catch {}
    }
    if (this.status === 'alive') this.setStatus('frozen', this.init ?? undefined);
  }

  thaw(): void {
    for (const pid of this.processes()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {}
    }
    if (this.status === 'frozen') this.setStatus('alive', this.init ?? undefined);
  }

  /** Unplug the node's network cable (the host's end of its veth goes down). */
  cutLink(): Promise<string> {
    return command('ip', ['link', 'set', this.spec.veth, 'down']);
  }

  /** Run a command inside the node (its mount, UTS, network and PID namespaces). */
  exec(args: readonly string[], timeoutMs = 10_000): Promise<string> {
    if (this.init === null) return Promise.reject(new Error(`${this.spec.hostname} is not running`));
    return command(
      'nsenter',
      ['--target', String(this.init), '--mount', '--uts', '--net', '--pid', '--', ...args],
      timeoutMs,
    );
  }

  powerOff(): Promise<void> {
    const stopping = this.cut();
    this.stopping = stopping;
    return stopping;
  }

  private async cut(): Promise<void> {
    await this.booting?.catch(() => undefined);
    const ns = this.namespace;
    const wasRunning = this.kill();
    // The kernel ends the other processes of the namespace after PID 1: wait them out.
    const started = Date.now();
    while (ns !== null && this.processes().length > 0 && Date.now() - started < 10_000) await sleep(20);
    this.namespace = null;
    this.setStatus(wasRunning ? 'dead' : 'off');
    // The veth pair dies with the namespace, unless a socket still holds it: take it down here
    // (after the status: deleting a link waits for the kernel's grace periods, up to a second or two).
    await removeLink(this.spec.veth);
  }

  /** SIGKILL to unshare (--kill-child passes it on to PID 1); true when something ran. */
  private kill(): boolean {
    const child = this.child;
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
    // PID 1 too, in case unshare died before passing the signal on.
    if (this.init !== null) {
      try {
        process.kill(this.init, 'SIGKILL');
      } catch {}
    }
    this.child = null;
    this.init = null;
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.powerOff();
    this.setStatus('off');
  }

  private setStatus(status: LoadStatus, pid?: number): void {
    this.status = status;
    this.ctx.onStatus(status, pid);
  }
}
