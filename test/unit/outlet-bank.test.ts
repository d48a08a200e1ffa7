import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { OutletBank } from '../../emulator/model/outlet-bank.js';
import { realScheduler } from '../../emulator/model/scheduler.js';
import { ManualScheduler, settle } from './support.js';

function bank(count = 4, bootDelayMs = 500) {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  /** Plug changes as "t=<ms> <plug> <state>", stamped with the manual clock, so timing and order read at a glance. */
  const timeline: string[] = [];
  const b = new OutletBank(
    count,
    (e) => {
      events.push(e);
      if (e.type === 'plug') timeline.push(`t=${scheduler.now} ${e.plug} ${e.state}`);
    },
    scheduler,
    { name: null, bootDelayMs, powerUpDefault: 'ON' },
  );
  const states = () =>
    b
      .all()
      .map((o) => o.state)
      .join(' ');
  const plugEvents = () => events.filter((e) => e.type === 'plug');
  /** Forget what happened so far (the set-up of a test). */
  const clear = () => {
    events.length = 0;
    timeline.length = 0;
  };
  return { b, scheduler, events, states, timeline, plugEvents, clear };
}

function tracked(p: Promise<void>) {
  const s = { done: false };
  void p.then(() => {
    s.done = true;
  });
  return s;
}

