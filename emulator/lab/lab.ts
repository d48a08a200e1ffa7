import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type UnitConfig } from '../config.js';
import { EventBus, type PlugState, type Timestamped } from '../events.js';
import { type ModelKind, modelKind } from '../models.js';
import { UnitHost } from '../unit-host.js';
import type { AnyUnitKind } from '../unit-kind.js';
import { describeActor, parseActor, sessionKey } from './actor.js';
import { AuditLog } from './audit-log.js';
import { deviceFaultName, knownFaults, labFaultName } from './fault-vocabulary.js';
import { type LabConfig, type LabUnitConfig, parseFeed } from './lab-config.js';
import { LabError } from './lab-error.js';
import { LabEventStream } from './lab-events.js';
import { GroupGuard } from './loads/group-guard.js';
import { createLoad, type Load } from './loads/index.js';
import { SeriesLoad } from './loads/series.js';
import { prepareStateDir, type StateDirLayout } from './state-dir.js';
import type { Actor, LabEvent, PlugView, UnitView } from './types.js';

/**
 * The lab: many emulated units in one process, each a UnitHost with its own
 * event bus and its state file in `<stateDir>/units/<name>.json` (its SSH host
 * key and TLS certificate beside it), loads powered by their plugs, one
 * stream of LabEvents, and the audit log. The admin API, the live page and
 * the drills all work through this class (docs/lab.md).
 *
 * Power reaches a load through the plug event the device emits at the moment
 * its state changes: OFF kills the load's process group in that same turn of
 * the event loop; ON starts it then. The unit's boot delay is the device's
 * own sequencing (a reboot's ON, the next outlet of a sequence), which is why
 * no delay of the lab's is added.
 */
// biome-ignore lint/suspicious/noExplicitAny: a lab holds units of every kind; each unit file keeps its own types.
type AnyHost = UnitHost<any, any, any, any, any>;

interface RunningUnit {
  readonly name: string;
  readonly kind: ModelKind;
  readonly host: AnyHost;
  readonly loads: Map<number, Load>;
  readonly lastActor: Map<number, Actor>;
  /** Sessions logged in now: protocol and peer → the user (or the WTI mode). */
  readonly sessions: Map<string, string | undefined>;
  unsubscribe(): void;
}

/** Units started at once. */
const START_BATCH = 25;

export interface LabStartOptions {
  stateDir: string;
}

export class Lab {
  readonly stateDir: string;
  readonly auditFile: string;
  readonly events = new LabEventStream();
  private readonly running = new Map<string, RunningUnit>();
  /** `by` strings of out-of-band switches in flight, and the actor each stands for. */
  private readonly outOfBand = new Map<string, Actor>();
  private outOfBandSeq = 0;
  private stopping: Promise<void> | null = null;
  /** Kills the process loads' groups if this process ends without stop() (loads/group-guard.ts). */
  private readonly guard = new GroupGuard();
  /** Loads with `alsoFedBy`, wired to their other plugs once every unit is up. */
  private readonly series: { at: string; series: SeriesLoad; feeds: string[] }[] = [];

  private constructor(
    readonly config: LabConfig,
    private readonly layout: StateDirLayout,
    private readonly audit: AuditLog,
  ) {
    this.stateDir = layout.root;
    this.auditFile = layout.audit;
  }

  /**
   * Make the state directory, open the audit log, start every unit (its
   * listeners open), then power the loads of the plugs that are ON. A failure
   * stops what had started and is thrown: a ConfigError (a bad setting, a
   * password file that cannot be read), a StateFileError (a unit's state file,
   * the state directory), or the listener's own error (EADDRINUSE…).
   */
  static async start(config: LabConfig, opts: LabStartOptions): Promise<Lab> {
    const layout = prepareStateDir(opts.stateDir);
    const audit = AuditLog.open(layout.audit);
    const lab = new Lab(config, layout, audit);
    // A few units at a time: a unit's start is mostly waiting (its state file is fsynced).
    const started: (RunningUnit | undefined)[] = [];
    let failure: { err: unknown } | null = null;
    for (let i = 0; i < config.units.length && !failure; i += START_BATCH) {
      const batch = config.units.slice(i, i + START_BATCH);
      const results = await Promise.allSettled(batch.map((u) => lab.startUnit(u, started)));
      const rejected = results.find((r) => r.status === 'rejected');
      if (rejected) failure = { err: (rejected as PromiseRejectedResult).reason };
    }
    // In the config's order, whatever order they came up in (the views and the start-up lines follow it).
    for (const unit of started) if (unit) lab.running.set(unit.name, unit);
    if (!failure) {
      try {
        lab.wireSeries();
      } catch (err) {
        failure = { err };
      }
    }
    if (failure) {
      await lab.stop();
      throw failure.err;
    }
    lab.events.emit({ type: 'lab', what: 'started' });
    for (const unit of lab.running.values()) {
      for (const [plug, load] of unit.loads) if (plugState(unit, plug) === 'ON') load.powerOn();
    }
    return lab;
  }

