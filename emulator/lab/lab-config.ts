import fs from 'node:fs';
import path from 'node:path';
import { ADDRESS_KEYS, ConfigError, type UnitConfig, validateConfig } from '../config.js';
import { describeJsonSyntax } from '../json-syntax.js';
import { checkUnitConfig, kindOfModel } from '../models.js';
import type { LoadSpec } from './types.js';

/**
 * The lab's config file (docs/lab.md): where it keeps its state, where the
 * admin API listens, and its units. A unit takes the keys `fencekit emulate
 * --config` takes for its model, minus `state` and `console` (the lab keeps
 * each unit's state in its state directory, and has no console view), plus
 * `name`, `passwordFile` and `loads`. Everything is checked before anything
 * listens; a mistake is one line naming the file, the unit and the key.
 */
export interface LabConfig {
  /** Where the config came from, for messages (the file, or what a caller names it). */
  source: string;
  /** The state directory, resolved (`fencekit-lab` beside the config file unless it says). */
  stateDir: string;
  /** The admin API; null turns it off. */
  admin: LabAdminConfig | null;
  units: LabUnitConfig[];
}

export interface LabAdminConfig {
  /** HOST:PORT; 127.0.0.1:8780 unless the config says. */
  listen: string;
  tokenFile?: string;
}

type WithoutLabKeys<T> = T extends unknown ? Omit<T, 'state' | 'console'> : never;

export type LabUnitConfig = WithoutLabKeys<UnitConfig> & {
  /** Unique in the lab, [a-z0-9-]+: the state file's name and the admin API's path. */
  name: string;
  /** The password, read at start (never logged). */
  passwordFile?: string;
  /** What each plug powers, by plug number (an iLO's server is plug 1). */
  loads?: Record<string, LoadSpec>;
};

export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:8780';
export const DEFAULT_STATE_DIR = 'fencekit-lab';

const NAME = /^[a-z0-9-]+$/;
const TOP_KEYS = ['stateDir', 'admin', 'units'];
const LAB_UNIT_KEYS = ['name', 'passwordFile', 'loads'];

/** Read and check a lab config file; relative paths in it are resolved from its folder. */
export function readLabConfig(file: string): LabConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the lab config ${file}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not V8's message (nor the error as a cause): it may quote the text, and a unit's `password` with it.
    throw new ConfigError(`lab config ${file} ${describeJsonSyntax(text)}`);
  }
  return parseLabConfig(raw, file, path.dirname(path.resolve(file)));
}

/** Check a lab config already parsed; `source` names it in messages, `dir` resolves its relative paths. */
export function parseLabConfig(raw: unknown, source: string, dir: string): LabConfig {
  if (!isObject(raw)) throw new ConfigError(`${source}: expected a JSON object`);
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key))
      throw new ConfigError(`${source}: unknown key '${key}' (a lab config has ${TOP_KEYS.join(', ')})`);
  }
  if (raw.stateDir !== undefined && typeof raw.stateDir !== 'string') {
    throw new ConfigError(`${source}: 'stateDir' must be a path`);
  }
  const stateDir = path.resolve(dir, (raw.stateDir as string | undefined) ?? DEFAULT_STATE_DIR);
  const admin = parseAdmin(raw.admin, source, dir);
  if (!Array.isArray(raw.units) || raw.units.length === 0) {
    throw new ConfigError(`${source}: 'units' must be a list of one unit or more`);
  }
  const units = raw.units.map((u, i) => parseUnit(u, `${source}: units[${i}]`, source, dir));
  const seen = new Set<string>();
  for (const u of units) {
    if (seen.has(u.name)) throw new ConfigError(`${source}: unit '${u.name}': 'name' is used by another unit`);
    seen.add(u.name);
  }
  checkAddresses(units, source);
  return { source, stateDir, admin, units };
}

