import type { ApcModel } from '../../emulator/apc/apc-device.js';
import { ApcEmulator, type ApcEmulatorOptions } from '../../emulator/apc-emulator.js';
import type { EmulatorConfig } from '../../emulator/config.js';
import { EventBus, type Timestamped } from '../../emulator/events.js';
import type { IloModel } from '../../emulator/ilo/ilo-device.js';
import { IloEmulator, type IloEmulatorOptions } from '../../emulator/ilo-emulator.js';

/**
 * APC and iLO emulators for a test, in process, on one loopback address (see
 * ADDRESSES.md). Name the front-ends wanted with their port (0: any free
 * port); the answer carries the bound ports, every event since the start and
 * the bus, for `untilEvent`. The WTI counterpart is `startWti` in emulator.ts.
 *
 *   const apc = await startApc('127.0.0.140', { telnet: 0, ssh: 0, firmware: '6.4' });
 *   const ilo = await startIlo('127.0.0.186', { ssh: 0, transition: 2 });
 */
export interface RunningUnit<E, F extends string> {
  emulator: E;
  bus: EventBus;
  /** The loopback address every front-end listens on. */
  host: string;
  /** The first front-end's port: telnet, ssh, snmp for an APC; tls, https, ssh for an iLO (0 if none). */
  port: number;
  ports: Partial<Record<F, number>>;
  events: Timestamped[];
  stop(): Promise<void>;
}

/** The settings, less the listen addresses, which the front-end ports replace. */
type Settings = Omit<EmulatorConfig, 'model' | 'listen' | 'ssh' | 'snmp' | 'tls' | 'https'>;
type Extra<O> = Omit<O, 'config'>;

export type ApcFront = 'telnet' | 'ssh' | 'snmp';
export type RunningApc = RunningUnit<ApcEmulator, ApcFront>;

/** An APC card (default: Rack PDU, AOS 2.7, user apc/apc). */
export async function startApc(
  host: string,
  opts: Partial<Settings> & { model?: ApcModel } & Partial<Record<ApcFront, number>>,
  extra: Extra<ApcEmulatorOptions> = {},
): Promise<RunningApc> {
  const { telnet, ssh, snmp, model = 'apc-rackpdu', ...settings } = opts;
  const { bus, events } = listen(extra.bus);
  const at = (port: number | undefined) => (port === undefined ? null : `${host}:${port}`);
  const emulator = await ApcEmulator.start({
    ...extra,
    bus,
    config: {
      model,
      username: 'apc',
      password: 'apc',
      ...settings,
      listen: at(telnet),
      ssh: at(ssh),
      snmp: at(snmp),
    },
  });
  const ports = bound<ApcFront>({
    telnet: emulator.telnet?.address.port,
    ssh: emulator.ssh?.address.port,
    snmp: emulator.snmp?.address.port,
  });
  return running(emulator, bus, host, ports, events);
}

export type IloFront = 'tls' | 'https' | 'ssh';
export type RunningIlo = RunningUnit<IloEmulator, IloFront>;

/** An iLO board (default: iLO 4, user admin/pw). */
export async function startIlo(
  host: string,
  opts: Partial<Settings> & { model?: IloModel } & Partial<Record<IloFront, number>>,
  extra: Extra<IloEmulatorOptions> = {},
): Promise<RunningIlo> {
  const { tls, https, ssh, model = 'ilo4', ...settings } = opts;
  const { bus, events } = listen(extra.bus);
  const at = (port: number | undefined) => (port === undefined ? null : `${host}:${port}`);
  const emulator = await IloEmulator.start({
    ...extra,
    bus,
    config: {
      model,
      username: 'admin',
      password: 'pw',
      ...settings,
      listen: null,
      tls: at(tls),
      https: at(https),
      ssh: at(ssh),
    },
  });
  const ports = bound<IloFront>({
    tls: emulator.tls?.address.port,
    https: emulator.https?.address.port,
    ssh: emulator.ssh?.address.port,
  });
  return running(emulator, bus, host, ports, events);
}

function listen(given: EventBus | undefined): { bus: EventBus; events: Timestamped[] } {
  const bus = given ?? new EventBus(1000);
  const events: Timestamped[] = [];
  bus.subscribe((e) => events.push(e));
  return { bus, events };
}

function bound<F extends string>(all: Record<F, number | undefined>): Partial<Record<F, number>> {
  return Object.fromEntries(Object.entries(all).filter(([, port]) => port !== undefined)) as Partial<Record<F, number>>;
}

function running<E extends { stop(): Promise<void> }, F extends string>(
  emulator: E,
  bus: EventBus,
  host: string,
  ports: Partial<Record<F, number>>,
  events: Timestamped[],
): RunningUnit<E, F> {
  const first = Object.values<number | undefined>(ports)[0];
  return { emulator, bus, host, port: first ?? 0, ports, events, stop: () => emulator.stop() };
}

/**
 * Back to how a test expects to find the card: no fault, no delayed command
 * pending, the outlets in `off` off and every other one on. For files that
 * share one emulator between tests, so each test passes alone or after any other.
 */
export function resetApc(apc: RunningApc, off: readonly number[] = []): void {
  const d = apc.emulator.device;
  d.faults.clear();
  const all = d.bank.all().map((o) => o.number);
  d.cancelLater(all);
  for (const n of all) d.bank.force(n, off.includes(n) ? 'OFF' : 'ON', 'test');
}

/** The iLO counterpart: no fault, no power change pending, the server in `power`. */
export function resetIlo(ilo: RunningIlo, power: 'ON' | 'OFF' = 'ON'): void {
  const d = ilo.emulator.device;
  d.faults.clear();
  d.stop();
  d.load({ power });
}