  units(): UnitView[] {
    return [...this.running.values()].map((u) => this.view(u));
  }

  unit(name: string): UnitView {
    return this.view(this.get(name));
  }

  /** The unit's host (its device and front-ends), for a caller that needs more than the view. */
  host(name: string): AnyHost {
    return this.get(name).host;
  }

  /** How to reach every unit with its real clients, one block per unit. */
  describe(): string[] {
    return [...this.running.values()].flatMap((u) => [
      `unit ${u.name} (${u.kind.label} ${u.host.config.model}):`,
      ...u.host.describe().map((l) => `  ${l}`),
    ]);
  }

  /**
   * Switch a plug out of band, as a technician at the cord: no session, and
   * no fault of the unit's in the way. Resolves once the switching is done
   * and, for OFF, once the load's processes are gone.
   */
  async setPlug(unitName: string, plug: number, action: 'on' | 'off' | 'reboot', actor: Actor): Promise<PlugView> {
    const unit = this.get(unitName);
    this.checkPlug(unit, plug);
    if (!['on', 'off', 'reboot'].includes(action)) {
      throw new LabError('EBADREQUEST', `action '${String(action)}' is not on, off or reboot`);
    }
    const by = `${describeActor(actor)} #${++this.outOfBandSeq}`;
    this.outOfBand.set(by, actor);
    try {
      await unit.host.switchPlug(plug, action, by);
    } finally {
      this.outOfBand.delete(by);
    }
    const load = unit.loads.get(plug);
    if (load && action === 'off') await load.powerOff();
    return this.plugView(unit, plug);
  }

  /** Switch a fault on or off (the lab's names, docs/lab.md); it acts on the next connection, login or command. */
  setFault(unitName: string, fault: string, active: boolean, actor: Actor): UnitView {
    const unit = this.get(unitName);
    const name = deviceFaultName(unit.kind, fault);
    if (name === undefined) {
      throw new LabError(
        'ENOFAULT',
        `unit '${unit.name}' (${unit.host.config.model}) has no fault '${fault}' (its faults: ${knownFaults(unit.kind).join(', ')})`,
      );
    }
    const faults = unit.host.device.faults as Set<string>;
    if (faults.has(name) !== active) {
      if (active) faults.add(name);
      else faults.delete(name);
      this.events.emit({ type: 'fault', unit: unit.name, fault: labFaultName(name), active, actor });
    }
    return this.view(unit);
  }

  /** SIGSTOP the plug's load: alive, holding its files, answering nothing, until thawed or fenced. */
  freeze(unitName: string, plug: number, _actor: Actor): PlugView {
    return this.freezeOrThaw(unitName, plug, 'freeze');
  }

  thaw(unitName: string, plug: number, _actor: Actor): PlugView {
    return this.freezeOrThaw(unitName, plug, 'thaw');
  }

