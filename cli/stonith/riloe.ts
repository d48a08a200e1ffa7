/**
 * The `external/riloe` type: cluster-glue's external plugin framework
 * (external.c) running the riloe script (python3, docs/reference/ilo.md
 * §3), on top of the fencekit iLO driver (createIloSwitch: RIBCL over TLS,
 * switching to HTTP when the board answers HTTP). The board work (the
 * request, the login, the power command, reading the power back) is the
 * library's; this module keeps what the script and the framework add:
 *
 * - the script's settings: every `name=value` pair is an environment
 *   variable of the script, over the inherited environment, so a name left
 *   out takes the variable of that name, then riloe's legacy variable
 *   (`RI_HOSTRI`, `RI_LOGIN`, …), then riloe's default (`Administrator`,
 *   `power`, port 3128, …). `SSL_CERT_FILE` and the logging variables are
 *   read from the same environment, as Python and ha_log.sh read them;
 * - the script's checks and messages, in its order (`ilo_proxyport is not a
 *   number`, `ILO device hostname not specified`, `Host controlled by this
 *   ILO device not specified`, `unknown power method %s, setting to "power"`),
 *   and its failure lines (`Login failed. (rc: 0x005F)`, `request failed`,
 *   `[Errno 111] Connection refused, while talking to H`, Python's
 *   certificate errors), written as ha_log.sh writes them: on a terminal
 *   `external/riloe[PID]: ERROR: …` on stderr, off one `logd is not running`
 *   (ha_logger's complaint, no newline) when logd is not there;
 * - the framework's lines and return codes: `-S` returns the script's exit
 *   status (1) after `WARN: external_status: 'riloe status' failed with rc 1`;
 *   `-T` returns S_RESETFAIL after `CRIT: external_reset_req: 'riloe off' for
 *   host NODE failed with rc 1`; `-l` prints the `hostlist` words, split on
 *   blanks, as given (not lowercased), with no board contact.
 *
 * NODE is ignored, as riloe ignores it: the board manages one server.
 * `ilo_hostname` may carry `:PORT` (or `[V6]:PORT`), as Python's http.client
 * reads it for the real script too. Certificates are verified as Python's
 * default context does: against `SSL_CERT_FILE` (else the system bundle),
 * plus the system store (the bundle, standing in for OpenSSL's default
 * directory) or the hashed files of `SSL_CERT_DIR`; the host name or IP
 * address must be in the certificate.
 *
 * Deliberate differences (docs/stonith.md §3): a reset is the library's
 * reboot (off, read back off, on, read back on; the button method presses
 * the button to power on again), on and off are read back, `ilo_can_reset`
 * and `ilo_protocol` do not change what is sent, a proxy is refused.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
// The driver module itself, not the package's index (which would load the SSH and Redfish drivers too);
// loaded when a board is contacted, not for -l.
import type { IloSwitch } from '../../drivers/ilo/ilo-ribcl.js';
import { FencekitError, TimeoutError } from '../../src/errors.js';
import type { ProgressEvent } from '../../src/progress.js';
import type { TranscriptDirection } from '../../src/transcript.js';
import { escapeControls } from './common.js';
import type { Logger } from './log.js';
import { fromBytes, toBytes } from './params.js';
import { type PluginContext, type ResetRequest, S, type StonithPlugin } from './plugin.js';

const SUBPLUGIN = 'riloe';
/** HA_LOGTAG, which external.c sets for the script: "external/" + the sub-plugin. */
const LOG_TAG = `external/${SUBPLUGIN}`;
/** cluster-glue's WHITESPACE (" \t\n\r\f"), which splits the gethosts output. */
const WHITESPACE = /[ \t\n\r\f]+/;
/** The socket ha_logger talks to; no socket there means "logd is not running". */
const LOGD_SOCKET = '/var/lib/heartbeat/log_daemon';
/** The budget of one action: riloe has none (it waits for ever), pacemaker's default fencing timeout is 60 s. */
const OPERATION_TIMEOUT_MS = 120_000;
/** The line of Python 3.11's _ssl.c that reports a failed handshake, as Debian 12's python3 prints it. */
const SSL_C_LINE = 992;

/** Where OpenSSL's default CA file is on the usual distributions (Debian's first). */
const SYSTEM_BUNDLES = [
  '/usr/lib/ssl/cert.pem',
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/cert.pem',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
];

/** Node's names for OpenSSL's certificate verification errors: Python reports them as CERTIFICATE_VERIFY_FAILED. */
const VERIFY_ERRORS: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** strerror() of the errors a TLS client meets, as Python's OSError prints them. */
const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EPIPE: 'Broken pipe',
};

