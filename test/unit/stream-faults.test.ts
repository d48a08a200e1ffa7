import { describe, expect, it } from 'vitest';
import { garble, SLOW_MS } from '../../emulator/fault-effects.js';
import { LineChannel } from '../../emulator/frontends/line-channel.js';
import { SessionLimit } from '../../emulator/frontends/session-limit.js';
import type { LineSession, Terminal } from '../../emulator/session.js';
import { ManualScheduler } from './support.js';

/**
 * The faults every byte stream shows alike (hang, slow, garbled, busy), on the
 * line channel that telnet, serial and SSH share, with a session that answers
 * each line with `> LINE` and a clock in the test's hands. Each fault is
 * switched on and off while the line is open, as the lab does.
 */
function setup() {
  const scheduler = new ManualScheduler();
  const faults = new Set<string>();
  const t = { out: '', hungUp: null as string | null, sessions: 0, lines: [] as string[] };
  let terminal: Terminal | null = null;
  const channel = new LineChannel({
    origin: 'test 127.0.0.1:4000',
    write: (text) => {
      t.out += text;
    },
    hangUp: (reason) => {
      t.hungUp = reason;
    },
    makeSession: (term) => {
      terminal = term;
      t.sessions++;
      const session: LineSession = {
        start: () => term.write('Password: '),
        input: (line) => {
          t.lines.push(line);
          if (line === 'bye') return term.close('logout');
          term.write(`> ${line}\r\n`);
        },
        end: () => {},
      };
      return session;
    },
    idleTimeoutSeconds: () => 0,
    faults,
    clock: {
      now: () => scheduler.now,
      setTimeout: (f, ms) => scheduler.setTimeout(f, ms),
      clearTimeout: (h) => scheduler.clearTimeout(h),
    },
  });
  const type = (text: string) => channel.feed(Buffer.from(text, 'latin1'));
  /** What was written since the last call. */
  let seen = 0;
  const take = () => {
    const fresh = t.out.slice(seen);
    seen = t.out.length;
    return fresh;
  };
  return { scheduler, faults, channel, t, type, take, terminal: () => terminal as Terminal | null };
}

describe('slow: every answer 2 s late, in order', () => {
  it('holds the prompt and each answer for SLOW_MS, and answers at once again when cleared', () => {
    const s = setup();
    s.faults.add('slow');
    s.channel.open();
    expect(s.take()).toBe('');
    s.scheduler.advance(SLOW_MS - 1);
    expect(s.take()).toBe('');
    s.scheduler.advance(1);
    expect(s.take()).toBe('Password: ');
    s.type('one\r');
    expect(s.take()).toBe('');
    s.scheduler.advance(SLOW_MS);
    expect(s.take()).toBe('> one\r\n');

    s.faults.delete('slow');
    s.type('two\r');
    expect(s.take()).toBe('> two\r\n');
  });

  it('keeps order across the change: an answer written after a slow one waits for it', () => {
    const s = setup();
    s.channel.open();
    s.take();
    s.faults.add('slow');
    s.type('one\r');
    s.faults.delete('slow');
    s.type('two\r');
    expect(s.take()).toBe('');
    s.scheduler.advance(SLOW_MS);
    expect(s.take()).toBe('> one\r\n> two\r\n');
  });

  it('hangs up only after the last words have left', () => {
    const s = setup();
    s.channel.open();
    s.faults.add('slow');
    s.type('x\r');
    s.type('bye\r');
    expect(s.t.hungUp).toBeNull();
    s.scheduler.advance(SLOW_MS);
    expect(s.t.hungUp).toBe('logout');
  });
});

describe('garbled: line noise instead of text', () => {
  it('no prompt can be read while it is on, the lines and their ends still come; clear text once it is off', () => {
    const s = setup();
    s.faults.add('garbled');
    s.channel.open();
    const prompt = s.take();
    expect(prompt).toHaveLength('Password: '.length);
    expect(prompt).not.toMatch(/[A-Za-z0-9:>]/);
    s.type('status\r');
    const answer = s.take();
    expect(answer).toMatch(/\r\n$/);
    expect(answer).not.toMatch(/[A-Za-z0-9:>]/);
    expect(s.t.lines).toEqual(['status']);

    s.faults.delete('garbled');
    s.type('again\r');
    expect(s.take()).toContain('> again\r\n');
  });

  it('garble keeps CR, LF and blanks and stays ASCII', () => {
    const g = garble('User Name : \r\nIPS> apc>');
    expect(g.slice(4, 5)).toBe(' ');
    expect(g.slice(12, 14)).toBe('\r\n');
    expect(/^[\x20-\x7e\r\n]*$/.test(g)).toBe(true);
    expect(g).not.toMatch(/[A-Za-z0-9:>-]/);
  });

  it('garble makes anything beyond ASCII noise too, and leaves control characters (a backspace echo) alone', () => {
    const g = garble('Tür\b \b');
    expect(g).toHaveLength(6);
    expect(/^[\x21-\x7e]{3}$/.test(g.slice(0, 3))).toBe(true);
    expect(g.slice(3)).toBe('\b \b');
  });
});

describe('hang: accepted, answered with nothing', () => {
  it('a line opened while the unit hangs gets no session; the next open after it is cleared does (a serial wake)', () => {
    const s = setup();
    s.faults.add('hang');
    s.channel.open();
    s.type('anything\r');
    expect(s.take()).toBe('');
    expect(s.t.sessions).toBe(0);
    expect(s.channel.active).toBe(false);

    s.faults.delete('hang');
    s.channel.open();
    expect(s.t.sessions).toBe(1);
    expect(s.take()).toBe('Password: ');
  });

  it('an open session stops reading and answering while it is on, and takes the next command once it is off', () => {
    const s = setup();
    s.channel.open();
    s.take();
    s.faults.add('hang');
    s.type('lost\r');
    expect(s.take()).toBe('');
    expect(s.t.lines).toEqual([]);
    s.faults.delete('hang');
    s.type('next\r');
    expect(s.take()).toBe('> next\r\n');
    expect(s.t.lines).toEqual(['next']);
  });
});

describe('mute (hang-after-login): the session says nothing more, echo included', () => {
  it('drops what the session writes, the echo, and what is typed', () => {
    const s = setup();
    s.channel.echo = true;
    s.channel.open();
    s.take();
    s.terminal()?.mute?.();
    s.terminal()?.write('screen');
    s.type('typed\r');
    expect(s.take()).toBe('');
    expect(s.t.lines).toEqual([]);
  });
});

describe('busy: the session limit turns every new session away', () => {
  it('refuses with its own reason while on, takes a place again once it is off', () => {
    const faults = new Set<string>();
    const limit = new SessionLimit(2, faults);
    faults.add('busy');
    expect(limit.acquire()).toBe('fault: busy');
    expect(limit.inUse).toBe(0);
    faults.delete('busy');
    expect(limit.acquire()).toBeNull();
    expect(limit.acquire()).toBeNull();
    expect(limit.acquire()).toBe('another session is open');
    expect(limit.inUse).toBe(2);
  });
});