  /** Stop every unit's listeners and every load's processes, then flush and close the audit log. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.events.emit({ type: 'lab', what: 'stopping' });
      const units = [...this.running.values()];
      // No plug event may power a load again while everything goes down.
      for (const u of units) u.unsubscribe();
      await Promise.all([
        ...units.map((u) => u.host.stop()),
        ...units.flatMap((u) => [...u.loads.values()].map((l) => l.close())),
      ]);
      await this.guard.close();
      this.audit.close();
    })();
    return this.stopping;
  }

  /** Start one unit; it is put in `started` (at its place in the config) as soon as it listens, so a failure stops it. */
  private async startUnit(unit: LabUnitConfig, started: (RunningUnit | undefined)[]): Promise<void> {
    const { name, passwordFile, loads: loadSpecs, ...settings } = unit;
    const at = `${this.config.source}: unit '${name}'`;
    const info = modelKind(settings.model);
    if (!info) throw new ConfigError(`${at}: 'model' ${settings.model} is not a model`);
    const config = {
      ...settings,
      ...(passwordFile !== undefined ? { password: readPasswordFile(passwordFile, at) } : {}),
      state: path.join(this.layout.units, `${name}.json`),
    } as UnitConfig;
    const kind: AnyUnitKind = await info.load();
    const bus = new EventBus();
    const running: RunningUnit = {
      name,
      kind: info,
      host: null as unknown as AnyHost,
      loads: new Map(),
      lastActor: new Map(),
      sessions: new Map(),
      unsubscribe: () => {},
    };
    const host = await UnitHost.start(kind, { config, bus });
    Object.assign(running, { host });
    started[this.config.units.indexOf(unit)] = running;
    running.unsubscribe = bus.subscribe((e) => this.onUnitEvent(running, e));
    const plugs = new Set(
      host.kind
        .table(host.device)
        .all()
        .map((p: { number: number }) => p.number),
    );
    for (const [key, spec] of Object.entries(loadSpecs ?? {})) {
      const plug = Number(key);
      if (!plugs.has(plug)) {
        throw new ConfigError(
          `${at}: loads["${key}"]: plug ${plug} does not exist (the unit has ${[...plugs].join(', ')})`,
        );
      }
      const load = await createLoad(spec, {
        unit: name,
        plug,
        stateDir: this.stateDir,
        guard: this.guard,
        onStatus: (status, pid) =>
          this.events.emit({ type: 'load', unit: name, plug, status, ...(pid !== undefined ? { pid } : {}) }),
      });
      if (spec.alsoFedBy) {
        const series = new SeriesLoad(load, 1 + spec.alsoFedBy.length, `${name}:${plug}`);
        this.series.push({ at: `${at}: loads["${key}"].alsoFedBy`, series, feeds: spec.alsoFedBy });
        running.loads.set(plug, series.feed(0));
      } else {
        running.loads.set(plug, load);
      }
    }
  }

  /** Give each `alsoFedBy` plug its feed of the load; a unit or plug that is not there, or a plug with a load, is a ConfigError. */
  private wireSeries(): void {
    for (const { at, series, feeds } of this.series) {
      feeds.forEach((feed, i) => {
        const { unit: name, plug } = parseFeed(feed) as { unit: string; plug: number };
        const unit = this.running.get(name);
        if (!unit) throw new ConfigError(`${at}: no unit '${name}' in this lab`);
        if (plugState(unit, plug) === undefined) throw new ConfigError(`${at}: unit '${name}' has no plug ${plug}`);
        if (unit.loads.has(plug)) throw new ConfigError(`${at}: plug ${plug} of unit '${name}' already powers a load`);
        unit.loads.set(plug, series.feed(i + 1));
      });
    }
  }

  private onUnitEvent(unit: RunningUnit, e: Timestamped): void {
    switch (e.type) {
      case 'plug': {
        const actor = this.actorOf(unit, e.by, e.user);
        unit.lastActor.set(e.plug, actor);
        // The power cut first: the load's processes die in this turn of the event loop.
        const load = unit.loads.get(e.plug);
        if (load) {
          if (e.state === 'OFF') void load.powerOff();
          else load.powerOn();
        }
        const from: PlugState = e.state === 'ON' ? 'OFF' : 'ON';
        this.record(unit, e.plug, from, e.state, actor, 'ok');
        this.events.emit({ type: 'plug', unit: unit.name, plug: e.plug, name: e.name, from, to: e.state, actor });
        return;
      }
      case 'switch-ignored': {
        const actor = this.actorOf(unit, e.by, e.user);
        const from = plugState(unit, e.plug) ?? (e.requested === 'ON' ? 'OFF' : 'ON');
        this.record(unit, e.plug, from, e.requested, actor, 'ignored');
        this.events.emit({
          type: 'switch-ignored',
          unit: unit.name,
          plug: e.plug,
          requested: e.requested,
          actor,
          reason: e.reason,
        });
        return;
      }
      case 'login': {
        const key = sessionKey(e.origin);
        const user = e.user ?? parseActor(e.origin).user ?? e.mode;
        unit.sessions.set(key, user);
        this.session(unit, 'login', parseActor(e.origin, user));
        return;
      }
      case 'logout': {
        const key = sessionKey(e.origin);
        const user = unit.sessions.get(key);
        // A connection that never logged in also ends with a logout: only a session's end is reported.
        if (!unit.sessions.delete(key)) return;
        this.session(unit, 'logout', parseActor(e.origin, user), e.reason);
        return;
      }
      case 'login-failed':
        this.session(unit, 'login-failed', parseActor(e.origin));
        return;
      case 'refused':
        this.session(unit, 'refused', parseActor(e.origin), e.reason);
        return;
      default:
        // settings and `listening`: the state file and the start's own lines have them
        return;
    }
  }

