import type { UnitConfig } from './config.js';
import { EventBus } from './events.js';
import { realScheduler, type Scheduler } from './model/scheduler.js';
import { checkUnitConfig, librarySetting } from './models.js';
import type { Closable, OutOfBandAction, UnitDevice, UnitKind } from './unit-kind.js';

/**
 * One emulated unit, whatever its vendor: the device, its front-ends, its
 * state file. Settings are layered: the config, then the state file (what the
 * unit remembers), then the overrides (what the user just asked for on the
 * command line). Addresses, the state file's path and the like come from the
 * config alone.
 */
export interface UnitHostOptions<C extends UnitConfig> {
  config: C;
  /** Flags given on the command line; they win over the state file. */
  overrides?: Partial<C>;
  scheduler?: Scheduler;
  bus?: EventBus;
}

/** When neither the device nor the settings say: five minutes, as the units ship. */
const DEFAULT_IDLE_TIMEOUT = 300;

export class UnitHost<C extends UnitConfig, D extends UnitDevice<S>, S extends { model: string }, F, O = object> {
  readonly bus: EventBus;
  readonly device: D;
  private opened: F | null = null;
  private readonly closers: Closable[] = [];
  private unsubscribe: (() => void) | null = null;

  private constructor(
    readonly kind: UnitKind<C, D, S, F, O>,
    private readonly opts: UnitHostOptions<C> & O,
  ) {
    this.bus = opts.bus ?? new EventBus();
    this.device = kind.createDevice(opts.config, {
      emit: (e) => this.bus.emit(e),
      scheduler: opts.scheduler ?? realScheduler,
    });
  }

  static async start<C extends UnitConfig, D extends UnitDevice<S>, S extends { model: string }, F, O>(
    kind: UnitKind<C, D, S, F, O>,
    opts: UnitHostOptions<C> & O,
  ): Promise<UnitHost<C, D, S, F, O>> {
    // Settings of another family would be silently ignored: refuse them before anything is built.
    checkUnitConfig(opts.config.model, [
      { settings: opts.config, name: librarySetting },
      { settings: opts.overrides ?? {}, name: librarySetting },
    ]);
    const unit = new UnitHost(kind, opts);
    try {
      await unit.boot();
    } catch (err) {
      await unit.stop();
      throw err;
    }
    return unit;
  }

  get config(): C {
    return this.opts.config;
  }

  /** The front-ends the kind opened; set once the unit has started. */
  get frontEnds(): F {
    if (this.opened === null) throw new Error('the unit has not started');
    return this.opened;
  }

  private async boot(): Promise<void> {
    const { config, overrides } = this.opts;
    const { kind, device } = this;
    kind.apply(device, config);
    // The state file's code (atomic writes, validation) is loaded only for a unit that keeps one.
    const persistence = config.state ? await import('./persistence.js') : null;
    persistence?.restoreState<S>(config.state, device);
    if (overrides) kind.apply(device, overrides);
    for (const fault of [...(config.faults ?? []), ...(overrides?.faults ?? [])]) device.faults.add(fault);
    if (persistence) this.unsubscribe = persistence.persistState<S>(config.state, device, this.bus);

    const idleTimeout = overrides?.idleTimeout ?? config.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    this.opened = await kind.open(
      {
        config,
        device,
        emit: (e) => this.bus.emit(e),
        idleTimeoutSeconds: kind.idleTimeoutSeconds
          ? () => kind.idleTimeoutSeconds?.(device) ?? idleTimeout
          : () => idleTimeout,
        track: (frontEnd) => {
          this.closers.push(frontEnd);
          return frontEnd;
        },
      },
      this.opts,
    );
  }

  /** How a person reaches the unit, one `listening on` line per front-end. */
  describe(): string[] {
    return this.kind.describe({ config: this.config, device: this.device, frontEnds: this.frontEnds });
  }

  /** Switch a plug out of band (the lab's cord): no session, no fault in the way. */
  switchPlug(plug: number, action: OutOfBandAction, by: string): Promise<void> {
    if (!this.kind.switchPlug) throw new Error(`a ${this.kind.info.label} unit cannot be switched out of band`);
    return this.kind.switchPlug(this.device, plug, action, by, (e) => this.bus.emit(e));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.kind.halt(this.device);
    await Promise.all(this.closers.map((f) => f.close()));
  }
}
