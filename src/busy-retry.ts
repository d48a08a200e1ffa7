import type { Deadline } from './deadline.js';
import type { Dialog } from './dialog.js';
import { BusyError, ConnectionError } from './errors.js';
import { emitProgress, type ProgressListener } from './progress.js';
import type { Transcript } from './transcript.js';

/**
 * Power switches and management cards take one session (or a few) at a time;
 * a busy unit closes a new connection before saying a word, or refuses it.
 * This opens a logged-in dialog, retrying such refusals with a doubling pause
 * until the operation's deadline, then raises BusyError (ConnectionError if
 * every attempt was refused outright: nothing may be listening).
 */
export interface BusyRetryOptions {
  initialMs?: number;
  maxMs?: number;
}

/** What the retry loop reports to, and about whom. */
export interface BusyRetryReporting {
  transcript?: Transcript;
  progress?: ProgressListener;
  /** The device, as events name it ("telnet 10.0.0.5:23"). */
  target: string;
}

/**
 * `open` connects and logs in; it calls `track` with its dialog as soon as it
 * has one, so that a failure can be judged (did the unit say anything?) and
 * the line closed.
 */
export async function openWithBusyRetry(
  deadline: Deadline,
  retry: BusyRetryOptions | undefined,
  report: BusyRetryReporting,
  open: (track: (dialog: Dialog) => void, attempt: number) => Promise<Dialog>,
): Promise<Dialog> {
  const { transcript, progress, target } = report;
  const max = retry?.maxMs ?? 2000;
  let pause = retry?.initialMs ?? 250;
  let attempts = 0;
  let turnedAway = false;
  for (;;) {
    attempts++;
    let dialog: Dialog | undefined;
    emitProgress(progress, { type: 'connecting', target, attempt: attempts });
    try {
      return await open((d) => {
        dialog = d;
      }, attempts);
    } catch (err) {
      if (dialog) {
        await dialog.stream.close();
        emitProgress(progress, { type: 'disconnected', reason: 'error' });
      }
      if (!isBusy(err, dialog)) throw err;
      turnedAway ||= !(err instanceof ConnectionError && /ECONNREFUSED/.test(err.message));
      if (deadline.remaining() <= pause) {
        const times = `${attempts} time${attempts > 1 ? 's' : ''}`;
        const last = err instanceof Error ? `; last: ${err.message}` : '';
        throw turnedAway
          ? new BusyError(`the unit turned the connection away ${times}: another session holds it${last}`, {
              cause: err,
            })
          : new ConnectionError(`the connection was refused ${times}${last}`, { cause: err });
      }
      transcript?.('note', `busy, retrying in ${pause} ms`);
      // The number of attempts is bounded by the deadline, not by a count: maxAttempts is null.
      emitProgress(progress, { type: 'busy-retry', attempt: attempts, maxAttempts: null, delayMs: pause });
      await deadline.sleep(pause);
      pause = Math.min(pause * 2, max);
    }
  }
}

/** A line closed before the unit said a word, or refused or reset at once, is the unit being busy. */
function isBusy(err: unknown, dialog: Dialog | undefined): boolean {
  if (!(err instanceof ConnectionError)) return false;
  if (dialog === undefined) return /ECONNREFUSED|ECONNRESET/.test(err.message);
  return !dialog.receivedAny;
}
