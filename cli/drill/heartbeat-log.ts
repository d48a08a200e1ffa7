import { StringDecoder } from 'node:string_decoder';
import type { TimelineEntry } from './timeline.js';

/**
 * What a line of heartbeat 3.0.6's log means to the drill. The patterns are
 * heartbeat's own messages (heartbeat.c, the STONITH child, ResourceManager
 * and mach_down), as a node writes them to its `logfile`; everything else is
 * noise here. `node` in the result is the node the line is about, not the one
 * that wrote it.
 */
export type HeartbeatLogEvent = Omit<TimelineEntry, 'atMs'>;

const PATTERNS: ReadonlyArray<{ re: RegExp; what: string; detail?: (m: RegExpMatchArray) => string }> = [
  { re: /WARN: node (\S+): is dead/, what: 'detected', detail: () => 'declared dead' },
  { re: /Resetting node (\S+) with \[([^\]]+)\]/, what: 'fence-requested', detail: (m) => `reset with ${m[2]}` },
  { re: /node (\S+) now reset\./, what: 'fenced', detail: () => 'the STONITH device reported the reset done' },
  { re: /STONITH of (\S+) failed/, what: 'fence-failed', detail: () => 'STONITH failed, heartbeat retries' },
  { re: /Host (\S+) not reset!/, what: 'fence-failed', detail: () => 'the STONITH device did not reset it' },
  { re: /Taking over resource group (\S+)/, what: 'takeover', detail: (m) => `taking over ${m[1]}` },
  {
    re: /Running \S*\/resource\.d\/+(\S+)\s+start/,
    what: 'resource-start',
    detail: (m) => `${m[1]} start`,
  },
  {
    re: /Running \S*\/resource\.d\/+(\S+)\s+stop/,
    what: 'resource-stop',
    detail: (m) => `${m[1]} stop`,
  },
  { re: /Heartbeat restart on node (\S+)/, what: 'node-back', detail: () => 'heartbeat running again' },
];

/**
 * The event a line reports, or null. `writer` is the node whose log it is;
 * lines that name no node (the resource script) are about the writer.
 */
export function classifyLine(line: string, writer: string): HeartbeatLogEvent | null {
  for (const p of PATTERNS) {
    const m = line.match(p.re);
    if (!m) continue;
    const subject = p.what.startsWith('resource-') || p.what === 'takeover' ? writer : (m[1] ?? writer);
    const detail = `${p.detail ? p.detail(m) : ''} (${writer}'s log)`;
    return { what: p.what, node: subject, detail };
  }
  return null;
}

/**
 * Follows a growing text file by polling (the logs are written by processes in
 * other mount namespaces, where inotify still works but polling is simpler to
 * reason about): each complete new line goes to `onLine`, stamped when read.
 */
export class LogFollower {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    /** The file's bytes from `offset` on (empty when there are none yet, or no file). */
    private readonly read: (offset: number) => Buffer,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Read what was appended since the last poll. */
  poll(): void {
    const chunk = this.read(this.offset);
    if (chunk.length === 0) return;
    this.offset += chunk.length;
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }
}
