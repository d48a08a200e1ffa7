import { Deadline } from './deadline.js';
import { FencekitError, TimeoutError, UnknownPlugError, UsageError } from './errors.js';
import type {
  OperationOptions,
  PlugAction,
  PlugInfo,
  PlugResult,
  PlugTarget,
  PowerState,
  PowerSwitch,
} from './power-switch.js';
import { emitProgress, type ProgressListener } from './progress.js';

/**
 * Fencing semantics, written once for every driver: resolve the target, skip
 * what is already in the wanted state, switch, and read the state back until
 * it is confirmed or the budget runs out. A driver supplies only a session
 * that can read plugs and set them (see PlugBackend).
 */
export interface PlugSession {
  readPlugs(deadline: Deadline): Promise<PlugInfo[]>;
  /** Ask the device to switch; confirmation is done here, by reading back. */
  setPlugs(plugs: readonly number[], state: PowerState, deadline: Deadline): Promise<void>;
}

export interface PlugBackend {
  /** Run `work` in one session (connect, log in, …, log out), within the deadline. */
  withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface FencerOptions {
  /** Default budget of one operation. */
  timeoutMs?: number;
  /** Pause between read-backs while a plug has not yet reached its state. */
  confirmIntervalMs?: number;
  /** Told of every read-back, switching command and wait; the driver reports the session's own events. */
  progress?: ProgressListener;
}

export class Fencer implements PowerSwitch {
  private readonly timeoutMs: number;
  private readonly confirmIntervalMs: number;
  private readonly progress: ProgressListener | undefined;

  constructor(
    private readonly backend: PlugBackend,
    opts: FencerOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.confirmIntervalMs = opts.confirmIntervalMs ?? 500;
    this.progress = opts.progress;
  }

  status(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]> {
    return this.operate('status', target, opts);
  }

  on(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]> {
    return this.operate('on', target, opts);
  }

  off(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]> {
    return this.operate('off', target, opts);
  }

  /** Off, confirmed off, then on, confirmed on: a plug that never read off is never reported rebooted. */
  reboot(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]> {
    return this.operate('reboot', target, opts);
  }

  async list(opts?: OperationOptions): Promise<PlugInfo[]> {
    const deadline = this.deadline(opts);
    return this.backend.withSession(deadline, (s) => this.read(s, deadline));
  }

  /** Reads every plug, and says what it read. */
  private async read(session: PlugSession, deadline: Deadline): Promise<PlugInfo[]> {
    const plugs = await session.readPlugs(deadline);
    emitProgress(this.progress, {
      type: 'read-back',
      plugs: plugs.map((p) => ({ plug: p.plug, name: p.name, state: p.state })),
    });
    return plugs;
  }

  /** Asks the device to switch; a refusal is reported with the device's reply and the plugs concerned. */
  private async switchPlugs(
    session: PlugSession,
    plugs: number[],
    state: PowerState,
    deadline: Deadline,
  ): Promise<void> {
    emitProgress(this.progress, { type: 'command-sent', command: state, plugs, state });
    try {
      await session.setPlugs(plugs, state, deadline);
    } catch (err) {
      if (err instanceof FencekitError && err.code === 'EPROTOCOL' && err.reply !== undefined) {
        emitProgress(this.progress, {
          type: 'command-refused',
          command: state,
          plugs: err.plugs ?? plugs,
          reply: err.reply,
        });
      }
      throw err;
    }
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private deadline(opts?: OperationOptions): Deadline {
    const d = new Deadline(opts?.timeoutMs ?? this.timeoutMs, opts?.signal);
    d.throwIfAborted();
    return d;
  }

  private async operate(action: PlugAction, target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]> {
    const started = Date.now();
    const deadline = this.deadline(opts);
    return this.backend.withSession(deadline, async (session) => {
      const plugs = await this.read(session, deadline);
      const chosen = resolveTarget(target, plugs);
      const numbers = chosen.map((p) => p.plug);
      let changed = new Set<number>();
      let final = chosen;
      if (action === 'on' || action === 'off') {
        ({ changed, final } = await this.bring(session, chosen, action, deadline));
      } else if (action === 'reboot') {
        await this.bring(session, chosen, 'off', deadline);
        ({ final } = await this.bring(
          session,
          chosen.map((p) => ({ ...p, state: 'off' as const })),
          'on',
          deadline,
        ));
        changed = new Set(numbers);
      }
      const ms = Date.now() - started;
      return final.map((p) => ({ ...p, action, changed: changed.has(p.plug), ms }));
    });
  }

  /** Switch what is not yet in `state`, then read back until all of `plugs` are. */
  private async bring(
    session: PlugSession,
    plugs: PlugInfo[],
    state: PowerState,
    deadline: Deadline,
  ): Promise<{ changed: Set<number>; final: PlugInfo[] }> {
    const toSwitch = plugs.filter((p) => p.state !== state).map((p) => p.plug);
    if (toSwitch.length === 0) return { changed: new Set(), final: plugs };
    await this.switchPlugs(session, toSwitch, state, deadline);
    const wanted = new Set(plugs.map((p) => p.plug));
    let pending = [...wanted].sort((a, b) => a - b);
    for (;;) {
      let read: PlugInfo[];
      try {
        read = await this.read(session, deadline);
      } catch (err) {
        // The switch was sent; the budget ran out while reading it back (a slow or loaded
        // device): the state was never confirmed, whichever step the time ran out in.
        if (!(err instanceof TimeoutError) || err.phase === 'confirm') throw err;
        throw new TimeoutError(
          'confirm',
          `plug ${pending.join(', ')} not read back ${state} after switching ${state}: ${err.message}`,
          { plugs: pending, cause: err },
        );
      }
      const now = read.filter((p) => wanted.has(p.plug));
      const lagging = now.filter((p) => p.state !== state);
      if (lagging.length === 0 && now.length === wanted.size) return { changed: new Set(toSwitch), final: now };
      const missing = [...wanted].filter((n) => !now.some((p) => p.plug === n));
      pending = [...lagging.map((p) => p.plug), ...missing].sort((a, b) => a - b);
      if (deadline.remaining() <= this.confirmIntervalMs) {
        throw new TimeoutError(
          'confirm',
          `plug ${pending.join(', ')} still reads ${state === 'on' ? 'off' : 'on'} after switching ${state}`,
          { plugs: pending },
        );
      }
      emitProgress(this.progress, { type: 'waiting', plugs: pending, want: state });
      await deadline.sleep(this.confirmIntervalMs);
    }
  }
}

/**
 * Numbers ("3" or 3) select that plug; any other text selects every plug of
 * that name, compared without regard to case, as the devices compare them.
 */
export function resolveTarget(target: PlugTarget, plugs: readonly PlugInfo[]): PlugInfo[] {
  const items = Array.isArray(target) ? target : [target as number | string];
  if (items.length === 0) throw new UsageError('no plug given');
  const chosen = new Map<number, PlugInfo>();
  for (const item of items) {
    const text = String(item).trim();
    const found = /^\d+$/.test(text)
      ? plugs.filter((p) => p.plug === Number(text))
      : plugs.filter((p) => p.name !== null && p.name.toLowerCase() === text.toLowerCase());
    if (found.length === 0) throw new UnknownPlugError(text);
    for (const p of found) chosen.set(p.plug, p);
  }
  return [...chosen.values()].sort((a, b) => a.plug - b.plug);
}