describe('OutletBank basics', () => {
  it('starts every outlet at its power-up default, numbered from 1', () => {
    const t = bank(8);
    expect(t.b.count).toBe(8);
    expect(t.b.all().map((o) => o.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.states()).toBe('ON ON ON ON ON ON ON ON');
    expect(t.b.get(0)).toBeUndefined();
    expect(t.b.get(9)).toBeUndefined();
  });

  it('turns several outlets off at once, one event per outlet, and resolves without waiting', async () => {
    const t = bank();
    const p = tracked(t.b.switch([1, 3], 'off', 'telnet a'));
    expect(t.states()).toBe('OFF ON OFF ON');
    expect(t.plugEvents()).toEqual([
      { type: 'plug', plug: 1, name: null, state: 'OFF', by: 'telnet a' },
      { type: 'plug', plug: 3, name: null, state: 'OFF', by: 'telnet a' },
    ]);
    expect(t.scheduler.pending).toBe(0);
    await settle();
    expect(p.done).toBe(true);
  });

  it('reports no event for an outlet already in the wanted state', async () => {
    const t = bank();
    await t.b.switch([2], 'on', 'x');
    t.b.force(3, 'OFF', 'lab');
    t.events.length = 0;
    await t.b.switch([3], 'off', 'x');
    expect(t.events).toEqual([]);
  });

  it('carries the outlet name in its events', async () => {
    const t = bank();
    t.b.configure(2, { name: 'node2' }, 'x');
    await t.b.switch([2], 'off', 'serial /dev/ttyS0');
    expect(t.plugEvents()).toEqual([{ type: 'plug', plug: 2, name: 'node2', state: 'OFF', by: 'serial /dev/ttyS0' }]);
  });
});

describe('OutletBank sequencing', () => {
  it('powers outlets on in order, waiting the previous outlet’s sequence delay between them', async () => {
    const t = bank(4);
    for (const n of [1, 2, 3]) t.b.force(n, 'OFF', 'lab');
    t.b.configure(1, { bootDelayMs: 1000 }, 'lab');
    t.b.configure(2, { bootDelayMs: 3000 }, 'lab');
    t.clear();
    const p = tracked(t.b.switch([1, 2, 3], 'on', 'x'));
    t.scheduler.advance(5000);
    expect(t.timeline).toEqual(['t=0 1 ON', 't=1000 2 ON', 't=4000 3 ON']);
    await settle();
    expect(p.done).toBe(true);
  });

  it('boots: off at once, on after the boot delay, and resolves only then', async () => {
    const t = bank(4, 500);
    const p = tracked(t.b.switch([2], 'boot', 'x'));
    expect(t.states()).toBe('ON OFF ON ON');
    t.scheduler.advance(499);
    await settle();
    expect(t.states()).toBe('ON OFF ON ON');
    expect(p.done).toBe(false);
    t.scheduler.advance(1);
    expect(t.states()).toBe('ON ON ON ON');
    await settle();
    expect(p.done).toBe(true);
    expect(t.plugEvents().map((e) => e.type === 'plug' && `${e.plug} ${e.state}`)).toEqual(['2 OFF', '2 ON']);
  });

  it('boots several outlets: all off together, then on one by one with the sequence delay', async () => {
    const t = bank(4);
    t.b.configure(1, { bootDelayMs: 1000 }, 'lab');
    t.b.configure(3, { bootDelayMs: 2000 }, 'lab');
    t.b.configure(4, { bootDelayMs: 5000 }, 'lab');
    const p = tracked(t.b.switch([1, 3, 4], 'boot', 'x'));
    t.scheduler.advance(10_000);
    expect(t.timeline).toEqual(['t=0 1 OFF', 't=0 3 OFF', 't=0 4 OFF', 't=1000 1 ON', 't=2000 3 ON', 't=4000 4 ON']);
    await settle();
    expect(p.done).toBe(true);
  });

  it('boots an outlet that was already off: it just comes on after the delay', async () => {
    const t = bank(2, 2000);
    t.b.force(1, 'OFF', 'lab');
    t.clear();
    const p = tracked(t.b.switch([1], 'boot', 'x'));
    t.scheduler.advance(2000);
    expect(t.timeline).toEqual(['t=2000 1 ON']);
    await settle();
    expect(p.done).toBe(true);
  });

  it('resolves a command after its last step even when the delays are long', async () => {
    const t = bank(3, 60_000);
    const p = tracked(t.b.switch([1, 2, 3], 'boot', 'x'));
    t.scheduler.advance(179_999);
    await settle();
    expect(p.done).toBe(false);
    expect(t.states()).toBe('ON ON OFF');
    t.scheduler.advance(1);
    await settle();
    expect(p.done).toBe(true);
    expect(t.states()).toBe('ON ON ON');
  });
});

describe('OutletBank: a later command wins on its outlets', () => {
  it('an off during a boot cancels the pending power-on', async () => {
    const t = bank(2, 500);
    const boot = tracked(t.b.switch([1], 'boot', 'a'));
    t.scheduler.advance(100);
    await t.b.switch([1], 'off', 'b');
    t.scheduler.advance(1000);
    expect(t.states()).toBe('OFF ON');
    expect(t.plugEvents()).toEqual([{ type: 'plug', plug: 1, name: null, state: 'OFF', by: 'a' }]);
    await settle();
    expect(boot.done).toBe(true);
    expect(t.scheduler.pending).toBe(0);
  });

  it('cancels only the outlets the later command names', async () => {
    const t = bank(3, 1000);
    for (const n of [1, 2, 3]) t.b.force(n, 'OFF', 'lab');
    t.clear();
    const on = tracked(t.b.switch([1, 2, 3], 'on', 'a'));
    expect(t.states()).toBe('ON OFF OFF');
    await t.b.switch([2], 'off', 'b');
    t.scheduler.advance(3000);
    // Plug 2 stays off, plug 3 still comes on, at the time the first command planned.
    expect(t.timeline).toEqual(['t=0 1 ON', 't=2000 3 ON']);
    expect(t.states()).toBe('ON OFF ON');
    await settle();
    expect(on.done).toBe(true);
  });

  it('a power-on during a boot takes over: the boot does not switch the outlet again', async () => {
    const t = bank(2, 500);
    void t.b.switch([1], 'boot', 'a');
    t.scheduler.advance(100);
    await t.b.switch([1], 'on', 'b');
    // The boot's own power-on at t=500 belongs to a superseded command; a later off must stick.
    await t.b.switch([1], 'off', 'c');
    t.scheduler.advance(1000);
    expect(t.states()).toBe('OFF ON');
    expect(t.plugEvents().map((e) => e.type === 'plug' && `${e.plug} ${e.state} ${e.by}`)).toEqual([
      '1 OFF a',
      '1 ON b',
      '1 OFF c',
    ]);
  });

  it('a second boot restarts the outlet’s boot; the first one’s power-on is dropped', async () => {
    const t = bank(1, 1000);
    void t.b.switch([1], 'boot', 'a');
    t.scheduler.advance(600);
    void t.b.switch([1], 'boot', 'b');
    t.scheduler.advance(2000);
    expect(t.timeline).toEqual(['t=0 1 OFF', 't=1600 1 ON']);
    expect(t.plugEvents().at(-1)).toMatchObject({ state: 'ON', by: 'b' });
  });

  it('force() and applyDefaults() also cancel pending steps', async () => {
    const t = bank(3, 500);
    t.b.configure(2, { powerUpDefault: 'OFF' }, 'lab');
    void t.b.switch([1, 2], 'boot', 'a');
    t.b.force(1, 'OFF', 'lab');
    t.b.applyDefaults('d');
    // applyDefaults put 2 to its default (OFF) and 1 to ON; the boot's power-ons must not follow.
    expect(t.states()).toBe('ON OFF ON');
    t.b.force(1, 'OFF', 'lab');
    t.scheduler.advance(2000);
    expect(t.states()).toBe('OFF OFF ON');
  });

  it('once a command has finished, a new command on the same outlet runs normally', async () => {
    const t = bank(1, 500);
    await (async () => {
      const p = t.b.switch([1], 'boot', 'a');
      t.scheduler.advance(500);
      await p;
    })();
    const p2 = tracked(t.b.switch([1], 'boot', 'b'));
    expect(t.states()).toBe('OFF');
    t.scheduler.advance(500);
    expect(t.states()).toBe('ON');
    await settle();
    expect(p2.done).toBe(true);
  });
});

describe('OutletBank settings and shutdown', () => {
  it('applyDefaults sets each outlet to its default, with an event per change', () => {
    const t = bank(3);
    t.b.configure(2, { powerUpDefault: 'OFF' }, 'lab');
    t.b.force(3, 'OFF', 'lab');
    t.events.length = 0;
    t.b.applyDefaults('telnet a');
    expect(t.states()).toBe('ON OFF ON');
    expect(t.events).toEqual([
      { type: 'plug', plug: 2, name: null, state: 'OFF', by: 'telnet a' },
      { type: 'plug', plug: 3, name: null, state: 'ON', by: 'telnet a' },
    ]);
  });

  it('configure reports each changed setting once, and nothing when the value is the same', () => {
    const t = bank(2);
    t.b.configure(1, { name: 'web', bootDelayMs: 500, powerUpDefault: 'OFF' }, 'telnet a');
    t.b.configure(1, { name: 'web' }, 'telnet a');
    expect(t.events).toEqual([
      { type: 'setting', what: 'name', plug: 1, by: 'telnet a' },
      { type: 'setting', what: 'powerUpDefault', plug: 1, by: 'telnet a' },
    ]);
    expect(t.b.get(1)).toMatchObject({ name: 'web', bootDelayMs: 500, powerUpDefault: 'OFF', state: 'ON' });
  });

  it('restore sets values without any event', () => {
    const t = bank(2);
    t.b.restore(2, { name: 'db', state: 'OFF', bootDelayMs: 5000 });
    expect(t.events).toEqual([]);
    expect(t.b.get(2)).toMatchObject({ name: 'db', state: 'OFF', bootDelayMs: 5000 });
  });

  it('rejects outlets it does not have', () => {
    const t = bank(2);
    expect(() => t.b.force(3, 'OFF', 'x')).toThrow(RangeError);
    expect(() => t.b.configure(0, { name: 'x' }, 'x')).toThrow(RangeError);
    expect(() => t.b.restore(9, { name: 'x' })).toThrow(RangeError);
  });

  it('stop() cancels every pending step and leaves states as they are', () => {
    const t = bank(2, 500);
    void t.b.switch([1, 2], 'boot', 'a');
    expect(t.scheduler.pending).toBe(1);
    t.b.stop();
    expect(t.scheduler.pending).toBe(0);
    t.scheduler.advance(10_000);
    expect(t.states()).toBe('OFF OFF');
  });
});

describe('OutletBank with the real scheduler under fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('boots on the (fake) clock', async () => {
    vi.useFakeTimers();
    const events: EmulatorEvent[] = [];
    const b = new OutletBank(2, (e) => events.push(e), realScheduler, {
      name: null,
      bootDelayMs: 5000,
      powerUpDefault: 'ON',
    });
    let done = false;
    void b.switch([1, 2], 'boot', 'x').then(() => {
      done = true;
    });
    expect(b.all().map((o) => o.state)).toEqual(['OFF', 'OFF']);
    await vi.advanceTimersByTimeAsync(4999);
    expect(b.all().map((o) => o.state)).toEqual(['OFF', 'OFF']);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.all().map((o) => o.state)).toEqual(['ON', 'OFF']);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(b.all().map((o) => o.state)).toEqual(['ON', 'ON']);
    expect(done).toBe(true);
    expect(events).toHaveLength(4);
  });
});