  private session(
    unit: RunningUnit,
    what: 'login' | 'login-failed' | 'logout' | 'refused',
    actor: Actor,
    reason?: string,
  ) {
    this.events.emit({ type: 'session', unit: unit.name, what, actor, ...(reason !== undefined ? { reason } : {}) });
  }

  /** The actor of an out-of-band switch as its caller gave it; otherwise parsed, with the session's user. */
  private actorOf(unit: RunningUnit, by: string, user?: string): Actor {
    const known = this.outOfBand.get(by);
    if (known) return known;
    return parseActor(by, user ?? unit.sessions.get(sessionKey(by)));
  }

  private record(
    unit: RunningUnit,
    plug: number,
    from: PlugState,
    to: PlugState,
    actor: Actor,
    result: 'ok' | 'ignored',
  ) {
    this.audit.append({ time: new Date().toISOString(), unit: unit.name, plug, from, to, actor, result });
  }

  private freezeOrThaw(unitName: string, plug: number, what: 'freeze' | 'thaw'): PlugView {
    const unit = this.get(unitName);
    this.checkPlug(unit, plug);
    const load = unit.loads.get(plug);
    if (!load) throw new LabError('ENOLOAD', `plug ${plug} of unit '${unit.name}' powers no load`);
    const status = load.view().status;
    const ready = what === 'freeze' ? status === 'alive' : status === 'frozen';
    if (!ready || load.kind === 'exec') {
      throw new LabError(
        'ENOLOAD',
        `plug ${plug} of unit '${unit.name}': its ${load.kind} load is ${status}, so there is nothing to ${what}`,
      );
    }
    if (what === 'freeze') load.freeze();
    else load.thaw();
    return this.plugView(unit, plug);
  }

  private get(name: string): RunningUnit {
    const unit = this.running.get(name);
    if (!unit)
      throw new LabError('ENOUNIT', `no unit '${name}' in this lab (units: ${[...this.running.keys()].join(', ')})`);
    return unit;
  }

  private checkPlug(unit: RunningUnit, plug: number): void {
    if (plugState(unit, plug) === undefined) {
      const count = unit.host.kind.table(unit.host.device).all().length;
      throw new LabError('ENOPLUG', `unit '${unit.name}' has no plug ${plug} (plugs 1 to ${count})`);
    }
  }

  private view(unit: RunningUnit): UnitView {
    const { host } = unit;
    return {
      name: unit.name,
      model: host.config.model,
      family: unit.kind.label,
      reach: host.describe(),
      faults: [...(host.device.faults as Set<string>)].map(labFaultName),
      knownFaults: knownFaults(unit.kind),
      plugs: host.kind
        .table(host.device)
        .all()
        .map((p: { number: number }) => this.plugView(unit, p.number)),
      sessions: unit.sessions.size,
    };
  }

  private plugView(unit: RunningUnit, plug: number): PlugView {
    const row = unit.host.kind
      .table(unit.host.device)
      .all()
      .find((p: { number: number }) => p.number === plug) as { name: string | null; state: PlugState };
    const load = unit.loads.get(plug);
    return {
      unit: unit.name,
      plug,
      name: row.name,
      state: row.state,
      ...(load ? { load: load.view() } : {}),
      lastActor: unit.lastActor.get(plug) ?? null,
    };
  }
}

function plugState(unit: RunningUnit, plug: number): PlugState | undefined {
  return unit.host.kind
    .table(unit.host.device)
    .all()
    .find((p: { number: number }) => p.number === plug)?.state;
}

/** A unit's password from its file (one trailing line end is the editor's); never logged. */
function readPasswordFile(file: string, at: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`${at}: cannot read 'passwordFile' ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export type { LabEvent };
