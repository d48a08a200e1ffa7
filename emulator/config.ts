import type { PlugState } from './events.js';
import { isWtiModel, NAME_MAX, type WtiModel } from './wti/personality.js';
import type { ApcFirmware, ApcModel, ApcRole } from './apc/apc-device.js';
import { ILO_FAULTS, ILO_MODELS, type IloModel, isIloModel } from './ilo/ilo-device.js';
import { WTI_FAULTS } from './wti/wti-device.js';

/**
 * Emulator settings, as `--config FILE` holds them and as the command-line
 * flags override them. Validated here so a typo fails at start, with the key named.
 */
export interface PlugConfig {
  number: number;
  name?: string | null;
  password?: string | null;
  /** Seconds. */
  bootDelay?: number;
  default?: PlugState;
}

export type Model = WtiModel | ApcModel | IloModel;
export const APC_MODELS: readonly ApcModel[] = ['apc-rackpdu', 'apc-masterswitch'];
export const MODELS: readonly Model[] = ['ips800', 'nps', ...APC_MODELS, ...ILO_MODELS];

export function isApcModel(model: string): model is ApcModel {
  return (APC_MODELS as readonly string[]).includes(model);
}

export interface EmulatorConfig {
  model: Model;
  /** HOST:PORT for telnet; null turns telnet off. */
  listen: string | null;
  password?: string | null;
  siteId?: string | null;
  plugs?: PlugConfig[];
  /** Seconds, for every plug not given its own. */
  bootDelay?: number;
  serial?: string;
  baud?: number;
  state?: string;
  /** Seconds without input before a session is dropped. */
  idleTimeout?: number;
  confirm?: boolean;
  /** APC: the card's firmware, 2.7 (menu) or 6.4 (apc> CLI). */
  firmware?: ApcFirmware;
  /** APC: HOST:PORT for SSH and for SNMP (UDP). */
  ssh?: string | null;
  snmp?: string | null;
  /** APC: the user name, its role, and the SNMP write community. */
  username?: string;
  role?: ApcRole;
  community?: string;
  /** APC: number of outlets (default 24 for a Rack PDU, 8 for a MasterSwitch). */
  outlets?: number;
  /**
   * APC AP9211 only: put a telnet client's `Escape character is '^]'.` line in
   * front of the card's telnet output, as a terminal server between
   * cluster-glue's apcmaster and the card would. The card never prints it.
   */
  telnetClientGreeting?: boolean;
  /** Sessions the unit takes at once over telnet and SSH together. */
  maxSessions?: number;
  /** Faults switched on from the start (see WTI_FAULTS). */
  faults?: string[];
  /** Show the live console view (default: when stdout is a terminal). */
  console?: boolean;
  /** iLO: HOST:PORT for raw RIBCL over TLS (iLO 2 style, port 443 on the real board). */
  tls?: string | null;
  /** iLO: HOST:PORT for TLS answering raw RIBCL and HTTP (RIBCL over HTTP, Redfish), iLO 3 and later. */
  https?: string | null;
  /** iLO: PEM certificate and key files for tls/https (default: made and kept beside the state file). */
  cert?: string;
  key?: string;
  /** iLO: seconds between a power command (or button press) and the server's state changing. */
  transition?: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:2323';

export class ConfigError extends Error {}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (host 127.0.0.1). */
export function parseHostPort(text: string, what = 'address'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new ConfigError(`${what} '${text}' is not HOST:PORT`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** `N=NAME` from --plug. */
export function parsePlugFlag(text: string): PlugConfig {
  const m = /^(\d+)=(.*)$/.exec(text);
  if (!m || Number(m[1]) < 1) throw new ConfigError(`--plug '${text}' is not N=NAME with N a plug number`);
  return { number: Number(m[1]), name: m[2] === '' ? null : m[2] };
}

/** Every fault some model knows; which model takes which is checked when the unit starts (faultsOf). */
const KNOWN_FAULTS: readonly string[] = [...new Set<string>([...WTI_FAULTS, ...ILO_FAULTS])];

/** The faults a model can be given. */
export function faultsOf(model: Model): readonly string[] {
  return isIloModel(model) ? ILO_FAULTS : WTI_FAULTS;
}

export function validateConfig(raw: unknown, source: string): Partial<EmulatorConfig> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected a JSON object`);
  }
  const known = new Set([
    'model', 'listen', 'password', 'siteId', 'plugs', 'bootDelay', 'serial', 'baud', 'state', 'idleTimeout', 'confirm', 'console', 'faults',
    'firmware', 'ssh', 'snmp', 'username', 'role', 'community', 'outlets', 'maxSessions', 'telnetClientGreeting',
    'tls', 'https', 'cert', 'key', 'transition',
  ]);
  const c = raw as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!known.has(key)) throw new ConfigError(`${source}: unknown setting '${key}'`);
  const fail = (key: string, want: string) => {
    throw new ConfigError(`${source}: '${key}' must be ${want}`);
  };
  const knownModel = (m: string) => isWtiModel(m) || isApcModel(m) || isIloModel(m);
  if (c.model !== undefined && (typeof c.model !== 'string' || !knownModel(c.model))) {
    fail('model', MODELS.join(', '));
  }
  for (const key of ['listen', 'ssh', 'snmp', 'tls', 'https'] as const) {
    if (c[key] === undefined || c[key] === null) continue;
    if (typeof c[key] !== 'string') fail(key, 'HOST:PORT or null');
    parseHostPort(c[key] as string, `${source}: ${key}`);
  }
  if (c.firmware !== undefined && c.firmware !== '2.7' && c.firmware !== '6.4') fail('firmware', '2.7 or 6.4');
  if (c.role !== undefined && !['admin', 'device', 'outlet'].includes(c.role as string)) fail('role', 'admin, device or outlet');
  for (const key of ['outlets', 'maxSessions'] as const) {
    if (c[key] !== undefined && !(Number.isInteger(c[key]) && (c[key] as number) >= 1)) fail(key, 'a whole number ≥ 1');
  }
  for (const key of ['password', 'siteId', 'serial', 'state', 'username', 'community', 'cert', 'key'] as const) {
    if (c[key] !== undefined && c[key] !== null && typeof c[key] !== 'string') fail(key, 'a string');
  }
  for (const key of ['bootDelay', 'baud', 'idleTimeout', 'transition'] as const) {
    if (c[key] !== undefined && (typeof c[key] !== 'number' || (c[key] as number) < 0)) fail(key, 'a number ≥ 0');
  }
  for (const key of ['confirm', 'console', 'telnetClientGreeting'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') fail(key, 'true or false');
  }
  if (c.telnetClientGreeting === true && c.model !== undefined && c.model !== 'apc-masterswitch') {
    fail('telnetClientGreeting', "used only with model apc-masterswitch (a telnet client's line, for the AP9211)");
  }
  if (c.faults !== undefined) {
    if (!Array.isArray(c.faults) || !c.faults.every((f) => typeof f === 'string' && KNOWN_FAULTS.includes(f))) {
      fail('faults', `a list of: ${KNOWN_FAULTS.join(', ')}`);
    }
  }
  if (c.plugs !== undefined) c.plugs = normalisePlugs(c.plugs, source);
  return c as Partial<EmulatorConfig>;
}

/** Plugs as `{"1": "pete"}` or `[{"number": 1, "name": "pete", …}]`. */
function normalisePlugs(raw: unknown, source: string): PlugConfig[] {
  if (!Array.isArray(raw) && raw && typeof raw === 'object') {
    for (const key of Object.keys(raw)) {
      if (!/^\d+$/.test(key)) throw new ConfigError(`${source}: plugs key '${key}' is not a plug number`);
    }
  }
  const list: unknown[] = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object'
      ? Object.entries(raw).map(([n, name]) => ({ number: Number(n), name }))
      : [];
  if (!Array.isArray(raw) && (raw === null || typeof raw !== 'object')) {
    throw new ConfigError(`${source}: 'plugs' must be a list or an object`);
  }
  return list.map((p, i) => {
    const where = `${source}: plugs[${i}]`;
    if (!p || typeof p !== 'object') throw new ConfigError(`${where} must be an object`);
    const plug = p as Record<string, unknown>;
    for (const key of Object.keys(plug)) {
      if (!['number', 'name', 'password', 'bootDelay', 'default'].includes(key)) {
        throw new ConfigError(`${where}: unknown setting '${key}'`);
      }
    }
    if (plug.password !== undefined && plug.password !== null && typeof plug.password !== 'string') {
      throw new ConfigError(`${where}: 'password' must be a string`);
    }
    if (plug.bootDelay !== undefined && (typeof plug.bootDelay !== 'number' || plug.bootDelay < 0)) {
      throw new ConfigError(`${where}: 'bootDelay' must be a number of seconds ≥ 0`);
    }
    if (!Number.isInteger(plug.number) || (plug.number as number) < 1) {
      throw new ConfigError(`${where}: 'number' must be a plug number (1 or more)`);
    }
    if (plug.name !== undefined && plug.name !== null && typeof plug.name !== 'string') {
      throw new ConfigError(`${where}: 'name' must be a string`);
    }
    if (plug.default !== undefined && plug.default !== 'ON' && plug.default !== 'OFF') {
      throw new ConfigError(`${where}: 'default' must be ON or OFF`);
    }
    return plug as unknown as PlugConfig;
  });
}

export function checkPlugNames(plugs: PlugConfig[], plugCount: number): void {
  for (const p of plugs) {
    if (p.number > plugCount) throw new ConfigError(`plug ${p.number} does not exist: the unit has ${plugCount}`);
    if (p.number < 1) throw new ConfigError(`plug ${p.number} does not exist: plugs are numbered from 1`);
    if (p.name && p.name.length > NAME_MAX) {
      throw new ConfigError(`plug ${p.number}: name '${p.name}' is longer than ${NAME_MAX} characters`);
    }
    if (p.name?.includes('|')) throw new ConfigError(`plug ${p.number}: a name cannot hold '|' (it splits the status table)`);
  }
}
