import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EmulatorEvent } from '../events.js';
import { corrupt, PacedOutput } from '../fault-effects.js';
import type { IloDevice } from './ilo-device.js';
import {
  type BaseMessage,
  computerSystem,
  messageBody,
  RESET_ACTION,
  RESET_TYPES,
  type RedfishModel,
  ROOT,
  redfishVersions,
  SESSION_SERVICE,
  SESSIONS,
  SYSTEM,
  SYSTEMS,
  serviceRoot,
  sessionResource,
  sessionService,
  sessionsCollection,
  systemsCollection,
} from './redfish-resources.js';
import { parseBasicAuth, REDFISH_SESSION_IDLE_MS, RedfishSessions } from './redfish-sessions.js';

/**
 * Redfish over HTTP for iLO 4 and 5: authentication (HTTP Basic on every
 * request, or an `X-Auth-Token` from a session), routing, and the reset
 * action, which acts through the device so its transition delay applies.
 * The resources themselves are data in redfish-resources.ts.
 *
 * Unauthenticated: `/redfish`, `/redfish/v1` and the POST that opens a
 * session. Everything else answers 401 without valid credentials.
 *
 * Faults, read at each request (docs/ilo.md §6.2): `busy` answers every
 * new login (Basic credentials, a session POST) 503 SessionLimitExceeded,
 * while sessions already open go on; `hang-after-login` takes the login and
 * leaves every authenticated request unanswered; `drop-after-login` hangs up
 * instead; `slow` answers `SLOW_MS` late, `garbled` sends the body as noise.
 * `refuse-login` is the device's (every password wrong: 401); `hang` is the
 * HTTP side's (http-api.ts).
 */
const MAX_BODY = 64 * 1024;

interface Caller {
  user: string;
  origin: string;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path without query, trailing slash, or case. */
  path: string;
  /** `redfish ADDRESS:PORT`; the user name is added once known. */
  peer: string;
  /** The answer's way out, late while the board is slow. */
  paced: PacedOutput;
}

type Handler = (x: Exchange, caller: Caller) => void | Promise<void>;

interface Route {
  match: (path: string) => boolean;
  /** Handlers by method; absent means 405. */
  methods: Partial<Record<string, Handler>>;
}

const lower = (s: string) => s.toLowerCase();
const exact = (p: string) => (path: string) => path === lower(p);
const sessionMember = (path: string) => path.startsWith(`${lower(SESSIONS)}/`) && path.split('/').length === 6;

