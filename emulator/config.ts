import type { ApcFirmware, ApcModel, ApcRole } from './apc/apc-device.js';
import { checkSnmpUsers, type SnmpUserConfig } from './apc/snmp-users.js';
import type { PlugState } from './events.js';
import type { IloModel } from './ilo/ilo-device.js';
import { NAME_MAX, type WtiModel } from './wti/personality.js';

/**
 * Emulator settings, one type per model family, as `--config FILE` holds them
 * and as the command-line flags override them. Which keys a family takes is
 * listed once, in models.ts; the values are checked here, so a typo fails at
 * start with the key named.
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

/** What every family takes. */
interface CommonConfig {
  password?: string | null;
  plugs?: PlugConfig[];
  state?: string;
  /** Seconds without input before a session is dropped. */
  idleTimeout?: number;
  /** Faults switched on from the start (the model kind's list, see models.ts). */
  faults?: string[];
  /** Show the live console view (default: when stdout is a terminal). */
  console?: boolean;
}

/** A WTI IPS-800 or NPS: telnet and a serial line; the system password, site ID and plug settings. */
export interface WtiConfig extends CommonConfig {
  model: WtiModel;
  /** HOST:PORT for telnet; null turns telnet off. */
  listen: string | null;
  serial?: string;
  baud?: number;
  siteId?: string | null;
  /** Seconds, for every plug not given its own. */
  bootDelay?: number;
  confirm?: boolean;
}

/** An APC card: telnet, SSH and SNMP at once; one user, its role, and the SNMP write community. */
export interface ApcConfig extends CommonConfig {
  model: ApcModel;
  listen: string | null;
  ssh?: string | null;
  /** HOST:PORT (UDP). */
  snmp?: string | null;
  /** 2.7 (menu) or 6.4 (apc> CLI). */
  firmware?: ApcFirmware;
  username?: string;
  role?: ApcRole;
  community?: string;
  /** SNMPv3 (USM) users; flags add one, replacing a user of the same name (apc/snmp-users.ts). */
  snmpUsers?: SnmpUserConfig[];
  /** Number of outlets (default 24 for a Rack PDU, 8 for a MasterSwitch). */
  outlets?: number;
  /** Sessions the card takes at once over telnet and SSH together. */
  maxSessions?: number;
  /**
   * AP9211 only: put a telnet client's `Escape character is '^]'.` line in
   * front of the card's telnet output, as a terminal server between
   * cluster-glue's apcmaster and the card would. The card never prints it.
   */
  telnetClientGreeting?: boolean;
  /** The card's name on the banner. */
  siteId?: string | null;
  bootDelay?: number;
}

/** An HP iLO: raw RIBCL over TLS, HTTPS (RIBCL over HTTP, Redfish) and SMASH CLP over SSH; no telnet. */
export interface IloConfig extends CommonConfig {
  model: IloModel;
  /** An iLO serves no telnet: only null (as `--no-telnet` gives) is accepted at start. */
  listen?: string | null;
  /** HOST:PORT for raw RIBCL over TLS (iLO 2 style, port 443 on the real board). */
  tls?: string | null;
  /** HOST:PORT for TLS answering raw RIBCL and HTTP (RIBCL over HTTP, Redfish), iLO 3 and later. */
  https?: string | null;
  ssh?: string | null;
  /** PEM certificate and key files for tls/https (default: made and kept beside the state file). */
  cert?: string;
  key?: string;
  /** Seconds between a power command (or button press) and the server's state changing. */
  transition?: number;
  username?: string;
  /** SSH sessions at once. */
  maxSessions?: number;
}

/** The settings of one unit: its model says which family's keys it may hold. */
export type UnitConfig = WtiConfig | ApcConfig | IloConfig;

/**
 * Every key of every family, as a config file may hold them before its model is
 * known. A unit refuses the keys of another family when it starts (models.ts).
 */
export type EmulatorConfig = Omit<WtiConfig, 'model'> &
  Omit<ApcConfig, 'model'> &
  Omit<IloConfig, 'model' | 'listen'> & { model: Model };

export type SettingKey = Exclude<keyof EmulatorConfig, 'model'>;

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

type Check = (value: unknown) => string | null;

const address: Check = (v) => (v === null || typeof v === 'string' ? null : 'HOST:PORT or null');
const text: Check = (v) => (v === null || typeof v === 'string' ? null : 'a string');
const seconds: Check = (v) => (typeof v === 'number' && v >= 0 ? null : 'a number ≥ 0');
const count: Check = (v) => (Number.isInteger(v) && (v as number) >= 1 ? null : 'a whole number ≥ 1');
const flag: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const oneOf =
  (values: string[], want: string): Check =>
  (v) =>
    values.includes(v as string) ? null : want;

