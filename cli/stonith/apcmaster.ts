/**
 * The `apcmaster` type: cluster-glue's apcmaster plugin (1.0.12, the AP9211
 * MasterSwitch over telnet) on top of the fencekit APC driver's menu mode
 * (createApcSwitch). The device work (login, the menus, switching, reading
 * the outlets back) is the library's; this module keeps what the plugin adds:
 *
 * - the login loop: up to 20 attempts, 1 s apart, each failure logged in the
 *   plugin's words, then "Cannot log into …". A refused password ends the
 *   loop at once (see docs/stonith.md: the real plugin's 19 further tries
 *   only meet its own leaked sessions);
 * - host matching: the outlet names as the plugin reads them (`%23c`: 23
 *   characters, trailing blanks dropped), without regard to ASCII case;
 * - `-l`: every outlet name, lowercased, duplicates kept, at most 63;
 * - the log lines and return codes of status, hostlist and reset: one
 *   session finds the outlet; a second one switches it (the real plugin,
 *   too, logs in a second time for on and off).
 *
 * Extension: `ipaddr` may be `HOST:PORT` (`[V6]:PORT`). The real plugin can
 * only use TCP port 23.
 */
import { setTimeout as sleep } from 'node:timers/promises';
// The driver module itself, not the package's index (which would load net-snmp too).
import { type ApcSwitch, createApcSwitch } from '../../drivers/apc/apc-switch.js';
import { TimeoutError } from '../../src/errors.js';
import type { PlugInfo, PlugResult } from '../../src/power-switch.js';
import type { ProgressEvent } from '../../src/progress.js';
import { maskSecrets, type TranscriptDirection } from '../../src/transcript.js';
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
  tapReceived,
} from './common.js';
import type { Logger } from './log.js';
import { fromBytes, toBytes } from './params.js';
import { type PluginContext, type ResetRequest, S, type StonithPlugin } from './plugin.js';

const DEVICE = 'APC MasterSwitch';
const LOGIN_ATTEMPTS = 20;
const LOGIN_PAUSE_MS = 1000;
/** The plugin keeps at most this many host names. */
const MAX_HOSTS = 63;
/** The plugin reads names with `%23c`: longer names are compared on their first 23 characters. */
const NAME_WIDTH = 23;

/** What the plugin waits for during its login, in order (apcmaster.c's Etokens). */
const GREETING = "Escape character is '^]'.";
const USER_PROMPT = 'User Name :';
const PASSWORD_PROMPT = 'Password  :';
const LOGIN_OK = 'American Power Conversion';

/** An outlet name as the plugin reads it: 23 characters, trailing blanks dropped. */
function outletName(name: string | null): string {
  return (name ?? '').slice(0, NAME_WIDTH).trimEnd();
}

/** How the last login attempt failed: it decides -T's return code. */
type LoginFailure = 'auth' | 'timeout' | 'no-response' | 'connect';

type Attempt<T> = { ok: true; value: T } | { ok: false; login: LoginFailure } | { ok: false; error: unknown };

/** What one attempt has seen: the card's bytes off the line, and the driver's progress events. */
interface AttemptState {
  /** Everything the card sent in this attempt (latin1). */
  received: string;
  userSent: boolean;
  passwordSent: boolean;
  loggedIn: boolean;
}

const freshAttempt = (): AttemptState => ({ received: '', userSent: false, passwordSent: false, loggedIn: false });

class ApcMasterPlugin implements StonithPlugin {
  private readonly log: Logger;
  private readonly address: NetAddress;
  /** `ipaddr` as given, for messages. */
  private readonly device: string;
  private sw: ApcSwitch | null = null;
  private attempt: AttemptState = freshAttempt();
  /** A second session for the same request that the real plugin does not open: its login is not logged. */
  private quietLogin = false;

  constructor(
    ipaddr: string,
    private readonly login: string,
    private readonly password: string,
    private readonly context: PluginContext,
  ) {
    this.log = context.log;
    this.device = fromBytes(ipaddr);
    this.address = parseNetAddress(this.device);
  }

  async status(): Promise<number> {
    const r = await this.session((sw) => sw.list());
    if (r.ok) return S.OK;
    // The real plugin tests `(rc = MSRobustLogin(ms) != S_OK)`: any login failure is 1.
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
    return r.value.map((p) => asciiLower(outletName(p.name))).slice(0, MAX_HOSTS);
  }

  async reset(request: ResetRequest, host: string): Promise<number> {
    // The first session finds the outlet, as MSNametoOutlet does.
    const listed = await this.session((sw) => sw.list());
    if (!listed.ok) return this.failed(listed);
    const key = asciiLower(toBytes(host));
    const plugs = listed.value.filter((p: PlugInfo) => asciiLower(outletName(p.name)) === key).map((p) => p.plug);
    if (plugs.length === 0) {
      this.log.warn(`${this.device} doesn't control host [${host}]`);
      return S.BADHOST;
    }
    // The second switches it. For on and off the real plugin logs in again (and says so); for a reset it does not.
    let r: Attempt<PlugResult[]>;
    this.quietLogin = request === 'reset';
    try {
      r = await this.session((sw) =>
        request === 'reset' ? sw.reboot(plugs) : request === 'on' ? sw.on(plugs) : sw.off(plugs),
      );
    } finally {
      this.quietLogin = false;
    }
    if (r.ok) {
      if (request === 'reset') {
        this.log.info(`Host being rebooted: ${host}`);
        this.log.info(`Power restored to host: ${host}`);
      } else {
        // The plugin prints the menu key it sent, "1\r" or "2\r", CR included.
        const outlets = r.value.map((p) => p.plug).join(' ');
        this.log.info(`Power to MS outlet(s) ${outlets} turned ${request === 'on' ? '1' : '2'}\r`);
      }
      return S.OK;
    }
    // apcmaster_onoff tests `(rc = MSRobustLogin(ms) != S_OK)` too: its login failing is 1.
    if (!('error' in r) && request !== 'reset') return S.BADCONFIG;
    return this.failed(r);
  }

