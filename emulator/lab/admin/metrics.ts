import { Counter, Gauge, Registry } from 'prom-client';
import type { LabEvent } from '../types.js';
import type { AdminLab } from './admin-lab.js';

/**
 * Prometheus metrics of one lab, in a registry of its own: two labs (or a lab
 * and the host program's own metrics) in one process never share counters.
 * Counters are built from the lab's event stream; gauges are read from the
 * units' views at each scrape, so they can never drift from what the API says.
 */
export class LabMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: () => void;

  constructor(lab: AdminLab) {
    const registers = [this.registry];
    const sessions = new Counter({
      name: 'fencekit_lab_sessions_total',
      help: 'Sessions that logged in, per unit and protocol.',
      labelNames: ['unit', 'protocol'] as const,
      registers,
    });
    const failedLogins = new Counter({
      name: 'fencekit_lab_failed_logins_total',
      help: 'Logins refused for a wrong password, per unit and protocol.',
      labelNames: ['unit', 'protocol'] as const,
      registers,
    });
    const switches = new Counter({
      name: 'fencekit_lab_switch_operations_total',
      help: 'Plug switching: ok when the plug changed, ignored when the unit acknowledged and nothing moved (stuck relay).',
      labelNames: ['unit', 'plug', 'protocol', 'result'] as const,
      registers,
    });
    new Gauge({
      name: 'fencekit_lab_fault_active',
      help: 'Faults of each unit: 1 while active, 0 otherwise (one series per fault the unit can take).',
      labelNames: ['unit', 'fault'] as const,
      registers,
      collect() {
        this.reset();
        for (const unit of lab.units()) {
          for (const fault of new Set([...unit.knownFaults, ...unit.faults])) {
            this.set({ unit: unit.name, fault }, unit.faults.includes(fault) ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: 'fencekit_lab_loads_alive',
      help: 'Loads whose processes live, per unit (a frozen load is alive: it holds its files, it answers nothing; a load fed by several plugs counts on the unit it is declared on).',
      labelNames: ['unit'] as const,
      registers,
      collect() {
        this.reset();
        for (const unit of lab.units()) {
          const alive = unit.plugs.filter(
            (p) => !p.load?.declaredOn && (p.load?.status === 'alive' || p.load?.status === 'frozen'),
          ).length;
          this.set({ unit: unit.name }, alive);
        }
      },
    });
    new Gauge({
      name: 'fencekit_lab_plugs_on',
      help: 'Plugs that are ON, per unit.',
      labelNames: ['unit'] as const,
      registers,
      collect() {
        this.reset();
        for (const unit of lab.units())
          this.set({ unit: unit.name }, unit.plugs.filter((p) => p.state === 'ON').length);
      },
    });
    new Gauge({
      name: 'fencekit_lab_sessions_open',
      help: 'Sessions open now, per unit.',
      labelNames: ['unit'] as const,
      registers,
      collect() {
        this.reset();
        for (const unit of lab.units()) this.set({ unit: unit.name }, unit.sessions);
      },
    });

    const count = (e: LabEvent): void => {
      if (e.type === 'session' && e.what === 'login') {
        sessions.inc({ unit: e.unit, protocol: e.actor.protocol });
      } else if (e.type === 'session' && e.what === 'login-failed') {
        failedLogins.inc({ unit: e.unit, protocol: e.actor.protocol });
      } else if (e.type === 'plug') {
        switches.inc({ unit: e.unit, plug: String(e.plug), protocol: e.actor.protocol, result: 'ok' });
      } else if (e.type === 'switch-ignored') {
        switches.inc({ unit: e.unit, plug: String(e.plug), protocol: e.actor.protocol, result: 'ignored' });
      }
    };
    // What the lab still remembers, then everything from now on, in the same turn (nothing counted twice or lost).
    for (const e of lab.events.since(0)) count(e);
    this.unsubscribe = lab.events.subscribe(count);
  }

  /** The Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.unsubscribe();
    this.registry.clear();
  }
}
