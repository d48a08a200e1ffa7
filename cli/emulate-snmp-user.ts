import path from 'node:path';
import { checkSnmpUser, type SnmpUserConfig, type SnmpUserNames } from '../emulator/apc/snmp-users.js';
import { UsageError } from '../src/errors.js';

/** `fencekit emulate`'s SNMPv3 user flags, as commander parsed them. */
export interface SnmpUserFlags {
  snmpUser?: string;
  snmpSecLevel?: string;
  snmpAuthProt?: string;
  snmpPrivProt?: string;
  snmpAuthPassword?: string;
  snmpAuthPasswordFile?: string;
  snmpPrivPassword?: string;
  snmpPrivPasswordFile?: string;
}

const FLAG_NAMES: SnmpUserNames = {
  level: '--snmp-sec-level',
  authProtocol: '--snmp-auth-prot',
  authPassword: '--snmp-auth-password-file (or FENCEKIT_SNMP_AUTH_PASSWORD)',
  privProtocol: '--snmp-priv-prot',
  privPassword: '--snmp-priv-password-file (or FENCEKIT_SNMP_PRIV_PASSWORD)',
};

/** The password of one kind from the flag (warned: ps shows it), its file, or the environment. */
function secret(
  kind: 'auth' | 'priv',
  flag: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): { password?: string; passwordFile?: string; fromEnv?: boolean } {
  const variable = `FENCEKIT_SNMP_${kind.toUpperCase()}_PASSWORD`;
  if (flag !== undefined && file !== undefined) {
    throw new UsageError(`give either --snmp-${kind}-password or --snmp-${kind}-password-file, not both`);
  }
  if (flag !== undefined) {
    warn(`warning: --snmp-${kind}-password is visible to ps; prefer --snmp-${kind}-password-file or ${variable}`);
    return { password: flag };
  }
  // The unit reads the file, once, as it reads a config file's: one place checks it.
  if (file !== undefined) return { passwordFile: path.resolve(file) };
  const fromEnv = env[variable];
  return fromEnv ? { password: fromEnv, fromEnv: true } : {};
}

/**
 * The one SNMPv3 user the flags describe, or none. A password the
 * environment holds but the level asked for does not use is left alone (the
 * same variables may be there for `fencekit power`); one given by a flag is a mistake.
 */
export function snmpUserFromFlags(
  flags: SnmpUserFlags,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => process.stderr.write(`fencekit: ${line}\n`),
): SnmpUserConfig | undefined {
  const name = flags.snmpUser;
  if (name === undefined) {
    const stray = (
      [
        ['--snmp-sec-level', flags.snmpSecLevel],
        ['--snmp-auth-prot', flags.snmpAuthProt],
        ['--snmp-priv-prot', flags.snmpPrivProt],
        ['--snmp-auth-password', flags.snmpAuthPassword],
        ['--snmp-auth-password-file', flags.snmpAuthPasswordFile],
        ['--snmp-priv-password', flags.snmpPrivPassword],
        ['--snmp-priv-password-file', flags.snmpPrivPasswordFile],
      ] as const
    ).find(([, value]) => value !== undefined);
    if (stray) throw new UsageError(`${stray[0]} needs --snmp-user`);
    return undefined;
  }
  const auth = secret('auth', flags.snmpAuthPassword, flags.snmpAuthPasswordFile, env, warn);
  const priv = secret('priv', flags.snmpPrivPassword, flags.snmpPrivPasswordFile, env, warn);
  const level = flags.snmpSecLevel;
  const uses = (kind: 'auth' | 'priv', s: typeof auth) =>
    !(s.fromEnv && level !== undefined && (level === 'noAuthNoPriv' || (kind === 'priv' && level !== 'authPriv')));
  const raw = Object.fromEntries(
    Object.entries({
      name,
      level,
      authProtocol: flags.snmpAuthProt,
      privProtocol: flags.snmpPrivProt,
      ...(uses('auth', auth) ? { authPassword: auth.password, authPasswordFile: auth.passwordFile } : {}),
      ...(uses('priv', priv) ? { privPassword: priv.password, privPasswordFile: priv.passwordFile } : {}),
    }).filter(([, v]) => v !== undefined),
  );
  try {
    return checkSnmpUser(raw, `--snmp-user ${name}`, FLAG_NAMES);
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
}
