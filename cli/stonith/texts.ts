/**
 * Every fixed text cluster-glue's `stonith` 1.0.12 prints, byte for byte
 * (docs/reference/stonith-cli.md §3, §4, §8), as data and small
 * renderers; and, at the end, the device types: the `-L` list and, for each
 * type fencekit implements, its descriptions, config names and plugin loader.
 */
import type { PluginModule } from './plugin.js';

/** `stonith -V`. The name is fixed: the real binary prints "stonith" whatever it is called. */
export const VERSION_LINE = 'stonith: 1.0.12 (0a7add1d9996b6d869d441da6c82fb7b8abcef4f)\n';

const TYPE_PARAMETERS = '{-p stonith-device-parameters | -F stonith-device-parameters-file | -E | name=value...}';

/** The usage text; `cmd` is the program's base name. Usage lines are TAB, space, command. */
export function usageText(cmd: string): string {
  return [
    'usage:',
    `\t ${cmd} [-svh] -L`,
    `\t ${cmd} [-svh] -t stonith-device-type -n`,
    `\t ${cmd} [-svh] -t stonith-device-type -m`,
    `\t ${cmd} [-svh] -t stonith-device-type ${TYPE_PARAMETERS} [-c count] -lS`,
    `\t ${cmd} [-svh] -t stonith-device-type ${TYPE_PARAMETERS} [-c count] -T {reset|on|off} nodename`,
    '',
    'where:',
    '\t-L\tlist supported stonith device types',
    '\t-l\tlist hosts controlled by this stonith device',
    '\t-S\treport stonith device status',
    '\t-s\tsilent',
    '\t-v\tverbose',
    '\t-n\toutput the config names of stonith-device-parameters',
    '\t-m\tdisplay meta-data of the stonith device type',
    '\t-h\tdisplay detailed help message with stonith device description(s)',
    '',
  ].join('\n');
}

/** After the usage, `-h` without `-t` prints this, then one block per type. */
export const HELP_ALL_HEADER = '\nSTONITH -t device types and associated configuration details:\n';

/** One type's `-h` block. It starts with two empty lines. */
export function helpBlock(type: StonithType): string {
  return [
    '',
    '',
    `STONITH Device: ${type.name} - ${type.description}`,
    `For more information see ${type.url}`,
    `List of valid parameter names for ${type.name} STONITH device:`,
    ...type.configNames.map((n) => `\t${n}`),
    'For Config info [-p] syntax, give each of the above parameters in order as',
    'the -p value.',
    'Arguments are separated by white space.',
    'Config file [-F] syntax is the same as -p, except # at the start of a line',
    'denotes a comment',
    '',
  ].join('\n');
}

/** `-n`: every name followed by two spaces, the last one too, then a newline. */
export function configNamesLine(type: StonithType): string {
  return `${type.configNames.map((n) => `${n}  `).join('')}\n`;
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** `-m`: the same template for every type; the descriptions are XML-escaped, the parameter block is the type's own. */
export function metadataXml(type: StonithType): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">',
    `<resource-agent name="${type.name}">`,
    '<version>1.0</version>',
    '<longdesc lang="en">',
    xmlEscape(type.description),
    '</longdesc>',
    `<shortdesc lang="en">${xmlEscape(type.shortDescription)}</shortdesc>`,
    type.parametersXml,
    '<actions>',
    '<action name="start"   timeout="20" />',
    '<action name="stop"    timeout="15" />',
    '<action name="status"  timeout="20" />',
    '<action name="monitor" timeout="20" interval="3600" />',
    '<action name="meta-data"  timeout="15" />',
    '</actions>',
    '<special tag="heartbeat">',
    '<version>2.0</version>',
    '</special>',
    '</resource-agent>',
    '',
  ].join('\n');
}

/** Messages printed with plain fprintf(stderr): the same on a terminal or not. */
export const MESSAGES = {
  badCount: (text: string) => `bad count [${text}]\n`,
  badResetType: (text: string) => `bad reset type [${text}]\n`,
  oneParameterSource: 'Please use just one of -F, -p, and -E options\n',
  cannotMix: 'Cannot mix name=value and -p, -F, or -E style arguments\n',
  tooManyPairs: 'Too many name=value style arguments\n',
  needParameters: 'Must specify either -p option, -F option, -E option, or name=value style arguments\n',
  badP: (text: string) => `Invalid STONITH -p parameter [${text}]\n`,
  invalidConfigInfo: (type: string) => `Invalid config info for ${type} device\n`,
  validConfigNames: (names: readonly string[]) => `Valid config names are:\n${names.map((n) => `\t${n}\n`).join('')}`,
  helpInvalidType: (type: string) => `Invalid device type: '${type}'\n`,
} as const;