function parseAdmin(raw: unknown, source: string, dir: string): LabAdminConfig | null {
  if (raw === null) return null;
  if (raw === undefined) return { listen: DEFAULT_ADMIN_LISTEN };
  if (!isObject(raw)) throw new ConfigError(`${source}: 'admin' must be an object or null`);
  for (const key of Object.keys(raw)) {
    if (key !== 'listen' && key !== 'tokenFile') throw new ConfigError(`${source}: admin: unknown key '${key}'`);
  }
  if (raw.listen !== undefined && typeof raw.listen !== 'string') {
    throw new ConfigError(`${source}: admin: 'listen' must be HOST:PORT`);
  }
  if (raw.tokenFile !== undefined && typeof raw.tokenFile !== 'string') {
    throw new ConfigError(`${source}: admin: 'tokenFile' must be a path`);
  }
  return {
    listen: (raw.listen as string | undefined) ?? DEFAULT_ADMIN_LISTEN,
    ...(raw.tokenFile ? { tokenFile: path.resolve(dir, raw.tokenFile as string) } : {}),
  };
}

function parseUnit(raw: unknown, where: string, source: string, dir: string): LabUnitConfig {
  if (!isObject(raw)) throw new ConfigError(`${where}: a unit must be an object`);
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(`${where}: 'name' must be lower-case letters, digits and '-' (got ${JSON.stringify(name)})`);
  }
  const at = `${source}: unit '${name}'`;
  for (const key of ['state', 'console']) {
    if (key in raw) {
      throw new ConfigError(
        `${at}: '${key}' is not a lab setting (the lab keeps each unit's state in its state directory)`,
      );
    }
  }
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!LAB_UNIT_KEYS.includes(key)) settings[key] = value;
  if (settings.model === undefined) throw new ConfigError(`${at}: 'model' is missing`);
  const kind = kindOfModel(settings.model, `${at}: 'model'`);
  const checked = validateConfig(settings, at);
  checkUnitConfig(settings.model as string, [
    { settings: checked, name: (key) => (key === 'faults' ? `${at}: fault` : `${at}: '${key}'`) },
  ]);
  if (!kind.serves.some((key) => checked[key])) {
    throw new ConfigError(`${at}: nothing to serve: give ${kind.serves.map((k) => `'${k}'`).join(' or ')}`);
  }
  // Files named in the config are found from the config's folder, wherever the lab was started.
  for (const key of ['serial', 'cert', 'key'] as const) {
    const value = checked[key];
    if (typeof value === 'string' && value !== '') checked[key] = path.resolve(dir, value);
  }
  if (checked.snmpUsers) {
    checked.snmpUsers = checked.snmpUsers.map((u) => ({
      ...u,
      ...(u.authPasswordFile ? { authPasswordFile: path.resolve(dir, u.authPasswordFile) } : {}),
      ...(u.privPasswordFile ? { privPasswordFile: path.resolve(dir, u.privPasswordFile) } : {}),
    }));
  }
  if (raw.passwordFile !== undefined && typeof raw.passwordFile !== 'string') {
    throw new ConfigError(`${at}: 'passwordFile' must be a path`);
  }
  if (raw.passwordFile !== undefined && checked.password !== undefined) {
    throw new ConfigError(`${at}: give either 'password' or 'passwordFile', not both`);
  }
  const unit = { ...checked, name } as LabUnitConfig;
  // A switch's telnet is off unless given: a lab of many units has no one default port.
  if (kind.label !== 'iLO' && unit.listen === undefined) (unit as { listen: string | null }).listen = null;
  if (typeof raw.passwordFile === 'string') unit.passwordFile = path.resolve(dir, raw.passwordFile);
  if (raw.loads !== undefined) unit.loads = parseLoads(raw.loads, at, dir);
  return unit;
}

function parseLoads(raw: unknown, at: string, dir: string): Record<string, LoadSpec> {
  if (!isObject(raw)) throw new ConfigError(`${at}: 'loads' must be an object keyed by plug number`);
  const loads: Record<string, LoadSpec> = {};
  for (const [plug, spec] of Object.entries(raw)) {
    const where = `${at}: loads["${plug}"]`;
    if (!/^[1-9]\d*$/.test(plug)) throw new ConfigError(`${at}: loads key '${plug}' is not a plug number`);
    loads[plug] = parseLoad(spec, where, dir);
  }
  return loads;
}

