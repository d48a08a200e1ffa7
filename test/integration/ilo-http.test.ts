import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { createIloHttpHandler } from '../../emulator/ilo/http-api.js';
import { IloDevice, type IloModel } from '../../emulator/ilo/ilo-device.js';
import { answerRibcl } from '../../emulator/ilo/ribcl.js';
import { realScheduler, type Scheduler } from '../../emulator/model/scheduler.js';
import { ManualScheduler } from '../unit/support.js';

/**
 * The iLO's HTTP side on plain node:http (no TLS): RIBCL over HTTP as
 * python-hpilo reads it, and Redfish as fence_redfish and other clients use
 * it. Addresses 127.0.0.180–184, port 0.
 */

interface Board {
  device: IloDevice;
  events: EmulatorEvent[];
  url: (path: string) => string;
  host: string;
  port: number;
  close: () => Promise<void>;
}

async function startBoard(model: IloModel, host: string, scheduler: Scheduler = realScheduler): Promise<Board> {
  const events: EmulatorEvent[] = [];
  const emit = (e: EmulatorEvent) => events.push(e);
  const device = new IloDevice({ model, emit, scheduler });
  device.users = [{ name: 'admin', password: 'pw' }];
  const server = http.createServer(createIloHttpHandler(device, emit));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    device,
    events,
    host,
    port,
    url: (path) => `http://${host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        device.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = { authorization: basic('admin', 'pw'), accept: 'application/json', 'OData-Version': '4.0' };

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON reply, indexed freely and compared with expect().
type JsonBody = Record<string, any>;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): Promise<JsonBody>;
}

/**
 * One HTTP request on a connection of its own, as fence_redfish's `requests.get`
 * makes it (the board reports one Basic login per connection).
 */
function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
          resolve({ status: res.statusCode ?? 0, headers, text, json: async () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

async function getJson(url: string, headers: Record<string, string> = ADMIN) {
  const r = await call(url, { headers });
  return { status: r.status, headers: r.headers, body: (await r.json()) as JsonBody };
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = ADMIN) {
  const r = await call(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, headers: r.headers, body: (await r.json()) as JsonBody };
}

/** Who asked, as the events name it: the client's address and port, and the user. */
const ORIGIN = /^redfish 127\.0\.0\.1:\d+ admin$/;
const messageId = (body: JsonBody): string => body.error?.['@Message.ExtendedInfo']?.[0]?.MessageId ?? '';
const plugStates = (events: EmulatorEvent[]) => events.flatMap((e) => (e.type === 'plug' ? [e.state] : []));

/** One raw HTTP exchange: the request bytes out, everything the server sends until it closes. */
function rawExchange(host: string, port: number, request: string | string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    // Each part leaves as its own segment: no Nagle, and the next part is written only once the
    // previous one is handed to the kernel.
    socket.setNoDelay(true);
    socket.on('connect', async () => {
      for (const part of Array.isArray(request) ? request : [request]) {
        await new Promise<void>((resolve) => socket.write(part, () => resolve()));
      }
    });
  });
}

/** Split a chunked body into its chunks, checking the framing as python-hpilo reads it. */
function dechunk(body: string): string[] {
  const chunks: string[] = [];
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) throw new Error(`no chunk size line in ${JSON.stringify(rest)}`);
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!Number.isFinite(size)) throw new Error(`bad chunk size ${JSON.stringify(rest.slice(0, eol))}`);
    rest = rest.slice(eol + 2);
    if (size === 0) return chunks;
    chunks.push(rest.slice(0, size));
    if (rest.slice(size, size + 2) !== '\r\n') throw new Error('chunk not followed by CRLF');
    rest = rest.slice(size + 2);
  }
}

describe.each([
  ['ilo4', '127.0.0.180'],
  ['ilo5', '127.0.0.181'],
] as const)('Redfish on %s', (model, host) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(model, host);
  });
  afterAll(() => board.close());
  beforeEach(() => {
    board.device.power = 'ON';
    board.device.transitionSeconds = 0;
    board.device.faults.clear();
    board.events.length = 0;
  });

  it('the service root needs no login and links Systems and SessionService, with OData headers', async () => {
    const r = await getJson(board.url('/redfish/v1'), { accept: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.headers.get('odata-version')).toBe('4.0');
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body['@odata.id']).toBe('/redfish/v1');
    expect(r.body['@odata.type']).toMatch(/^#ServiceRoot\./);
    expect(r.body.Systems).toEqual({ '@odata.id': '/redfish/v1/Systems' });
    expect(r.body.SessionService).toEqual({ '@odata.id': '/redfish/v1/SessionService' });
    expect(r.body.Links.Sessions).toEqual({ '@odata.id': '/redfish/v1/SessionService/Sessions' });
  });

  it('/redfish names the v1 root', async () => {
    const r = await getJson(board.url('/redfish'), {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ v1: '/redfish/v1/' });
  });

  it('the Systems collection has one member, /redfish/v1/Systems/1', async () => {
    const r = await getJson(board.url('/redfish/v1/Systems'));
    expect(r.status).toBe(200);
    expect(r.headers.get('odata-version')).toBe('4.0');
    expect(r.body['@odata.id']).toBe('/redfish/v1/Systems');
    expect(r.body['@odata.type']).toMatch(/^#ComputerSystemCollection\./);
    expect(r.body.Members).toEqual([{ '@odata.id': '/redfish/v1/Systems/1' }]);
    expect(r.body['Members@odata.count']).toBe(1);
  });

  it('the system reports PowerState On or Off and its reset action', async () => {
    const on = await getJson(board.url('/redfish/v1/Systems/1'));
    expect(on.status).toBe(200);
    expect(on.body['@odata.id']).toBe('/redfish/v1/Systems/1');
    expect(on.body['@odata.type']).toMatch(/^#ComputerSystem\./);
    expect(on.body.PowerState).toBe('On');
    expect(on.body.Actions['#ComputerSystem.Reset']).toEqual({
      target: '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset',
      'ResetType@Redfish.AllowableValues': [
        'On',
        'ForceOff',
        'GracefulShutdown',
        'ForceRestart',
        'Nmi',
        'PushPowerButton',
      ],
    });
    board.device.power = 'OFF';
    const off = await getJson(board.url('/redfish/v1/Systems/1'));
    expect(off.body.PowerState).toBe('Off');
  });

  it('URIs match with a trailing slash and in any case, as on iLO', async () => {
    const r = await getJson(board.url('/redfish/v1/systems/1/'));
    expect(r.status).toBe(200);
    expect(r.body.PowerState).toBe('On');
  });

  it.each([
    ['GET', '/redfish/v1/Systems'],
    ['GET', '/redfish/v1/Systems/1'],
    ['GET', '/redfish/v1/SessionService'],
    ['GET', '/redfish/v1/SessionService/Sessions'],
    ['GET', '/redfish/v1/NoSuchThing'],
    ['POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'],
  ])('without credentials, %s %s answers 401 with a Basic challenge and a Redfish error', async (method, path) => {
    const r = await call(board.url(path), {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{"ResetType":"ForceOff"}' } : {}),
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="iLO"');
    expect(r.headers.get('odata-version')).toBe('4.0');
    expect(messageId(await r.json())).toMatch(/^Base\.[\d.]+\.NoValidSession$/);
    expect(board.device.power).toBe('ON');
  });

  it('a wrong password is refused with 401 and reported as login-failed, without the password', async () => {
    const r = await getJson(board.url('/redfish/v1/Systems/1'), { authorization: basic('admin', 'hunter2') });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="iLO"');
    expect(messageId(r.body)).toMatch(/NoValidSession$/);
    expect(r.body.PowerState).toBeUndefined();
    expect(board.events).toContainEqual({
      type: 'login-failed',
      origin: expect.stringMatching(ORIGIN),
    });
    expect(JSON.stringify(board.events)).not.toContain('hunter2');
  });

  it('an unknown user is refused as well', async () => {
    const r = await getJson(board.url('/redfish/v1/Systems'), { authorization: basic('root', 'pw') });
    expect(r.status).toBe(401);
  });

  it('Basic auth is one login per connection, reported with the peer and user; logout when it closes', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<number>((resolve, reject) => {
        http
          .get(board.url('/redfish/v1/Systems/1'), { headers: ADMIN, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
    expect(await get()).toBe(200);
    expect(await get()).toBe(200);
    expect(board.events).toEqual([
      { type: 'login', mode: 'admin', origin: expect.stringMatching(ORIGIN), user: 'admin' },
    ]);
    agent.destroy();
    await vi.waitFor(() => expect(board.events).toHaveLength(2), { timeout: 10_000 });
    const login = board.events[0] as { origin: string };
    expect(board.events[1]).toEqual({ type: 'logout', origin: login.origin, reason: 'connection closed' });
    expect(JSON.stringify(board.events)).not.toContain('"pw"');
  });

  it('an unknown X-Auth-Token is refused', async () => {
    const r = await getJson(board.url('/redfish/v1/Systems/1'), { 'X-Auth-Token': 'deadbeef' });
    expect(r.status).toBe(401);
  });

  it('a session: POST credentials → 201 with X-Auth-Token and Location; the token works until DELETE', async () => {
    const created = await postJson(
      board.url('/redfish/v1/SessionService/Sessions'),
      { UserName: 'admin', Password: 'pw' },
      {},
    );
    expect(created.status).toBe(201);
    const token = created.headers.get('x-auth-token') ?? '';
    const location = created.headers.get('location') ?? '';
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(location).toMatch(/^\/redfish\/v1\/SessionService\/Sessions\/[0-9a-f]+$/);
    expect(created.body['@odata.id']).toBe(location);
    expect(created.body['@odata.type']).toMatch(/^#Session\./);
    expect(created.body.UserName).toBe('admin');
    expect(JSON.stringify(created.body)).not.toContain('"pw"');
    const origin = expect.stringMatching(ORIGIN);
    expect(board.events).toEqual([{ type: 'login', mode: 'admin', origin, user: 'admin' }]);

    const auth = { 'X-Auth-Token': token };
    const system = await getJson(board.url('/redfish/v1/Systems/1'), auth);
    expect(system.status).toBe(200);
    expect(system.body.PowerState).toBe('On');

    const list = await getJson(board.url('/redfish/v1/SessionService/Sessions'), auth);
    expect(list.body.Members).toContainEqual({ '@odata.id': location });
    const one = await getJson(board.url(location), auth);
    expect(one.status).toBe(200);
    expect(one.body.UserName).toBe('admin');

    const service = await getJson(board.url('/redfish/v1/SessionService'), auth);
    expect(service.body.Sessions).toEqual({ '@odata.id': '/redfish/v1/SessionService/Sessions' });

    const deleted = await call(board.url(location), { method: 'DELETE', headers: auth });
    expect(deleted.status).toBe(200);
    expect(messageId(await deleted.json())).toMatch(/Success$/);
    expect(board.events.at(-1)).toEqual({ type: 'logout', origin, reason: 'session deleted' });

    const after = await getJson(board.url('/redfish/v1/Systems/1'), auth);
    expect(after.status).toBe(401);
    const again = await call(board.url(location), { method: 'DELETE', headers: ADMIN });
    expect(again.status).toBe(404);
  });

  it('a session with a wrong password: 401 with the Basic challenge, login-failed, no token', async () => {
    const r = await postJson(
      board.url('/redfish/v1/SessionService/Sessions'),
      { UserName: 'admin', Password: 'nope' },
      {},
    );
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="iLO"');
    expect(r.headers.get('x-auth-token')).toBeNull();
    expect(messageId(r.body)).toMatch(/NoValidSession$/);
    expect(board.events).toEqual([{ type: 'login-failed', origin: expect.stringMatching(/ admin$/) }]);
  });

  it('a session request without a password is a 400 naming the property', async () => {
    const r = await postJson(board.url('/redfish/v1/SessionService/Sessions'), { UserName: 'admin' }, {});
    expect(r.status).toBe(400);
    expect(messageId(r.body)).toMatch(/PropertyMissing$/);
    expect(r.body.error['@Message.ExtendedInfo'][0].MessageArgs).toEqual(['Password']);
  });

  const reset = (resetType: unknown, headers: Record<string, string> = ADMIN) =>
    postJson(board.url('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'), { ResetType: resetType }, headers);
  const powerState = async () => (await getJson(board.url('/redfish/v1/Systems/1'))).body.PowerState;

  it('ForceOff turns the server off, On turns it on again; the plug events name the Redfish user', async () => {
    const off = await reset('ForceOff');
    expect(off.status).toBe(200);
    expect(messageId(off.body)).toMatch(/Success$/);
    expect(await powerState()).toBe('Off');
    const on = await reset('On');
    expect(on.status).toBe(200);
    expect(await powerState()).toBe('On');
    const plugs = board.events.filter((e) => e.type === 'plug');
    expect(plugs).toEqual([
      expect.objectContaining({ state: 'OFF', by: expect.stringMatching(ORIGIN) }),
      expect.objectContaining({ state: 'ON', by: expect.stringMatching(ORIGIN) }),
    ]);
  });

  it('GracefulShutdown turns the server off', async () => {
    expect((await reset('GracefulShutdown')).status).toBe(200);
    expect(await powerState()).toBe('Off');
  });

  it('ForceRestart cycles the server: off, then on', async () => {
    expect((await reset('ForceRestart')).status).toBe(200);
    expect(plugStates(board.events)).toEqual(['OFF', 'ON']);
    expect(await powerState()).toBe('On');
  });

  it('PushPowerButton toggles the power', async () => {
    expect((await reset('PushPowerButton')).status).toBe(200);
    expect(await powerState()).toBe('Off');
    expect((await reset('PushPowerButton')).status).toBe(200);
    expect(await powerState()).toBe('On');
  });

  it('Nmi is accepted and changes nothing', async () => {
    const r = await reset('Nmi');
    expect(r.status).toBe(200);
    expect(messageId(r.body)).toMatch(/Success$/);
    expect(plugStates(board.events)).toEqual([]);
    expect(await powerState()).toBe('On');
  });

  it('a reset works with a session token too', async () => {
    const created = await postJson(
      board.url('/redfish/v1/SessionService/Sessions'),
      { UserName: 'admin', Password: 'pw' },
      {},
    );
    const r = await reset('ForceOff', { 'X-Auth-Token': created.headers.get('x-auth-token') ?? '' });
    expect(r.status).toBe(200);
    expect(board.device.power).toBe('OFF');
  });

  it('a ResetType the system does not allow is a 400 with PropertyValueNotInList, and nothing changes', async () => {
    const r = await reset('Explode');
    expect(r.status).toBe(400);
    expect(r.headers.get('odata-version')).toBe('4.0');
    expect(messageId(r.body)).toMatch(/^Base\.[\d.]+\.PropertyValueNotInList$/);
    expect(r.body.error['@Message.ExtendedInfo'][0].MessageArgs).toEqual(['Explode', 'ResetType']);
    expect(board.device.power).toBe('ON');
    expect((await reset('forceoff')).status).toBe(400);
    expect((await reset(7)).status).toBe(400);
    expect(board.device.power).toBe('ON');
  });

  it('a reset without ResetType, or with a body that is not JSON, is a 400', async () => {
    const missing = await postJson(board.url('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'), {});
    expect(missing.status).toBe(400);
    expect(messageId(missing.body)).toMatch(/PropertyMissing$/);
    const garbage = await postJson(board.url('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'), '{"ResetType":');
    expect(garbage.status).toBe(400);
    expect(messageId(garbage.body)).toMatch(/MalformedJSON$/);
    expect(board.device.power).toBe('ON');
  });

  it('GET on the action is 405 with Allow: POST; an unknown resource is 404', async () => {
    const r = await call(board.url('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'), { headers: ADMIN });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    const missing = await getJson(board.url('/redfish/v1/Systems/2'));
    expect(missing.status).toBe(404);
    expect(messageId(missing.body)).toMatch(/ResourceMissingAtURI$/);
  });

  it('the stuck-power fault: the reset is accepted but the server stays on', async () => {
    board.device.faults.add('stuck-power');
    expect((await reset('ForceOff')).status).toBe(200);
    expect(await powerState()).toBe('On');
  });

  it('the drop-after-login fault: the board hangs up once the credentials are accepted', async () => {
    board.device.faults.add('drop-after-login');
    await expect(call(board.url('/redfish/v1/Systems/1'), { headers: ADMIN })).rejects.toThrow();
    expect(board.events.some((e) => e.type === 'login')).toBe(true);
    board.device.faults.clear();
    expect((await getJson(board.url('/redfish/v1/Systems/1'))).status).toBe(200);
  });
});

describe('Redfish sessions end after 30 idle minutes (ilo4, a scheduler the test drives)', () => {
  const scheduler = new ManualScheduler();
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('ilo4', '127.0.0.184', scheduler);
  });
  afterAll(() => board.close());

  it('each request starts the idle time again; 30 minutes without one and the token is refused, with a logout', async () => {
    const created = await postJson(
      board.url('/redfish/v1/SessionService/Sessions'),
      { UserName: 'admin', Password: 'pw' },
      {},
    );
    const auth = { 'X-Auth-Token': created.headers.get('x-auth-token') ?? '' };
    const location = created.headers.get('location') ?? '';
    const minute = 60_000;
    scheduler.advance(29 * minute);
    expect((await getJson(board.url('/redfish/v1/Systems/1'), auth)).status).toBe(200);
    // 29 minutes after that request: still open, though 58 have passed since the login.
    scheduler.advance(29 * minute);
    expect((await getJson(board.url('/redfish/v1/Systems/1'), auth)).status).toBe(200);
    expect(board.events.filter((e) => e.type === 'logout')).toEqual([]);

    scheduler.advance(30 * minute);
    const after = await getJson(board.url('/redfish/v1/Systems/1'), auth);
    expect(after.status).toBe(401);
    expect(messageId(after.body)).toMatch(/NoValidSession$/);
    expect(board.events.at(-1)).toEqual({
      type: 'logout',
      origin: expect.stringMatching(ORIGIN),
      reason: 'session timed out',
    });
    // Gone from the collection too.
    const list = await getJson(board.url('/redfish/v1/SessionService/Sessions'), ADMIN);
    expect(list.body.Members).not.toContainEqual({ '@odata.id': location });
  });

  it('a session deleted before its time leaves no timer behind', async () => {
    const before = scheduler.pending;
    const created = await postJson(
      board.url('/redfish/v1/SessionService/Sessions'),
      { UserName: 'admin', Password: 'pw' },
      {},
    );
    expect(scheduler.pending).toBe(before + 1);
    const auth = { 'X-Auth-Token': created.headers.get('x-auth-token') ?? '' };
    await call(board.url(created.headers.get('location') ?? ''), { method: 'DELETE', headers: auth });
    expect(scheduler.pending).toBe(before);
  });
});

describe('Redfish honours the transition delay (ilo5, 2 s, a scheduler the test drives)', () => {
  const scheduler = new ManualScheduler();
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('ilo5', '127.0.0.184', scheduler);
    board.device.transitionSeconds = 2;
  });
  afterAll(() => board.close());
  beforeEach(() => {
    scheduler.runAll();
    board.device.power = 'ON';
    board.events.length = 0;
  });
  const reset = (resetType: string) =>
    postJson(board.url('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'), { ResetType: resetType });
  const powerState = async () => (await getJson(board.url('/redfish/v1/Systems/1'))).body.PowerState;

  it.each(['ForceOff', 'GracefulShutdown', 'PushPowerButton'])(
    '%s: PowerState reads PoweringOff until the 2 s have passed, then Off',
    async (resetType) => {
      expect((await reset(resetType)).status).toBe(200);
      expect(await powerState()).toBe('PoweringOff');
      scheduler.advance(1999);
      expect(await powerState()).toBe('PoweringOff');
      scheduler.advance(1);
      expect(await powerState()).toBe('Off');
    },
  );

  it('On from off arrives after the delay too, PoweringOn meanwhile', async () => {
    board.device.power = 'OFF';
    expect((await reset('On')).status).toBe(200);
    expect(await powerState()).toBe('PoweringOn');
    scheduler.advance(2000);
    expect(await powerState()).toBe('On');
  });

  it('ForceRestart: PoweringOff, off after the delay, PoweringOn, on again after another', async () => {
    expect((await reset('ForceRestart')).status).toBe(200);
    expect(await powerState()).toBe('PoweringOff');
    scheduler.advance(2000);
    expect(await powerState()).toBe('Off');
    scheduler.advance(1);
    expect(await powerState()).toBe('PoweringOn');
    scheduler.advance(2000);
    expect(await powerState()).toBe('On');
    expect(plugStates(board.events)).toEqual(['OFF', 'ON']);
  });

  it('PushPowerButton twice within the delay cancels the press: the server stays on', async () => {
    await reset('PushPowerButton');
    await reset('PushPowerButton');
    scheduler.runAll();
    expect(await powerState()).toBe('On');
    expect(plugStates(board.events)).toEqual([]);
  });
});

describe.each([
  ['ilo2', '127.0.0.183'],
  ['ilo3', '127.0.0.182'],
] as const)('no Redfish on %s', (model, host) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(model, host);
  });
  afterAll(() => board.close());

  it.each(['/redfish/v1', '/redfish/v1/Systems/1'])('GET %s is 404', async (path) => {
    const r = await call(board.url(path), { headers: ADMIN });
    expect(r.status).toBe(404);
  });

  it('a reset POST is 404 and changes nothing', async () => {
    const r = await call(board.url('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'), {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: '{"ResetType":"ForceOff"}',
    });
    expect(r.status).toBe(404);
    expect(board.device.power).toBe('ON');
  });
});

/** A python-hpilo request: `POST /ribcl`, Content-Length, `Connection: Close`, the declaration, then the script. */
function ribclRequest(script: string): string {
  const body = `<?xml version="1.0"?>\r\n${script}`;
  return `POST /ribcl HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: Close\r\n\r\n${body}`;
}

const login = (password = 'pw') => `<LOGIN USER_LOGIN="admin" PASSWORD="${password}">`;
const STATUS_SCRIPT = `<RIBCL VERSION="2.0">${login()}<SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO></LOGIN></RIBCL>`;

const ROMPAGER_HEADER =
  'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n' +
  'Server: Allegro-Software-RomPager/4.62\r\nConnection: close\r\n\r\n';

/** The documents a RIBCL session answers `script` with, on a twin of `device` (same model and power). */
function expectedDocuments(device: IloDevice, script: string): string[] {
  const twin = new IloDevice({ model: device.model, emit: () => {}, scheduler: realScheduler });
  twin.users = device.users;
  twin.power = device.power;
  return answerRibcl(twin, `<?xml version="1.0"?>\r\n${script}`, { origin: 'twin', emit: () => {} });
}

/** Is `at` inside a tag of `text` (after a `<` with no `>` yet)? Inside a quoted attribute value too? */
function positionIn(text: string, at: number): { inTag: boolean; inValue: boolean } {
  const tagStart = text.lastIndexOf('<', at - 1);
  const inTag = tagStart >= 0 && text.lastIndexOf('>', at - 1) < tagStart;
  if (!inTag) return { inTag, inValue: false };
  const quotes = (text.slice(tagStart, at).match(/["']/g) ?? []).length;
  return { inTag, inValue: quotes % 2 === 1 };
}

describe.each([
  ['ilo3', '127.0.0.182'],
  ['ilo4', '127.0.0.180'],
  ['ilo5', '127.0.0.181'],
] as const)('RIBCL over HTTP on %s', (model, host) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(model, host);
  });
  afterAll(() => board.close());
  beforeEach(() => {
    board.device.power = 'ON';
    board.device.transitionSeconds = 0;
    board.device.faults.clear();
    board.events.length = 0;
  });

  const exchange = async (request: string | string[]) => {
    const raw = (await rawExchange(board.host, board.port, request)).toString('utf8');
    const split = raw.indexOf('\r\n\r\n') + 4;
    return { raw, header: raw.slice(0, split), body: raw.slice(split) };
  };

  it('answers with the RomPager header, a chunked body, and closes the connection', async () => {
    const r = await exchange(ribclRequest(STATUS_SCRIPT));
    expect(r.header).toBe(ROMPAGER_HEADER);
    expect(r.body.endsWith('\r\n0\r\n\r\n')).toBe(true);
  });

  it('the chunks reassemble into exactly the RIBCL documents, the host power among them', async () => {
    const expected = expectedDocuments(board.device, STATUS_SCRIPT);
    const r = await exchange(ribclRequest(STATUS_SCRIPT));
    const body = dechunk(r.body).join('');
    expect(body).toBe(expected.join(''));
    expect(body).toContain('HOST_POWER="ON"');
    expect(body.match(/<\?xml version="1.0"\?>/g)?.length).toBe(expected.length);
    expect(expected.length).toBeGreaterThanOrEqual(5);
  });

  it('chunk boundaries fall mid-attribute and mid-tag, with three-digit sizes as RomPager writes them', async () => {
    const r = await exchange(ribclRequest(STATUS_SCRIPT));
    const sizes = [...r.body.matchAll(/(?:^|\r\n)([0-9a-fA-F]+)\r\n/g)].map((m) => m[1]);
    expect(sizes.slice(0, -1).every((s) => /^[0-9a-f]{3}$/.test(s ?? ''))).toBe(true);
    const chunks = dechunk(r.body);
    const body = chunks.join('');
    const boundaries: number[] = [];
    let at = 0;
    for (const c of chunks.slice(0, -1)) {
      at += c.length;
      boundaries.push(at);
    }
    const where = boundaries.map((b) => positionIn(body, b));
    expect(where.some((w) => w.inValue)).toBe(true);
    expect(where.some((w) => w.inTag && !w.inValue)).toBe(true);
    // The split python-hpilo recorded on a real iLO3: `MESSAGE='No` | ` error'`.
    expect(chunks).toContain(" error'\n     />\n</RIBCL>\n");
  });

  it('node:http reads the reply as any HTTP client would', async () => {
    const body = `<?xml version="1.0"?>\r\n${STATUS_SCRIPT}`;
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        board.url('/ribcl'),
        { method: 'POST', agent: false, headers: { 'Content-Length': Buffer.byteLength(body), Connection: 'Close' } },
        (res) => {
          let t = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            t += d;
          });
          res.on('end', () => resolve(t));
          res.on('error', reject);
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('text/xml');
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(text).toBe(expectedDocuments(board.device, STATUS_SCRIPT).join(''));
  });

  it('a request split mid-attribute (inside the password) is answered the same', async () => {
    const request = ribclRequest(STATUS_SCRIPT);
    const cut = request.indexOf('PASSWORD="p') + 'PASSWORD="p'.length;
    const r = await exchange([request.slice(0, cut - 20), request.slice(cut - 20, cut), request.slice(cut)]);
    expect(dechunk(r.body).join('')).toBe(expectedDocuments(board.device, STATUS_SCRIPT).join(''));
  });

  it('SET_HOST_POWER switches the server; the event names the HTTP client and user', async () => {
    const script = `<RIBCL VERSION="2.0">${login()}<SERVER_INFO MODE="write"><SET_HOST_POWER HOST_POWER="No"/></SERVER_INFO></LOGIN></RIBCL>`;
    const r = await exchange(ribclRequest(script));
    expect(r.header).toBe(ROMPAGER_HEADER);
    expect(dechunk(r.body).join('')).not.toMatch(/STATUS="0x0(?!000)/);
    expect(board.device.power).toBe('OFF');
    expect(board.events).toContainEqual(
      expect.objectContaining({
        type: 'plug',
        state: 'OFF',
        by: expect.stringMatching(/^ribcl-http 127\.0\.0\.1:\d+ admin$/),
      }),
    );
    expect(board.events).toContainEqual({
      type: 'login',
      mode: 'admin',
      origin: expect.stringMatching(/^ribcl-http 127\.0\.0\.1:\d+ admin$/),
      user: 'admin',
    });
  });

  it('a wrong password: STATUS 0x005F in the chunked reply, login-failed, nothing switched', async () => {
    const script = `<RIBCL VERSION="2.0">${login('nope')}<SERVER_INFO MODE="write"><SET_HOST_POWER HOST_POWER="No"/></SERVER_INFO></LOGIN></RIBCL>`;
    const r = await exchange(ribclRequest(script));
    expect(r.header).toBe(ROMPAGER_HEADER);
    const body = dechunk(r.body).join('');
    expect(body).toContain('STATUS="0x005F"');
    expect(body).not.toContain('HOST_POWER');
    expect(board.device.power).toBe('ON');
    expect(board.events).toContainEqual({
      type: 'login-failed',
      origin: expect.stringMatching(/^ribcl-http .* admin$/),
    });
    expect(JSON.stringify(board.events)).not.toContain('nope');
  });

  it('the drop-after-login fault: the board hangs up without a reply', async () => {
    board.device.faults.add('drop-after-login');
    const r = await exchange(ribclRequest(STATUS_SCRIPT));
    expect(r.raw).toBe('');
  });
});

describe('no RIBCL over HTTP on an iLO2', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('ilo2', '127.0.0.183');
  });
  afterAll(() => board.close());

  it('POST /ribcl is a 404, which python-hpilo takes for "not over HTTP"', async () => {
    const raw = (await rawExchange(board.host, board.port, ribclRequest(STATUS_SCRIPT))).toString('utf8');
    expect(raw.startsWith('HTTP/1.1 404')).toBe(true);
    expect(board.device.power).toBe('ON');
    expect(board.events).toEqual([]);
  });
});
