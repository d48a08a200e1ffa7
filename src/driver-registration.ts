/**
 * What a vendor declares so that every consumer (fencekit power, fencekit-stonith,
 * the fence agent, help texts, the docs' tables) can offer its drivers without
 * naming them: names, options with help and the transports they apply to, and a
 * factory. The list of registrations lives at the top (cli/drivers.ts), the one
 * place that knows every vendor; each registration lives in its vendor's folder
 * and loads the driver itself only when `create` runs.
 */

import type { PowerSwitch } from './power-switch.js';
import type { ProgressListener } from './progress.js';
import type { Transcript } from './transcript.js';

export type TransportKind = 'telnet' | 'serial' | 'ssh' | 'snmp' | 'tls' | 'https';

/**
 * How an option's value is given. `boolean`: present or not (`true` in
 * DriverSettings.extra). `file`: a path the driver reads (a CA certificate).
 * `secret`: the value itself reaches the driver, but never through argv: the
 * CLI flag names a file holding it and `env` a variable; a stdin consumer (the
 * fence agent) takes it under `agentName` directly.
 */
export type OptionKind = 'string' | 'integer' | 'boolean' | 'secret' | 'file' | 'choice';

/** One setting a driver understands beyond the common ones (host, port, username, password, timeout). */
export interface DriverOption {
  /** Key in DriverSettings.extra, camelCase: `snmpVersion`. */
  key: string;
  /** CLI flag without dashes: `snmp-version`. For a secret, the flag that names its file: `snmp-priv-password-file`. */
  flag: string;
  /** Fence-agent (stdin) name: `snmp_version`. */
  agentName: string;
  /** Placeholder shown in help: `<v>`; absent for booleans. */
  valueName?: string;
  kind: OptionKind;
  help: string;
  choices?: readonly string[];
  /** Default as text, for help and metadata. */
  default?: string;
  /** Transports it applies to; absent means every transport of the driver. */
  transports?: readonly TransportKind[];
  /** Secrets only: the environment variable the CLI reads when the flag is not given. */
  env?: string;
}

/** What a consumer resolved from its flags, stdin or config; the factory validates the rest. */
export interface DriverSettings {
  host?: string;
  port?: number;
  /** Serial device path, for drivers with a serial transport. */
  serial?: string;
  baud?: number;
  username?: string;
  password?: string;
  timeoutMs?: number;
  transcript?: Transcript;
  progress?: ProgressListener;
  /**
   * Driver-specific settings, keyed by DriverOption.key; values as given
   * (strings; booleans as true, or the strings 1/yes/on/true and 0/no/off/false).
   */
  extra: Record<string, string | boolean | undefined>;
}

export interface DriverRegistration {
  /** `wti`, `apc`, `apc-snmp`, `ilo`, `ilo-ssh`, `redfish`. */
  name: string;
  vendor: string;
  /** One line for help and docs. */
  summary: string;
  transports: readonly TransportKind[];
  /** Default port for a transport (the first transport's is shown in help). */
  defaultPort: Partial<Record<TransportKind, number>>;
  /** A board that manages one server: the plug may be left out. */
  singleServer: boolean;
  /** Whether a user name is needed, and its default. */
  username: { required: boolean; default?: string };
  options: readonly DriverOption[];
  /** Examples for help texts, as full command lines. */
  examples: readonly string[];
  /** Picks the transport a settings bag means (e.g. ssh when extra.ssh is set). */
  transportOf(settings: DriverSettings): TransportKind;
  /**
   * Validates what the consumer could not (choices, values that depend on one
   * another: a UsageError with one line naming the CLI flag), then loads the
   * driver (a dynamic import, so that listing drivers loads none) and makes the switch.
   */
  create(settings: DriverSettings): Promise<PowerSwitch>;
}
