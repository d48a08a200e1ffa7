import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { LoadStatus, LoadView } from '../types.js';
import type { Load, LoadContext } from './load.js';
import { loadEnv, noteInLog, openLoadLog } from './log-file.js';

/**
 * A command run at each transition of its plug (`/bin/sh -c COMMAND`), with
 * FENCEKIT_UNIT, FENCEKIT_PLUG and FENCEKIT_STATE (`on` or `off`) in its
 * environment: the door to `virsh`, `podman`, `systemctl` and the like, which
 * own the real thing's life. Its output goes to the plug's log.
 *
 * The status follows the commands: `starting` while the ON command runs,
 * `alive` once it exits 0, `crashed` when it fails (plug still ON); `dead`
 * after the OFF command has run (whatever it returned: the plug is off), then
 * `off` until the next ON. There is no process to freeze.
 */
export interface ExecLoadSpec {
  exec: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** A transition's command that never ends is killed (its whole group) after this long. */
const COMMAND_TIMEOUT_MS = 60_000;

export class ExecLoad implements Load {
  readonly kind = 'exec' as const;
  private status: LoadStatus = 'off';
  private exit: LoadView['exit'];
  private pid: number | null = null;
  private closed = false;
  /** Transitions run one after the other, in the order the plug made them. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: ExecLoadSpec,
    private readonly ctx: LoadContext,
  ) {}

  view(): LoadView {
    return {
      kind: this.kind,
      status: this.status,
      ...(this.pid !== null ? { pid: this.pid } : {}),
      ...(this.exit ? { exit: this.exit } : {}),
    };
  }

  powerOn(): void {
    if (this.closed) return;
    this.queue = this.queue.then(async () => {
      this.setStatus('starting');
      const exit = await this.run('on');
      this.exit = exit;
      this.setStatus(exit.code === 0 ? 'alive' : 'crashed');
    });
  }

  powerOff(): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.status === 'off') return;
      this.exit = await this.run('off');
      this.setStatus('dead');
    });
    return this.queue;
  }

  freeze(): void {
    throw new Error('an exec load has no process of its own to freeze');
  }

  thaw(): void {
    throw new Error('an exec load has no process of its own to thaw');
  }

  async close(): Promise<void> {
    // The lab stops: the plug loses power, so the OFF command runs (a VM is not left running).
    await this.powerOff();
    this.closed = true;
  }

  private run(state: 'on' | 'off'): Promise<NonNullable<LoadView['exit']>> {
    const log = openLoadLog(this.ctx);
    return new Promise((resolve) => {
      noteInLog(log, `plug ${this.ctx.plug} ${state.toUpperCase()}: running ${this.spec.exec}`);
      const child = spawn('/bin/sh', ['-c', this.spec.exec], {
        cwd: this.spec.cwd,
        env: loadEnv(this.ctx, this.spec.env, state),
        detached: true,
        stdio: ['ignore', log, log],
      });
      fs.closeSync(log);
      this.pid = child.pid ?? null;
      const timer = setTimeout(() => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }, COMMAND_TIMEOUT_MS);
      const done = (exit: NonNullable<LoadView['exit']>) => {
        clearTimeout(timer);
        this.pid = null;
        resolve(exit);
      };
      child.once('error', () => done({ code: null, signal: null }));
      child.once('exit', (code, signal) => done({ code, signal }));
    });
  }

  private setStatus(status: LoadStatus): void {
    this.status = status;
    this.ctx.onStatus(status);
  }
}
