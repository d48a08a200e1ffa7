/**
 * Options and checks that several vendors' registrations share (SSH host keys,
 * TLS trust), so that one flag means one thing for every driver that takes it,
 * and the readers a `create` uses to turn a settings bag into driver options.
 * Messages name the CLI flag: they are one line, shown to the user as they are.
 */
import type { DriverOption, DriverRegistration, DriverSettings } from './driver-registration.js';
import { UsageError } from './errors.js';
import { cutReply } from './progress.js';

export const SSH_HOST_KEY: DriverOption = {
  key: 'hostKey',
  flag: 'host-key',
  agentName: 'host_key',
  valueName: '<fingerprint>',
  kind: 'string',
  help: "the device's SSH host key, SHA256:… (checked unless --insecure)",
  transports: ['ssh'],
};

export const SSH_INSECURE: DriverOption = {
  key: 'insecure',
  flag: 'insecure',
  agentName: 'ssh_insecure',
  kind: 'boolean',
  help: 'accept any SSH host key (tests and labs only)',
  transports: ['ssh'],
};

export const TLS_CA: DriverOption = {
  key: 'ca',
  flag: 'ca',
  agentName: 'ssl_ca',
  valueName: '<file>',
  kind: 'file',
  help: "trust this PEM certificate for the board's TLS",
};

export const TLS_INSECURE: DriverOption = {
  key: 'insecure',
  flag: 'insecure',
  agentName: 'ssl_insecure',
  kind: 'boolean',
  help: 'accept any TLS certificate (tests and labs only)',
};

const TRUE = /^(1|yes|on|true)$/i;
const FALSE = /^(0|no|off|false)$/i;

/** A boolean option: set, given as true or as one of the strings a stdin line may carry. */
export function flagOf(settings: DriverSettings, option: DriverOption): boolean {
  const value = settings.extra[option.key];
  if (value === undefined || value === false) return false;
  if (value === true || TRUE.test(value)) return true;
  if (FALSE.test(value)) return false;
  throw new UsageError(`--${option.flag} '${cutReply(value, 64)}' is not a yes or no`);
}

/** A text option, or undefined when it was not given. */
export function textOf(settings: DriverSettings, option: DriverOption): string | undefined {
  const value = settings.extra[option.key];
  if (value === undefined || value === false) return undefined;
  if (value === true) throw new UsageError(`--${option.flag} needs a value`);
  return value;
}

/** A choice option checked against its choices (the case as declared), or undefined when it was not given. */
export function choiceOf<T extends string>(settings: DriverSettings, option: DriverOption): T | undefined {
  const value = textOf(settings, option);
  if (value === undefined) return undefined;
  const choices = option.choices ?? [];
  const hit = choices.find((c) => c.toLowerCase() === value.toLowerCase());
  if (hit === undefined) throw new UsageError(`--${option.flag} '${cutReply(value, 64)}' is not ${orList(choices)}`);
  return hit as T;
}

/** The host, for drivers that only reach their device over the network. */
export function requireHost(settings: DriverSettings, driver: DriverRegistration): string {
  if (settings.host === undefined || settings.host === '')
    throw new UsageError(`the ${driver.name} driver needs --host`);
  return settings.host;
}

/** The user name, its default, or a usage error when the driver needs one. */
export function usernameOf(settings: DriverSettings, driver: DriverRegistration): string | undefined {
  const name = settings.username ?? driver.username.default;
  if (driver.username.required && (name === undefined || name === '')) {
    throw new UsageError(`the ${driver.name} driver needs --username`);
  }
  return name;
}

/** The SSH host key check: a fingerprint, knowingly none, or (undefined) the transport's refusal of any key. */
export function hostKeyOf(settings: DriverSettings): { sha256: string } | 'insecure' | undefined {
  if (flagOf(settings, SSH_INSECURE)) {
    if (textOf(settings, SSH_HOST_KEY) !== undefined)
      throw new UsageError('give either --host-key or --insecure, not both');
    return 'insecure';
  }
  const sha256 = textOf(settings, SSH_HOST_KEY);
  return sha256 === undefined ? undefined : { sha256 };
}

/** The TLS trust: the certificate file's contents (read here, so a bad path is a usage error) and whether to skip the check. */
export async function tlsTrustOf(settings: DriverSettings): Promise<{ ca?: Buffer; insecure: boolean }> {
  const insecure = flagOf(settings, TLS_INSECURE);
  const file = textOf(settings, TLS_CA);
  if (file === undefined) return { insecure };
  if (insecure) throw new UsageError('give either --ca or --insecure, not both');
  const fs = await import('node:fs');
  try {
    return { ca: fs.readFileSync(file), insecure };
  } catch (err) {
    throw new UsageError(`cannot read --ca ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
