import type { UnitConfig } from './config.js';
import type { EmulatorEvent, PlugState } from './events.js';
import type { Scheduler } from './model/scheduler.js';
import type { ModelKind } from './models.js';
import type { Persistent } from './persistence.js';

/**
 * What a vendor gives the unit host: its device model, how a layer of
 * settings reaches the device, its front-ends, and how a person reaches it.
 * Starting, stopping, the config < state file < flags layering, faults,
 * persistence and the idle timeout are the host's (unit-host.ts), written once.
 */
export interface UnitKind<C extends UnitConfig, D extends UnitDevice<S>, S extends { model: string }, F, O = object> {
  /** The kind's entry in models.ts: its models, settings and faults. */
  readonly info: ModelKind;
  /** The device, with no I/O and no clock of its own. */
  createDevice(config: C, env: DeviceEnv): D;
  /** One layer of settings: the config file's before the state file, the flags' after it. */
  apply(device: D, settings: Partial<C>): void;
  /** The idle timeout the device keeps itself (a WTI's disconnect timeout); without it, the settings' `idleTimeout`. */
  idleTimeoutSeconds?(device: D): number;
  /** Opens the front-ends. Each is given to `track` before it listens, so a failure closes those already open. */
  open(ctx: OpenContext<C, D>, options: O): Promise<F>;
  /** Cancels the device's timers (switching steps, delayed commands): nothing may fire after stop. */
  halt(device: D): void;
  /** The console view's title. */
  title(device: D): string;
  /** The console view's rows. */
  table(device: D): PlugTable;
  /** `listening on …` per front-end, each with the real clients' command lines that reach it. */
  describe(unit: { config: C; device: D; frontEnds: F }): string[];
  /**
   * Out of band (the lab: a technician at the cord, not a session): switch a
   * plug whatever faults the unit has, emitting the plug events with `by`.
   * Resolves when the last step (a reboot's ON) is done. A RangeError for a
   * plug the unit does not have.
   */
  switchPlug?(
    device: D,
    plug: number,
    action: OutOfBandAction,
    by: string,
    emit: (e: EmulatorEvent) => void,
  ): Promise<void>;
}

/** What the lab does to a plug out of band. */
export type OutOfBandAction = 'on' | 'off' | 'reboot';

/** A device the host can restore, persist and give faults to. */
export type UnitDevice<S extends { model: string }> = Persistent<S> & { readonly faults: Set<string> };

export interface DeviceEnv {
  emit: (e: EmulatorEvent) => void;
  scheduler: Scheduler;
}

export interface OpenContext<C, D> {
  config: C;
  device: D;
  emit: (e: EmulatorEvent) => void;
  idleTimeoutSeconds: () => number;
  track<T extends Closable>(frontEnd: T): T;
}

export interface Closable {
  close(): Promise<void>;
}

/** What the console view shows of each plug: an outlet bank, or an iLO's one server. */
export interface PlugTable {
  all(): readonly { number: number; name: string | null; state: PlugState; bootDelayMs: number }[];
}

/** A kind whatever its vendor, as models.ts lists it and `fencekit emulate` starts it. */
// biome-ignore lint/suspicious/noExplicitAny: the list of kinds erases each kind's own types; each unit file keeps them.
export type AnyUnitKind = UnitKind<any, any, any, any, any>;
