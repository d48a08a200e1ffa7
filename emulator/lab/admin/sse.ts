import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabEvent } from '../types.js';
import type { LabEventStream } from './admin-lab.js';
import { HttpError } from './http-error.js';

/**
 * The event stream as Server-Sent Events: `id:` is the LabEvent's id,
 * `event:` its type, `data:` the event as one line of JSON. A client that
 * reconnects with Last-Event-ID (EventSource does so by itself) gets what it
 * missed from the lab's memory first, then the live stream; the replay and
 * the subscription happen in the same turn of the event loop, so nothing
 * falls between them.
 */
export interface SseOptions {
  /** Between two keep-alive comments, so proxies and idle timers see traffic. */
  keepAliveMs: number;
  /** Streams open at once; one more is refused with a 503 before anything is written. */
  maxClients: number;
}

/** A client that lets this much pile up unread is cut off: it would only hold memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();

  constructor(
    private readonly events: LabEventStream,
    private readonly opts: SseOptions,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Serve one client until it goes away (or the hub closes). */
  open(req: IncomingMessage, res: ServerResponse, since: number): void {
    if (this.clients.size >= this.opts.maxClients) {
      throw new HttpError(503, 'EBUSY', `${this.opts.maxClients} event streams are open already; close one`, {
        'retry-after': '5',
      });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Only the socket's own timeouts would end a quiet stream; the keep-alives keep it honest.
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    for (const event of this.events.since(since)) this.send(res, event);
    const unsubscribe = this.events.subscribe((event) => this.send(res, event));
    const keepAlive = setInterval(() => this.write(res, ': keep-alive\n\n'), this.opts.keepAliveMs);
    keepAlive.unref();
    const cleanUp = () => {
      clearInterval(keepAlive);
      unsubscribe();
      this.clients.delete(res);
    };
    res.once('close', cleanUp);
    // The client may have gone while the replay was written: 'close' has then already fired.
    if (res.destroyed) cleanUp();
  }

  /** End every stream (the server is closing). */
  closeAll(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private send(res: ServerResponse, event: LabEvent): void {
    this.write(res, formatEvent(event));
  }

  private write(res: ServerResponse, text: string): void {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(text);
  }
}

/** One event in the SSE wire format. JSON.stringify escapes line breaks, so `data:` is a single line. */
export function formatEvent(event: LabEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Where a client resumes: Last-Event-ID (a reconnecting EventSource) wins over `?since=`; 0 is everything kept. */
export function resumeFrom(req: IncomingMessage, url: URL): number {
  const header = req.headers['last-event-id'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('since') ?? '0';
  const id = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(id) || id < 0) {
    throw new HttpError(400, 'EBADREQUEST', `an event id is a whole number (got '${raw.slice(0, 32)}')`);
  }
  return id;
}