  /** The return code of a failed session of -T. */
  private failed(r: { ok: false; login: LoginFailure } | { ok: false; error: unknown }): number {
    if (!('error' in r)) {
      if (r.login === 'auth') return S.ACCESS;
      return r.login === 'timeout' ? S.TIMEOUT : S.OOPS;
    }
    this.sessionFailed(r.error);
    if (r.error instanceof TimeoutError) return r.error.phase === 'confirm' ? S.RESETFAIL : S.TIMEOUT;
    return codeOf(r.error) === 'EPROTOCOL' ? S.RESETFAIL : S.OOPS;
  }

  /** The driver's switch, made on first use. */
  private switch(): ApcSwitch {
    if (this.sw) return this.sw;
    const address = this.address as Exclude<NetAddress, { unresolvable: true }>;
    this.sw = createApcSwitch({
      // The plugin quotes what the card sent when a login fails: read it off the line, as the plugin does.
      connect: async (deadline) => {
        const stream = await connectTelnet({
          host: address.host,
          port: address.port,
          timeoutMs: deadline.phase('connect', 10_000),
          signal: deadline.signal,
        });
        return tapReceived(stream, (bytes) => {
          this.attempt.received += Buffer.from(bytes).toString('latin1');
        });
      },
      username: this.login,
      password: this.password,
      // apcmaster drives the AP9211's menu; it has no `apc>` command line.
      mode: 'menu',
      // The plugin waits 10 s for each login prompt, 5–10 s for a menu and 5 s for the confirmation.
      promptTimeoutMs: 10_000,
      powerTimeoutMs: 30_000,
      timeoutMs: 120_000,
      // One connection per attempt: the login loop below paces the retries as the plugin does.
      busyRetry: { initialMs: Number.MAX_SAFE_INTEGER },
      progress: (event) => this.track(event),
      // The transcript is the -d output only: nothing is decided from its wording.
      transcript: this.context.debug > 0 ? (direction, text) => this.debug(direction, text) : undefined,
    });
    return this.sw;
  }

  /** Runs one library operation, retrying while the login fails, as MSRobustLogin does. */
  private async session<T>(work: (sw: ApcSwitch) => Promise<T>): Promise<Attempt<T>> {
    let last: LoginFailure = 'connect';
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS; attempt++) {
      if (attempt > 1) await sleep(LOGIN_PAUSE_MS);
      // A name that cannot be looked up fails each attempt without a word.
      if ('unresolvable' in this.address) continue;
      this.attempt = freshAttempt();
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
    const a = this.attempt;
    if (codeOf(err) === 'EAUTH') {
      this.log.crit(`Invalid password for ${DEVICE}.`);
      return 'auth';
    }
    if (err instanceof TimeoutError && err.phase === 'connect') {
      this.log.perror('connect() failed', STRERROR.ETIMEDOUT as string);
      return 'connect';
    }
    const errno = errnoOf(err);
    if (a.received === '' && errno !== undefined && errno !== 'ECONNRESET') {
      if (!LOOKUP_FAILURES.has(errno)) this.log.perror('connect() failed', STRERROR[errno] ?? errno);
      return 'connect';
    }
    // The string the plugin was waiting for, and what it had read since the one before it.
    const [wanted, after] = a.passwordSent
      ? [LOGIN_OK, PASSWORD_PROMPT]
      : a.userSent
        ? [PASSWORD_PROMPT, USER_PROMPT]
        : a.received.includes(GREETING)
          ? [USER_PROMPT, GREETING]
          : [GREETING, null];
    // The card's own bytes: should it echo the password, it is masked here as the driver masks it.
    const received = maskSecrets(a.received, [this.password]);
    const at = after === null ? -1 : received.lastIndexOf(after);
    const since = at < 0 ? received : received.slice(at + (after as string).length);
    this.log.crit(`Did not find string ${wanted} from ${DEVICE}.`);
    this.log.crit(`Received [${fromBytes(since)}]`);
    return err instanceof TimeoutError ? 'timeout' : 'no-response';
  }

  /** A failure after the login: the wording is fencekit's, the plugin's own messages name C internals. */
  private sessionFailed(err: unknown): void {
    this.log.crit(`${DEVICE}: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** The driver's progress: how far the login went, and when it is through. */
  private track(event: ProgressEvent): void {
    const a = this.attempt;
    if (event.type === 'credentials-sent') {
      if (event.field === 'password') a.passwordSent = true;
      else a.userSent = true;
    } else if (event.type === 'logged-in' && !a.loggedIn) {
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
  return new ApcMasterPlugin(
    config.get('ipaddr') ?? '',
    config.get('login') ?? '',
    config.get('password') ?? '',
    context,
  );
}
