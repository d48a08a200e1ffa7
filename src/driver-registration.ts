/**
 * What a vendor declares so that every consumer (fencekit power, fencekit-stonith,
 * the fence agent, help texts, the docs' tables) can offer its drivers without
 * naming them: names, options with help and the transports they apply to, and a
 * factory. The list of registrations lives at the top (cli/drivers.ts), the one
 * place that knows every vendor; each registration lives in its vendor's folder
 * and loads the driver itself only when `create` runs.
 */
import type { ProgressListener } from './progress.js';
import type { PowerSwitch } from './power-switch.js';
import type { Transcript } from './transcript.js';

export type TransportKind = 'telnet' | 'serial' | 'ssh' | 'snmp' | 'tls' | 'https';

export type OptionKind = 'string' | 'integer' | 'boolean' | 'secret' | 'file' | 'choice';

/** One setting a driver understands beyond the common ones (host, port, username, password, timeout). */
export interface DriverOption {
  /** Key in DriverSettings.extra, camelCase: `snmpVersion`. */
  key: string;
  /** CLI flag without dashes: `snmp-version`. */
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
  /** Driver-specific settings, keyed by DriverOption.key; values as given (strings, or true for booleans). */
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
  create(settings: DriverSettings): Promise<PowerSwitch>;
}
