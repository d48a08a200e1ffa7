import { MODEL_KINDS, MODELS } from '../emulator/models.js';

/**
 * `fencekit emulate`'s flags as data: cli/fencekit.ts gives them to commander
 * (for help and errors), and cli/emulate-args.ts reads an ordinary command line
 * with them directly, so that a start does not load commander.
 */
export interface EmulateFlag {
  /** As commander takes it: `--listen <host:port>`, `--no-telnet`, `--console`. */
  flag: string;
  help: string | (() => string);
  repeatable?: true;
}

export const EMULATE_FLAGS: readonly EmulateFlag[] = [
  { flag: '--model <model>', help: () => `${MODELS.slice(0, -1).join(', ')} or ${MODELS.at(-1)} (default: ips800)` },
  { flag: '--firmware <version>', help: 'APC: 2.7 (menu) or 6.4 (apc> CLI) (default: 2.7)' },
  { flag: '--ssh <host:port>', help: 'APC: serve SSH here too; iLO: SMASH CLP over SSH' },
  { flag: '--tls <host:port>', help: 'iLO: raw RIBCL over TLS, as an iLO 2 (the real board: port 443)' },
  {
    flag: '--https <host:port>',
    help: 'iLO: TLS port answering raw RIBCL and HTTP (RIBCL over HTTP, Redfish), as iLO 3/4/5',
  },
  { flag: '--cert <file>', help: 'iLO: PEM certificate for --tls/--https (default: made and kept beside --state)' },
  { flag: '--key <file>', help: 'iLO: PEM private key of --cert' },
  {
    flag: '--transition <seconds>',
    help: 'iLO: seconds between a power command and the server changing state (default: 0)',
  },
  { flag: '--snmp <host:port>', help: 'APC: serve SNMP (UDP) here too' },
  { flag: '--username <name>', help: 'APC: the user name (default: apc); iLO: the login (default: admin)' },
  { flag: '--role <role>', help: 'APC: the user is admin, device or outlet (default: admin)' },
  { flag: '--community <name>', help: 'APC: SNMP write community (default: private; read: public)' },
  {
    flag: '--snmp-user <name>',
    help: "APC: an SNMPv3 user (added to the config file's snmpUsers; same name replaced)",
  },
  {
    flag: '--snmp-sec-level <level>',
    help: 'APC: its level: noAuthNoPriv, authNoPriv or authPriv (default: from the passwords)',
  },
  { flag: '--snmp-auth-prot <prot>', help: 'APC: its authentication protocol, MD5 or SHA (default: SHA)' },
  {
    flag: '--snmp-priv-prot <prot>',
    help: 'APC: its privacy protocol, AES or DES (DES needs --openssl-legacy-provider)',
  },
  {
    flag: '--snmp-auth-password-file <file>',
    help: 'APC: its authentication password (or FENCEKIT_SNMP_AUTH_PASSWORD)',
  },
  { flag: '--snmp-priv-password-file <file>', help: 'APC: its privacy password (or FENCEKIT_SNMP_PRIV_PASSWORD)' },
  { flag: '--snmp-auth-password <password>', help: 'APC: the same in argv, visible to ps (prefer the file)' },
  { flag: '--snmp-priv-password <password>', help: 'APC: the same in argv, visible to ps (prefer the file)' },
  { flag: '--outlets <n>', help: 'APC: number of outlets (default: 24, MasterSwitch 8)' },
  { flag: '--max-sessions <n>', help: 'APC, iLO: telnet and SSH sessions at once (default: 1, MasterSwitch 2, iLO 4)' },
  { flag: '--listen <host:port>', help: 'WTI, APC: telnet address (default: 127.0.0.1:2323; port 23 needs root)' },
  { flag: '--no-telnet', help: 'serve no telnet (serial only)' },
  { flag: '--password <password>', help: 'system (WTI) or user (APC, iLO) password (prefer --password-file)' },
  { flag: '--password-file <file>', help: 'read the password from a file' },
  { flag: '--plug <n=name>', help: 'name a plug, e.g. --plug 5=mclaws (repeatable)', repeatable: true },
  { flag: '--serial <path>', help: 'WTI: serve the menu on this serial device too, e.g. /dev/ttyS0' },
  { flag: '--baud <rate>', help: 'WTI: serial baud rate (default: 9600)' },
  { flag: '--state <file>', help: 'keep plug names and states here across restarts (keys, certificates beside it)' },
  { flag: '--config <file>', help: 'JSON file with the same settings (flags win)' },
  {
    flag: '--boot-delay <seconds>',
    help: 'WTI, APC: boot/sequence (APC: reboot) delay of every plug (default: 0.5, APC 5)',
  },
  { flag: '--idle-timeout <seconds>', help: 'drop a session idle this long (default: 300)' },
  { flag: '--site-id <text>', help: 'WTI: site ID shown on the banner; APC: the card name' },
  {
    flag: '--fault <name>',
    help: () => `${MODEL_KINDS.map((k) => `${k.label}: ${k.faults.join(', ')}`).join('; ')} (repeatable)`,
    repeatable: true,
  },
  { flag: '--console', help: 'show the live plug table (default on a terminal)' },
  { flag: '--no-console', help: 'print one log line per event on stderr instead' },
];
