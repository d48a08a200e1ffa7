import { describe, expect, it } from 'vitest';
import { EventBus, type Timestamped } from '../../emulator/events.js';
import { untilEvent, WaitTimeout, waitFor } from '../helpers/wait.js';

/** The waits every other test leans on: they must end on the condition, and fail by name when it never comes. */
function source() {
  const bus = new EventBus(100);
  const events: Timestamped[] = [];
  bus.subscribe((e) => events.push(e));
  return { bus, events };
}

const login = (origin: string) => ({ type: 'login' as const, origin, mode: 'admin' as const });

describe('waitFor', () => {
  it('resolves with the first truthy value, once the condition holds', async () => {
    let n = 0;
    const value = await waitFor(() => (++n >= 3 ? `after ${n}` : null), { what: 'three looks' });
    expect(value).toBe('after 3');
  });

  it('gives up at its deadline, naming what it waited for', async () => {
    const err = await waitFor(() => false, { what: 'a thing that never happens', timeoutMs: 30 }).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeout);
    expect(err.message).toContain('a thing that never happens');
  });
});

describe('untilEvent', () => {
  it('finds an event already seen, from index `since` on', async () => {
    const s = source();
    s.bus.emit(login('a'));
    s.bus.emit(login('b'));
    const found = await untilEvent(s, (e) => e.type === 'login', { since: 1, what: 'a login' });
    expect(found).toMatchObject({ origin: 'b' });
  });

  it('waits for the count-th match, counting those already seen', async () => {
    const s = source();
    s.bus.emit(login('a'));
    const third = untilEvent(s, (e) => e.type === 'login', { count: 3, what: 'three logins' });
    s.bus.emit({ type: 'login-failed', origin: 'x' });
    s.bus.emit(login('b'));
    s.bus.emit(login('c'));
    expect(await third).toMatchObject({ origin: 'c' });
  });

  it('gives up at its deadline, naming what it waited for', async () => {
    const s = source();
    const err = await untilEvent(s, (e) => e.type === 'logout', { what: 'a logout', timeoutMs: 30 }).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeout);
    expect(err.message).toContain('a logout');
  });
});
