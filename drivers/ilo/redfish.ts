import type { Deadline } from '../../src/deadline.js';
import { AuthError, ProtocolError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PowerState, PowerSwitch } from '../../src/power-switch.js';
import { cutReply, emitProgress, type ProgressListener } from '../../src/progress.js';
import type { Transcript } from '../../src/transcript.js';
import { type HttpReply, httpsRequest, type TlsTarget } from './https.js';
import { serverPlug } from './single-server.js';

/** PowerState values of a transition (Redfish's PowerState enum). */
const TRANSITIONS = new Set(['PoweringOn', 'PoweringOff']);
/** Pause between reads of a board in transition, and the most reads before its word is taken as it is. */
const SETTLE_POLL_MS = 250;
const MAX_SETTLE_READS = 2400;

/**
 * Redfish (iLO 4 and 5, and most boards since): a session per operation
 * (POST to the SessionService, X-Auth-Token, DELETE at the end), the system
 * found from the service root as fence_redfish finds it (the last member of
 * Systems), `PowerState` read, `ComputerSystem.Reset` with On or ForceOff.
 */
export interface RedfishOptions {
  host: string;
  port?: number;
  username: string;
  password: string;
  /** Skip discovery: the system's path, e.g. /redfish/v1/Systems/1. */
  systemPath?: string;
  name?: string;
  ca?: string | Buffer;
  insecure?: boolean;
  timeoutMs?: number;
  /** Every request and reply, the password masked: a debug aid, worded freely. */
  transcript?: Transcript;
  /** Typed progress: the session's POST is the login, its DELETE the logout. */
  progress?: ProgressListener;
}

export function createRedfishSwitch(opts: RedfishOptions): PowerSwitch {
  return new Fencer(new RedfishBackend(opts), { timeoutMs: opts.timeoutMs, progress: opts.progress });
}

const JSON_HEADERS = { accept: 'application/json', 'odata-version': '4.0' };

class RedfishBackend implements PlugBackend {
  private readonly target: TlsTarget;

  constructor(private readonly opts: RedfishOptions) {
    this.target = { host: opts.host, port: opts.port ?? 443, ca: opts.ca, insecure: opts.insecure };
  }