export function createRedfishHandler(
  device: IloDevice,
  model: RedfishModel,
  emit: (e: EmulatorEvent) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const sessions = new RedfishSessions({
    scheduler: device.scheduler,
    idleMs: REDFISH_SESSION_IDLE_MS,
    onExpire: (s) => emit({ type: 'logout', origin: s.origin, reason: 'session timed out' }),
  });
  /** Connections that have logged in with Basic auth, and as whom: one login event each. */
  const basicLogins = new WeakMap<Socket, string>();

  const send = (x: Exchange, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = corrupt(device.faults, JSON.stringify(body));
    x.paced.send(() => {
      // Late (slow), the connection may be gone, or an error answered meanwhile.
      if (x.res.destroyed || x.res.headersSent) return;
      x.res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'OData-Version': '4.0',
        'Content-Length': String(Buffer.byteLength(text)),
        ...headers,
      });
      x.res.end(text);
    });
  };
  const message = (x: Exchange, status: number, msg: BaseMessage, args: string[] = [], headers = {}) =>
    send(x, status, messageBody(model, msg, args), headers);
  const unauthorized = (x: Exchange) =>
    message(x, 401, 'NoValidSession', [], { 'WWW-Authenticate': 'Basic realm="iLO"' });

  /** The `drop-after-login` fault: the board hangs up once the login succeeded. */
  const dropped = (x: Exchange) => {
    if (!device.faults.has('drop-after-login')) return false;
    x.req.socket.destroy();
    return true;
  };
  /** The `hang-after-login` fault: logged in, the request is read and never answered. */
  const hung = (x: Exchange) => {
    if (!device.faults.has('hang-after-login')) return false;
    x.req.resume();
    return true;
  };
  /** The `busy` fault: no session for a new login, whoever asks (the password is not looked at). */
  const busy = (x: Exchange, user: string) => {
    if (!device.faults.has('busy')) return false;
    emit({ type: 'refused', origin: `${x.peer} ${user}`, reason: 'fault: busy' });
    x.req.resume();
    message(x, 503, 'SessionLimitExceeded');
    return true;
  };

  const reset: Handler = async (x, caller) => {
    const body = await readJson(x);
    if (body === undefined) return;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return message(x, 400, 'MalformedJSON');
    const resetType = (body as Record<string, unknown>).ResetType;
    if (resetType === undefined) return message(x, 400, 'PropertyMissing', ['ResetType']);
    if (typeof resetType !== 'string' || !Object.hasOwn(RESET_TYPES, resetType)) {
      return message(x, 400, 'PropertyValueNotInList', [String(resetType), 'ResetType']);
    }
    switch (RESET_TYPES[resetType]) {
      case 'on':
        device.setPower('ON', caller.origin, caller.user);
        break;
      case 'off':
        device.setPower('OFF', caller.origin, caller.user);
        break;
      case 'cycle':
        device.cycle(caller.origin, caller.user);
        break;
      case 'toggle':
        device.setPower(device.target === 'ON' ? 'OFF' : 'ON', caller.origin, caller.user);
        break;
      default:
        break;
    }
    message(x, 200, 'Success');
  };

  const openSession = async (x: Exchange) => {
    const body = await readJson(x);
    if (body === undefined) return;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return message(x, 400, 'MalformedJSON');
    const { UserName: user, Password: password } = body as Record<string, unknown>;
    if (typeof user !== 'string') return message(x, 400, 'PropertyMissing', ['UserName']);
    if (typeof password !== 'string') return message(x, 400, 'PropertyMissing', ['Password']);
    const origin = `${x.peer} ${user}`;
    if (busy(x, user)) return;
    if (!device.authenticate(user, password)) {
      emit({ type: 'login-failed', origin });
      return unauthorized(x);
    }
    const session = sessions.open(user, origin);
    emit({ type: 'login', origin, mode: 'admin', user });
    if (dropped(x)) return;
    const location = `${SESSIONS}/${session.id}`;
    send(x, 201, sessionResource(model, session), { 'X-Auth-Token': session.token, Location: location });
  };

  const session = (x: Exchange) => sessions.byId(x.path.split('/')[5] ?? '');

  const routes: Route[] = [
    { match: exact(SYSTEMS), methods: { GET: (x) => send(x, 200, systemsCollection(model)) } },
    { match: exact(SYSTEM), methods: { GET: (x) => send(x, 200, computerSystem(model, device)) } },
    { match: exact(RESET_ACTION), methods: { POST: reset } },
    { match: exact(SESSION_SERVICE), methods: { GET: (x) => send(x, 200, sessionService(model)) } },
    { match: exact(SESSIONS), methods: { GET: (x) => send(x, 200, sessionsCollection(sessions.ids())) } },
    {
      match: sessionMember,
      methods: {
        GET: (x) => {
          const s = session(x);
          if (!s) return message(x, 404, 'ResourceMissingAtURI', [x.req.url ?? '']);
          send(x, 200, sessionResource(model, s));
        },
        DELETE: (x) => {
          const s = session(x);
          if (!s) return message(x, 404, 'ResourceMissingAtURI', [x.req.url ?? '']);
          sessions.close(s);
          emit({ type: 'logout', origin: s.origin, reason: 'session deleted' });
          message(x, 200, 'Success');
        },
      },
    },
  ];

  /** Who is asking, or null after a 401 has been sent (or the line dropped). */
  const authenticate = (x: Exchange): Caller | null => {
    const token = x.req.headers['x-auth-token'];
    if (typeof token === 'string' && token !== '') {
      const s = sessions.byAuthToken(token);
      if (s) return hung(x) ? null : { user: s.user, origin: s.origin };
      unauthorized(x);
      return null;
    }
    const basic = parseBasicAuth(x.req.headers.authorization);
    if (!basic) {
      unauthorized(x);
      return null;
    }
    const origin = `${x.peer} ${basic.user}`;
    if (busy(x, basic.user)) return null;
    if (!device.authenticate(basic.user, basic.password)) {
      emit({ type: 'login-failed', origin });
      unauthorized(x);
      return null;
    }
    const socket = x.req.socket;
    if (basicLogins.get(socket) !== basic.user) {
      if (!basicLogins.has(socket)) {
        socket.once('close', () => {
          const user = basicLogins.get(socket);
          if (user !== undefined) emit({ type: 'logout', origin: `${x.peer} ${user}`, reason: 'connection closed' });
        });
      }
      basicLogins.set(socket, basic.user);
      emit({ type: 'login', origin, mode: 'admin', user: basic.user });
    }
    if (dropped(x) || hung(x)) return null;
    return { user: basic.user, origin };
  };

  const dispatch = async (x: Exchange) => {
    const method = x.req.method ?? 'GET';
    if (x.path === '/redfish' && method === 'GET') return send(x, 200, redfishVersions());
    if (x.path === lower(ROOT) && method === 'GET') return send(x, 200, serviceRoot(model, device.identity));
    if (x.path === lower(SESSIONS) && method === 'POST') return openSession(x);
    const route = routes.find((r) => r.match(x.path));
    const caller = authenticate(x);
    if (!caller) return;
    if (!route) return message(x, 404, 'ResourceMissingAtURI', [x.req.url ?? '']);
    const handler = route.methods[method];
    if (!handler) return message(x, 405, 'GeneralError', [], { Allow: Object.keys(route.methods).join(', ') });
    await handler(x, caller);
  };

  return (req, res) => {
    const x: Exchange = {
      req,
      res,
      path: normalise(req.url ?? '/'),
      peer: `redfish ${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      paced: new PacedOutput(device.faults),
    };
    res.once('close', () => x.paced.clear());
    dispatch(x).catch(() => {
      if (!res.headersSent) message(x, 500, 'GeneralError');
      else res.destroy();
    });
  };

  /** The request body as JSON; on a bad body, a 400 is sent and undefined returned. */
  async function readJson(x: Exchange): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of x.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        message(x, 413, 'GeneralError');
        return undefined;
      }
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      message(x, 400, 'MalformedJSON');
      return undefined;
    }
  }
}

/** `/redfish/v1/Systems/1/?x` → `/redfish/v1/systems/1`: iLO matches URIs without regard to case or a final slash. */
function normalise(url: string): string {
  const path = url.split('?')[0] ?? '/';
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return lower(trimmed || '/');
}
