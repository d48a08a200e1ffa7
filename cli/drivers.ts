// TEMPORARY: replaced by the registry branch at merge
/**
 * A stand-in for the driver registry, so the fence agent can be written
 * against the DriverRegistration contract before the real list exists. It
 * wraps today's driver factories as cli/power.ts calls them; every driver is
 * imported only inside `create`.
 */
import type { DriverOption, DriverRegistration, DriverSettings } from '../src/driver-registration.js';
import { UsageError } from '../src/errors.js';

const insecure: DriverOption = {
  key: 'insecure',
  flag: 'insecure',
  agentName: 'ssl_insecure',
  kind: 'boolean',
  help: 'Accept any TLS certificate or SSH host key (tests and labs only)',
};
const sshInsecure: DriverOption = {
  key: 'insecure',
  flag: 'insecure',
  agentName: 'ssh_insecure',
  kind: 'boolean',
  help: 'Accept any SSH host key (tests and labs only)',
  transports: ['ssh'],
};
const hostKey: DriverOption = {
  key: 'hostKey',
  flag: 'host-key',
  agentName: 'host_key',
  valueName: '<fingerprint>',
  kind: 'string',
  help: "The device's SSH host key fingerprint (SHA256:…)",
  transports: ['ssh'],
};
const ca: DriverOption = {
  key: 'ca',
  flag: 'ca',
  agentName: 'ssl_ca',
  valueName: '<file>',
  kind: 'file',
  help: "Trust this PEM certificate for the board's TLS",
};

const str = (s: DriverSettings, key: string): string | undefined => {
  const v = s.extra[key];
  return typeof v === 'string' ? v : undefined;
};
const hostKeyOf = (s: DriverSettings) =>
  s.extra.insecure ? ('insecure' as const) : str(s, 'hostKey') ? { sha256: str(s, 'hostKey') as string } : undefined;
const needHost = (s: DriverSettings, driver: string): string => {
  if (s.host === undefined) throw new UsageError(`the ${driver} driver needs a host`);
  return s.host;
};

