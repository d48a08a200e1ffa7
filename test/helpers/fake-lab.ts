import type { PlugState, Timestamped } from '../../emulator/events.js';
import type { AdminLab, PlugAction } from '../../emulator/lab/admin/admin-lab.js';
import type { Actor, LabEvent, LoadStatus, PlugView, UnitView } from '../../emulator/lab/types.js';
import { WTI_FAULTS } from '../../emulator/wti/wti-device.js';
import { type RunningWti, startWti } from './emulator.js';

/**
 * A small stand-in for class Lab (emulator/lab/lab.ts) with the methods the
 * admin server uses: real WTI units (so the real fence_wti can switch them and
 * faults act on them as in the lab), loads that are only a status (a plug OFF
 * marks its load dead, ON alive). The admin API and page tests run against it;
 * the browser test runs the real Lab.
 */
export class FakeLabError extends Error {
  constructor(
    readonly code: 'ENOUNIT' | 'ENOPLUG' | 'ENOFAULT' | 'ENOLOAD' | 'EBADREQUEST',
    message: string,
  ) {
    super(message);
  }
}

interface FakeUnit {
  name: string;
  wti: RunningWti;
  loads: Map<number, { status: LoadStatus; pid: number }>;
  lastActor: Map<number, Actor>;
  state: Map<number, PlugState>;
  sessions: number;
}

export interface FakeUnitSpec {
  name: string;
  listen: string;
  password: string;
  plugs?: { number: number; name: string }[];
  /** Plugs with a load (alive while ON). */
  loads?: number[];
}

export class FakeLab implements AdminLab {
  private readonly list: FakeUnit[] = [];
  private readonly history: LabEvent[] = [];
  private readonly listeners = new Set<(e: LabEvent) => void>();
  private nextId = 1;
  /** The actor of an API switch in progress, so the device's plug events carry it whole (token name included). */
  private apiActor: Actor | null = null;

  readonly events = {
    subscribe: (fn: (e: LabEvent) => void): (() => void) => {
      this.listeners.add(fn);
      return () => this.listeners.delete(fn);
    },
    since: (id: number): LabEvent[] => this.history.filter((e) => e.id > id),
  };

