import type { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { ProtocolError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PowerSwitch } from '../../src/power-switch.js';
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
  transcript?: Transcript;
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
  return new Fencer(new SmashBackend(opts), { timeoutMs: opts.timeoutMs });
}

class SmashBackend implements PlugBackend {
  constructor(private readonly opts: IloSshOptions) {}

  async withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    const stream = await connectSsh({
      host: this.opts.host,
      port: this.opts.port ?? 22,
      username: this.opts.username,
      password: this.opts.password,
      timeoutMs: deadline.phase('connect', 10_000),
      signal: deadline.signal,
      hostKey: this.opts.hostKey,
    });
    const dialog = new Dialog(stream, this.opts.transcript);
    try {
      await dialog.expect([SMASH.prompt], { phase: 'prompt after login', deadline, timeoutMs: 10_000 });
      const run = async (command: string, phase: string, timeoutMs: number) => {
        dialog.send(`${command}${SMASH.enter}`);
        const r = await dialog.expect([SMASH.prompt], { phase, deadline, timeoutMs });
        const status = SMASH.status.exec(r.before);
        if (status && status[1] !== '0') {
          const tag = SMASH.errorTag.exec(r.before)?.[1]?.trim() ?? `status=${status[1]}`;
          throw new ProtocolError(`the iLO answered "${command}" with ${tag}`);
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
        setPlugs: async (_plugs, state) => {
          const command = state === 'on' ? SMASH.on : SMASH.off;
          await run(command, `prompt after ${command}`, 30_000);
        },
      });
    } finally {
      if (!dialog.closed) dialog.send(`${SMASH.exit}${SMASH.enter}`);
      await stream.close();
    }
  }

  async close(): Promise<void> {}
}
