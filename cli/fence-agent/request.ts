import type { DriverRegistration, DriverSettings } from '../../src/driver-registration.js';
import { UsageError } from '../../src/errors.js';
import { ACTIONS, type AgentAction, type OptionEntry } from './options.js';

/**
 * From the parsed options to what the agent will do: the action, the driver,
 * its DriverSettings, the plugs and the timing. Every check fence-agents makes
 * before it connects is made here, so `validate-all` is just this function.
 * Messages are fence-agents' where it has one.
 */
export interface AgentRequest {
  action: AgentAction;
  driver: DriverRegistration;
  settings: DriverSettings;
  /** Empty for list, list-status and monitor; ['1'] for a one-server board left without a plug. */
  plugs: string[];
  delayMs: number;
  powerWaitMs: number;
  /** Attempts of a power-on. */
  attemptsOn: number;
  separator: string;
}

export function actionOf(values: Map<string, string>): AgentAction {
  const raw = (values.get('action') ?? 'reboot').toLowerCase();
  const action = raw === 'meta-data' ? 'metadata' : raw;
  if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Unrecognised action '${raw}'`);
  return action as AgentAction;
}

function integer(values: Map<string, string>, name: string, fallback: number, min = 0): number {
  const raw = values.get(name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} '${raw}' is not a number of at least ${min}`);
  return n;
}

export function resolveRequest(
  values: Map<string, string>,
  table: readonly OptionEntry[],
  findDriver: (name: string) => DriverRegistration,
  password: string | undefined,
  warn: (message: string) => void,
): AgentRequest {
  const action = actionOf(values);
  const driverName = values.get('driver');
  if (driverName === undefined || driverName === '')
    throw new UsageError('You have to choose a driver (driver=wti, apc, …)');
  const driver = findDriver(driverName);

  const host = values.get('ip') || undefined;
  const serial = values.get('serial_port') || undefined;
  if (serial !== undefined && !driver.transports.includes('serial')) {
    throw new UsageError(
      `the ${driver.name} driver has no serial transport (serial_port is for ${driverName === 'wti' ? 'it' : 'wti'})`,
    );
  }
  if (host === undefined && serial === undefined) throw new UsageError('You have to enter fence address');
  if (host !== undefined && serial !== undefined) throw new UsageError('give either ip or serial_port, not both');

  const extra: DriverSettings['extra'] = {};
  for (const o of driver.options) {
    const v = values.get(o.agentName);
    if (v === undefined) continue;
    if (o.kind === 'boolean') {
      extra[o.key] = true;
      continue;
    }
    if (o.choices && !o.choices.some((c) => c.toLowerCase() === v.toLowerCase())) {
      throw new UsageError(`${o.agentName} '${v}' is not one of ${o.choices.join(', ')}`);
    }
    extra[o.key] = o.choices?.find((c) => c.toLowerCase() === v.toLowerCase()) ?? v;
  }
  for (const [name] of values) {
    const entry = table.find((e) => e.option.name === name);
    if (entry?.driverOptions && !entry.driverOptions.some((d) => d.driver === driver.name)) {
      // Harmless, as fence-agents takes every common option for every agent; said so it is not a surprise.
      warn(
        `${name} is ignored by the ${driver.name} driver (it is for ${entry.driverOptions.map((d) => d.driver).join(', ')})`,
      );
    }
  }

  const username = values.get('username') || driver.username.default;
  if (driver.username.required && username === undefined) throw new UsageError('You have to set login name');

  const probe: DriverSettings = { host, serial, extra };
  const transport = driver.transportOf(probe);
  const port = values.has('ipport') ? integer(values, 'ipport', 0, 1) : driver.defaultPort[transport];
  if (port !== undefined && !(Number.isInteger(port) && port < 65536))
    throw new UsageError(`ipport '${values.get('ipport')}' is not a port number`);

  const separator = values.get('plug_separator') || ',';
  const plugText = values.get('plug') ?? '';
  let plugs =
    plugText === ''
      ? []
      : plugText
          .split(separator)
          .map((p) => p.trim())
          .filter((p) => p !== '');
  const needsPlug = action === 'on' || action === 'off' || action === 'reboot' || action === 'status';
  if (needsPlug && plugs.length === 0) {
    if (driver.singleServer) plugs = ['1'];
    else throw new UsageError('You have to enter plug number or machine identification');
  }
  if (!needsPlug) plugs = [];

  const loginS = integer(values, 'login_timeout', 5);
  const powerS = integer(values, 'power_timeout', 20);
  const shellS = integer(values, 'shell_timeout', 3);
  const powerWaitS = integer(values, 'power_wait', 0);
  // One budget per operation, as large as the phases fence-agents would allow in turn;
  // a reboot switches twice.
  const budgetS = loginS + shellS + powerWaitS + powerS * (action === 'reboot' ? 2 : 1);

  return {
    action,
    driver,
    settings: {
      host,
      port: serial === undefined ? port : undefined,
      serial,
      baud: serial === undefined ? undefined : integer(values, 'baud', 9600, 1),
      username,
      password,
      timeoutMs: budgetS * 1000,
      extra,
    },
    plugs,
    delayMs: integer(values, 'delay', 0) * 1000,
    powerWaitMs: powerWaitS * 1000,
    attemptsOn: Math.max(1, integer(values, 'retry_on', 1)),
    separator: values.get('separator') || ',',
  };
}
