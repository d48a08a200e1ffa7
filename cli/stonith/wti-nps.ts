/**
 * The `wti_nps` type: cluster-glue's wti_nps plugin (1.0.12) on top of the
 * fencekit WTI driver. The device work (login, /S, switching, reading the
 * state back) is the library's; this module keeps what the plugin adds:
 *
 * - the login loop: up to 20 attempts, 1 s apart, each failure logged in the
 *   plugin's words, then "Cannot log into …". A wrong password ends the loop
 *   at once: it will not become right, and the real plugin's 19 further tries
 *   only meet its own leaked session (see docs/stonith.md);
 * - host matching: the first 16 characters, case-insensitively; every plug
 *   of that name is switched, in one command;
 * - `-l`: named plugs only, lowercased, duplicates kept, at most 63;
 * - the log lines and return codes of status, hostlist and reset.
 *
 * Extensions: `ipaddr` may be `HOST:PORT` (`[V6]:PORT`), or a serial device
 * (`/dev/ttyS0`, `/dev/ttyS0@9600`). The real plugin can only use TCP port 23.
 */
import { setTimeout as sleep } from 'node:timers/promises';
// The driver module itself, not the package's index: one module fewer to load at start-up.
import { createWtiSwitch, type WtiSwitch } from '../../drivers/wti/wti-switch.js';
import { TimeoutError } from '../../src/errors.js';
import type { PlugInfo, PlugResult, PlugTarget } from '../../src/power-switch.js';
import type { ProgressEvent } from '../../src/progress.js';
import type { TranscriptDirection } from '../../src/transcript.js';
import { parseSerialSpec, type SerialOptions } from '../../src/transport/serial.js';
import {
  asciiLower,
  codeOf,
  errnoOf,
  escapeControls,
  LOOKUP_FAILURES,
  type NetAddress,
  parseNetAddress,
  STRERROR,
} from './common.js';
import type { Logger } from './log.js';
import { fromBytes } from './params.js';
import { type PluginContext, type ResetRequest, S, type StonithPlugin } from './plugin.js';

const DEVICE = 'WTI Network Power Switch';
const LOGIN_ATTEMPTS = 20;
const LOGIN_PAUSE_MS = 1000;
/** The plugin keeps at most this many host names. */
const MAX_HOSTS = 63;
/** The plugin reads names with `%16c`: longer names are compared on their first 16 characters. */
const NAME_WIDTH = 16;

type Address = NetAddress | { serial: SerialOptions };

/** `ipaddr`: a host (port 23), `HOST:PORT`, `[V6]:PORT`, or a serial device path. */
export function parseAddress(ipaddr: string): Address {
  if (ipaddr.startsWith('/')) return { serial: parseSerialSpec(ipaddr) };
  return parseNetAddress(ipaddr);
}

/** A plug name as the plugin reads it: 16 characters, trailing blanks dropped. */
function plugName(name: string): string {
  return name.slice(0, NAME_WIDTH).trimEnd();
}

/** The innermost error's words: serialport says "Error: No such file or directory, cannot open /dev/x". */
function rootReason(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && e.cause instanceof Error && depth < 8; depth++) e = e.cause;
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Error: /, '').replace(/, cannot open .*$/, '');
}

/** How the last login attempt failed: it decides -T's return code. */
type LoginFailure = 'auth' | 'timeout' | 'no-response' | 'connect';

type Attempt<T> = { ok: true; value: T } | { ok: false; login: LoginFailure } | { ok: false; error: unknown };

/** What one attempt has come to, from the driver's progress events. */
interface AttemptState {
  connected: boolean;
  passwordSent: boolean;
  loggedIn: boolean;
}

class WtiNpsPlugin implements StonithPlugin {
  private readonly log: Logger;
  private readonly address: Address;
  /** `ipaddr` as given, for messages. */
  private readonly device: string;
  private sw: WtiSwitch | null = null;
  private attempt: AttemptState = { connected: false, passwordSent: false, loggedIn: false };
  /** A second session for the same request does not log the login again. */
  private quietLogin = false;

