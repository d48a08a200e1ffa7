import http from 'node:http';
import { register } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from '../../emulator/lab/admin/server.js';
import type { LabEvent, PlugView, UnitView } from '../../emulator/lab/types.js';
import { FakeLab } from '../helpers/fake-lab.js';
import { SseClient } from '../helpers/sse-client.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The admin API against a fake lab (real WTI units, loads as a status): routes,
 * errors, the token, the event stream. Addresses 127.0.8.1–4 and 127.0.8.200 (ADDRESSES.md).
 */
const TOKEN = 'correct-horse-battery-staple';

let lab: FakeLab;
let open: AdminServer;
let guarded: AdminServer;

beforeAll(async () => {
  lab = await FakeLab.start([
    { name: 'wti-a', listen: '127.0.8.1:0', password: 'secret', plugs: [{ number: 5, name: 'node-a' }], loads: [5] },
  ]);
  open = await startAdminServer(lab, { listen: '127.0.8.2:0', keepAliveMs: 50 });
  guarded = await startAdminServer(lab, { listen: '127.0.8.3:0', token: TOKEN, tokenName: 'ci' });
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await lab?.stop();
});
afterEach(async () => {
  for (const plug of [1, 5]) await lab.setPlug('wti-a', plug, 'on', { protocol: 'lab' });
});

const call = async (server: AdminServer, method: string, path: string, init: RequestInit = {}) => {
  const res = await fetch(new URL(path, server.url), { method, ...init });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
};
const errorCode = (r: { json: Record<string, unknown> }) => (r.json?.error as { code?: string } | undefined)?.code;

describe('reading and switching', () => {
  it('lists the units with their plugs and loads', async () => {
    const r = await call(open, 'GET', '/api/units');
    expect(r.status).toBe(200);
    const units = r.json as unknown as UnitView[];
    expect(units.map((u) => u.name)).toEqual(['wti-a']);
    const plug5 = units[0]?.plugs.find((p) => p.plug === 5);
    expect(plug5).toMatchObject({ name: 'node-a', state: 'ON', load: { kind: 'process', status: 'alive' } });
  });

  it('switches a plug off out of band, naming the API client as the actor', async () => {
    const r = await call(open, 'POST', '/api/units/wti-a/plugs/5', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'off' }),
    });
    expect(r.status).toBe(200);
    const view = r.json as unknown as PlugView;
    expect(view).toMatchObject({ state: 'OFF', load: { status: 'dead' } });
    expect(view.lastActor?.protocol).toBe('api');
    expect(view.lastActor?.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(view.lastActor?.token).toBeUndefined();
  });

  it('carries the token name, never the token, into the actor and the events', async () => {
    const r = await call(guarded, 'POST', '/api/units/wti-a/plugs/5', {
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ action: 'reboot' }),
    });
    expect(r.status).toBe(200);
    expect((r.json as unknown as PlugView).lastActor).toMatchObject({ protocol: 'api', token: 'ci' });
    const events = await call(guarded, 'GET', '/api/events?since=0', {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(events.status).toBe(200);
    expect(events.text).toContain('"token":"ci"');
    expect(events.text).not.toContain(TOKEN);
  });

  it('injects and clears a fault, and reports it in the unit view', async () => {
    const on = await call(open, 'PUT', '/api/units/wti-a/faults/stuck-relay');
    expect(on.status).toBe(200);
    expect((on.json as unknown as UnitView).faults).toEqual(['stuck-relay']);
    const off = await call(open, 'DELETE', '/api/units/wti-a/faults/stuck-relay');
    expect((off.json as unknown as UnitView).faults).toEqual([]);
  });

  it('freezes and thaws a load; a plug without one is a 409', async () => {
    const frozen = await call(open, 'POST', '/api/units/wti-a/plugs/5/freeze');
    expect(frozen.status).toBe(200);
    expect((frozen.json as unknown as PlugView).load?.status).toBe('frozen');
    const thawed = await call(open, 'POST', '/api/units/wti-a/plugs/5/thaw');
    expect((thawed.json as unknown as PlugView).load?.status).toBe('alive');
    const none = await call(open, 'POST', '/api/units/wti-a/plugs/1/freeze');
    expect(none.status).toBe(409);
    expect(errorCode(none)).toBe('ENOLOAD');
  });

  it('answers the health check and serves the page with a strict CSP', async () => {
    expect((await call(open, 'GET', '/healthz')).json).toEqual({ ok: true });
    const page = await call(open, 'GET', '/');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.text).toContain('<main id="units">');
  });
});

