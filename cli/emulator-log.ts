import { pino } from 'pino';
import { describeEvent, type EventBus } from '../emulator/events.js';

/**
 * One log line per event on stderr (JSON, pino), for when the emulator is not
 * on a terminal. Events never carry passwords; the redaction is a second lock.
 */
export function logEvents(bus: EventBus): () => void {
  const log = pino(
    { base: { src: 'fencekit-emulator' }, redact: ['password', '*.password', 'systemPassword'] },
    pino.destination({ fd: 2, sync: true }),
  );
  return bus.subscribe(({ time: _time, ...event }) => {
    log.info(event, describeEvent(event));
  });
}
