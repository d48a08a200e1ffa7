import type { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { AuthError, ProtocolError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PowerSwitch } from '../../src/power-switch.js';
import { cutReply, emitProgress, type ProgressListener } from '../../src/progress.js';
import type { Transcript } from '../../src/transcript.js';
import { connectSsh } from '../../src/transport/ssh.js';
import { serverPlug } from './single-server.js';

/**
 * HP iLO over SMASH CLP on SSH (`</>hpiLO-> `), as fence_ilo_ssh drives it
 * (docs/reference/ilo.md §5): `show /system1` for the state,
 * `start /system1` and `stop -f /system1` to switch, `exit` to leave.
 */
export interface IloSshOptions {
  host: string;
  port?: number;
  username: string;
  password: string;
  /** The board's SSH host key (SHA256 fingerprint), or 'insecure' to accept any. */
  hostKey?: { sha256: string } | 'insecure';
  name?: string;
  timeoutMs?: number;
  /** Every byte of the shell, the password never in it: a debug aid, worded freely. */
  transcript?: Transcript;
  /** Typed progress; SSH carries the password in its own authentication (credentials-sent, then logged-in at the prompt). */
  progress?: ProgressListener;
}

const SMASH = {
  prompt: /hpiLO-> ?|MP> ?/,
  enabledState: /EnabledState=(\S+)/i,
  status: /\bstatus=(\d+)/i,
  errorTag: /error_tag=([^\r\n]*)/i,
  show: 'show /system1',
  on: 'start /system1',
  off: 'stop -f /system1',
  exit: 'exit',
  enter: '\r',
} as const;

export function createIloSshSwitch(opts: IloSshOptions): PowerSwitch {
  return new Fencer(new SmashBackend(opts), { timeoutMs: opts.timeoutMs, progress: opts.progress });
}

class SmashBackend implements PlugBackend {
  constructor(private readonly opts: IloSshOptions) {}

  async withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    const progress = this.opts.progress;
    const target = `ssh ${this.opts.host}:${this.opts.port ?? 22}`;
    emitProgress(progress, { type: 'connecting', target, attempt: 1 });
    let stream: Awaited<ReturnType<typeof connectSsh>>;
    try {
      stream = await connectSsh({
        host: this.opts.host,
        port: this.opts.port ?? 22,
        username: this.opts.username,
        password: this.opts.password,
        timeoutMs: deadline.phase('connect', 10_000),
        signal: deadline.signal,
        hostKey: this.opts.hostKey,
      });
    } catch (err) {
      if (err instanceof AuthError) {
        emitProgress(progress, { type: 'credentials-sent', field: 'password' });
        emitProgress(progress, { type: 'login-refused', attempt: 1 });
      }
      throw err;
    }
    emitProgress(progress, { type: 'connected', target });
    emitProgress(progress, { type: 'credentials-sent', field: 'password' });
    const dialog = new Dialog(stream, this.opts.transcript);
    try {
      const r = await dialog.expect([SMASH.prompt], { phase: 'prompt after login', deadline, timeoutMs: 10_000 });
      emitProgress(progress, { type: 'logged-in', prompt: r.match[0].trim() });
      const run = async (command: string, phase: string, timeoutMs: number, plugs?: readonly number[]) => {
        dialog.send(`${command}${SMASH.enter}`);
        const r = await dialog.expect([SMASH.prompt], { phase, deadline, timeoutMs });
        const status = SMASH.status.exec(r.before);
        if (status && status[1] !== '0') {
          const tag = SMASH.errorTag.exec(r.before)?.[1]?.trim() ?? `status=${status[1]}`;
          throw new ProtocolError(`the iLO answered "${command}" with ${cutReply(tag)}`, {
            reply: tag,
            deviceStatus: status[1],
            plugs,
          });
        }
        return r.before;
      };
      return await work({
        readPlugs: async () => {
          const text = await run(SMASH.show, `prompt after ${SMASH.show}`, 10_000);
          const state = SMASH.enabledState.exec(text);
          if (!state) throw new ProtocolError('show /system1 did not report EnabledState');
          return serverPlug(this.opts.name, (state[1] as string).toLowerCase().startsWith('enabled') ? 'on' : 'off');
        },
        setPlugs: async (plugs, state) => {
          const command = state === 'on' ? SMASH.on : SMASH.off;
          await run(command, `prompt after ${command}`, 30_000, plugs);
        },
      });
    } finally {
      const open = !dialog.closed;
      if (open) dialog.send(`${SMASH.exit}${SMASH.enter}`);
      await stream.close();
      emitProgress(progress, { type: 'disconnected', reason: open ? 'logout' : 'closed' });
    }
  }

  async close(): Promise<void> {}
}