describe('/metrics', () => {
  it('serves the Prometheus text of this lab, from a registry of its own', async () => {
    const r = await call(open, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toContain('# TYPE fencekit_lab_switch_operations_total counter');
    expect(r.text).toMatch(/^fencekit_lab_fault_active\{unit="wti-a",fault="stuck-relay"\} 0$/m);
    // Two servers over one lab in this file: had they shared prom-client's global registry, the second would have failed to start.
    expect(register.getSingleMetric('fencekit_lab_switch_operations_total')).toBeUndefined();
  });
});

describe('errors are JSON with the right status, and never take the server down', () => {
  const cases: [string, string, string, RequestInit, number, string][] = [
    ['an unknown unit', 'GET', '/api/units/nope', {}, 404, 'ENOUNIT'],
    ['an unknown plug', 'POST', '/api/units/wti-a/plugs/99', { body: '{"action":"off"}' }, 404, 'ENOPLUG'],
    [
      'a plug that is not a number',
      'POST',
      '/api/units/wti-a/plugs/x',
      { body: '{"action":"off"}' },
      400,
      'EBADREQUEST',
    ],
    ['an unknown fault', 'PUT', '/api/units/wti-a/faults/gremlins', {}, 404, 'ENOFAULT'],
    ['a body that is not JSON', 'POST', '/api/units/wti-a/plugs/5', { body: '{"action":' }, 400, 'EBADREQUEST'],
    [
      'a body without a valid action',
      'POST',
      '/api/units/wti-a/plugs/5',
      { body: '{"action":"explode"}' },
      400,
      'EBADREQUEST',
    ],
    ['no body at all', 'POST', '/api/units/wti-a/plugs/5', {}, 400, 'EBADREQUEST'],
    ['an unknown route', 'GET', '/api/nothing-here', {}, 404, 'ENOROUTE'],
    ['a wrong method', 'DELETE', '/api/units/wti-a', {}, 405, 'EMETHOD'],
    ['a malformed path', 'GET', '/api/units/%E0%A4%A', {}, 400, 'EBADREQUEST'],
    ['a bad event id', 'GET', '/api/events?since=abc', { headers: { accept: 'application/json' } }, 400, 'EBADREQUEST'],
    ['a huge body', 'POST', '/api/units/wti-a/plugs/5', { body: 'x'.repeat(64 * 1024) }, 413, 'ETOOLARGE'],
    [
      'a change asked by another site',
      'POST',
      '/api/units/wti-a/plugs/5',
      { body: '{"action":"off"}', headers: { origin: 'http://evil.example' } },
      403,
      'EFORBIDDEN',
    ],
  ];
  it.each(cases)('%s', async (_what, method, path, init, status, code) => {
    const r = await call(open, method, path, init);
    expect(r.status).toBe(status);
    expect(errorCode(r)).toBe(code);
    expect((await call(open, 'GET', '/healthz')).status).toBe(200);
  });

  it('without a token, answers only to a loopback Host (DNS rebinding); with one, the token decides', async () => {
    const withHost = (server: AdminServer, host: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(new URL('/api/units/wti-a/plugs/5', server.url), {
          method: 'POST',
          headers: { host, origin: `http://${host}`, 'content-type': 'application/json', ...headers },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{"action":"off"}');
      });
    expect(await withHost(open, 'evil.example:8780')).toBe(403);
    expect(lab.unit('wti-a').plugs.find((p) => p.plug === 5)?.state).toBe('ON');
    expect(await withHost(open, 'localhost:8780')).toBe(200);
    expect(await withHost(guarded, 'lab.example:8780', { authorization: `Bearer ${TOKEN}` })).toBe(200);
  });

  it('names the allowed methods on a 405', async () => {
    const r = await call(open, 'GET', '/api/units/wti-a/faults/busy');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('PUT, DELETE');
  });

  it('refuses a chunked body once it grows over the cap', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(new URL('/api/units/wti-a/plugs/5', open.url), { method: 'POST' });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`{"action":"${'x'.repeat(20 * 1024)}`);
    });
    expect(status).toBe(413);
  });

  it('refuses a body whose declared length is over the cap before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(new URL('/api/units/wti-a/plugs/5', open.url), {
        method: 'POST',
        headers: { 'content-length': String(100 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
  });
});