function parseLoad(raw: unknown, where: string, dir: string): LoadSpec {
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object with 'process', 'exec' or 'node'`);
  const kinds = ['process', 'exec', 'node'].filter((k) => k in raw);
  if (kinds.length !== 1) throw new ConfigError(`${where} must have exactly one of 'process', 'exec' or 'node'`);
  const kind = kinds[0] as 'process' | 'exec' | 'node';
  for (const key of Object.keys(raw)) {
    if (![kind, 'cwd', 'env', 'alsoFedBy'].includes(key)) throw new ConfigError(`${where}: unknown key '${key}'`);
  }
  const fed = raw.alsoFedBy === undefined ? {} : { alsoFedBy: parseFeeds(raw.alsoFedBy, `${where}.alsoFedBy`) };
  if (kind === 'node') {
    if (raw.cwd !== undefined || raw.env !== undefined)
      throw new ConfigError(`${where}: a node load takes no 'cwd' or 'env'`);
    return { node: parseNode(raw.node, `${where}.node`, dir), ...fed };
  }
  if (typeof raw[kind] !== 'string' || (raw[kind] as string).trim() === '') {
    throw new ConfigError(`${where}: '${kind}' must be a command line`);
  }
  const spec: Record<string, unknown> = { [kind]: raw[kind] };
  if (raw.cwd !== undefined) {
    if (typeof raw.cwd !== 'string') throw new ConfigError(`${where}: 'cwd' must be a path`);
    spec.cwd = path.resolve(dir, raw.cwd);
  }
  if (raw.env !== undefined) {
    if (!isObject(raw.env) || !Object.values(raw.env).every((v) => typeof v === 'string')) {
      throw new ConfigError(`${where}: 'env' must be an object of strings`);
    }
    spec.env = raw.env;
  }
  return { ...spec, ...fed } as LoadSpec;
}

/** `alsoFedBy`: a list of `UNIT:PLUG` (whether the unit and its plug exist is checked at start). */
function parseFeeds(raw: unknown, where: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError(`${where} must be a list of "UNIT:PLUG"`);
  for (const feed of raw) {
    if (typeof feed !== 'string' || parseFeed(feed) === null) {
      throw new ConfigError(`${where}: ${JSON.stringify(feed)} is not "UNIT:PLUG" (a unit's name, a plug number)`);
    }
  }
  return raw as string[];
}

/** `UNIT:PLUG` → its parts; a unit's name may itself hold a colon, the plug is after the last one. */
export function parseFeed(feed: string): { unit: string; plug: number } | null {
  const m = /^(.+):([1-9]\d*)$/.exec(feed);
  return m ? { unit: m[1] as string, plug: Number(m[2]) } : null;
}

function parseNode(raw: unknown, where: string, dir: string) {
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object`);
  for (const key of ['hostname', 'address', 'boot']) {
    if (typeof raw[key] !== 'string') throw new ConfigError(`${where}: '${key}' must be a string`);
  }
  for (const key of Object.keys(raw)) {
    if (!['hostname', 'address', 'boot', 'shared'].includes(key))
      throw new ConfigError(`${where}: unknown key '${key}'`);
  }
  if (raw.shared !== undefined && !(Array.isArray(raw.shared) && raw.shared.every((s) => typeof s === 'string'))) {
    throw new ConfigError(`${where}: 'shared' must be a list of paths`);
  }
  return {
    hostname: raw.hostname as string,
    address: raw.address as string,
    boot: raw.boot as string,
    ...(raw.shared ? { shared: (raw.shared as string[]).map((s) => path.resolve(dir, s)) } : {}),
  };
}

/** Two units on one address would fail at start with a bare EADDRINUSE: name them instead. */
function checkAddresses(units: LabUnitConfig[], source: string): void {
  const taken = new Map<string, string>();
  for (const unit of units) {
    for (const key of ADDRESS_KEYS) {
      const value = (unit as Record<string, unknown>)[key];
      if (typeof value !== 'string' || /:0$/.test(value)) continue;
      // SNMP is UDP: it may share a number with a TCP listener.
      const slot = `${key === 'snmp' ? 'udp' : 'tcp'} ${value}`;
      const other = taken.get(slot);
      if (other) throw new ConfigError(`${source}: unit '${unit.name}': '${key}' ${value} is already ${other}'s`);
      taken.set(slot, `unit '${unit.name}'`);
    }
    const serial = (unit as { serial?: string }).serial;
    if (serial) {
      const other = taken.get(`serial ${serial}`);
      if (other) throw new ConfigError(`${source}: unit '${unit.name}': 'serial' ${serial} is already ${other}'s`);
      taken.set(`serial ${serial}`, `unit '${unit.name}'`);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
