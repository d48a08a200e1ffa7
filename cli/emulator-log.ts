import { describeEvent, type EventBus, type Timestamped } from '../emulator/events.js';

/**
 * One log line per event on stderr, for when the emulator is not on a
 * terminal: JSON in pino's shape (`level` 30 = info, `time` in ms, `src`, the
 * event's fields, `msg`), written by hand so that starting the emulator does
 * not load a logging library. Events never carry passwords; masking these keys
 * is a second lock.
 */
const SECRET_KEYS = new Set(['password', 'systemPassword', 'authKey', 'privKey', 'authPassword', 'privPassword']);

export function logEvents(
  bus: EventBus,
  out: { write(line: string): unknown } = process.stderr,
  opts: { replay?: boolean } = {},
): () => void {
  const write = ({ time, ...event }: Timestamped) => {
    const line = { level: 30, time: time.getTime(), src: 'fencekit-emulator', ...event, msg: describeEvent(event) };
    // stderr is synchronous for files, pipes and terminals on Linux: a line is out before the next event.
    out.write(`${JSON.stringify(line, mask)}\n`);
  };
  // `replay`: the events the bus kept from before (a start's "listening" lines), first.
  if (opts.replay) for (const event of bus.recent(Number.POSITIVE_INFINITY)) write(event);
  return bus.subscribe(write);
}

function mask(key: string, value: unknown): unknown {
  return SECRET_KEYS.has(key) ? '[Redacted]' : value;
}