  /** Subscribers of the event stream now (an SSE client that left must not stay among them). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  static async start(specs: FakeUnitSpec[]): Promise<FakeLab> {
    const lab = new FakeLab();
    for (const spec of specs) await lab.add(spec);
    lab.emit({ type: 'lab', what: 'started' });
    return lab;
  }

  private async add(spec: FakeUnitSpec): Promise<void> {
    const wti = await startWti({ listen: spec.listen, password: spec.password, plugs: spec.plugs ?? [], bootDelay: 0 });
    const unit: FakeUnit = {
      name: spec.name,
      wti,
      loads: new Map((spec.loads ?? []).map((plug, i) => [plug, { status: 'alive', pid: 40000 + i }])),
      lastActor: new Map(),
      state: new Map(wti.emulator.device.bank.all().map((o) => [o.number, o.state])),
      sessions: 0,
    };
    this.list.push(unit);
    wti.bus.subscribe((e) => this.fromDevice(unit, e));
  }

  units(): UnitView[] {
    return this.list.map((u) => this.view(u));
  }

  unit(name: string): UnitView {
    return this.view(this.find(name));
  }

  async setPlug(unit: string, plug: number, action: PlugAction, actor: Actor): Promise<PlugView> {
    const u = this.find(unit);
    this.plugOf(u, plug);
    this.apiActor = actor;
    try {
      const bank = u.wti.emulator.device.bank;
      if (action === 'reboot') await bank.switch([plug], 'boot', `api ${actor.peer}`);
      else bank.force(plug, action === 'on' ? 'ON' : 'OFF', `api ${actor.peer}`);
    } finally {
      this.apiActor = null;
    }
    return this.plugView(u, plug);
  }

  setFault(unit: string, fault: string, active: boolean, actor: Actor): UnitView {
    const u = this.find(unit);
    if (!(WTI_FAULTS as readonly string[]).includes(fault)) {
      throw new FakeLabError('ENOFAULT', `${unit} takes no fault '${fault}' (its faults: ${WTI_FAULTS.join(', ')})`);
    }
    const faults = u.wti.emulator.device.faults as Set<string>;
    if (faults.has(fault) !== active) {
      if (active) faults.add(fault);
      else faults.delete(fault);
      this.emit({ type: 'fault', unit, fault, active, actor });
    }
    return this.view(u);
  }

  freeze(unit: string, plug: number, _actor: Actor): PlugView {
    return this.signal(unit, plug, 'frozen');
  }

  thaw(unit: string, plug: number, _actor: Actor): PlugView {
    return this.signal(unit, plug, 'alive');
  }

  async stop(): Promise<void> {
    for (const u of this.list) await u.wti.stop();
  }

  private signal(unit: string, plug: number, status: LoadStatus): PlugView {
    const u = this.find(unit);
    this.plugOf(u, plug);
    const load = u.loads.get(plug);
    if (!load || (load.status !== 'alive' && load.status !== 'frozen')) {
      throw new FakeLabError('ENOLOAD', `plug ${plug} of ${unit} has no running load`);
    }
    this.setLoad(u, plug, status);
    return this.plugView(u, plug);
  }

  private fromDevice(u: FakeUnit, e: Timestamped): void {
    if (e.type === 'plug') {
      const from = u.state.get(e.plug) ?? 'OFF';
      u.state.set(e.plug, e.state);
      const actor = e.by.startsWith('api ') && this.apiActor ? this.apiActor : actorOf(e.by, e.user);
      u.lastActor.set(e.plug, actor);
      this.emit({ type: 'plug', unit: u.name, plug: e.plug, name: e.name, from, to: e.state, actor });
      if (u.loads.has(e.plug)) this.setLoad(u, e.plug, e.state === 'ON' ? 'alive' : 'dead');
    } else if (e.type === 'switch-ignored') {
      const actor = actorOf(e.by, e.user);
      this.emit({
        type: 'switch-ignored',
        unit: u.name,
        plug: e.plug,
        requested: e.requested,
        actor,
        reason: e.reason,
      });
    } else if (e.type === 'login') {
      u.sessions++;
      this.emit({ type: 'session', unit: u.name, what: 'login', actor: actorOf(e.origin, e.user ?? e.mode) });
    } else if (e.type === 'login-failed') {
      this.emit({ type: 'session', unit: u.name, what: 'login-failed', actor: actorOf(e.origin) });
    } else if (e.type === 'logout') {
      u.sessions = Math.max(0, u.sessions - 1);
      this.emit({ type: 'session', unit: u.name, what: 'logout', actor: actorOf(e.origin), reason: e.reason });
    }
  }

  private setLoad(u: FakeUnit, plug: number, status: LoadStatus): void {
    const load = u.loads.get(plug);
    if (!load) return;
    load.status = status;
    this.emit({ type: 'load', unit: u.name, plug, status, ...(status === 'alive' ? { pid: load.pid } : {}) });
  }

  private emit(e: DistributiveOmit<LabEvent, 'id' | 'time'>): void {
    const event = { ...e, id: this.nextId++, time: new Date().toISOString() } as LabEvent;
    this.history.push(event);
    if (this.history.length > 1000) this.history.shift();
    for (const fn of this.listeners) fn(event);
  }

  private find(name: string): FakeUnit {
    const u = this.list.find((x) => x.name === name);
    if (!u) throw new FakeLabError('ENOUNIT', `no unit '${name}' in this lab`);
    return u;
  }

  private plugOf(u: FakeUnit, plug: number): void {
    if (!u.wti.emulator.device.bank.get(plug)) throw new FakeLabError('ENOPLUG', `${u.name} has no plug ${plug}`);
  }

  private plugView(u: FakeUnit, plug: number): PlugView {
    const o = u.wti.emulator.device.bank.get(plug);
    if (!o) throw new FakeLabError('ENOPLUG', `${u.name} has no plug ${plug}`);
    const load = u.loads.get(plug);
    return {
      unit: u.name,
      plug,
      name: o.name || null,
      state: o.state,
      ...(load
        ? {
            load: {
              kind: 'process' as const,
              status: load.status,
              ...(load.status === 'alive' ? { pid: load.pid } : {}),
            },
          }
        : {}),
      lastActor: u.lastActor.get(plug) ?? null,
    };
  }

  private view(u: FakeUnit): UnitView {
    return {
      name: u.name,
      model: 'ips800',
      family: 'WTI',
      reach: [`telnet ${u.wti.host} ${u.wti.port}`],
      faults: [...u.wti.emulator.device.faults],
      knownFaults: [...WTI_FAULTS],
      plugs: u.wti.emulator.device.bank.all().map((o) => this.plugView(u, o.number)),
      sessions: u.sessions,
    };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** "telnet 127.0.0.1:40112" → { protocol: telnet, peer: 127.0.0.1:40112 }. */
function actorOf(by: string, user?: string): Actor {
  const [protocol = 'lab', ...rest] = by.split(' ');
  return { protocol, ...(rest.length ? { peer: rest.join(' ') } : {}), ...(user ? { user } : {}) };
}