  constructor(
    ipaddr: string,
    private readonly password: string,
    private readonly context: PluginContext,
  ) {
    this.log = context.log;
    this.device = fromBytes(ipaddr);
    this.address = parseAddress(this.device);
  }

  async status(): Promise<number> {
    const r = await this.session((sw) => sw.list());
    if (r.ok) return S.OK;
    // The real plugin tests `(rc = login() != S_OK)`: any login failure is 1.
    if (!('error' in r)) return S.BADCONFIG;
    this.sessionFailed(r.error);
    return r.error instanceof TimeoutError ? S.TIMEOUT : S.OOPS;
  }

  async hostlist(): Promise<string[] | null> {
    const r = await this.session((sw) => sw.list());
    if (!r.ok) {
      if ('error' in r) this.sessionFailed(r.error);
      return null;
    }
    return r.value
      .filter((p): p is PlugInfo & { name: string } => p.name !== null)
      .map((p) => asciiLower(plugName(p.name)))
      .slice(0, MAX_HOSTS);
  }

  async reset(request: ResetRequest, host: string): Promise<number> {
    const key = host.slice(0, NAME_WIDTH);
    let r: Attempt<PlugResult[]>;
    if (key !== '' && !/^\d+$/.test(key) && key === key.trim()) {
      // The library compares whole names without regard to case: the same as the plugin's 16-character compare.
      r = await this.session((sw) => this.act(sw, request, key));
    } else {
      // The library would read digits as a plug number and trim blanks; the plugin compares names only, verbatim.
      const listed = await this.session((sw) => sw.list());
      if (!listed.ok) r = listed;
      else {
        const plugs = listed.value
          .filter((p) => p.name !== null && asciiLower(plugName(p.name)) === asciiLower(key))
          .map((p) => p.plug);
        if (plugs.length === 0) return this.notMine(host);
        this.quietLogin = true;
        try {
          r = await this.session((sw) => this.act(sw, request, plugs));
        } finally {
          this.quietLogin = false;
        }
      }
    }
    if (r.ok) {
      if (request === 'reset') {
        this.log.info(`Host is being rebooted: ${host}`);
        this.log.info(`Power restored to host: ${host}`);
      } else {
        const outlets = r.value.map((p) => `${p.plug} `).join('');
        this.log.info(`Power to NPS outlet(s) ${outlets} turned /${request === 'on' ? 'On' : 'Off'}`);
      }
      return S.OK;
    }
    if (!('error' in r)) {
      if (r.login === 'auth') return S.ACCESS;
      return r.login === 'timeout' ? S.TIMEOUT : S.OOPS;
    }
    if (codeOf(r.error) === 'EUNKNOWNPLUG') return this.notMine(host);
    this.sessionFailed(r.error);
    if (r.error instanceof TimeoutError) return r.error.phase === 'confirm' ? S.RESETFAIL : S.TIMEOUT;
    return codeOf(r.error) === 'EPROTOCOL' ? S.RESETFAIL : S.OOPS;
  }

  private notMine(host: string): number {
    this.log.warn(`${this.device} doesn't control host [${host}]`);
    return S.BADHOST;
  }

  private act(sw: WtiSwitch, request: ResetRequest, target: PlugTarget): Promise<PlugResult[]> {
    if (request === 'reset') return sw.reboot(target);
    return request === 'on' ? sw.on(target) : sw.off(target);
  }

  /** The driver's switch, made on first use. */
  private switch(): WtiSwitch {
    if (this.sw) return this.sw;
    const address = this.address as Exclude<Address, { unresolvable: true }>;
    this.sw = createWtiSwitch({
      ...('serial' in address ? { serial: address.serial } : { host: address.host, port: address.port }),
      password: this.password,
      // The plugin waits 5 s for each prompt and 60 s for one after a switching command.
      promptTimeoutMs: 5000,
      powerTimeoutMs: 60_000,
      timeoutMs: 180_000,
      // One connection per attempt: the login loop below paces the retries as the plugin does.
      busyRetry: { initialMs: Number.MAX_SAFE_INTEGER },
      progress: (event) => this.track(event),
      // The transcript is the -d output only: nothing is decided from its wording.
      transcript: this.context.debug > 0 ? (direction, text) => this.debug(direction, text) : undefined,
    });
    return this.sw;
  }