/** Messages that go through the log (§7): shown on a terminal, syslog otherwise. */
export const LOG_MESSAGES = {
  needType: 'Must specify device type (-t option)',
  invalidType: (type: string) => `Invalid device type: '${type}'`,
  cannotOpen: (file: string) => `Cannot open ${file}`,
  invalidConfigFile: (type: string) => `Invalid config file for ${type} device.`,
  deviceOk: (type: string) => `${type} device OK.`,
  notAccessible: (type: string) => `${type} device not accessible.`,
  cannotList: (type: string) => `Could not list hosts for ${type}.`,
} as const;

// --- Device types ----------------------------------------------------------

/**
 * The device types: the names cluster-glue 1.0.12 knows (for `-L`, and to
 * tell "unknown" from "not implemented here"), and, for each type fencekit
 * implements, its descriptive data and a loader for its plugin module.
 *
 * Adding a type is one more entry
 * in IMPLEMENTED, with the texts docs/reference/stonith-cli.md gives for
 * it, and one plugin module under this directory. Nothing else changes.
 */
export interface StonithType {
  name: string;
  /** Config names, in `-p` order. */
  configNames: readonly string[];
  /** The device description: `-h` after "STONITH Device: NAME - ", and the `-m` longdesc. */
  description: string;
  url: string;
  /** The `-m` shortdesc (the plugin's device id). */
  shortDescription: string;
  /** The `-m` `<parameters>` block, verbatim. */
  parametersXml: string;
  /**
   * An external plugin (`external/…`): cluster-glue's external.c hands every
   * `name=value` pair to the script as an environment variable (unknown names
   * too; the last of a name wins) and requires none of them, and `-E` takes
   * whichever variables are set. The script applies its own defaults.
   */
  external?: true;
  /** The plugin, loaded only when an action runs. */
  load(): Promise<PluginModule>;
}

/** `stonith -L` on Debian 12 (cluster-glue 1.0.12-21), in its order: sorted, external/* in place. */
export const KNOWN_TYPES: readonly string[] = [
  'apcmaster',
  'apcmastersnmp',
  'apcsmart',
  'baytech',
  'bladehpi',
  'cyclades',
  'drac3',
  'external/drac5',
  'external/dracmc-telnet',
  'external/hetzner',
  'external/hmchttp',
  'external/ibmrsa',
  'external/ibmrsa-telnet',
  'external/ipmi',
  'external/ippower9258',
  'external/kdumpcheck',
  'external/libvirt',
  'external/nut',
  'external/rackpdu',
  'external/riloe',
  'external/ssh',
  'external/vcenter',
  'external/vmware',
  'external/xen0',
  'external/xen0-ha',
  'ibmhmc',
  'ipmilan',
  'meatware',
  'null',
  'nw_rpc100s',
  'rcd_serial',
  'rps10',
  'ssh',
  'suicide',
  'wti_mpc',
  'wti_nps',
];

const parameter = (name: string, shortdesc: string, longdesc: string) =>
  `<parameter name="${name}" unique="0" required="1"><content type="string" />
<shortdesc lang="en">
${shortdesc}</shortdesc>
<longdesc lang="en">
${longdesc}</longdesc>
</parameter>
`;

const WTI_NPS: StonithType = {
  name: 'wti_nps',
  configNames: ['ipaddr', 'password'],
  description: [
    'Western Telematic (WTI) Network Power Switch Devices (NPS-xxx)',
    'Also supports the WTI Telnet Power Switch Devices (TPS-xxx)',
    'NOTE: The WTI Network Power Switch, accepts only one (telnet) connection/session at a time.',
  ].join('\n'),
  url: 'http://www.wti.com/',
  shortDescription: 'WTI Network Power Switch',
  parametersXml: `<parameters>${parameter('ipaddr', 'IP Address', 'The IP address of the STONITH device')}${parameter(
    'password',
    'Password',
    'The password used for logging in to the STONITH device',
  )}</parameters>`,
  load: () => import('./wti-nps.js'),
};

const IPADDR = parameter('ipaddr', 'IP Address', 'The IP address of the STONITH device');

const APCMASTER: StonithType = {
  name: 'apcmaster',
  configNames: ['ipaddr', 'login', 'password'],
  description: [
    'APC MasterSwitch (via telnet)',
    'NOTE: The APC MasterSwitch accepts only one (telnet)',
    'connection/session a time. When one session is active,',
    'subsequent attempts to connect to the MasterSwitch will fail.',
  ].join('\n'),
  url: 'http://www.apc.com/',
  shortDescription: 'APC MasterSwitch',
  parametersXml: `<parameters>${IPADDR}${parameter(
    'login',
    'Login',
    'The username used for logging in to the STONITH device',
  )}${parameter('password', 'Password', 'The password used for logging in to the STONITH device')}</parameters>`,
  load: () => import('./apcmaster.js'),
};

