import fs from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from '../config.js';
import type { ApcSnmpUser } from './apc-device.js';

// node:crypto only for the DES check below, loaded when a card's users are made: the checks
// here run at every `fencekit emulate` start (config.ts), and a WTI start should not pay for
// OpenSSL's module (a few ms of a start that must stay near a bare node's).
const require = createRequire(import.meta.url);

/**
 * An APC card's SNMPv3 (USM) users as the config file and the emulate flags
 * give them: a name, a security level, the protocols, and the two passwords
 * (or files holding them). They become the device's `snmpUsers`, whose keys
 * are the passwords themselves (net-snmp localises them per engine). Users
 * are never written to the state file and never named with their passwords
 * in events or logs.
 */
export type SnmpSecLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

export interface SnmpUserConfig {
  name: string;
  /** Default: from the passwords given (both: authPriv, auth only: authNoPriv, none: noAuthNoPriv). */
  level?: SnmpSecLevel;
  /** MD5 or SHA (SHA-1), as fence_apc_snmp and snmpget say them (default SHA). */
  authProtocol?: 'MD5' | 'SHA';
  authPassword?: string;
  /** A file holding the authentication password; relative to the config file. */
  authPasswordFile?: string;
  /** DES or AES (AES-128), as fence_apc_snmp and snmpget say them (default AES). */
  privProtocol?: 'DES' | 'AES';
  privPassword?: string;
  privPasswordFile?: string;
  /** read: GET only; write (default): GET and SET. */
  access?: 'read' | 'write';
}

/** How to name each field to the user who gave it: config keys or flags. */
export interface SnmpUserNames {
  level: string;
  authProtocol: string;
  authPassword: string;
  privProtocol: string;
  privPassword: string;
}

export const CONFIG_FIELD_NAMES: SnmpUserNames = {
  level: "'level'",
  authProtocol: "'authProtocol'",
  authPassword: "'authPassword' or 'authPasswordFile'",
  privProtocol: "'privProtocol'",
  privPassword: "'privPassword' or 'privPasswordFile'",
};

const LEVELS: readonly SnmpSecLevel[] = ['noAuthNoPriv', 'authNoPriv', 'authPriv'];
const FIELDS = [
  'name',
  'level',
  'authProtocol',
  'authPassword',
  'authPasswordFile',
  'privProtocol',
  'privPassword',
  'privPasswordFile',
  'access',
];

/** RFC 3414 (11.2) asks for 8 characters at least; net-snmp's snmpget, and so fence_apc_snmp, refuse fewer. */
export const MIN_PASSWORD_LENGTH = 8;

/** A protocol name in any case, as the clients take it (`sha`, `SHA`), or null. */
function protocol<T extends string>(value: unknown, names: readonly T[]): T | null {
  if (typeof value !== 'string') return null;
  return names.find((n) => n === value.toUpperCase()) ?? null;
}

function shortPassword(password: string | undefined): boolean {
  return password !== undefined && password.length < MIN_PASSWORD_LENGTH;
}

/**
 * One user checked and put in its canonical form (protocols upper case, the
 * level said): every mistake is a ConfigError of one line, starting with
 * `where` and naming the fields as `names` says them.
 */
