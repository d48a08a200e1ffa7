import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../types.js';
import { type AdminLab, PLUG_ACTIONS, type PlugAction } from './admin-lab.js';
import { HttpError } from './http-error.js';
import type { LabMetrics } from './metrics.js';
import { LAB_API_DOCUMENT } from './openapi-document.js';
import { PAGE_CSP, PAGE_HTML } from './page.js';
import { readJsonBody, sendJson, sendText } from './respond.js';
import type { Route } from './router.js';
import { resumeFrom, type SseHub } from './sse.js';

/** What a handler gets: the request, the lab, and who is asking (as the lab records it). */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  actor: Actor;
  lab: AdminLab;
  hub: SseHub;
  metrics: LabMetrics;
}

export type Handler = (x: Exchange) => void | Promise<void>;

const DOCUMENT_JSON = JSON.stringify(LAB_API_DOCUMENT, null, 2);

/** Every route the admin server answers; docs/lab-api.json describes exactly these. */
export const ROUTES: readonly Route<Handler>[] = [
  { method: 'GET', path: '/', public: true, handler: page },
  { method: 'GET', path: '/healthz', public: true, handler: (x) => sendJson(x.res, 200, { ok: true }) },
  {
    method: 'GET',
    path: '/openapi.json',
    public: true,
    handler: (x) => sendText(x.res, 200, 'application/json; charset=utf-8', DOCUMENT_JSON),
  },
  { method: 'GET', path: '/metrics', handler: metrics },
  { method: 'GET', path: '/api/units', handler: (x) => sendJson(x.res, 200, x.lab.units()) },
  { method: 'GET', path: '/api/units/{unit}', handler: (x) => sendJson(x.res, 200, x.lab.unit(unitOf(x))) },
  { method: 'POST', path: '/api/units/{unit}/plugs/{plug}', handler: switchPlug },
  { method: 'PUT', path: '/api/units/{unit}/faults/{fault}', handler: (x) => fault(x, true) },
  { method: 'DELETE', path: '/api/units/{unit}/faults/{fault}', handler: (x) => fault(x, false) },
  { method: 'POST', path: '/api/units/{unit}/plugs/{plug}/freeze', handler: (x) => loadSignal(x, 'freeze') },
  { method: 'POST', path: '/api/units/{unit}/plugs/{plug}/thaw', handler: (x) => loadSignal(x, 'thaw') },
  { method: 'GET', path: '/api/events', handler: events },
];

function page(x: Exchange): void {
  x.res.setHeader('content-security-policy', PAGE_CSP);
  x.res.setHeader('x-content-type-options', 'nosniff');
  x.res.setHeader('referrer-policy', 'no-referrer');
  x.res.setHeader('cache-control', 'no-store');
  sendText(x.res, 200, 'text/html; charset=utf-8', PAGE_HTML);
}

async function metrics(x: Exchange): Promise<void> {
  const { contentType, body } = await x.metrics.text();
  sendText(x.res, 200, contentType, body);
}

async function switchPlug(x: Exchange): Promise<void> {
  const body = await readJsonBody(x.req);
  const action = (body as { action?: unknown } | null | undefined)?.action;
  if (typeof body !== 'object' || body === null || !PLUG_ACTIONS.includes(action as PlugAction)) {
    throw new HttpError(400, 'EBADREQUEST', `the body is {"action": ${PLUG_ACTIONS.map((a) => `"${a}"`).join(' | ')}}`);
  }
  sendJson(x.res, 200, await x.lab.setPlug(unitOf(x), plugOf(x), action as PlugAction, x.actor));
}

async function fault(x: Exchange, active: boolean): Promise<void> {
  await readJsonBody(x.req);
  sendJson(x.res, 200, x.lab.setFault(unitOf(x), x.params.fault ?? '', active, x.actor));
}

async function loadSignal(x: Exchange, what: 'freeze' | 'thaw'): Promise<void> {
  await readJsonBody(x.req);
  const view =
    what === 'freeze' ? x.lab.freeze(unitOf(x), plugOf(x), x.actor) : x.lab.thaw(unitOf(x), plugOf(x), x.actor);
  sendJson(x.res, 200, view);
}

/** The stream by default; the kept events as one JSON array when the client asks for JSON and not for a stream. */
function events(x: Exchange): void {
  const since = resumeFrom(x.req, x.url);
  const accept = x.req.headers.accept ?? '';
  if (accept.includes('application/json') && !accept.includes('text/event-stream')) {
    sendJson(x.res, 200, x.lab.events.since(since));
    return;
  }
  x.hub.open(x.req, x.res, since);
}

function unitOf(x: Exchange): string {
  return x.params.unit ?? '';
}

function plugOf(x: Exchange): number {
  const raw = x.params.plug ?? '';
  if (!/^[1-9][0-9]{0,5}$/.test(raw)) {
    throw new HttpError(400, 'EBADREQUEST', `a plug is a number from 1 (got '${raw.slice(0, 32)}')`);
  }
  return Number(raw);
}
