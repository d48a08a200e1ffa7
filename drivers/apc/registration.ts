/**
 * How consumers offer the APC drivers (see src/driver-registration.ts): the
 * menu or `apc>` command line over telnet or SSH, and SNMP. The drivers, ssh2
 * and net-snmp are loaded only when `create` runs.
 */
import {
  choiceOf,
  flagOf,
  hostKeyOf,
  requireHost,
  SSH_HOST_KEY,
  SSH_INSECURE,
  textOf,
  usernameOf,
} from '../../src/driver-options.js';
import type { DriverOption, DriverRegistration, DriverSettings } from '../../src/driver-registration.js';
import { UsageError } from '../../src/errors.js';
import type { ApcSnmpOptions } from './apc-snmp.js';

const SSH: DriverOption = {
  key: 'ssh',
  flag: 'ssh',
  agentName: 'ssh',
  kind: 'boolean',
  help: 'connect with SSH instead of telnet (port 22 unless --port)',
};

const MODE: DriverOption = {
  key: 'mode',
  flag: 'mode',
  agentName: 'mode',
  valueName: '<mode>',
  kind: 'choice',
  choices: ['auto', 'menu', 'cli'],
  default: 'auto',
  help: "the card's interface: the menu (AOS v2/v3), the apc> command line (AOS v5+), or auto from the banner",
};

export const apcRegistration: DriverRegistration = {
  name: 'apc',
  vendor: 'APC',
  summary: 'APC Rack PDUs and MasterSwitches: the menu or the apc> command line over telnet or SSH',
  transports: ['telnet', 'ssh'],
  defaultPort: { telnet: 23, ssh: 22 },
  singleServer: false,
  username: { required: true },
  options: [SSH, MODE, SSH_HOST_KEY, SSH_INSECURE],
  examples: [
    'fencekit power reboot 3 --driver apc --host 10.0.0.30 --username apc --password-file /etc/fencekit/apc.pw',
    'fencekit power status db1 --driver apc --ssh --host-key SHA256:… --host 10.0.0.30 --username apc --password-file /etc/fencekit/apc.pw',
  ],
  transportOf: (settings) => (flagOf(settings, SSH) ? 'ssh' : 'telnet'),
  async create(settings) {
    const host = requireHost(settings, apcRegistration);
    const username = usernameOf(settings, apcRegistration);
    const mode = choiceOf<'auto' | 'menu' | 'cli'>(settings, MODE);
    const ssh = flagOf(settings, SSH);
    // Checked before any import, so a bad value fails fast; on telnet the consumer refuses these flags.
    const hostKey = ssh ? hostKeyOf(settings) : undefined;
    const { createApcSwitch } = await import('./apc-switch.js');
    const common = {
      username,
      password: settings.password,
      mode,
      timeoutMs: settings.timeoutMs,
      transcript: settings.transcript,
      progress: settings.progress,
    };
    if (!ssh) return createApcSwitch({ ...common, host, port: settings.port });
    const { connectSsh } = await import('../../src/transport/ssh.js');
    const port = settings.port ?? 22;
    return createApcSwitch({
      ...common,
      preAuthenticated: true,
      connect: (deadline) =>
        connectSsh({
          host,
          port,
          username: username ?? '',
          password: settings.password ?? '',
          timeoutMs: deadline.phase('connect', 10_000),
          signal: deadline.signal,
          hostKey,
        }),
    });
  },
};

const SNMP_VERSION: DriverOption = {
  key: 'snmpVersion',
  flag: 'snmp-version',
  agentName: 'snmp_version',
  valueName: '<v>',
  kind: 'choice',
  choices: ['1', '2c', '3'],
  default: '1',
  help: 'SNMP version',
};

const COMMUNITY: DriverOption = {
  key: 'community',
  flag: 'community',
  agentName: 'community',
  valueName: '<name>',
  kind: 'string',
  default: 'private',
  help: 'v1/v2c write community; the password (--password-file, FENCEKIT_PASSWORD) may stand in for it',
};

const SEC_LEVEL: DriverOption = {
  key: 'snmpSecLevel',
  flag: 'snmp-sec-level',
  agentName: 'snmp_sec_level',
  valueName: '<level>',
  kind: 'choice',
  choices: ['noAuthNoPriv', 'authNoPriv', 'authPriv'],
  help: 'v3 security level (default: authPriv with a privacy password, authNoPriv with a password, else noAuthNoPriv)',
};

const AUTH_PROT: DriverOption = {
  key: 'snmpAuthProt',
  flag: 'snmp-auth-prot',
  agentName: 'snmp_auth_prot',
  valueName: '<prot>',
  kind: 'choice',
  choices: ['MD5', 'SHA'],
  default: 'SHA',
  help: 'v3 authentication protocol, keyed by the password',
};

const PRIV_PROT: DriverOption = {
  key: 'snmpPrivProt',
  flag: 'snmp-priv-prot',
  agentName: 'snmp_priv_prot',
  valueName: '<prot>',
  kind: 'choice',
  choices: ['DES', 'AES'],
  default: 'AES',
  help: 'v3 privacy (encryption) protocol',
};

