import { type ChildProcess, spawn } from 'node:child_process';
import { childExit } from './child-exit.js';

/**
 * The rack's power outlives no lab. A `process` load runs in a session of its
 * own, so that a power cut can reach its whole group; that also puts it out of
 * reach of whatever ends the lab. The lab's own stop kills every group, but a
 * lab that is SIGKILLed, crashes or is killed by the OOM killer cannot, and
 * its loads would run on unseen. The next start would then power a second copy
 * of each load on a plug that is ON.
 *
 * The guard is one small shell per lab, in a session of its own, reading a
 * pipe from the lab: `+PGID` when a load's group starts, `-PGID` when it is
 * gone. When the pipe closes, whether the lab stopped or died, the guard
 * SIGKILLs every group still listed and exits. The pipe is the lab's only
 * handle on it (close-on-exec, so no load inherits it), and the guard never
 * keeps the lab's event loop alive.
 */
const GUARD_SCRIPT = `
groups=' '
while IFS= read -r line; do
  id=\${line#?}
  case $id in ''|*[!0-9]*|0|1) continue ;; esac
  case $line in
    +*) groups="$groups$id " ;;
    -*) rest=' '; for g in $groups; do [ "$g" = "$id" ] || rest="$rest$g "; done; groups=$rest ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
exit 0
`;

/** How long close() waits for the guard to exit (it only has to kill what is listed). */
const CLOSE_TIMEOUT_MS = 2000;

export class GroupGuard {
  private child: ChildProcess | null = null;
  private failed = false;
  private closed = false;

  /** A load's group has started: kill it if the lab ends before it is removed. */
  add(pgid: number): void {
    this.send(`+${pgid}`);
  }

  /** The group is gone (a power cut, or it exited entirely): nothing to kill any more. */
  remove(pgid: number): void {
    this.send(`-${pgid}`);
  }

  /** The guard's pid, while it runs (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The lab stops: close the pipe, so that the guard kills whatever is still listed, and wait for it. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    child.stdin?.end();
    await childExit(child, CLOSE_TIMEOUT_MS);
  }

  private send(line: string): void {
    if (this.closed || this.failed) return;
    const child = this.child ?? this.spawn();
    child?.stdin?.write(`${line}\n`);
  }

  private spawn(): ChildProcess | null {
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', GUARD_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    } catch {
      this.failed = true;
      return null;
    }
    // A guard that could not start or died: the loads still stop with the lab's own stop,
    // only not with a lab that is killed. Nothing here may take the lab down.
    child.on('error', () => {
      this.failed = true;
    });
    child.stdin?.on('error', () => {
      this.failed = true;
    });
    child.once('exit', () => {
      this.child = null;
      if (!this.closed) this.failed = true;
    });
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
