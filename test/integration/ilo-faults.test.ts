import https from 'node:https';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IloTlsFrontend } from '../../emulator/ilo/tls-server.js';
import { type RunningIlo, resetIlo, startIlo } from '../helpers/units.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The iLO's faults on the wire, each switched on and off in a running
 * emulator as the lab does, seen by a plain client: Redfish and RIBCL over
 * HTTP on an iLO 4's HTTPS port, raw RIBCL on an iLO 2's TLS port. "Never
 * answered" and "late" are shown without a clock: a request made after the
 * fault was cleared is answered while the one made under it still is not.
 * Addresses 127.0.10.10–11, port 0.
 */

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = { authorization: basic('admin', 'pw'), accept: 'application/json' };
const SYSTEM = '/redfish/v1/Systems/1';
const SESSIONS = '/redfish/v1/SessionService/Sessions';
const RESET = `${SYSTEM}/Actions/ComputerSystem.Reset`;
const CREDENTIALS = JSON.stringify({ UserName: 'admin', Password: 'pw' });
const JSON_BODY = { 'content-type': 'application/json' };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface Call {
  reply: Promise<Reply>;
  /** The answer has come (or the connection failed). */
  settled(): boolean;
  abort(): void;
}

/** One HTTPS request on a connection of its own, as fence_redfish makes them. */
function call(
  board: RunningIlo,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Call {
  let done = false;
  let req: ReturnType<typeof https.request> | undefined;
  const reply = new Promise<Reply>((resolve, reject) => {
    req = https.request(
      {
        host: board.host,
        port: board.port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        agent: false,
        rejectUnauthorized: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          done = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      done = true;
      reject(err);
    });
    req.end(init.body);
  });
  reply.catch(() => {});
  return { reply, settled: () => done, abort: () => req?.destroy() };
}

const messageId = (text: string): string => JSON.parse(text).error?.['@Message.ExtendedInfo']?.[0]?.MessageId ?? '';

/** A raw RIBCL connection: what it has received so far, and whether its handshake is done. */
function ribcl(board: RunningIlo, text: string) {
  let received = '';
  let secure = false;
  const socket = tls.connect({ host: board.host, port: board.port, rejectUnauthorized: false }, () => {
    secure = true;
    socket.write(text);
  });
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    received += d;
  });
  socket.on('error', () => {});
  return { received: () => received, secure: () => secure, close: () => socket.destroy() };
}

const DECLARATION = '<?xml version="1.0"?>\r\n';
const LOGIN = '<RIBCL VERSION="2.0">\r\n<LOGIN USER_LOGIN = "admin" PASSWORD = "pw">\r\n';

/**
 * The board holds `count` connections or more (a hung one included: its fault
 * has been read), or with `none`, exactly that many and no more.
 */
const taken = (front: IloTlsFrontend | null, count: number, none?: 'none') =>
  waitFor(
    () => {
      const n = front?.connections ?? 0;
      return none ? n === count : n >= count;
    },
    { what: `${count} connection(s) held` },
  );

