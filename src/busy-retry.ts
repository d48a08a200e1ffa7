import type { Deadline } from './deadline.js';
import type { Dialog } from './dialog.js';
import { BusyError, ConnectionError, TimeoutError } from './errors.js';
import { emitProgress, type ProgressListener } from './progress.js';
import type { Transcript } from './transcript.js';

/**
 * Power switches and management cards take one session (or a few) at a time;
 * a busy unit accepts a new connection and closes it before saying a word.
 * This opens a logged-in dialog, retrying such turn-aways with a doubling
 * pause until the operation's deadline, then raises BusyError.
 *
 * A refused connection (ECONNREFUSED) is another matter: nothing listens. A
 * unit rebooting its network stack refuses for a moment, so a few refusals in
 * a row are retried too, but no more than `maxRefusals` (default 4 attempts:
 * pauses of 250, 500 and 1000 ms, under 2 s in all); then ConnectionError.
 * A busy turn-away between refusals starts the count again: someone listens.
 */
export interface BusyRetryOptions {
  initialMs?: number;
  maxMs?: number;
  /** Refused attempts in a row before giving up with ConnectionError (default 4). */
  maxRefusals?: number;
}

/** Refused attempts in a row tolerated by default (docs/cli.md and docs/driver.md give the figure). */
export const DEFAULT_MAX_REFUSALS = 4;

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
  const maxRefusals = retry?.maxRefusals ?? DEFAULT_MAX_REFUSALS;
  let attempts = 0;
  let refusals = 0;
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
      // Turned away before, and the time ran out on this attempt (a loaded unit answers late):
      // the held session is still the reason, not the last attempt's slowness.
      if (turnedAway && err instanceof TimeoutError && deadline.remaining() <= 0) {
        throw new BusyError(
          `the unit turned the connection away ${times(attempts - 1)}: another session holds it; the time ran out on attempt ${attempts}`,
          { cause: err },
        );
      }
      if (!isBusy(err, dialog)) throw err;
      const refused = dialog === undefined && isRefused(err);
      refusals = refused ? refusals + 1 : 0;
      turnedAway ||= !refused;
      const last = err instanceof Error ? `; last: ${err.message}` : '';
      if (refusals >= maxRefusals) {
        throw new ConnectionError(
          `nothing listens at ${target}: the connection was refused ${times(refusals)} in a row (ECONNREFUSED)`,
          { cause: err },
        );
      }
      if (deadline.remaining() <= pause) {
        throw turnedAway
          ? new BusyError(`the unit turned the connection away ${times(attempts)}: another session holds it${last}`, {
              cause: err,
            })
          : new ConnectionError(`the connection was refused ${times(attempts)}${last}`, { cause: err });
      }
      transcript?.('note', `${refused ? 'refused' : 'busy'}, retrying in ${pause} ms`);
      // A busy unit is retried until the deadline (maxAttempts null); refusals, maxRefusals in a row.
      emitProgress(
        progress,
        refused
          ? {
              type: 'busy-retry',
              attempt: attempts,
              maxAttempts: attempts - refusals + maxRefusals,
              delayMs: pause,
              refused: true,
            }
          : { type: 'busy-retry', attempt: attempts, maxAttempts: null, delayMs: pause },
      );
      await deadline.sleep(pause);
      pause = Math.min(pause * 2, max);
    }
  }
}

function times(n: number): string {
  return `${n} time${n > 1 ? 's' : ''}`;
}

/** Nothing listens at the address (or a firewall says so). */
function isRefused(err: unknown): boolean {
  if (!(err instanceof ConnectionError)) return false;
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  return cause?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(err.message);
}

/** A line closed before the unit said a word, or refused or reset at once, is the unit being busy. */
function isBusy(err: unknown, dialog: Dialog | undefined): boolean {
  if (!(err instanceof ConnectionError)) return false;
  if (dialog === undefined) return /ECONNREFUSED|ECONNRESET/.test(err.message);
  return !dialog.receivedAny;
}