/**
 * Every setting: the flag that gives it on the command line, and the check of
 * its value. `plugs`, `snmpUsers`, `faults` and `model` are checked on their
 * own (plug lists, USM users, the model kind's faults, the list of models).
 */
export const SETTINGS: Record<SettingKey, { flag: string; check: Check }> = {
  listen: { flag: '--listen', check: address },
  password: { flag: '--password', check: text },
  siteId: { flag: '--site-id', check: text },
  plugs: { flag: '--plug', check: () => null },
  bootDelay: { flag: '--boot-delay', check: seconds },
  serial: { flag: '--serial', check: text },
  baud: { flag: '--baud', check: seconds },
  state: { flag: '--state', check: text },
  idleTimeout: { flag: '--idle-timeout', check: seconds },
  confirm: { flag: '(no flag)', check: flag },
  console: { flag: '--console', check: flag },
  faults: {
    flag: '--fault',
    check: (v) => (Array.isArray(v) && v.every((f) => typeof f === 'string') ? null : 'a list of fault names'),
  },
  firmware: { flag: '--firmware', check: oneOf(['2.7', '6.4'], '2.7 or 6.4') },
  ssh: { flag: '--ssh', check: address },
  snmp: { flag: '--snmp', check: address },
  username: { flag: '--username', check: text },
  role: { flag: '--role', check: oneOf(['admin', 'device', 'outlet'], 'admin, device or outlet') },
  community: { flag: '--community', check: text },
  snmpUsers: { flag: '--snmp-user', check: () => null },
  outlets: { flag: '--outlets', check: count },
  maxSessions: { flag: '--max-sessions', check: count },
  telnetClientGreeting: { flag: 'telnetClientGreeting (config file only)', check: flag },
  tls: { flag: '--tls', check: address },
  https: { flag: '--https', check: address },
  cert: { flag: '--cert', check: text },
  key: { flag: '--key', check: text },
  transition: { flag: '--transition', check: seconds },
};

/** Addresses a front-end listens on; null turns it off. */
export const ADDRESS_KEYS = ['listen', 'ssh', 'snmp', 'tls', 'https'] as const;

/**
 * Checks the values of a config file (or of the flags gathered as one): every
 * key known to some family, every value of its type. Whether the keys belong
 * to the chosen model is checked once the model is known (models.ts).
 */
export function validateConfig(raw: unknown, source: string): Partial<EmulatorConfig> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected a JSON object`);
  }
  const c = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(c)) {
    if (key === 'model') continue;
    const setting = (SETTINGS as Record<string, (typeof SETTINGS)[SettingKey]>)[key];
    if (!setting) throw new ConfigError(`${source}: unknown setting '${key}'`);
    if (value === undefined) continue;
    const want = setting.check(value);
    if (want) throw new ConfigError(`${source}: '${key}' must be ${want}`);
  }
  if (c.telnetClientGreeting === true && c.model !== undefined && c.model !== 'apc-masterswitch') {
    throw new ConfigError(
      `${source}: 'telnetClientGreeting' is used only with model apc-masterswitch (a telnet client's line, for the AP9211)`,
    );
  }
  for (const key of ADDRESS_KEYS) {
    if (typeof c[key] === 'string') parseHostPort(c[key] as string, `${source}: ${key}`);
  }
  if (c.plugs !== undefined) c.plugs = normalisePlugs(c.plugs, source);
  if (c.snmpUsers !== undefined) c.snmpUsers = checkSnmpUsers(c.snmpUsers, source);
  return c as Partial<EmulatorConfig>;
}

/** Plugs as `{"1": "pete"}` or `[{"number": 1, "name": "pete", …}]`. */
function normalisePlugs(raw: unknown, source: string): PlugConfig[] {
  if (raw === null || typeof raw !== 'object') throw new ConfigError(`${source}: 'plugs' must be a list or an object`);
  if (!Array.isArray(raw)) {
    for (const key of Object.keys(raw)) {
      if (!/^\d+$/.test(key)) throw new ConfigError(`${source}: plugs key '${key}' is not a plug number`);
    }
  }
  const list: unknown[] = Array.isArray(raw)
    ? raw
    : Object.entries(raw).map(([n, name]) => ({ number: Number(n), name }));
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
    if (p.name?.includes('|'))
      throw new ConfigError(`plug ${p.number}: a name cannot hold '|' (it splits the status table)`);
  }
}
