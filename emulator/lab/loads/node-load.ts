import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadStatus, LoadView, NodeLoadSpec } from '../types.js';
import { childExit } from './child-exit.js';
import type { Load, LoadContext } from './load.js';
import { noteInLog, openLoadLog } from './log-file.js';
import { NodeLoadError } from './node-error.js';
import { NODE_INIT, NODE_PRIVATE_DIRS } from './node-init.js';
import { joinBridge, leaveBridge, parseSubnet, plugVeth, type Subnet, vethName } from './node-link.js';
import { pidsInNamespaceOf } from './pid-namespace.js';

export { NodeLoadError } from './node-error.js';

/** How long a power cut waits for the namespace to be reaped before it kills unshare itself. */
const REAP_TIMEOUT_MS = 10_000;

/**
 * A Linux node powered by a plug (issue 13): ON boots it in new network,
 * mount, UTS and PID namespaces (`unshare`), with its end of the lab link, its
 * hostname and private state directories (node-init.ts), then runs
 * `spec.boot` inside; OFF kills the PID namespace's init, and the kernel ends
 * every other process of the node with it: a power cut, nobody gets to clean
 * up. Its network and mount namespaces go with the last process, so the veth
 * pair and the node's mounts vanish by themselves. What it wrote to the shared
 * directories (host paths it sees as they are) stays.
 *
 * freeze/thaw: SIGSTOP/SIGCONT to every process of the PID namespace (alive,
 * holding its files, answering nothing); a power cut ends a frozen node too.
 */
const UNSHARE = '/usr/bin/unshare';
const BASH = '/bin/bash';
const IP = '/usr/sbin/ip';
const BOOT_TIMEOUT_MS = 15_000;

/** Whether this machine can run node loads; a NodeLoadError with one line if not. */
export async function checkNodeSupport(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new NodeLoadError('ENOTROOT', 'a node load needs root (namespaces, veth pairs, mounts): run as root');
  }
  const missing = [UNSHARE, BASH, IP].filter((p) => !fs.existsSync(p));
  if (missing.length > 0) {
    throw new NodeLoadError(
      'EMISSING',
      `a node load needs ${missing.join(', ')}: apt-get install -y util-linux iproute2`,
    );
  }
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(UNSHARE, ['--net', '--uts', '--mount', '--pid', '--fork', '--mount-proc', 'true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (err) => resolve({ code: null, stderr: err.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  if (r.code !== 0) {
    throw new NodeLoadError(
      'ENONS',
      `this kernel refuses new namespaces (unshare --net --uts --mount --pid: ${r.stderr.trim().split('\n')[0] || `exit ${r.code}`})`,
    );
  }
}

/** Where a node keeps its private directories on the host. */
export function nodeRoot(ctx: Pick<LoadContext, 'stateDir' | 'unit' | 'plug'>): string {
  return path.join(ctx.stateDir, 'loads', `${ctx.unit}-${ctx.plug}`, 'root');
}

export class NodeLoad implements Load {
  readonly kind = 'node' as const;
  private readonly subnet: Subnet;
  private readonly veth: string;
  private child: ChildProcess | null = null;
  /** The node's PID 1, as the host numbers it. */
  private init: number | null = null;
  private status: LoadStatus = 'off';
  private exit: LoadView['exit'];
  private killing = false;
  private closed = false;
  private wanted = false;
  private queue: Promise<void> = Promise.resolve();
  private cut: Promise<void> | null = null;

  constructor(
    private readonly spec: NodeLoadSpec,
    private readonly ctx: LoadContext,
  ) {
    this.subnet = parseSubnet(spec.address);
    this.veth = vethName(ctx.stateDir, ctx.unit, ctx.plug);
  }

  /** The host end of the node's link (a drill cuts the link by setting it down). */
  get hostInterface(): string {
    return this.veth;
  }

  view(): LoadView {
    return {
      kind: this.kind,
      status: this.status,
      ...(this.init !== null ? { pid: this.init } : {}),
      ...(this.exit ? { exit: this.exit } : {}),
    };
  }

  powerOn(): void {
    this.wanted = true;
    this.queue = this.queue.then(() =>
      this.boot().catch((err: Error) => {
        this.note(`could not boot: ${err.message}`);
        this.exit = { code: null, signal: null };
        this.setStatus('crashed');
        return this.kill();
      }),
    );
  }

  powerOff(): Promise<void> {
    this.wanted = false;
    const killed = this.kill();
    this.queue = this.queue.then(() => killed);
    return this.queue;
  }

  freeze(): void {
    if (this.init === null || this.status !== 'alive') throw new Error('the node is not running');
    // Twice: a process forked while the first pass ran is stopped by the second.
    for (let i = 0; i < 2; i++) for (const pid of this.pids()) signal(pid, 'SIGSTOP');
    this.setStatus('frozen');
  }

  thaw(): void {
    if (this.init === null || this.status !== 'frozen') throw new Error('the node is not frozen');
    for (const pid of this.pids()) signal(pid, 'SIGCONT');
    this.setStatus('alive');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.powerOff();
    await leaveBridge(this.subnet, this);
  }