  async withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    const progress = this.opts.progress;
    const target = `https ${this.target.host}:${this.target.port}`;
    emitProgress(progress, { type: 'connecting', target, attempt: 1 });
    let login: HttpReply;
    try {
      login = await this.call(
        deadline,
        'POST',
        '/redfish/v1/SessionService/Sessions',
        { UserName: this.opts.username, Password: this.opts.password },
        {},
        () => {
          emitProgress(progress, { type: 'connected', target });
          emitProgress(progress, { type: 'credentials-sent', field: 'password' });
        },
      );
    } catch (err) {
      if (err instanceof AuthError) emitProgress(progress, { type: 'login-refused', reply: err.reply, attempt: 1 });
      throw err;
    }
    const token = header(login, 'x-auth-token');
    if (!token) throw new ProtocolError('the board opened no Redfish session (no X-Auth-Token)');
    emitProgress(progress, { type: 'logged-in' });
    const location = header(login, 'location');
    const auth = { 'x-auth-token': token };
    try {
      const system = this.opts.systemPath ?? (await this.discover(deadline, auth));
      return await work({
        readPlugs: async (d) => {
          // A board in the middle of a transition (PoweringOn, PoweringOff) has no state to
          // report yet: read again until it settles, within the operation's deadline. Taking
          // PoweringOn as on would confirm a power-on that has not happened; taking it as off
          // would let an `off` skip a server that is about to run.
          for (let reads = 1; ; reads++) {
            const body = json(await this.call(d, 'GET', system, undefined, auth));
            const state = body.PowerState;
            if (typeof state !== 'string') throw new ProtocolError(`${cutReply(system, 64)} has no PowerState`);
            if (state === 'On' || state === 'Off' || reads >= MAX_SETTLE_READS || !TRANSITIONS.has(state)) {
              // Off is off; On, and any other word a board may use, is on (as fence_redfish reads it).
              return serverPlug(this.opts.name, state === 'Off' ? 'off' : 'on');
            }
            emitProgress(progress, { type: 'waiting', plugs: [1], want: state === 'PoweringOff' ? 'off' : 'on' });
            d.phase('power transition');
            await d.sleep(SETTLE_POLL_MS);
          }
        },
        setPlugs: async (plugs, state: PowerState, d) => {
          const body = json(await this.call(d, 'GET', system, undefined, auth));
          const actions = body.Actions as Record<string, { target?: string }> | undefined;
          const reset = actions?.['#ComputerSystem.Reset']?.target ?? `${system}/Actions/ComputerSystem.Reset`;
          try {
            await this.call(d, 'POST', reset, { ResetType: state === 'on' ? 'On' : 'ForceOff' }, auth);
          } catch (err) {
            // The refusal concerns the one plug the board has: say so on the error.
            if (err instanceof ProtocolError && err.plugs === undefined) {
              throw new ProtocolError(err.message, {
                cause: err,
                plugs,
                reply: err.reply,
                deviceStatus: err.deviceStatus,
              });
            }
            throw err;
          }
        },
      });
    } finally {
      if (location) {
        const path = location.startsWith('http') ? new URL(location).pathname : location;
        await this.call(deadline, 'DELETE', path, undefined, auth).catch(() => {});
      }
      emitProgress(progress, { type: 'disconnected', reason: location ? 'logout' : 'closed' });
    }
  }

  async close(): Promise<void> {}

  private async discover(deadline: Deadline, auth: Record<string, string>): Promise<string> {
    const root = json(await this.call(deadline, 'GET', '/redfish/v1', undefined, auth));
    const systems = (root.Systems as { '@odata.id'?: string } | undefined)?.['@odata.id'];
    if (!systems) throw new ProtocolError('the Redfish service root lists no Systems');
    const members = json(await this.call(deadline, 'GET', systems, undefined, auth)).Members as
      | { '@odata.id'?: string }[]
      | undefined;
    const last = members?.at(-1)?.['@odata.id'];
    if (!last) throw new ProtocolError('the Redfish Systems collection is empty');
    return last;
  }

  private async call(
    deadline: Deadline,
    method: string,
    path: string,
    body?: object,
    auth: Record<string, string> = {},
    onSent?: () => void,
  ): Promise<HttpReply> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const shown =
      path.endsWith('/Sessions') && method === 'POST' ? '{"UserName":…,"Password":"********"}' : (text ?? '');
    this.opts.transcript?.('sent', `${method} ${path} ${shown}`.trim());
    const reply = await httpsRequest(
      this.target,
      {
        method,
        path,
        headers: { ...JSON_HEADERS, ...auth, ...(text !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: text,
      },
      deadline,
      `${method} ${path}`,
      onSent,
    );
    this.opts.transcript?.('received', `${reply.status} ${reply.body.slice(0, 500)}`);
    const fields = { reply: reply.body, deviceStatus: String(reply.status) };
    if (reply.status === 401 || reply.status === 403) {
      throw new AuthError(`the board refused ${method} ${path} (${reply.status})`, fields);
    }
    if (reply.status >= 400) {
      throw new ProtocolError(
        `the board answered ${method} ${path} with ${reply.status}: ${cutReply(reply.body)}`,
        fields,
      );
    }
    return reply;
  }
}

function header(reply: HttpReply, name: string): string | undefined {
  const v = reply.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function json(reply: HttpReply): Record<string, unknown> {
  try {
    return JSON.parse(reply.body) as Record<string, unknown>;
  } catch (err) {
    throw new ProtocolError(`the board sent JSON that does not parse: ${cutReply((err as Error).message)}`, {
      cause: err,
    });
  }
}
