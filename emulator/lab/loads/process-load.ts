import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { LoadStatus, LoadView } from '../types.js';
import { childExit } from './child-exit.js';
import type { Load, LoadContext } from './load.js';
import { loadEnv, noteInLog, openLoadLog } from './log-file.js';

/**
 * A command that lives while its plug is ON: `/bin/sh -c COMMAND`, detached
 * into a session and process group of its own, so that a power cut reaches
 * every process it started (SIGKILL to the group, as a real cut gives no
 * process a chance to clean up). The lab calls powerOff from the plug event
 * itself, which the device emits at the moment its state changes, so the kill
 * is sent in the same turn of the event loop.
 *
 * - exits by itself while the plug is ON: `crashed` (until the plug goes OFF);
 * - killed by a power cut: `dead` (until the next ON);
 * - freeze: SIGSTOP to the group (`frozen`: alive, holding its files,
 *   answering nothing) until thaw (SIGCONT) or a power cut (SIGKILL ends a
 *   stopped process too).
 */
export interface ProcessLoadSpec {
  process: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** How long to wait for the group's last process to be gone after SIGKILL (only an unreaped zombie takes long). */
const GONE_TIMEOUT_MS = 2000;
const GONE_POLL_MS = 5;

export class ProcessLoad implements Load {
  readonly kind = 'process' as const;
  private child: ChildProcess | null = null;
  private pgid: number | null = null;
  /**
   * The group of a command that exited by itself: its shell is gone, but what
   * it started in the background may still run in that group, and a power cut
   * must reach it too.
   */
  private orphans: number | null = null;
  private status: LoadStatus = 'off';
  private exit: LoadView['exit'];
  private killing = false;
  /** The power cut under way: a second OFF waits for the same one. */
  private cut: Promise<void> | null = null;
  private closed = false;
  /** What the plug last said: an ON still queued behind an OFF must not start once the plug is OFF again. */
  private wanted = false;
  /** Power changes, one after the other: an ON waits until the last OFF's processes are gone. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: ProcessLoadSpec,
    private readonly ctx: LoadContext,
  ) {}

  view(): LoadView {
    return {
      kind: this.kind,
      status: this.status,
      ...(this.pgid !== null ? { pid: this.pgid } : {}),
      ...(this.exit ? { exit: this.exit } : {}),
    };
  }

  powerOn(): void {
    this.wanted = true;
    this.queue = this.queue.then(() => this.start());
  }

  powerOff(): Promise<void> {
    this.wanted = false;
    // The kill itself is not queued: it goes out now, whatever is pending.
    const killed = this.kill();
    this.queue = this.queue.then(() => killed);
    return this.queue;
  }

  freeze(): void {
    if (this.pgid === null || this.status !== 'alive') throw new Error('the load is not running');
    this.signal('SIGSTOP');
    this.setStatus('frozen');
  }

  thaw(): void {
    if (this.pgid === null || this.status !== 'frozen') throw new Error('the load is not frozen');
    this.signal('SIGCONT');
    this.setStatus('alive');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.powerOff();
  }

  private start(): void {
    if (this.closed || this.child || !this.wanted) return;
    const log = openLoadLog(this.ctx);
    let child: ChildProcess;
    try {
      noteInLog(log, `plug ${this.ctx.plug} ON: starting ${this.spec.process}`);
      child = spawn('/bin/sh', ['-c', this.spec.process], {
        cwd: this.spec.cwd,
        env: loadEnv(this.ctx, this.spec.env),
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      fs.closeSync(log);
    }
    if (child.pid === undefined) {
      // spawn failed (no /bin/sh, a cwd that is gone): the 'error' event says why.
      child.once('error', (err) => {
        this.exit = { code: null, signal: null };
        this.setStatus('crashed');
        this.note(`could not start: ${err.message}`);
      });
      return;
    }
    this.child = child;
    this.pgid = child.pid;
    this.exit = undefined;
    this.killing = false;
    this.ctx.guard?.add(child.pid);
    child.once('exit', (code, signal) => {
      this.child = null;
      this.pgid = null;
      this.exit = { code, signal };
      if (this.killing) return; // kill() reports `dead` once the whole group is gone
      this.orphans = child.pid ?? null;
      // The group stays the guard's while anything of it runs: a group number that is free may be reused.
      if (!groupAlive(child.pid as number)) this.ctx.guard?.remove(child.pid as number);
      this.setStatus('crashed');
      this.note(`exited by itself (${signal ?? `code ${code}`}) while the plug is ON`);
    });
    this.setStatus('alive', child.pid);
  }

  private kill(): Promise<void> {
    this.cut ??= this.cutPower().finally(() => {
      this.cut = null;
    });
    return this.cut;
  }

  private async cutPower(): Promise<void> {
    const child = this.child;
    const pgid = this.pgid;
    if (!child || pgid === null) {
      const orphans = this.orphans;
      this.orphans = null;
      if (orphans !== null && groupAlive(orphans)) {
        this.signal('SIGKILL', orphans);
        await groupGone(orphans);
        this.note('its leftover processes killed by a power cut (SIGKILL to its process group)');
      }
      if (orphans !== null && !groupAlive(orphans)) this.ctx.guard?.remove(orphans);
      if (this.status !== 'off' && this.status !== 'dead') this.setStatus('off');
      return;
    }
    this.killing = true;
    this.signal('SIGKILL', pgid);
    await childExit(child, GONE_TIMEOUT_MS);
    await groupGone(pgid);
    if (!groupAlive(pgid)) this.ctx.guard?.remove(pgid);
    this.note('killed by a power cut (SIGKILL to its process group)');
    this.setStatus('dead');
  }

  private signal(sig: NodeJS.Signals, pgid = this.pgid): void {
    if (pgid === null) return;
    try {
      process.kill(-pgid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
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
      // the state directory is gone (a test cleaning up): nothing to note in
    }
  }
}

/**
 * Until no process of the group is left, bounded. A process killed by the cut
 * may stay a zombie until whoever inherited it reaps it (a container's PID 1
 * may never do so); a zombie runs nothing and holds no file, so it counts as
 * gone. Where /proc cannot be read, kill(-pgid, 0) decides.
 */
async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (groupAlive(pgid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, GONE_POLL_MS));
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone while we looked
    }
    // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses, so read after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}
