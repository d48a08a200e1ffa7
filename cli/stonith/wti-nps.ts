/**
 * The `wti_nps` type: cluster-glue's wti_nps plugin (1.0.12) on top of the
 * fencekit WTI driver. The device work (login, /S, switching, reading the
 * state back) is the library's; this module keeps what the plugin adds:
 *
 * - the login loop: up to 20 attempts, 1 s apart, each failure logged in the
 *   plugin's words, then "Cannot log into …". A wrong password does not end
 *   it, and a TCP connection whose login failed is left open until the
 *   request is over, as the plugin leaves it: a single-session unit then
 *   turns the further tries away as it does the plugin's (docs/stonith.md);
 * - after a failed login, `-T` logs out on the last connection anyway, as
 *   the plugin does ("Did not find string PS>", "Received […]");
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
import type { Deadline } from '../../src/deadline.js';
import { TimeoutError } from '../../src/errors.js';
import type { PlugInfo, PlugResult, PlugTarget } from '../../src/power-switch.js';
import type { ProgressEvent } from '../../src/progress.js';
import type { TranscriptDirection } from '../../src/transcript.js';
import type { ByteStream } from '../../src/transport/byte-stream.js';
import { parseSerialSpec, type SerialOptions } from '../../src/transport/serial.js';
import { connectTelnet } from '../../src/transport/telnet.js';
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
/** The plugin's logout waits this long for a prompt. */
const LOGOUT_PROMPT_MS = 5000;
/** The prompts the plugin's logout looks for, in its order; it names the first when none came. */
const PLUGIN_PROMPTS = ['PS>', 'IPS>', 'BB>'];
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
  /** TCP connections whose login failed: the plugin never closes them, so neither do we until the request ends. */
  private readonly held: ByteStream[] = [];
  /** The last TCP connection made: the plugin's `-T` logs out on it even when the login failed. */
  private lastLine: ByteStream | null = null;

  constructor(
    ipaddr: string,
    private readonly password: string,
    private readonly context: PluginContext,
  ) {
    this.log = context.log;
    this.device = fromBytes(ipaddr);
    this.address = parseAddress(this.device);
  }

  status(): Promise<number> {
    return this.releasing(() => this.statusOnce());
  }

  hostlist(): Promise<string[] | null> {
    return this.releasing(() => this.hostlistOnce());
  }

  reset(request: ResetRequest, host: string): Promise<number> {
    return this.releasing(() => this.resetOnce(request, host));
  }

  /** Runs one request, then closes the connections it left open. */
  private async releasing<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } finally {
      this.lastLine = null;
      await Promise.allSettled(this.held.splice(0).map((line) => line.close()));
    }
  }

  private async statusOnce(): Promise<number> {
    const r = await this.session((sw) => sw.list());
    if (r.ok) return S.OK;
    // The real plugin tests `(rc = login() != S_OK)`: any login failure is 1.
    if (!('error' in r)) return S.BADCONFIG;
    this.sessionFailed(r.error);
    return r.error instanceof TimeoutError ? S.TIMEOUT : S.OOPS;
  }

  private async hostlistOnce(): Promise<string[] | null> {
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

  private async resetOnce(request: ResetRequest, host: string): Promise<number> {
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
      await this.logOutAfterFailedLogin();
      if (r.login === 'auth') return S.ACCESS;
      return r.login === 'timeout' ? S.TIMEOUT : S.OOPS;
    }
    if (codeOf(r.error) === 'EUNKNOWNPLUG') return this.notMine(host);
    this.sessionFailed(r.error);
    if (r.error instanceof TimeoutError) return r.error.phase === 'confirm' ? S.RESETFAIL : S.TIMEOUT;
    return codeOf(r.error) === 'EPROTOCOL' ? S.RESETFAIL : S.OOPS;
  }

  /**
   * The plugin's logout after its login loop failed: on the last connection
   * it made, wait for a prompt, log what came instead, send `/x,y`. With no
   * connection at all the 1.0.12 binary aborts (docs/stonith.md); we log nothing.
   */
  private async logOutAfterFailedLogin(): Promise<void> {
    const line = this.lastLine;
    if (!line) return;
    let received = '';
    const found = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), LOGOUT_PROMPT_MS);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      line.attach({
        data: (bytes) => {
          received += Buffer.from(bytes).toString('latin1');
          if (PLUGIN_PROMPTS.some((p) => received.includes(p))) settle(true);
        },
        end: () => settle(false),
      });
    });
    if (!found) {
      this.log.crit(`Did not find string ${PLUGIN_PROMPTS[0]} from ${DEVICE}.`);
      this.log.crit(`Received [${escapeControls(received)}]`);
    }
    line.write(Buffer.from('/x,y\r', 'latin1'));
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
    const { host, port } = 'serial' in address ? { host: '', port: 0 } : address;
    this.sw = createWtiSwitch({
      ...('serial' in address
        ? { serial: address.serial }
        : { connect: (deadline) => this.connect(host, port, deadline) }),
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

  /**
   * One TCP connection for the driver. Its close is put off while the login
   * on it has not succeeded: the plugin leaves such a connection open, and a
   * single-session unit keeps its session for it, which is what the plugin's
   * further tries meet.
   */
  private async connect(host: string, port: number, deadline: Deadline): Promise<ByteStream> {
    const line = await connectTelnet({
      host,
      port,
      timeoutMs: deadline.phase('connect', 10_000),
      signal: deadline.signal,
    });
    const attempt = this.attempt;
    this.lastLine = line;
    return {
      description: line.description,
      write: (bytes) => line.write(bytes),
      attach: (handlers) => line.attach(handlers),
      close: () => {
        if (attempt.loggedIn) return line.close();
        this.held.push(line);
        return Promise.resolve();
      },
    };
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
