import type { DriverOption, DriverRegistration } from '../../src/driver-registration.js';

/**
 * The one option table of `fence_fencekit`: it drives stdin parsing, argv
 * parsing, help and metadata, as fence-agents' `all_opt` does for its agents.
 * The common options live here; each driver's own options come from its
 * registration (`options[].agentName`), so a driver added to the registry
 * shows up in the agent without touching this folder.
 */
export type AgentKind = 'string' | 'secret' | 'integer' | 'second' | 'boolean' | 'select';

export interface AgentOption {
  /** The stdin name; the long option is the same with `-` for `_`. */
  name: string;
  /** Legacy stdin names fence-agents still accepts (shown as deprecated in metadata). */
  legacy?: string;
  short?: string;
  kind: AgentKind;
  help: string;
  default?: string;
  choices?: readonly string[];
  required?: boolean;
  /** Accepted for compatibility and otherwise not used (said in its help). */
  ignored?: boolean;
  /** false: the legacy name is accepted but not shown in metadata (fence-agents hides `option`). */
  legacyInMetadata?: boolean;
  /** Shown in help and metadata; false for --help and --version. */
  listed?: boolean;
}

export const ACTIONS = [
  'on',
  'off',
  'reboot',
  'status',
  'list',
  'list-status',
  'monitor',
  'metadata',
  'validate-all',
] as const;
export type AgentAction = (typeof ACTIONS)[number];

export function commonOptions(drivers: readonly DriverRegistration[]): AgentOption[] {
  return [
    {
      name: 'action',
      legacy: 'option',
      legacyInMetadata: false,
      short: 'o',
      kind: 'string',
      default: 'reboot',
      help: 'Fencing action',
      required: true,
    },
    {
      name: 'driver',
      kind: 'select',
      choices: drivers.map((d) => d.name),
      required: true,
      help: `fencekit driver: ${drivers.map((d) => `${d.name} (${d.summary})`).join('; ')}`,
    },
    { name: 'ip', legacy: 'ipaddr', short: 'a', kind: 'string', help: 'IP address or hostname of fencing device' },
    {
      name: 'ipport',
      short: 'u',
      kind: 'integer',
      help: "TCP/UDP port to use for connection with device (default: the driver's, e.g. 23 telnet, 22 ssh, 161 snmp, 443 TLS)",
    },
    {
      name: 'serial_port',
      kind: 'string',
      help: 'Serial device of a WTI on a serial line, e.g. /dev/ttyS0 (instead of ip)',
    },
    { name: 'baud', kind: 'integer', default: '9600', help: 'Baud rate of serial_port' },
    { name: 'username', legacy: 'login', short: 'l', kind: 'string', help: 'Login name' },
    { name: 'password', legacy: 'passwd', short: 'p', kind: 'secret', help: 'Login password or passphrase' },
    {
      name: 'password_script',
      legacy: 'passwd_script',
      short: 'S',
      kind: 'string',
      help: 'Script to run to retrieve password',
    },
    {
      name: 'plug',
      legacy: 'port',
      short: 'n',
      kind: 'string',
      help: 'Physical plug number on device, or a plug name (one server boards: may be left out)',
    },
    { name: 'plug_separator', kind: 'string', default: ',', help: 'Separator for several plugs in plug' },
    { name: 'separator', short: 'C', kind: 'string', default: ',', help: 'Separator for list and list-status output' },
    {
      name: 'verbose',
      short: 'v',
      kind: 'boolean',
      help: 'Verbose mode: the exchange with the device on stderr, passwords masked',
    },
    {
      name: 'debug_file',
      legacy: 'debug',
      short: 'D',
      kind: 'string',
      help: 'Write the exchange with the device to this file, passwords masked',
    },
    { name: 'quiet', short: 'q', kind: 'boolean', help: 'Disable logging to stderr' },
    { name: 'delay', kind: 'second', default: '0', help: 'Wait X seconds before fencing is started (off and reboot)' },
    { name: 'login_timeout', kind: 'second', default: '5', help: 'Wait X seconds for the device to accept the login' },
    { name: 'power_timeout', kind: 'second', default: '20', help: 'Test X seconds for status change after ON/OFF' },
    { name: 'power_wait', kind: 'second', default: '0', help: 'Wait X seconds after issuing ON/OFF' },
    { name: 'shell_timeout', kind: 'second', default: '3', help: 'Wait X seconds for a command to complete' },
    {
      name: 'retry_on',
      kind: 'integer',
      default: '1',
      help: 'Count of attempts to power on (and to retry a failed status)',
    },
    {
      name: 'stonith_status_sleep',
      kind: 'second',
      default: '1',
      help: 'Accepted for compatibility; fencekit reads the state back as soon as it can',
      ignored: true,
    },
    {
      name: 'disable_timeout',
      kind: 'string',
      help: 'Accepted for compatibility; fencekit always keeps its timeouts, under Pacemaker too',
      ignored: true,
    },
    { name: 'version', short: 'V', kind: 'boolean', help: 'Display version information and exit', listed: false },
    { name: 'help', short: 'h', kind: 'boolean', help: 'Display help and exit', listed: false },
  ];
}

/** An option every consumer shares, or one a driver declared. */
export interface OptionEntry {
  option: AgentOption;
  /** Set for a driver's own option: which drivers declare it, and how. */
  driverOptions?: { driver: string; option: DriverOption }[];
}

function fromDriverOption(o: DriverOption): AgentOption {
  const kind: AgentKind =
    o.kind === 'boolean'
      ? 'boolean'
      : o.kind === 'integer'
        ? 'integer'
        : o.kind === 'secret'
          ? 'secret'
          : o.kind === 'choice'
            ? 'select'
            : 'string';
  return { name: o.agentName, kind, help: o.help, default: o.default, choices: o.choices };
}

/** Legacy spellings of driver options, as fence-agents names them. */
const DRIVER_LEGACY: Record<string, string> = { ssh: 'secure' };

/** Short options fence-agents gives these names (fence_apc_snmp's letters for SNMP). */
const DRIVER_SHORT: Record<string, string> = {
  ssh: 'x',
  ssl_insecure: 'z',
  community: 'c',
  snmp_version: 'd',
  snmp_auth_prot: 'b',
  snmp_sec_level: 'E',
  snmp_priv_prot: 'B',
  snmp_priv_passwd: 'P',
};

/** The whole table, common options first, then every driver's options (one entry per agent name). */
export function optionTable(drivers: readonly DriverRegistration[]): OptionEntry[] {
  const entries: OptionEntry[] = commonOptions(drivers).map((option) => ({ option }));
  const byName = new Map<string, OptionEntry>();
  for (const d of drivers) {
    for (const o of d.options) {
      let entry = byName.get(o.agentName);
      if (!entry) {
        const option = fromDriverOption(o);
        option.legacy = DRIVER_LEGACY[o.agentName];
        option.short = DRIVER_SHORT[o.agentName];
        entry = { option, driverOptions: [] };
        byName.set(o.agentName, entry);
        entries.push(entry);
      }
      entry.driverOptions?.push({ driver: d.name, option: o });
    }
  }
  for (const entry of byName.values()) {
    const names = entry.driverOptions?.map((d) => d.driver).join(', ');
    entry.option.help = `${entry.option.help} (driver ${names})`;
  }
  return entries;
}

/** Finds an entry by stdin name, legacy name or long option (dashes or underscores). */
export function lookup(table: readonly OptionEntry[], name: string): OptionEntry | undefined {
  const n = name.replace(/-/g, '_');
  return table.find((e) => e.option.name === n || e.option.legacy === n);
}
