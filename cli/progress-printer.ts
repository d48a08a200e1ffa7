import type { ProgressEvent, ProgressListener } from '../src/progress.js';

/**
 * Progress of a `fencekit power` operation, as lines on stderr, for people:
 * an operation that finishes within a second prints nothing; a longer one
 * shows what it is waiting for (connecting, a busy unit, a plug not yet
 * switched). stdout stays for the result (and for --json).
 *
 * The lines are read from typed events (src/progress.ts), never from the
 * transcript, and carry no secrets.
 */
export interface ProgressPrinterOptions {
  write: (line: string) => void;
  /** Print from the first event on, rather than once the operation has taken `quietMs`. */
  immediate: boolean;
  quietMs?: number;
}

export function describeProgress(e: ProgressEvent): string | null {
  switch (e.type) {
    case 'connecting':
      return e.attempt > 1 ? `connecting to ${e.target} (attempt ${e.attempt})` : `connecting to ${e.target}`;
    case 'connected':
      return null;
    case 'credentials-sent':
      return e.field === 'password' ? 'logging in' : null;
    case 'logged-in':
      return 'logged in';
    case 'login-refused':
      return 'the device refused the login';
    case 'busy-retry':
      if (e.refused) {
        return `the connection was refused: retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt}${e.maxAttempts === null ? '' : ` of ${e.maxAttempts}`})`;
      }
      return `the unit is busy with another session: retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt}${e.maxAttempts === null ? '' : ` of ${e.maxAttempts}`})`;
    case 'command-sent':
      return `switching ${plugList(e.plugs)}${e.state === undefined ? '' : ` ${e.state}`}`;
    case 'command-refused':
      return `the device refused ${e.command} for ${plugList(e.plugs)}: ${e.reply}`;
    case 'read-back':
      return null;
    case 'waiting':
      return `waiting for ${plugList(e.plugs)} to read ${e.want.toUpperCase()}`;
    case 'disconnected':
      return null;
  }
}

function plugList(plugs: readonly number[]): string {
  if (plugs.length === 1) return `plug ${plugs[0]}`;
  return `plugs ${plugs.join(', ')}`;
}

/** A listener that prints; `stop()` ends it (and its timer) when the operation is over. */
export function progressPrinter(opts: ProgressPrinterOptions): { listener: ProgressListener; stop(): void } {
  let showing = opts.immediate;
  let pending: string | null = null;
  let last: string | null = null;
  const print = (line: string) => {
    // The same phase twice in a row (a read-back loop) is said once.
    if (line === last) return;
    last = line;
    opts.write(`fencekit: ${line}`);
  };
  const timer = showing
    ? null
    : setTimeout(() => {
        showing = true;
        if (pending !== null) print(pending);
      }, opts.quietMs ?? 1000);
  timer?.unref();
  return {
    listener: (event) => {
      const line = describeProgress(event);
      if (line === null) return;
      if (showing) print(line);
      else pending = line;
    },
    stop: () => {
      if (timer) clearTimeout(timer);
    },
  };
}