export function checkSnmpUser(raw: unknown, where: string, names: SnmpUserNames): SnmpUserConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`${where} must be an object`);
  const u = raw as Record<string, unknown>;
  for (const key of Object.keys(u)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${where}: unknown setting '${key}'`);
  }
  if (typeof u.name !== 'string' || u.name === '' || u.name.length > 32) {
    throw new ConfigError(`${where}: 'name' must be a user name of 1 to 32 characters`);
  }
  for (const key of ['authPassword', 'authPasswordFile', 'privPassword', 'privPasswordFile']) {
    if (u[key] !== undefined && typeof u[key] !== 'string')
      throw new ConfigError(`${where}: '${key}' must be a string`);
  }
  if (u.authPassword !== undefined && u.authPasswordFile !== undefined) {
    throw new ConfigError(`${where}: give 'authPassword' or 'authPasswordFile', not both`);
  }
  if (u.privPassword !== undefined && u.privPasswordFile !== undefined) {
    throw new ConfigError(`${where}: give 'privPassword' or 'privPasswordFile', not both`);
  }
  if (u.level !== undefined && !LEVELS.includes(u.level as SnmpSecLevel)) {
    throw new ConfigError(`${where}: ${names.level} must be ${LEVELS.join(', ')}`);
  }
  const authProtocol = u.authProtocol === undefined ? undefined : protocol(u.authProtocol, ['MD5', 'SHA'] as const);
  if (authProtocol === null) throw new ConfigError(`${where}: ${names.authProtocol} must be MD5 or SHA`);
  const privProtocol = u.privProtocol === undefined ? undefined : protocol(u.privProtocol, ['DES', 'AES'] as const);
  if (privProtocol === null) throw new ConfigError(`${where}: ${names.privProtocol} must be DES or AES`);
  if (u.access !== undefined && u.access !== 'read' && u.access !== 'write') {
    throw new ConfigError(`${where}: 'access' must be read or write`);
  }
  const hasAuth = u.authPassword !== undefined || u.authPasswordFile !== undefined;
  const hasPriv = u.privPassword !== undefined || u.privPasswordFile !== undefined;
  const level =
    (u.level as SnmpSecLevel | undefined) ?? (hasPriv ? 'authPriv' : hasAuth ? 'authNoPriv' : 'noAuthNoPriv');
  const usesAuth = level !== 'noAuthNoPriv';
  const usesPriv = level === 'authPriv';
  if (usesAuth && !hasAuth) throw new ConfigError(`${where}: ${names.level} ${level} needs ${names.authPassword}`);
  if (usesPriv && !hasPriv) throw new ConfigError(`${where}: ${names.level} ${level} needs ${names.privPassword}`);
  for (const [given, uses, name] of [
    [authProtocol !== undefined, usesAuth, names.authProtocol],
    [hasAuth, usesAuth, names.authPassword],
    [privProtocol !== undefined, usesPriv, names.privProtocol],
    [hasPriv, usesPriv, names.privPassword],
  ] as const) {
    if (given && !uses) throw new ConfigError(`${where}: ${name} does not apply to ${names.level} ${level}`);
  }
  if (shortPassword(u.authPassword as string | undefined) || shortPassword(u.privPassword as string | undefined)) {
    throw new ConfigError(`${where}: ${tooShort}`);
  }
  return {
    ...(u as unknown as SnmpUserConfig),
    level,
    ...(usesAuth ? { authProtocol: authProtocol ?? 'SHA' } : {}),
    ...(usesPriv ? { privProtocol: privProtocol ?? 'AES' } : {}),
  };
}

const tooShort = `an SNMPv3 password must be at least ${MIN_PASSWORD_LENGTH} characters (RFC 3414; snmpget and fence_apc_snmp refuse shorter ones)`;

/** A config file's `snmpUsers`: a list of users with names used once. */
export function checkSnmpUsers(raw: unknown, source: string): SnmpUserConfig[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${source}: 'snmpUsers' must be a list of users`);
  const users = raw.map((u, i) => {
    const name = u && typeof u === 'object' && typeof u.name === 'string' ? ` ('${u.name}')` : '';
    return checkSnmpUser(u, `${source}: snmpUsers[${i}]${name}`, CONFIG_FIELD_NAMES);
  });
  const seen = new Set<string>();
  for (const u of users) {
    if (seen.has(u.name)) throw new ConfigError(`${source}: snmpUsers: user '${u.name}' is given twice`);
    seen.add(u.name);
  }
  return users;
}

/** Node 17+ links OpenSSL 3, which keeps DES in its legacy provider: off unless node runs with it. */
export function desAvailable(): boolean {
  const crypto = require('node:crypto') as typeof import('node:crypto');
  try {
    crypto.createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

function readPasswordFile(file: string, user: string, what: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `SNMP user '${user}': cannot read the ${what} password file ${file}: ${(err as Error).message}`,
    );
  }
  // One trailing line end is the editor's, not the password's.
  const password = text.replace(/\r?\n$/, '');
  if (shortPassword(password)) throw new ConfigError(`SNMP user '${user}': ${file}: ${tooShort}`);
  return password;
}

/**
 * Checked users as the card holds them: passwords read from their files
 * (relative paths from the working directory: the CLI makes a config file's
 * relative to the file), DES refused where OpenSSL cannot do it.
 */
export function deviceSnmpUsers(users: readonly SnmpUserConfig[]): ApcSnmpUser[] {
  return users.map((u) => {
    const user: ApcSnmpUser = { name: u.name, ...(u.access ? { access: u.access } : {}) };
    if (u.level === 'noAuthNoPriv') return user;
    user.authProtocol = u.authProtocol === 'MD5' ? 'md5' : 'sha';
    user.authKey = u.authPasswordFile ? readPasswordFile(u.authPasswordFile, u.name, 'authentication') : u.authPassword;
    if (u.level !== 'authPriv') return user;
    if (u.privProtocol === 'DES' && !desAvailable()) {
      throw new ConfigError(
        `SNMP user '${u.name}': DES privacy needs OpenSSL's legacy provider (start node with --openssl-legacy-provider, e.g. NODE_OPTIONS=--openssl-legacy-provider)`,
      );
    }
    user.privProtocol = u.privProtocol === 'DES' ? 'des' : 'aes';
    user.privKey = u.privPasswordFile ? readPasswordFile(u.privPasswordFile, u.name, 'privacy') : u.privPassword;
    return user;
  });
}

/** A card's users with `added` put in: a user of the same name is replaced (flags over the config file). */
export function mergeSnmpUsers(current: readonly ApcSnmpUser[], added: readonly ApcSnmpUser[]): ApcSnmpUser[] {
  const names = new Set(added.map((u) => u.name));
  return [...current.filter((u) => !names.has(u.name)), ...added];
}
