/**
 * The command-line side of the registry: every driver option as one flag
 * (a flag several drivers take, like --insecure, is one flag with several
 * uses), and the translation of parsed flags into a driver's settings, which
 * refuses any flag the chosen driver, or its chosen transport, does not take.
 */
import type { DriverOption, DriverRegistration, DriverSettings, OptionKind } from '../src/driver-registration.js';
import { UsageError } from '../src/errors.js';
import { cutReply } from '../src/progress.js';
import { DRIVERS } from './drivers.js';
import { readPassword, readSecretFile } from './secrets.js';

export interface DriverFlagUse {
  driver: DriverRegistration;
  option: DriverOption;
}

export interface DriverFlag {
  flag: string;
  /** The property commander stores it under: `snmpPrivPasswordFile`. */
  attribute: string;
  valueName?: string;
  kind: OptionKind;
  uses: DriverFlagUse[];
}

/** What `fencekit power` parsed: the common flags, and each driver flag under its attribute. */
export interface PowerFlags {
  driver: string;
  host?: string;
  port?: string;
  serial?: string;
  baud?: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  timeout?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  progress?: boolean;
  [attribute: string]: string | boolean | undefined;
}

export const camelCase = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every driver option as a flag, in the order the drivers list them. */
export function driverFlags(drivers: readonly DriverRegistration[] = DRIVERS): DriverFlag[] {
  const byFlag = new Map<string, DriverFlag>();
  for (const driver of drivers) {
    for (const option of driver.options) {
      const seen = byFlag.get(option.flag);
      if (!seen) {
        const { flag, valueName, kind } = option;
        byFlag.set(flag, { flag, attribute: camelCase(flag), valueName, kind, uses: [{ driver, option }] });
        continue;
      }
      // One flag must parse the same way for every driver, or commander could not hold it.
      if (seen.kind !== option.kind || seen.valueName !== option.valueName) {
        throw new Error(`--${option.flag}: ${driver.name} declares it unlike ${seen.uses[0]?.driver.name}`);
      }
      seen.uses.push({ driver, option });
    }
  }
  return [...byFlag.values()];
}

/** `wti`, `apc (ssh)`: where a use applies. */
export function useLabel(use: DriverFlagUse): string {
  const t = use.option.transports;
  return t && !sameSet(t, use.driver.transports) ? `${use.driver.name} (${t.join(', ')})` : use.driver.name;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function number(text: string | undefined, flag: string, what: string, ok: (n: number) => boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !ok(n)) throw new UsageError(`--${flag} '${cutReply(text, 64)}' is not ${what}`);
  return n;
}

/**
 * The settings for `driver` from parsed flags: refuses, with one line naming
 * the flag and the driver, any flag that does not apply; reads passwords from
 * files or the environment.
 */
export function settingsFromFlags(
  driver: DriverRegistration,
  flags: PowerFlags,
  env: NodeJS.ProcessEnv = process.env,
  drivers: readonly DriverRegistration[] = DRIVERS,
): DriverSettings {
  const extra: DriverSettings['extra'] = {};
  const given: DriverOption[] = [];
  for (const f of driverFlags(drivers)) {
    const value = flags[f.attribute];
    if (value === undefined || value === false) continue;
    const use = f.uses.find((u) => u.driver === driver);
    if (!use) {
      const owners = [...new Set(f.uses.map((u) => u.driver.name))].join(', ');
      throw new UsageError(`--${f.flag} does not apply to --driver ${driver.name} (it is for ${owners})`);
    }
    const { option } = use;
    extra[option.key] =
      option.kind === 'secret' && typeof value === 'string' ? readSecretFile(value, `--${f.flag}`) : value;
    given.push(option);
  }
  for (const option of driver.options) {
    if (option.kind === 'secret' && option.env !== undefined && extra[option.key] === undefined) {
      extra[option.key] = env[option.env];
    }
  }
  const serialDrivers = drivers.filter((d) => d.transports.includes('serial')).map((d) => d.name);
  if (flags.serial !== undefined && !driver.transports.includes('serial')) {
    throw new UsageError(`--serial does not apply to --driver ${driver.name} (it is for ${serialDrivers.join(', ')})`);
  }
  if (flags.host !== undefined && flags.serial !== undefined)
    throw new UsageError('give either --host or --serial, not both');
  if (flags.host === undefined && flags.serial === undefined) {
    throw new UsageError(
      driver.transports.includes('serial') ? 'give either --host or --serial' : `--driver ${driver.name} needs --host`,
    );
  }
  const settings: DriverSettings = {
    host: flags.host,
    port: number(flags.port, 'port', 'a port number', (n) => Number.isInteger(n) && n > 0 && n < 65536),
    serial: flags.serial,
    baud: number(flags.baud, 'baud', 'a baud rate', (n) => Number.isInteger(n) && n > 0),
    username: flags.username,
    password: readPassword(flags, env),
    timeoutMs: number(flags.timeout, 'timeout', 'a number of seconds', (n) => n > 0),
    extra,
  };
  if (settings.timeoutMs !== undefined) settings.timeoutMs *= 1000;
  const transport = driver.transportOf(settings);
  const refuse = (flag: string, wants: readonly string[]) => {
    throw new UsageError(
      `--${flag} does not apply to --driver ${driver.name} over ${transport} (it is for ${wants.join(', ')})`,
    );
  };
  if (flags.baud !== undefined && transport !== 'serial') refuse('baud', ['serial']);
  for (const option of given) {
    if (option.transports && !option.transports.includes(transport)) refuse(option.flag, option.transports);
  }
  return settings;
}