describe('Redfish and RIBCL over HTTP on an iLO 4, faults switched while it runs', () => {
  let board: RunningIlo;
  const open: Call[] = [];
  beforeAll(async () => {
    board = await startIlo('127.0.10.10', { model: 'ilo4', https: 0 });
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.abort();
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetIlo(board));

  const request = (path: string, init: Parameters<typeof call>[2] = { headers: ADMIN }) => {
    const c = call(board, path, init);
    open.push(c);
    return c;
  };
  const get = (path = SYSTEM, headers: Record<string, string> = ADMIN) => request(path, { headers });
  const faults = () => board.emulator.device.faults;

  it('busy: every new login is answered 503 SessionLimitExceeded; cleared, logins work', async () => {
    faults().add('busy');
    const from = board.events.length;
    const refused = await get().reply;
    expect(refused.status).toBe(503);
    expect(messageId(refused.text)).toMatch(/^Base\.\d+\.\d+\.SessionLimitExceeded$/);
    const post = await request(SESSIONS, { method: 'POST', headers: JSON_BODY, body: CREDENTIALS }).reply;
    expect(post.status).toBe(503);
    const since = board.events.slice(from);
    expect(since.filter((e) => e.type === 'refused')).toHaveLength(2);
    expect(since.some((e) => e.type === 'login' || e.type === 'login-failed')).toBe(false);

    faults().delete('busy');
    const ok = await get().reply;
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).PowerState).toBe('On');
  });

  it('busy: a session opened before goes on answering', async () => {
    const created = await request(SESSIONS, { method: 'POST', headers: JSON_BODY, body: CREDENTIALS }).reply;
    expect(created.status).toBe(201);
    expect(board.events.at(-1)).toMatchObject({ type: 'login', user: 'admin' });
    const token = String(created.headers['x-auth-token']);
    faults().add('busy');
    expect((await get(SYSTEM, { 'x-auth-token': token }).reply).status).toBe(200);
    expect((await get().reply).status).toBe(503);
  });

  it('refuse-login: the right password is answered 401; cleared, 200', async () => {
    faults().add('refuse-login');
    const from = board.events.length;
    const r = await get().reply;
    expect(r.status).toBe(401);
    expect(messageId(r.text)).toMatch(/NoValidSession$/);
    expect(board.events.slice(from).map((e) => e.type)).toContain('login-failed');
    faults().delete('refuse-login');
    expect((await get().reply).status).toBe(200);
  });

  it('garbled: the status line stands, the body is noise of the same length; cleared, JSON again', async () => {
    const clean = await get().reply;
    faults().add('garbled');
    const r = await get().reply;
    expect(r.status).toBe(200);
    expect(r.text).toHaveLength(clean.text.length);
    expect(() => JSON.parse(r.text)).toThrow();
    faults().delete('garbled');
    expect(JSON.parse((await get().reply).text).PowerState).toBe('On');
  });

  it('hang: a new connection gets nothing, not even the TLS handshake; cleared, the next one is answered', async () => {
    // Earlier tests' connections first finish closing, so the count below is of these two.
    await taken(board.emulator.https, 0, 'none');
    faults().add('hang');
    const hung = get();
    const raw = ribcl(board, DECLARATION);
    await taken(board.emulator.https, 2);
    faults().delete('hang');
    expect((await get().reply).status).toBe(200);
    expect(hung.settled()).toBe(false);
    expect(raw.secure()).toBe(false);
    expect(raw.received()).toBe('');
    raw.close();
  });

  it('hang-after-login: the login is taken and the request never answered; cleared, the next one is', async () => {
    faults().add('hang-after-login');
    const from = board.events.length;
    const hung = get();
    await waitFor(() => board.events.slice(from).some((e) => e.type === 'login'), { what: 'the login' });
    faults().delete('hang-after-login');
    expect((await get().reply).status).toBe(200);
    expect(hung.settled()).toBe(false);
  });

  it('slow: an answer given under slow comes after one asked for later without it, and is whole', async () => {
    faults().add('slow');
    const from = board.events.length;
    const late = get();
    // The login is reported as the request is read; its answer is then on its way, late.
    await waitFor(() => board.events.slice(from).some((e) => e.type === 'login'), { what: 'the slow request' });
    faults().delete('slow');
    expect((await get().reply).status).toBe(200);
    expect(late.settled()).toBe(false);
    const r = await late.reply;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).PowerState).toBe('On');
  });

  it('stuck-relay: the reset is acknowledged, the power stays, the ignored command is reported with the user', async () => {
    const forceOff = { method: 'POST', headers: { ...ADMIN, ...JSON_BODY }, body: '{"ResetType":"ForceOff"}' };
    faults().add('stuck-relay');
    const from = board.events.length;
    expect((await request(RESET, forceOff).reply).status).toBe(200);
    expect(board.emulator.device.power).toBe('ON');
    expect(board.events.slice(from).filter((e) => e.type === 'switch-ignored')).toEqual([
      expect.objectContaining({
        plug: 1,
        requested: 'OFF',
        user: 'admin',
        by: expect.stringMatching(/^redfish 127\.0\.0\.1:\d+ admin$/),
      }),
    ]);
    faults().delete('stuck-relay');
    expect((await request(RESET, forceOff).reply).status).toBe(200);
    expect(board.emulator.device.power).toBe('OFF');
    expect(board.events.at(-1)).toMatchObject({ type: 'plug', state: 'OFF', user: 'admin' });
  });

  it('RIBCL over HTTP, garbled: the chunked reply still reads, its documents are noise; cleared, XML again', async () => {
    const script =
      '<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="admin" PASSWORD="pw"><SERVER_INFO MODE="read">' +
      '<GET_HOST_POWER_STATUS/></SERVER_INFO></LOGIN></RIBCL>';
    faults().add('garbled');
    const r = await request('/ribcl', { method: 'POST', body: script }).reply;
    expect(r.status).toBe(200);
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.text).not.toMatch(/RIBCL|HOST_POWER|</);
    faults().delete('garbled');
    expect((await request('/ribcl', { method: 'POST', body: script }).reply).text).toContain('HOST_POWER="ON"');
  });
});

describe('raw RIBCL on an iLO 2, faults switched while it runs', () => {
  let board: RunningIlo;
  const sockets: { close: () => void }[] = [];
  beforeAll(async () => {
    board = await startIlo('127.0.10.11', { model: 'ilo2', tls: 0 });
  });
  afterEach(() => {
    for (const c of sockets.splice(0)) c.close();
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetIlo(board));

  const connect = (text = DECLARATION) => {
    const c = ribcl(board, text);
    sockets.push(c);
    return c;
  };
  const answered = (c: ReturnType<typeof connect>) =>
    waitFor(() => c.received().includes('</RIBCL>'), { what: 'a whole RIBCL document' });
  const faults = () => board.emulator.device.faults;

  it('garbled: the answer to the declaration is noise; cleared, a new connection reads </RIBCL>', async () => {
    faults().add('garbled');
    const noisy = connect();
    await waitFor(() => noisy.received().length > 0, { what: 'the garbled answer' });
    faults().delete('garbled');
    await answered(connect());
    expect(noisy.received()).not.toMatch(/[<>]|RIBCL/);
  });

  it('hang: no handshake for a new connection; cleared, the next one is answered', async () => {
    await taken(board.emulator.tls, 0, 'none');
    faults().add('hang');
    const hung = connect();
    await taken(board.emulator.tls, 1);
    faults().delete('hang');
    await answered(connect());
    expect(hung.secure()).toBe(false);
    expect(hung.received()).toBe('');
  });

  it('slow: the answers come after those given later without the fault, and whole', async () => {
    faults().add('slow');
    const from = board.events.length;
    const late = connect(DECLARATION + LOGIN);
    // The login is reported as the text is read; the answers are then on their way, late.
    await waitFor(() => board.events.slice(from).some((e) => e.type === 'login'), { what: 'the slow login' });
    faults().delete('slow');
    await answered(connect());
    expect(late.received()).toBe('');
    await answered(late);
    expect(late.received()).toContain('STATUS="0x0000"');
  });
});
