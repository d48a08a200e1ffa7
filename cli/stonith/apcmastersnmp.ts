/**
 * The `apcmastersnmp` type: cluster-glue's apcmastersnmp plugin (1.0.12) on
 * top of the fencekit APC SNMP driver (createApcSnmpSwitch, SNMPv1). The
 * device work (which outlet tables the card has, reading names and states,
 * the SET, reading the state back until it holds) is the library's; this
 * module keeps what the plugin adds:
 *
 * - configuration: the host must resolve as gethostbyname() resolves it
 *   (IPv4 names and addresses only: `host:port` is refused, as by the real
 *   plugin), then the card must answer (the real plugin reads the number of
 *   outlets); a failure is a configuration failure (exit 1 or 2);
 * - UDP port 161 always: the `port` parameter is required and ignored, as
 *   the real plugin ignores it;
 * - host matching: whole outlet names, without regard to ASCII case; every
 *   outlet of that name is switched;
 * - `-l`: the outlet names, lowercased, each once;
 * - the log lines and return codes of status, hostlist and reset, in the
 *   plugin's words (they name its C functions, and scripts may look for them).
 */
import dns from 'node:dns/promises';
import net from 'node:net';
// The driver module itself, not the package's index (which would load the telnet driver too).
import { type ApcSnmpSwitch, createApcSnmpSwitch } from '../../drivers/apc/apc-snmp.js';
import { FencekitError, TimeoutError } from '../../src/errors.js';
import type { PlugInfo } from '../../src/power-switch.js';
import type { TranscriptDirection } from '../../src/transcript.js';
import { asciiLower, codeOf, escapeControls } from './common.js';
import type { Logger } from './log.js';
import { fromBytes, toBytes } from './params.js';
import { type PluginContext, type ResetRequest, S, type StonithPlugin } from './plugin.js';

const DEVICE = 'APC MasterSwitch (SNMP)';
/** The plugin always talks to this port. */
const SNMP_PORT = 161;

/** The models the plugin was tested with; -S warns about any other (docs/reference/apc.md §6). */
const TESTED_MODELS: readonly string[] = ['AP9606', 'AP7920', 'AP7921', 'AP7900'];

/** net-snmp's snmp_errstring(), as the plugin logs an error status. */
const SNMP_ERRORS = [
  '(noError) No Error',
  '(tooBig) Response message would have been too large.',
  '(noSuchName) There is no such variable name in this MIB.',
  '(badValue) The value given has the wrong type or length.',
  '(readOnly) The two parties used do not have access to use the specified SNMP PDU.',
  '(genError) A general failure occured',
  'noAccess',
  'wrongType (The set datatype does not match the data type the agent expects)',
  'wrongLength (The set value has an illegal length from what the agent expects)',
  'wrongEncoding',
  'wrongValue (The set value is illegal or unsupported in some way)',
  'noCreation (That table does not support row creation or that object can not ever be created)',
  'inconsistentValue (The set value is illegal or unsupported in some way)',
  'resourceUnavailable (This is likely a out-of-memory failure within the agent)',
  'commitFailed',
  'undoFailed',
  'authorizationError (access denied to that object)',
  'notWritable (That object does not support modification)',
  'inconsistentName (That object can not currently be created)',
];

/** h_errno values. */
const HOST_NOT_FOUND = 1;
const TRY_AGAIN = 2;
const NO_RECOVERY = 3;
const NO_DATA = 4;

/**
 * What gethostbyname() makes of `ipaddr`: null when it resolves, else its
 * h_errno. It knows IPv4 only, so an IPv6 address and `host:port` fail.
 */
async function hostLookupError(name: string): Promise<number | null> {
  if (name === '') return NO_RECOVERY;
  if (net.isIPv4(name)) return null;
  if (net.isIPv6(name)) return HOST_NOT_FOUND;
  try {
    await dns.lookup(name, { family: 4 });
    return null;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EAI_AGAIN') return TRY_AGAIN;
    if (code === 'EAI_FAIL') return NO_RECOVERY;
    if (code === 'ENODATA' || code === 'EAI_NODATA') return NO_DATA;
    return HOST_NOT_FOUND;
  }
}