  /** Runs one library operation, retrying while the login fails, as the plugin's login loop does. */
  private async session<T>(work: (sw: WtiSwitch) => Promise<T>): Promise<Attempt<T>> {
    let last: LoginFailure = 'connect';
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS; attempt++) {
      if (attempt > 1) await sleep(LOGIN_PAUSE_MS);
      // A name that cannot be looked up fails each attempt without a word.
      if ('unresolvable' in this.address) continue;
      this.attempt = { connected: false, passwordSent: false, loggedIn: false };
      try {
        return { ok: true, value: await work(this.switch()) };
      } catch (err) {
        if (this.attempt.loggedIn) return { ok: false, error: err };
        last = this.loginFailed(err);
        if (last === 'auth') break;
      }
    }
    this.log.crit(`Cannot log into ${DEVICE}.`);
    return { ok: false, login: last };
  }

  /** Logs one failed login attempt as the plugin does, and says how it failed. */
  private loginFailed(err: unknown): LoginFailure {
    if (codeOf(err) === 'EAUTH') {
      this.log.crit(`Invalid password for ${DEVICE}.`);
      return 'auth';
    }
    if (err instanceof TimeoutError && err.phase === 'connect') {
      this.log.perror('connect() failed', STRERROR.ETIMEDOUT as string);
      return 'connect';
    }
    const errno = errnoOf(err);
    // An errno before the line was up: the plugin's connect() (or open()) failed.
    if (!this.attempt.connected && errno !== undefined && errno !== 'ECONNRESET') {
      if (!LOOKUP_FAILURES.has(errno)) {
        const what = 'serial' in this.address ? `open(${this.address.serial.path}) failed` : 'connect() failed';
        this.log.perror(what, STRERROR[errno] ?? errno);
      }
      return 'connect';
    }
    if ('serial' in this.address && !this.attempt.connected && codeOf(err) === 'ECONNECTION') {
      this.log.perror(`open(${this.address.serial.path}) failed`, rootReason(err));
      return 'connect';
    }
    if (!this.attempt.passwordSent) {
      this.log.crit(`No initial response from ${DEVICE}.`);
      return err instanceof TimeoutError ? 'timeout' : 'no-response';
    }
    this.log.crit(`Did not find string PS> from ${DEVICE}.`);
    return err instanceof TimeoutError ? 'timeout' : 'no-response';
  }

  /** A failure after the login: the wording is fencekit's, the plugin's own messages name C internals. */
  private sessionFailed(err: unknown): void {
    this.log.crit(`${DEVICE}: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** The driver's progress: how far the login went, and when it is through. */
  private track(event: ProgressEvent): void {
    const a = this.attempt;
    if (event.type === 'connected') a.connected = true;
    else if (event.type === 'credentials-sent' && event.field === 'password') a.passwordSent = true;
    else if (event.type === 'logged-in' && !a.loggedIn) {
      a.loggedIn = true;
      if (!this.quietLogin) this.log.info(`Successful login to ${DEVICE}.`);
    }
  }

  /** The library's transcript (passwords already masked), as -d output. */
  private debug(direction: TranscriptDirection, text: string): void {
    const shown = escapeControls(text);
    this.log.debug(
      direction === 'sent' ? `Sending [${shown}]` : direction === 'received' ? `Received [${shown}]` : shown,
    );
  }
}

export function createPlugin(config: ReadonlyMap<string, string>, context: PluginContext): StonithPlugin {
  return new WtiNpsPlugin(config.get('ipaddr') ?? '', config.get('password') ?? '', context);
}
