import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REFUSALS, openWithBusyRetry } from '../../src/busy-retry.js';
import { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { BusyError, ConnectionError } from '../../src/errors.js';
import type { ProgressEvent } from '../../src/progress.js';
import type { ByteStream } from '../../src/transport/byte-stream.js';

/**
 * The retry loop tells "nothing listens" (refused: give up after a few
 * attempts, ECONNECTION) from "busy" (accepted, then closed before a word:
 * retry until the budget, EBUSY). Attempts are counted, never timed: the
 * pauses are 1 ms, the budget generous.
 */
type Outcome = 'refused' | 'busy' | 'ok';

function refusal(): ConnectionError {
  const errno = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  return new ConnectionError('cannot connect to telnet 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1', {
    cause: errno,
  });
}

/** A stream that says nothing and is closed by the loop. */
function silentStream(): ByteStream {
  return { description: 'fake', write: () => {}, attach: () => {}, close: async () => {} };
}

async function attempt(outcomes: Outcome[], opts: { maxRefusals?: number; budgetMs?: number } = {}) {
  const events: ProgressEvent[] = [];
  let calls = 0;
  const result = await openWithBusyRetry(
    new Deadline(opts.budgetMs ?? 60_000),
    { initialMs: 1, maxMs: 1, maxRefusals: opts.maxRefusals },
    { target: 'telnet 127.0.0.1:1', progress: (e) => events.push(e) },
    async (track) => {
      const outcome = outcomes[Math.min(calls++, outcomes.length - 1)];
      if (outcome === 'refused') throw refusal();
      const dialog = new Dialog(silentStream());
      track(dialog);
      if (outcome === 'busy') throw new ConnectionError('telnet 127.0.0.1:1 closed the connection');
      return dialog;
    },
  ).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { result, calls, events };
}

describe('openWithBusyRetry: refused is not busy', () => {
  it(`gives up after ${DEFAULT_MAX_REFUSALS} refusals in a row with ECONNECTION, whatever the budget`, async () => {
    const { result, calls, events } = await attempt(['refused']);
    expect(calls).toBe(DEFAULT_MAX_REFUSALS);
    expect(result.ok).toBe(false);
    const err = (result as { error: unknown }).error;
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ECONNECTION');
    expect((err as Error).message).toContain(`refused ${DEFAULT_MAX_REFUSALS} times in a row`);
    const retries = events.filter((e) => e.type === 'busy-retry');
    expect(retries).toHaveLength(DEFAULT_MAX_REFUSALS - 1);
    expect(retries.every((e) => e.type === 'busy-retry' && e.refused === true)).toBe(true);
    expect(retries.map((e) => e.type === 'busy-retry' && e.maxAttempts)).toEqual([4, 4, 4]);
  });

  it('a unit that refuses a moment (network restarting) and then answers is logged into', async () => {
    const { result, calls } = await attempt(['refused', 'refused', 'ok']);
    expect(result.ok).toBe(true);
    expect(calls).toBe(3);
  });

  it('a busy turn-away between refusals starts the count again: someone listens', async () => {
    const outcomes: Outcome[] = ['refused', 'refused', 'refused', 'busy', 'refused', 'refused', 'refused', 'ok'];
    const { result, calls } = await attempt(outcomes);
    expect(result.ok).toBe(true);
    expect(calls).toBe(outcomes.length);
  });

  it('maxRefusals is the caller’s to choose', async () => {
    const { result, calls } = await attempt(['refused'], { maxRefusals: 1 });
    expect(calls).toBe(1);
    expect((result as { error: unknown }).error).toBeInstanceOf(ConnectionError);
  });

  it('a busy unit is retried until the budget runs out, then BusyError, with busy-retry events not marked refused', async () => {
    const { result, calls, events } = await attempt(['busy'], { budgetMs: 300 });
    expect(calls).toBeGreaterThan(DEFAULT_MAX_REFUSALS);
    expect((result as { error: unknown }).error).toBeInstanceOf(BusyError);
    const retries = events.filter((e) => e.type === 'busy-retry');
    expect(retries.every((e) => e.type === 'busy-retry' && e.refused === undefined && e.maxAttempts === null)).toBe(
      true,
    );
  });
});