/** The agent's SNMP error status, as the driver reports it on its errors. */
function snmpStatusOf(err: unknown): number | undefined {
  if (!(err instanceof FencekitError) || err.deviceStatus === undefined) return undefined;
  const status = Number(err.deviceStatus);
  return Number.isInteger(status) ? status : undefined;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

class ApcMasterSnmpPlugin implements StonithPlugin {
  private readonly log: Logger;
  private readonly sw: ApcSnmpSwitch;

  constructor(
    private readonly hostname: string,
    community: string,
    private readonly context: PluginContext,
  ) {
    this.log = context.log;
    this.sw = createApcSnmpSwitch({
      host: hostname,
      port: SNMP_PORT,
      version: '1',
      community,
      // The whole operation, read-back included: well inside pacemaker's default fencing timeout (60 s).
      timeoutMs: 30_000,
      // The transcript is the -d output only: nothing is decided from its wording.
      transcript: this.context.debug > 0 ? (direction, text) => this.debug(direction, text) : undefined,
    });
  }

  async configure(): Promise<number> {
    const herr = await hostLookupError(this.hostname);
    if (herr !== null) {
      this.log.crit(`apcmastersnmp_set_config: cannot resolve hostname '${this.hostname}', h_errno ${herr}.`);
      return S.BADCONFIG;
    }
    // As the plugin does: the Rack PDU's outlet count, before any action. A card without
    // the Rack PDU MIB (an AP9211 MasterSwitch) fails here, as it does with the real one.
    const r = await this.read(() => this.sw.rackPduOutletCount());
    if (r.ok) return S.OK;
    this.snmpFailed(r.error);
    this.log.crit('apcmastersnmp_set_config: cannot read number of outlets.');
    return S.ACCESS;
  }

  /** -S: the card's model (rPDUIdentModelNumber), as the plugin reads it; a model off its tested list is a warning. */
  async status(): Promise<number> {
    const r = await this.read(() => this.sw.rackPduModel());
    if (!r.ok) {
      this.snmpFailed(r.error);
      this.log.crit('apcmastersnmp_status: cannot read ident.');
      return S.ACCESS;
    }
    if (!TESTED_MODELS.includes(r.value)) {
      this.log.warn(`apcmastersnmp_status: module not tested with this hardware '${r.value}'.`);
    }
    return S.OK;
  }

  async hostlist(): Promise<string[] | null> {
    const r = await this.read(() => this.sw.list());
    if (!r.ok) {
      this.snmpFailed(r.error);
      this.log.crit('apcmastersnmp_hostlist: cannot read name for outlet 1.');
      return null;
    }
    // Each name once, compared without regard to ASCII case; the first spelling is kept, lowercased.
    const hosts: string[] = [];
    for (const p of r.value) {
      const name = asciiLower(p.name ?? '');
      if (!hosts.includes(name)) hosts.push(name);
    }
    return hosts;
  }

  async reset(request: ResetRequest, host: string): Promise<number> {
    const listed = await this.read(() => this.sw.list());
    if (!listed.ok) {
      this.snmpFailed(listed.error);
      this.log.crit('apcmastersnmp_reset_req: cannot read name for outlet 1.');
      return S.ACCESS;
    }
    const key = asciiLower(toBytes(host));
    const plugs = listed.value.filter((p: PlugInfo) => asciiLower(p.name ?? '') === key).map((p) => p.plug);
    if (plugs.length === 0) {
      this.log.crit(`apcmastersnmp_reset_req: no active outlet for '${host}'.`);
      return S.BADHOST;
    }
    const r = await this.read(() =>
      request === 'reset' ? this.sw.reboot(plugs) : request === 'on' ? this.sw.on(plugs) : this.sw.off(plugs),
    );
    if (r.ok) return S.OK;
    if (r.error instanceof TimeoutError && r.error.phase === 'confirm') {
      // An outlet never read back in the wanted state (the library waited for it).
      this.log.crit(`apcmastersnmp_reset_req: stonith operation for '${host}' failed.`);
      return S.RESETFAIL;
    }
    // A failed SET names its outlet (error.plugs); a failed read names none.
    const outlet = r.error instanceof FencekitError ? r.error.plugs?.[0] : undefined;
    if (outlet !== undefined) {
      this.snmpFailed(r.error, 'APC_write');
      this.log.crit(`apcmastersnmp_reset_req: cannot send reboot command for outlet ${outlet}.`);
    } else {
      this.snmpFailed(r.error);
      this.log.crit(`apcmastersnmp_reset_req: cannot read state for outlet ${plugs[0]}.`);
    }
    return S.ACCESS;
  }

  private async read<T>(work: () => Promise<T>): Promise<Result<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * The first line the plugin logs when a request fails: net-snmp's words
   * for a timeout (a wrong community gets no answer) or an error status;
   * anything else in the library's words.
   */
  private snmpFailed(err: unknown, fn: 'APC_read' | 'APC_write' = 'APC_read'): void {
    const status = snmpStatusOf(err);
    if (err instanceof TimeoutError || codeOf(err) === 'ETIMEOUT') {
      this.log.crit(`${fn}: error sending/receiving pdu (cliberr: 0 / snmperr: -24 / error: Timeout).`);
    } else if (status !== undefined) {
      const text = SNMP_ERRORS[status] ?? `Unknown Error ${status}`;
      this.log.crit(`${fn}: error in response packet, reason ${status} [${text}].`);
    } else {
      this.log.crit(`${DEVICE}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The library's transcript, as -d output. */
  private debug(direction: TranscriptDirection, text: string): void {
    const shown = escapeControls(text);
    this.log.debug(
      direction === 'sent' ? `Sending [${shown}]` : direction === 'received' ? `Received [${shown}]` : shown,
    );
  }
}

export function createPlugin(config: ReadonlyMap<string, string>, context: PluginContext): StonithPlugin {
  // `port` is required and ignored: the real plugin always sends to UDP 161.
  return new ApcMasterSnmpPlugin(
    fromBytes(config.get('ipaddr') ?? ''),
    fromBytes(config.get('community') ?? ''),
    context,
  );
}