async function readCa(s: DriverSettings): Promise<Buffer | undefined> {
  const file = str(s, 'ca');
  if (file === undefined) return undefined;
  const fs = await import('node:fs');
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read the CA file ${file}: ${(err as Error).message}`);
  }
}

const wti: DriverRegistration = {
  name: 'wti',
  vendor: 'WTI',
  summary: 'WTI IPS/NPS/TPS power switches, over telnet or a serial line',
  transports: ['telnet', 'serial'],
  defaultPort: { telnet: 23 },
  singleServer: false,
  username: { required: false },
  options: [],
  examples: [],
  transportOf: (s) => (s.serial !== undefined ? 'serial' : 'telnet'),
  async create(s) {
    const { createWtiSwitch } = await import('../drivers/wti/index.js');
    return createWtiSwitch({
      host: s.serial === undefined ? needHost(s, 'wti') : undefined,
      port: s.port,
      serial: s.serial === undefined ? undefined : { path: s.serial, baudRate: s.baud },
      username: s.username,
      password: s.password,
      timeoutMs: s.timeoutMs,
      transcript: s.transcript,
    });
  },
};

const apc: DriverRegistration = {
  name: 'apc',
  vendor: 'APC',
  summary: 'APC MasterSwitch and Rack PDU: menu or apc> CLI, over telnet or SSH',
  transports: ['telnet', 'ssh'],
  defaultPort: { telnet: 23, ssh: 22 },
  singleServer: false,
  username: { required: true, default: 'apc' },
  options: [
    { key: 'ssh', flag: 'ssh', agentName: 'ssh', kind: 'boolean', help: 'Connect with SSH instead of telnet' },
    {
      key: 'mode',
      flag: 'mode',
      agentName: 'mode',
      valueName: '<mode>',
      kind: 'choice',
      choices: ['auto', 'menu', 'cli'],
      default: 'auto',
      help: 'Menu or apc> command line (auto: from the banner)',
    },
    hostKey,
    sshInsecure,
  ],
  examples: [],
  transportOf: (s) => (s.extra.ssh ? 'ssh' : 'telnet'),
  async create(s) {
    const host = needHost(s, 'apc');
    const { createApcSwitch } = await import('../drivers/apc/index.js');
    const mode = str(s, 'mode') as 'auto' | 'menu' | 'cli' | undefined;
    const common = {
      username: s.username,
      password: s.password,
      mode,
      timeoutMs: s.timeoutMs,
      transcript: s.transcript,
    };
    if (!s.extra.ssh) return createApcSwitch({ ...common, host, port: s.port });
    const { connectSsh } = await import('../src/transport/ssh.js');
    return createApcSwitch({
      ...common,
      preAuthenticated: true,
      connect: (deadline) =>
        connectSsh({
          host,
          port: s.port ?? 22,
          username: s.username ?? '',
          password: s.password ?? '',
          timeoutMs: deadline.phase('connect', 10_000),
          signal: deadline.signal,
          hostKey: hostKeyOf(s),
        }),
    });
  },
};

const apcSnmp: DriverRegistration = {
  name: 'apc-snmp',
  vendor: 'APC',
  summary: 'APC PDUs over SNMP v1, v2c or v3',
  transports: ['snmp'],
  defaultPort: { snmp: 161 },
  singleServer: false,
  username: { required: false },
  options: [
    {
      key: 'snmpVersion',
      flag: 'snmp-version',
      agentName: 'snmp_version',
      valueName: '<v>',
      kind: 'choice',
      choices: ['1', '2c', '3'],
      default: '1',
      help: 'SNMP version',
    },
    {
      key: 'community',
      flag: 'community',
      agentName: 'community',
      valueName: '<name>',
      kind: 'secret',
      default: 'private',
      help: 'SNMP v1/v2c write community',
    },
    {
      key: 'snmpAuthProt',
      flag: 'snmp-auth-prot',
      agentName: 'snmp_auth_prot',
      valueName: '<prot>',
      kind: 'choice',
      choices: ['MD5', 'SHA'],
      help: 'SNMP v3 authentication protocol (the password is the pass phrase)',
    },
    {
      key: 'snmpSecLevel',
      flag: 'snmp-sec-level',
      agentName: 'snmp_sec_level',
      valueName: '<level>',
      kind: 'choice',
      choices: ['noAuthNoPriv', 'authNoPriv', 'authPriv'],
      help: 'SNMP v3 security level',
    },
    {
      key: 'snmpPrivProt',
      flag: 'snmp-priv-prot',
      agentName: 'snmp_priv_prot',
      valueName: '<prot>',
      kind: 'choice',
      choices: ['DES', 'AES'],
      help: 'SNMP v3 privacy protocol',
    },
    {
      key: 'snmpPrivPassword',
      flag: 'snmp-priv-passwd',
      agentName: 'snmp_priv_passwd',
      valueName: '<pass>',
      kind: 'secret',
      help: 'SNMP v3 privacy pass phrase',
    },
  ],
  examples: [],
  transportOf: () => 'snmp',
  async create(s) {
    const host = needHost(s, 'apc-snmp');
    const version = str(s, 'snmpVersion') ?? '1';
    if (version !== '1' && version !== '2c' && version !== '3')
      throw new UsageError(`snmp version '${version}' is not 1, 2c or 3`);
    const level = str(s, 'snmpSecLevel');
    const auth = level === 'noAuthNoPriv' ? undefined : s.password;
    const priv =
      level === 'authPriv' || (level === undefined && str(s, 'snmpPrivPassword') !== undefined)
        ? (str(s, 'snmpPrivPassword') ?? s.password)
        : undefined;
    const { createApcSnmpSwitch } = await import('../drivers/apc/index.js');
    return createApcSnmpSwitch({
      host,
      port: s.port,
      version,
      community: str(s, 'community') ?? (version === '3' ? undefined : s.password),
      user:
        version === '3'
          ? {
              name: s.username ?? '',
              authProtocol: str(s, 'snmpAuthProt')?.toLowerCase() as 'md5' | 'sha' | undefined,
              authKey: auth,
              privProtocol: str(s, 'snmpPrivProt')?.toLowerCase() as 'des' | 'aes' | undefined,
              privKey: priv,
            }
          : undefined,
      timeoutMs: s.timeoutMs,
      transcript: s.transcript,
    });
  },
};

const ilo: DriverRegistration = {
  name: 'ilo',
  vendor: 'HP',
  summary: 'HP iLO 2–5 over RIBCL (TLS)',
  transports: ['tls'],
  defaultPort: { tls: 443 },
  singleServer: true,
  username: { required: true, default: 'Administrator' },
  options: [
    insecure,
    ca,
    {
      key: 'method',
      flag: 'method',
      agentName: 'ilo_method',
      valueName: '<method>',
      kind: 'choice',
      choices: ['power', 'button'],
      default: 'power',
      help: 'SET_HOST_POWER, or the power button',
    },
  ],
  examples: [],
  transportOf: () => 'tls',
  async create(s) {
    const { createIloSwitch } = await import('../drivers/ilo/index.js');
    return createIloSwitch({
      host: needHost(s, 'ilo'),
      port: s.port,
      username: s.username ?? 'Administrator',
      password: s.password ?? '',
      ca: await readCa(s),
      insecure: s.extra.insecure === true,
      method: str(s, 'method') as 'power' | 'button' | undefined,
      timeoutMs: s.timeoutMs,
      transcript: s.transcript,
    });
  },
};

const iloSsh: DriverRegistration = {
  name: 'ilo-ssh',
  vendor: 'HP',
  summary: 'HP iLO over SMASH CLP (SSH)',
  transports: ['ssh'],
  defaultPort: { ssh: 22 },
  singleServer: true,
  username: { required: true, default: 'Administrator' },
  options: [hostKey, sshInsecure],
  examples: [],
  transportOf: () => 'ssh',
  async create(s) {
    const { createIloSshSwitch } = await import('../drivers/ilo/index.js');
    return createIloSshSwitch({
      host: needHost(s, 'ilo-ssh'),
      port: s.port,
      username: s.username ?? 'Administrator',
      password: s.password ?? '',
      hostKey: hostKeyOf(s),
      timeoutMs: s.timeoutMs,
      transcript: s.transcript,
    });
  },
};

const redfish: DriverRegistration = {
  name: 'redfish',
  vendor: 'DMTF',
  summary: 'Redfish boards (iLO 4/5 and others) over HTTPS',
  transports: ['https'],
  defaultPort: { https: 443 },
  singleServer: true,
  username: { required: true, default: 'Administrator' },
  options: [insecure, ca],
  examples: [],
  transportOf: () => 'https',
  async create(s) {
    const { createRedfishSwitch } = await import('../drivers/ilo/index.js');
    return createRedfishSwitch({
      host: needHost(s, 'redfish'),
      port: s.port,
      username: s.username ?? 'Administrator',
      password: s.password ?? '',
      ca: await readCa(s),
      insecure: s.extra.insecure === true,
      timeoutMs: s.timeoutMs,
      transcript: s.transcript,
    });
  },
};

export const DRIVERS: readonly DriverRegistration[] = [wti, apc, apcSnmp, ilo, iloSsh, redfish];

export function findDriver(name: string): DriverRegistration {
  const found = DRIVERS.find((d) => d.name === name);
  if (!found) throw new UsageError(`unknown driver '${name}' (known: ${DRIVERS.map((d) => d.name).join(', ')})`);
  return found;
}