  private async boot(): Promise<void> {
    if (this.closed || this.child || !this.wanted) return;
    await checkNodeSupport();
    await joinBridge(this.subnet, this);
    for (const dir of this.spec.shared ?? []) fs.mkdirSync(dir, { recursive: true });
    const root = nodeRoot(this.ctx);
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    const log = openLoadLog(this.ctx);
    let child: ChildProcess;
    try {
      noteInLog(log, `plug ${this.ctx.plug} ON: booting node ${this.spec.hostname} (${this.spec.address})`);
      child = spawn(
        UNSHARE,
        [
          '--net',
          '--uts',
          '--mount',
          '--pid',
          '--fork',
          '--mount-proc',
          '--propagation',
          'private',
          '--kill-child',
          '--',
          BASH,
          // Its stdin is a socket: without --norc bash takes itself for an rsh session and reads ~/.bashrc.
          '--norc',
          '--noprofile',
          '-c',
          NODE_INIT,
        ],
        {
          detached: true,
          stdio: ['pipe', 'pipe', log],
          env: {
            PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
            LANG: 'C.UTF-8',
            FK_ADDRESS: this.spec.address,
            FK_HOSTNAME: this.spec.hostname,
            FK_ROOT: root,
            FK_PRIVATE: NODE_PRIVATE_DIRS.join(' '),
            FK_BOOT: this.spec.boot,
            FENCEKIT_UNIT: this.ctx.unit,
            FENCEKIT_PLUG: String(this.ctx.plug),
            FENCEKIT_NODE: this.spec.hostname,
          },
        },
      );
    } finally {
      fs.closeSync(log);
    }
    if (child.pid === undefined) {
      throw await new Promise<Error>((resolve) => child.once('error', resolve));
    }
    this.child = child;
    this.killing = false;
    this.exit = undefined;
    child.stdin?.on('error', () => {});
    child.once('exit', (code, sig) => {
      this.child = null;
      this.init = null;
      this.exit = { code, signal: sig };
      if (this.killing) return;
      this.note(`the node ended by itself (${sig ?? `code ${code}`}) while the plug is ON`);
      this.setStatus('crashed');
    });
    const lines = readLines(child);
    await lines.next('ready', BOOT_TIMEOUT_MS);
    this.init = firstChild(child.pid);
    this.setStatus('starting', this.init);
    await plugVeth(this.subnet, this.veth, child.pid);
    child.stdin?.write('go\n');
    await lines.next('booted', BOOT_TIMEOUT_MS);
    this.setStatus('alive', this.init);
  }

  private kill(): Promise<void> {
    this.cut ??= this.cutPower().finally(() => {
      this.cut = null;
    });
    return this.cut;
  }

  private async cutPower(): Promise<void> {
    const child = this.child;
    if (!child?.pid) {
      if (this.status !== 'off' && this.status !== 'dead' && this.status !== 'crashed') this.setStatus('off');
      return;
    }
    this.killing = true;
    // The namespace's init: the kernel then kills every process of the node, and
    // unshare (its parent) returns only once it has reaped it, which is once all of
    // them are gone. unshare itself only when init is not known yet (--kill-child
    // takes its child along): killed first, it could not reap init, and init would
    // linger as a zombie of whoever adopted it.
    if (this.init !== null) signal(this.init, 'SIGKILL');
    else signal(child.pid, 'SIGKILL');
    if (!(await childExit(child, REAP_TIMEOUT_MS))) {
      // A process of the node stuck in the kernel holds the namespace: unshare goes, the rest dies as it can.
      signal(child.pid, 'SIGKILL');
      await childExit(child, REAP_TIMEOUT_MS);
    }
    this.init = null;
    this.note('power cut: the PID namespace was killed');
    this.setStatus('dead');
  }

  /** Host pids of every process in the node's PID namespace. */
  private pids(): number[] {
    return this.init === null ? [] : pidsInNamespaceOf(this.init);
  }

  private setStatus(status: LoadStatus, pid?: number): void {
    this.status = status;
    this.ctx.onStatus(status, pid);
  }

  private note(line: string): void {
    try {
      const log = openLoadLog(this.ctx);
      noteInLog(log, line);
      fs.closeSync(log);
    } catch {
      // the state directory is gone (a test cleaning up)
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** unshare --fork has one child: the node's PID 1. */
function firstChild(pid: number): number {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  const first = Number(children[0]);
  if (!Number.isInteger(first) || first <= 0) throw new Error('the node has no PID 1');
  return first;
}

/** The init's stdout, line by line: `next(word)` waits for that line, with a deadline. */
function readLines(child: ChildProcess) {
  let buffer = '';
  const seen: string[] = [];
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      seen.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  return {
    next(word: string, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`the node did not say '${word}' within ${timeoutMs} ms (see the load's log)`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`the node ended before saying '${word}' (see the load's log)`));
        };
        const check = () => {
          const at = seen.indexOf(word);
          if (at >= 0) {
            seen.splice(0, at + 1);
            cleanup();
            resolve();
          } else waiters.push(check);
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.off('exit', onExit);
        };
        child.once('exit', onExit);
        check();
      });
    },
  };
}