const APCMASTERSNMP: StonithType = {
  name: 'apcmastersnmp',
  configNames: ['ipaddr', 'port', 'community'],
  description: [
    'APC MasterSwitch (via SNMP)',
    'The APC MasterSwitch can accept multiple simultaneous SNMP clients',
  ].join('\n'),
  url: 'http://www.apc.com/',
  shortDescription: 'APC MasterSwitch (SNMP)',
  parametersXml: `<parameters>${IPADDR}${parameter(
    'port',
    'port',
    'The port number on which the SNMP server is running on the STONITH device',
  )}${parameter('community', 'SNMP Community', 'The SNMP community string associated with the STONITH device')}</parameters>`,
  load: () => import('./apcmastersnmp.js'),
};

/**
 * external/riloe. The texts are what the script prints for getinfo-devdescr,
 * getinfo-devurl, getinfo-devid and getinfo-xml, each with the newline its
 * print() adds: that is why `-h` shows an empty line after the description
 * and after the URL, and `-m` one before `</longdesc>`, inside the shortdesc
 * and after `</parameters>`.
 */
const EXTERNAL_RILOE: StonithType = {
  name: 'external/riloe',
  configNames: [
    'hostlist',
    'ilo_hostname',
    'ilo_user',
    'ilo_password',
    'ilo_can_reset',
    'ilo_protocol',
    'ilo_powerdown_method',
    'ilo_proxyhost',
    'ilo_proxyport',
  ],
  description: 'HP/COMPAQ iLO2 STONITH device\n',
  url: 'http://www.hp.com/\n',
  shortDescription: 'iLO2\n',
  parametersXml: `<parameters>
 <parameter name="hostlist" unique="1" required="1">
  <content type="string"/>
  <shortdesc lang="en">ilo target hostname</shortdesc>
  <longdesc lang="en">
   Contains the hostname that the ilo controls
  </longdesc>
 </parameter>
<parameter name="ilo_hostname" unique="1" required="1">
  <content type="string"/>
  <shortdesc lang="en">ilo device hostname</shortdesc>
  <longdesc lang="en">
   The hostname of the ilo device
  </longdesc>
 </parameter>
<parameter name="ilo_user" unique="0" required="1">
  <content type="string" default="Administrator"/>
  <shortdesc lang="en">ilo user</shortdesc>
  <longdesc lang="en">
   The user for connecting to the ilo device
  </longdesc>
 </parameter>
<parameter name="ilo_password" unique="0" required="1">
  <content type="string" default=""/>
  <shortdesc lang="en">password</shortdesc>
  <longdesc lang="en">
   The password for the ilo device user
  </longdesc>
 </parameter>
<parameter name="ilo_can_reset" unique="0" required="0">
  <content type="string" default="0"/>
  <shortdesc lang="en">Device can reset</shortdesc>
  <longdesc lang="en">
   Does the ILO device support RESET commands (hint: older ones cannot)
  </longdesc>
 </parameter>
<parameter name="ilo_protocol" unique="0" required="0">
  <content type="string" default="1.2"/>
  <shortdesc lang="en">ILO Protocol</shortdesc>
  <longdesc lang="en">
   Protocol version supported by the ILO device.
   Known supported versions: 1.2, 2.0
  </longdesc>
 </parameter>
<parameter name="ilo_powerdown_method" unique="0" required="0">
  <content type="string" default="power"/>
  <shortdesc lang="en">Power down method</shortdesc>
  <longdesc lang="en">
   The method to powerdown the host in question.
   * button - Emulate holding down the power button
   * power  - Emulate turning off the machines power 

   NB: A button request takes around 20 seconds. The power method
   about half a minute.
  </longdesc>
 </parameter>
<parameter name="ilo_proxyhost" unique="0" required="0">
  <content type="string" default=""/>
  <shortdesc lang="en">Proxy hostname</shortdesc>
  <longdesc lang="en">
  proxy hostname if required to access ILO board
  </longdesc>
 </parameter>
<parameter name="ilo_proxyport" unique="0" required="0">
  <content type="string" default="3128"/>
  <shortdesc lang="en">Proxy port</shortdesc>
  <longdesc lang="en">
  proxy port if required to access ILO board
  parameter will be ignored if proxy hostname is not set
  </longdesc>
 </parameter>

</parameters>\n`,
  external: true,
  load: () => import('./riloe.js'),
};

/** The types fencekit-stonith implements, in `-L` order. */
export const IMPLEMENTED: readonly StonithType[] = [APCMASTER, APCMASTERSNMP, EXTERNAL_RILOE, WTI_NPS];

export type TypeLookup = { kind: 'implemented'; type: StonithType } | { kind: 'not-implemented' } | { kind: 'unknown' };

export function lookupType(name: string): TypeLookup {
  const type = IMPLEMENTED.find((t) => t.name === name);
  if (type) return { kind: 'implemented', type };
  return KNOWN_TYPES.includes(name) ? { kind: 'not-implemented' } : { kind: 'unknown' };
}