/** getaddrinfo() failures as Python's socket.gaierror prints them (Node says ENOTFOUND for EAI_NONAME and EAI_NODATA). */
const GAIERROR: Readonly<Record<string, string>> = {
  ENOTFOUND: '[Errno -2] Name or service not known',
  EAI_NONAME: '[Errno -2] Name or service not known',
  EAI_AGAIN: '[Errno -3] Temporary failure in name resolution',
  EAI_FAIL: '[Errno -4] Non-recoverable failure in name resolution',
  EAI_NODATA: '[Errno -5] No address associated with hostname',
};

/** Python's int() of a string, ASCII digits only: surrounding blanks, a sign, underscores between digits. */
function pythonInt(text: string): number | null {
  const m = /^[ \t\n\r\f\v]*([+-]?\d+(?:_\d+)*)[ \t\n\r\f\v]*$/.exec(text);
  return m ? Number((m[1] as string).replace(/_/g, '')) : null;
}

/** Python's repr() of a str, for the messages http.client raises. */
function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(/[\\\x00-\x1f\x7f]|'|"/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\t') return '\\t';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === quote) return `\\${c}`;
    if (c === "'" || c === '"') return c;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `${quote}${body}${quote}`;
}

/**
 * What `sh -c "ha_log.sh err '<message>'"` hands ha_log.sh, which prints
 * "$*": quotes in the message end and restart the shell's quoting, so they
 * disappear, and the words between them are split (runs of blanks become one
 * space).
 */
function throughShell(message: string): string {
  return message
    .split("'")
    .map((part, i) => (i % 2 === 0 ? part : part.split(/[ \t\n]+/).join(' ')))
    .join('');
}

type Target = { ok: true; host: string; port: number } | { ok: false; exception: string };

/** http.client's reading of HTTPSConnection(host): `host[:port]`, `[v6]:port`, port 443 by default. */
function parseTarget(hostport: string): Target {
  let host = hostport;
  let port = 443;
  const colon = host.lastIndexOf(':');
  const bracket = host.lastIndexOf(']');
  if (colon > bracket) {
    const text = host.slice(colon + 1);
    if (text !== '') {
      const n = pythonInt(text);
      if (n === null) return { ok: false, exception: `http.client.InvalidURL: nonnumeric port: '${text}'` };
      port = n;
    }
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const bad = /[\x00-\x20\x7f]/.exec(host);
  if (bad) {
    return {
      ok: false,
      exception: `http.client.InvalidURL: URL can't contain control characters. ${pythonRepr(host)} (found at least ${pythonRepr(bad[0])})`,
    };
  }
  // getaddrinfo() takes the port as a 16-bit number.
  return { ok: true, host, port: port & 0xffff };
}

/** The Node error codes along an error's causes, outermost first. */
function causes(err: unknown): { code: string; error: NodeJS.ErrnoException }[] {
  const found: { code: string; error: NodeJS.ErrnoException }[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !(e instanceof FencekitError))
      found.push({ code, error: e as NodeJS.ErrnoException });
  }
  return found;
}

