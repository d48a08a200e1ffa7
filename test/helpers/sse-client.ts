import http from 'node:http';
import { waitFor } from './wait.js';

/** One message of a Server-Sent Events stream, as a client parses it. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal SSE reader for tests: connects, keeps every message and comment
 * it reads, and waits on them with a deadline (no sleeps).
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private req: http.ClientRequest | null = null;
  private ended = false;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      client.req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            client.parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        });
        res.on('end', () => {
          client.ended = true;
        });
        res.on('error', () => {
          client.ended = true;
        });
        resolve();
      });
      client.req.on('error', reject);
    });
    return client;
  }

  get closedByServer(): boolean {
    return this.ended;
  }

  private parse(block: string): void {
    const message: SseMessage = { data: '' };
    let isMessage = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(': ');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 2);
      if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
      else if (field === 'data') message.data += value;
      else continue;
      isMessage = true;
    }
    if (isMessage) this.messages.push(message);
  }

  /** The first message `match` accepts, now or when it arrives. */
  until(match: (m: SseMessage) => boolean, what: string): Promise<SseMessage> {
    return waitFor(() => this.messages.find(match), { what });
  }

  close(): void {
    this.req?.destroy();
  }
}