const PRIV_PASSWORD: DriverOption = {
  key: 'snmpPrivPassword',
  flag: 'snmp-priv-password-file',
  agentName: 'snmp_priv_passwd',
  valueName: '<file>',
  kind: 'secret',
  env: 'FENCEKIT_SNMP_PRIV_PASSWORD',
  help: 'v3 privacy password, read from this file (or FENCEKIT_SNMP_PRIV_PASSWORD)',
};

const V3_ONLY = [SEC_LEVEL, AUTH_PROT, PRIV_PROT];

// A type-only import: erased at run time, so the driver is still not loaded.
type SnmpUser = NonNullable<ApcSnmpOptions['user']>;

type SecLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

/** The USM user for SNMPv3, in the driver's terms: the keys given decide the level it uses. */
function v3User(settings: DriverSettings): SnmpUser {
  const name = settings.username;
  if (name === undefined || name === '') throw new UsageError('--snmp-version 3 needs --username');
  if (textOf(settings, COMMUNITY) !== undefined) throw new UsageError('--community is for --snmp-version 1 or 2c');
  const privKey = textOf(settings, PRIV_PASSWORD);
  const authKey = settings.password;
  const level =
    choiceOf<SecLevel>(settings, SEC_LEVEL) ??
    (privKey && authKey ? 'authPriv' : authKey ? 'authNoPriv' : 'noAuthNoPriv');
  const authProt = choiceOf<'MD5' | 'SHA'>(settings, AUTH_PROT);
  const privProt = choiceOf<'DES' | 'AES'>(settings, PRIV_PROT);
  if (level === 'noAuthNoPriv' && authProt !== undefined)
    throw new UsageError('--snmp-auth-prot does not apply to --snmp-sec-level noAuthNoPriv');
  if (level !== 'authPriv' && privProt !== undefined)
    throw new UsageError(`--snmp-priv-prot does not apply to --snmp-sec-level ${level}`);
  if (level === 'noAuthNoPriv') return { name };
  if (!authKey)
    throw new UsageError(`--snmp-sec-level ${level} needs a password (--password-file or FENCEKIT_PASSWORD)`);
  const auth = { name, authProtocol: authProt === 'MD5' ? ('md5' as const) : ('sha' as const), authKey };
  if (level === 'authNoPriv') return auth;
  if (!privKey)
    throw new UsageError('--snmp-sec-level authPriv needs --snmp-priv-password-file or FENCEKIT_SNMP_PRIV_PASSWORD');
  return { ...auth, privProtocol: privProt === 'DES' ? ('des' as const) : ('aes' as const), privKey };
}

/** Node 17+ links OpenSSL 3, which keeps DES in its legacy provider: off unless node runs with it. */
async function desAvailable(): Promise<boolean> {
  const { createCipheriv } = await import('node:crypto');
  try {
    createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

export const apcSnmpRegistration: DriverRegistration = {
  name: 'apc-snmp',
  vendor: 'APC',
  summary: 'APC Rack PDUs and MasterSwitches over SNMP v1, v2c or v3 (PowerNet-MIB outlet tables)',
  transports: ['snmp'],
  defaultPort: { snmp: 161 },
  singleServer: false,
  // v1/v2c need none; v3 checks for its user in `create`.
  username: { required: false },
  options: [SNMP_VERSION, COMMUNITY, SEC_LEVEL, AUTH_PROT, PRIV_PROT, PRIV_PASSWORD],
  examples: [
    'fencekit power off 3 --driver apc-snmp --host 10.0.0.31 --password-file /etc/fencekit/community',
    'fencekit power status 3 --driver apc-snmp --host 10.0.0.31 --snmp-version 3 --username fence --password-file /etc/fencekit/auth.pw --snmp-priv-password-file /etc/fencekit/priv.pw',
  ],
  transportOf: () => 'snmp',
  async create(settings) {
    const host = requireHost(settings, apcSnmpRegistration);
    const version = choiceOf<'1' | '2c' | '3'>(settings, SNMP_VERSION) ?? '1';
    let community: string | undefined;
    let user: SnmpUser | undefined;
    if (version === '3') {
      user = v3User(settings);
      if (user.privProtocol === 'des' && !(await desAvailable())) {
        throw new UsageError(
          "--snmp-priv-prot DES needs OpenSSL's legacy provider (NODE_OPTIONS=--openssl-legacy-provider)",
        );
      }
    } else {
      for (const option of V3_ONLY) {
        if (textOf(settings, option) !== undefined) throw new UsageError(`--${option.flag} is for --snmp-version 3`);
      }
      // The community is the v1/v2c secret: it may come from the password file or variable.
      community = textOf(settings, COMMUNITY) ?? settings.password;
    }
    const { createApcSnmpSwitch } = await import('./apc-snmp.js');
    return createApcSnmpSwitch({
      host,
      port: settings.port,
      version,
      community,
      user,
      timeoutMs: settings.timeoutMs,
      transcript: settings.transcript,
      progress: settings.progress,
    });
  },
};