/** Every certificate file of an OpenSSL hashed directory (`5ed36f99.0`): what it would look up there. */
function hashedDirectory(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => /^[0-9a-f]{8}\.\d+$/.test(f))
      .flatMap((f) => {
        try {
          return [fs.readFileSync(path.join(dir, f), 'latin1')];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

function readable(file: string): string | null {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return null;
  }
}

/**
 * The CA certificates Python's default context trusts (set_default_verify_paths):
 * the file `SSL_CERT_FILE` names, else the system bundle; and the directory
 * `SSL_CERT_DIR` names, else the system one (its certificates are the bundle's).
 */
function trustedCertificates(env: ReadonlyMap<string, string>): string {
  const bundle = () => SYSTEM_BUNDLES.map(readable).find((t) => t !== null) ?? tls.rootCertificates.join('\n');
  const certFile = env.get('SSL_CERT_FILE');
  const certDir = env.get('SSL_CERT_DIR');
  const parts: string[] = [];
  parts.push(certFile !== undefined ? (readable(fromBytes(certFile)) ?? '') : bundle());
  if (certDir !== undefined) {
    for (const dir of fromBytes(certDir).split(':')) if (dir) parts.push(...hashedDirectory(dir));
  } else if (certFile !== undefined) {
    parts.push(bundle());
  }
  return parts.filter((p) => p.trim() !== '').join('\n');
}

function logdRunning(): boolean {
  try {
    return fs.statSync(LOGD_SOCKET).isSocket();
  } catch {
    return false;
  }
}

/** The script's exit status: riloe's `fatal()` and an uncaught exception both exit 1. */
type ScriptStatus = 0 | 1;

class RiloePlugin implements StonithPlugin {
  private readonly log: Logger;
  /** The script's environment: the inherited one, then the pairs given. Values are bytes. */
  private readonly env = new Map<string, string>();
  /** When the request in flight went on the wire, and when its connection ended (progress events). */
  private sentAt = 0;
  private repliedAt = 0;
  private readonly switches = new Map<string, IloSwitch>();

  constructor(
    config: ReadonlyMap<string, string>,
    private readonly context: PluginContext,
  ) {
    this.log = context.log;
    for (const [name, value] of Object.entries(process.env))
      if (value !== undefined) this.env.set(name, toBytes(value));
    for (const [name, value] of config) this.env.set(name, value);
  }

  async status(): Promise<number> {
    const rc = await this.script('status');
    if (rc !== 0) this.log.warn(`external_status: '${SUBPLUGIN} status' failed with rc ${rc}`);
    return rc;
  }

  async hostlist(): Promise<string[] | null> {
    const op = 'gethosts';
    if (this.proxyPort() === null) {
      this.log.crit(`external_hostlist: '${SUBPLUGIN} ${op}' failed with rc 1`);
      return null;
    }
    const hosts = this.setting('hostlist', 'RI_HOST', '')
      .split(WHITESPACE)
      .filter((h) => h !== '');
    if (hosts.length === 0) {
      this.log.crit(`external_hostlist: '${SUBPLUGIN} ${op}' returned an empty hostlist`);
      return null;
    }
    return hosts;
  }

  async reset(request: ResetRequest, host: string): Promise<number> {
    const rc = await this.script(request);
    if (rc === 0) return S.OK;
    this.log.crit(`external_reset_req: '${SUBPLUGIN} ${request}' for host ${host} failed with rc ${rc}`);
    return S.RESETFAIL;
  }

  /** A script setting: the variable, else riloe's legacy variable, else its default. Bytes. */
  private setting(name: string, legacy: string | null, fallback: string): string {
    return this.env.get(name) ?? (legacy !== null ? this.env.get(legacy) : undefined) ?? fallback;
  }

  /** `ilo_proxyport` as riloe reads it at start (int()); null, after saying so, when it is not a number. */
  private proxyPort(): number | null {
    const port = pythonInt(fromBytes(this.setting('ilo_proxyport', null, '3128')));
    if (port === null) this.haLog('err', 'ilo_proxyport is not a number');
    return port;
  }

  /** What `riloe status|reset|on|off` does, up to its exit status. */
  private async script(op: 'status' | ResetRequest): Promise<ScriptStatus> {
    const proxyPort = this.proxyPort();
    if (proxyPort === null) return 1;
    const iloHostname = fromBytes(this.setting('ilo_hostname', 'RI_HOSTRI', ''));
    if (iloHostname === '') return this.fatal('ILO device hostname not specified');
    if (this.setting('hostlist', 'RI_HOST', '') === '')
      return this.fatal('Host controlled by this ILO device not specified');
    const wanted = fromBytes(this.setting('ilo_powerdown_method', null, 'power'));
    const method = wanted === 'button' ? 'button' : 'power';
    // The script forgets to format the message: "%s" is printed as it is.
    if (wanted !== method) this.haLog('err', 'unknown power method %s, setting to "power"');
    if (fromBytes(this.setting('ilo_proxyhost', null, '')) !== '' && proxyPort !== 0) {
      this.haLog(
        'err',
        'fencekit-stonith: ilo_proxyhost is not supported (no HTTP CONNECT proxy): reach the iLO directly',
      );
      return 1;
    }
    const target = parseTarget(iloHostname);
    if (!target.ok) {
      // The real script dies of an uncaught exception here: Python prints the traceback on stderr, tty or not.
      this.log.stderr(`${target.exception}\n`);
      return 1;
    }
    try {
      if (op === 'status') await (await this.switchFor('power', target)).list();
      else if (op === 'on') await (await this.switchFor('power', target)).on(1);
      else if (op === 'off') await (await this.switchFor('power', target)).off(1);
      else await (await this.switchFor(method, target)).reboot(1);
      return 0;
    } catch (err) {
      return this.failed(err, iloHostname);
    }
  }

  /** riloe's my_err() then sys.exit(1). */
  private fatal(message: string): 1 {
    this.haLog('err', message);
    return 1;
  }

  /** Logs a failed request as riloe does, and gives its exit status. */
  private failed(err: unknown, iloHostname: string): 1 {
    const where = `, while talking to ${iloHostname}`;
    for (const { code, error } of causes(err)) {
      if (VERIFY_ERRORS.has(code)) {
        return this.fatal(
          `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${error.message} (_ssl.c:${SSL_C_LINE})${where}`,
        );
      }
      if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        const host = (error as { host?: string }).host ?? '';
        const reason = net.isIP(host)
          ? `IP address mismatch, certificate is not valid for ${host}.`
          : `Hostname mismatch, certificate is not valid for '${host}'.`;
        return this.fatal(
          `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${reason} (_ssl.c:${SSL_C_LINE})${where}`,
        );
      }
      if (code.startsWith('ERR_SSL_')) {
        const reason = (error as { reason?: string }).reason ?? error.message;
        return this.fatal(`[SSL: ${code.slice('ERR_SSL_'.length)}] ${reason} (_ssl.c:${SSL_C_LINE})${where}`);
      }
      if (GAIERROR[code]) return this.fatal(`${GAIERROR[code]}${where}`);
      const errno = (os.constants.errno as Record<string, number>)[code];
      if (errno !== undefined) return this.fatal(`[Errno ${errno}] ${STRERROR[code] ?? error.message}${where}`);
    }
    // The board never finished an answer (a read-back that never confirmed is a failed request instead).
    if (err instanceof TimeoutError && err.phase !== 'confirm') return this.fatal(`timed out${where}`);
    const fields = err instanceof FencekitError ? err : undefined;
    if (fields?.code === 'EPROTOCOL' && fields.reply === '') {
      const seconds = Math.max(0, this.repliedAt - this.sentAt) / 1000;
      return this.fatal(`no response from ${iloHostname} within ${seconds.toFixed(2)} s`);
    }
    // A RESPONSE with a non-zero STATUS: riloe prints its message and the status as the board wrote it.
    if (fields?.deviceStatus !== undefined && fields.reply !== undefined) {
      this.haLog('err', `${fields.reply} (rc: ${fields.deviceStatus})`);
    } else this.haLog('err', err instanceof Error ? err.message : String(err));
    return this.fatal('request failed');
  }

  /**
   * ha_log.sh: on a terminal, `TAG[PID]: PRIO: message` on stderr; off one,
   * the message goes to ha_logger, which says `logd is not running` (no
   * newline) when there is no logd, then to syslog (here: dropped, as the
   * front-end drops its own messages off a terminal).
   */
  private haLog(level: 'err' | 'warn', message: string): void {
    const text = `${level === 'err' ? 'ERROR' : 'WARN'}: ${throughShell(message)}`;
    if (this.log.tty) {
      const device = this.env.get('CRM_meta_st_device_id');
      const tag = device ? `${LOG_TAG}(${fromBytes(device)})` : LOG_TAG;
      this.log.stderr(`${tag}[${process.pid}]: ${text}\n`);
      return;
    }
    const logd = this.env.get('HA_LOGD') ?? 'yes';
    if (logd === 'yes' && !logdRunning()) this.log.stderr('logd is not running');
  }

  /** The library's switch for this power method, made on first use. */
  private async switchFor(method: 'power' | 'button', target: { host: string; port: number }): Promise<IloSwitch> {
    let sw = this.switches.get(method);
    if (!sw) {
      const { createIloSwitch } = await import('../../drivers/ilo/ilo-ribcl.js');
      sw = createIloSwitch({
        host: target.host,
        port: target.port,
        username: fromBytes(this.setting('ilo_user', 'RI_LOGIN', 'Administrator')),
        password: fromBytes(this.setting('ilo_password', 'RI_PASSWORD', '')),
        method,
        name: 'server',
        ca: trustedCertificates(this.env),
        timeoutMs: OPERATION_TIMEOUT_MS,
        progress: (event) => this.track(event),
        // The transcript is the -d output only: nothing is decided from its wording.
        transcript: this.context.debug > 0 ? (direction, text) => this.debug(direction, text) : undefined,
      });
      this.switches.set(method, sw);
    }
    return sw;
  }

  /** The driver's progress: when each request went out and when its answer ended, for riloe's messages. */
  private track(event: ProgressEvent): void {
    if (event.type === 'credentials-sent') this.sentAt = Date.now();
    else if (event.type === 'disconnected') this.repliedAt = Date.now();
  }

  /** The library's transcript (the password masked), as -d output. */
  private debug(direction: TranscriptDirection, text: string): void {
    const shown = escapeControls(text);
    this.log.debug(
      direction === 'sent' ? `Sending [${shown}]` : direction === 'received' ? `Received [${shown}]` : shown,
    );
  }
}

export function createPlugin(config: ReadonlyMap<string, string>, context: PluginContext): StonithPlugin {
  return new RiloePlugin(config, context);
}