describe('the token', () => {
  it('is required on every API route when the lab has one', async () => {
    for (const path of ['/api/units', '/api/units/wti-a', '/metrics', '/api/events']) {
      const r = await call(guarded, 'GET', path, { headers: { accept: 'application/json' } });
      expect(r.status, path).toBe(401);
      expect(errorCode(r)).toBe('EUNAUTHORIZED');
    }
    const wrong = await call(guarded, 'GET', '/api/units', { headers: { authorization: 'Bearer not-it' } });
    expect(wrong.status).toBe(401);
  });

  it('is taken from the Authorization header or from ?token= (EventSource)', async () => {
    expect((await call(guarded, 'GET', '/api/units', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
      200,
    );
    expect((await call(guarded, 'GET', `/api/units?token=${TOKEN}`)).status).toBe(200);
  });

  it('is not needed for the page, the document and the health check', async () => {
    for (const path of ['/', '/openapi.json', '/healthz']) expect((await call(guarded, 'GET', path)).status).toBe(200);
  });

  it('must be given to listen on an address that is not loopback: one line, nothing listening', async () => {
    await expect(startAdminServer(lab, { listen: '0.0.0.0:0' })).rejects.toThrow(
      /^admin: 0\.0\.0\.0:0 is not a loopback address: the lab listens there only with an admin token \(admin\.tokenFile\)$/,
    );
    await expect(startAdminServer(lab, { listen: '127.0.8.4:0', token: '  ' })).rejects.toThrow(/token is empty/);
  });
});

describe('the event stream', () => {
  it('sends id, event and data for each event, and keep-alive comments', async () => {
    const sse = await SseClient.open(new URL('/api/events', open.url).href);
    try {
      expect(sse.status).toBe(200);
      expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
      await lab.setPlug('wti-a', 5, 'off', { protocol: 'lab' });
      const m = await sse.until((x) => x.event === 'plug' && JSON.parse(x.data).to === 'OFF', 'the plug event');
      const event = JSON.parse(m.data) as LabEvent;
      expect(m.id).toBe(String(event.id));
      expect(event).toMatchObject({ type: 'plug', unit: 'wti-a', plug: 5, from: 'ON', to: 'OFF' });
      await waitFor(() => sse.comments.includes('keep-alive'), { what: 'a keep-alive comment' });
    } finally {
      sse.close();
    }
  });

  it('resumes after Last-Event-ID with what was missed, and nothing before', async () => {
    const before = lab.events.since(0).at(-1)?.id ?? 0;
    await lab.setPlug('wti-a', 5, 'off', { protocol: 'lab' });
    await lab.setPlug('wti-a', 5, 'on', { protocol: 'lab' });
    const sse = await SseClient.open(new URL('/api/events', open.url).href, { 'last-event-id': String(before) });
    try {
      await sse.until((x) => x.event === 'plug' && JSON.parse(x.data).to === 'ON', 'the missed ON');
      const ids = sse.messages.map((m) => Number(m.id));
      expect(Math.min(...ids)).toBe(before + 1);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      sse.close();
    }
  });

  it('refuses one stream more than its cap with a 503, and takes one again once a stream ends', async () => {
    const capped = await startAdminServer(lab, { listen: '127.0.8.200:0', maxStreams: 2 });
    const streams: AbortController[] = [];
    const openStream = async () => {
      const abort = new AbortController();
      const res = await fetch(new URL('/api/events', capped.url), { signal: abort.signal });
      if (res.status === 200) streams.push(abort);
      else await res.text();
      return res.status;
    };
    try {
      expect([await openStream(), await openStream()]).toEqual([200, 200]);
      expect(await openStream()).toBe(503);
      streams.shift()?.abort();
      await waitFor(async () => (await openStream()) === 200, { what: 'a free stream slot' });
    } finally {
      for (const s of streams) s.abort();
      await capped.close();
    }
  });

  it('lets go of a client that disconnects', async () => {
    // Two servers, each with its metrics subscribed; earlier tests' streams have all been let go.
    const listening = 2;
    await waitFor(() => lab.listenerCount === listening, { what: 'only the metrics subscribed' });
    const sse = await SseClient.open(new URL('/api/events', open.url).href);
    await waitFor(() => lab.listenerCount === listening + 1, { what: 'the client subscribed' });
    sse.close();
    await waitFor(() => lab.listenerCount === listening, { what: 'the client unsubscribed' });
  });

  it('ends open streams when the server closes', async () => {
    const server = await startAdminServer(lab, { listen: '127.0.8.4:0' });
    const sse = await SseClient.open(new URL('/api/events', server.url).href);
    await server.close();
    await waitFor(() => sse.closedByServer, { what: 'the stream to end' });
  });
});
