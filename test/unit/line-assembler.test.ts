import { describe, expect, it } from 'vitest';
import { LineAssembler } from '../../src/line-assembler.js';
import { byteByByte, bytes, randomSplit, seededRandom } from './support.js';

/** Every output in order: completed lines and echo, as a person at the other end would see them. */
function assembler(opts: { maxLength?: number; echo?: boolean } = {}) {
  const lines: { text: string; truncated: boolean }[] = [];
  const out: string[] = [];
  const la = new LineAssembler({
    ...(opts.maxLength === undefined ? {} : { maxLength: opts.maxLength }),
    line: (text, truncated) => {
      lines.push({ text, truncated });
      out.push(`<line ${JSON.stringify(text)}>`);
    },
    ...(opts.echo === false ? {} : { echo: (text: string) => out.push(text) }),
  });
  const feed = (...parts: (string | Uint8Array)[]) => {
    for (const p of parts) la.feed(typeof p === 'string' ? bytes(p) : p);
  };
  return {
    la,
    lines,
    out,
    feed,
    texts: () => lines.map((l) => l.text),
    echoed: () => out.filter((o) => !o.startsWith('<line')).join(''),
  };
}

describe('LineAssembler line ends', () => {
  it.each([
    ['CR LF', '\r\n'],
    ['CR NUL', '\r\0'],
    ['bare CR (wti_nps)', '\r'],
    ['bare LF', '\n'],
  ])('ends a line on %s, once', (_name, eol) => {
    const a = assembler();
    a.feed(`secret${eol}/s${eol}/x,y${eol}`);
    expect(a.texts()).toEqual(['secret', '/s', '/x,y']);
  });

  it.each([
    ['LF', '\n'],
    ['NUL', '\0'],
  ])('joins a %s arriving in a later chunk to the CR before it', (_name, tail) => {
    const a = assembler();
    a.feed('/S\r');
    expect(a.texts()).toEqual(['/S']);
    a.feed(`${tail}/X${tail === '\0' ? '\r\0' : '\r\n'}`);
    expect(a.texts()).toEqual(['/S', '/X']);
  });

  it('takes the password and its CR written separately (wti_nps) as one line', () => {
    const a = assembler();
    a.feed('secret');
    expect(a.texts()).toEqual([]);
    a.feed('\r');
    expect(a.texts()).toEqual(['secret']);
  });

  it('counts each Enter: CR CR, LF LF and CR LF LF are two line ends each', () => {
    for (const [input, expected] of [
      ['a\r\rb\r', ['a', '', 'b']],
      ['a\n\nb\n', ['a', '', 'b']],
      ['a\r\n\nb\r\n', ['a', '', 'b']],
      ['a\n\rb\r', ['a', '', 'b']],
    ] as const) {
      const a = assembler();
      a.feed(input);
      expect(a.texts(), JSON.stringify(input)).toEqual(expected);
    }
  });

  it('only swallows the LF or NUL right after a CR, not later ones', () => {
    const a = assembler();
    a.feed('a\r', 'x\n');
    expect(a.texts()).toEqual(['a', 'x']);
  });

  it('gives the same lines and echo however the input is split', () => {
    const input = bytes(
      'secret\r',
      '/S\r\n',
      '/on 3\r\0',
      'y\n',
      'ab\bc\x7fd\r\n',
      '\r\r\n\n',
      '/off 1 5 ,y\r',
      '\n',
      'x'.repeat(40),
      '\r',
      [0xe9, 0x09, 0x01],
      '\n',
    );
    const whole = assembler({ maxLength: 30 });
    whole.la.echoEnabled = true;
    whole.feed(input);
    expect(whole.texts()).toEqual([
      'secret',
      '/S',
      '/on 3',
      'y',
      'ad',
      '',
      '',
      '',
      '/off 1 5 ,y',
      'x'.repeat(30),
      'é\t',
    ]);
    const random = seededRandom(2024);
    for (const chunks of [byteByByte(input), ...Array.from({ length: 100 }, () => randomSplit(input, random))]) {
      const split = assembler({ maxLength: 30 });
      split.la.echoEnabled = true;
      for (const c of chunks) split.la.feed(c);
      expect(split.lines).toEqual(whole.lines);
      expect(split.echoed()).toBe(whole.echoed());
    }
  });
});

describe('LineAssembler editing', () => {
  it('removes the last character on BS and on DEL', () => {
    const a = assembler();
    a.feed('/OFX\bF 3\x7f4\r');
    expect(a.texts()).toEqual(['/OFF 4']);
  });

  it('ignores a backspace on an empty line, and does not echo it', () => {
    const a = assembler();
    a.la.echoEnabled = true;
    a.feed('\b\x7f\bab\b\b\b\r');
    expect(a.texts()).toEqual(['']);
    expect(a.echoed()).toBe('ab\b \b\b \b\r\n');
  });

  it('drops control characters other than TAB, keeps latin1 bytes', () => {
    const a = assembler();
    a.feed(bytes('a', [0x01, 0x1b, 0x07], 'b\tc', [0xe9, 0xff], '\r'));
    expect(a.texts()).toEqual(['ab\tcéÿ']);
  });

  it('forgets a half-typed line on reset', () => {
    const a = assembler();
    a.feed('garbage');
    a.la.reset();
    a.feed('/S\r');
    expect(a.texts()).toEqual(['/S']);
  });
});

describe('LineAssembler overlong lines', () => {
  it('cuts a line at maxLength, flags it, and the next line is clean', () => {
    const a = assembler({ maxLength: 8 });
    a.feed('0123456789\r\n/S\r\n12345678\r\n');
    expect(a.lines).toEqual([
      { text: '01234567', truncated: true },
      { text: '/S', truncated: false },
      { text: '12345678', truncated: false },
    ]);
  });

  it('defaults to 256 characters', () => {
    const a = assembler();
    a.feed(`${'a'.repeat(256)}\r${'b'.repeat(257)}\r`);
    expect(a.lines).toEqual([
      { text: 'a'.repeat(256), truncated: false },
      { text: 'b'.repeat(256), truncated: true },
    ]);
  });

  it('holds at most maxLength bytes of a 64 KB line, and echoes no more than that', () => {
    const a = assembler({ maxLength: 100 });
    a.la.echoEnabled = true;
    const chunk = new Uint8Array(4096).fill(0x41);
    for (let i = 0; i < 16; i++) {
      a.la.feed(chunk);
      const held = (a.la as unknown as { buffer: unknown[] }).buffer.length;
      expect(held).toBeLessThanOrEqual(100);
    }
    a.feed('\r\n');
    expect(a.lines).toEqual([{ text: 'A'.repeat(100), truncated: true }]);
    expect(a.echoed()).toBe(`${'A'.repeat(100)}\r\n`);
  });
});

describe('LineAssembler echo', () => {
  it('echoes nothing unless echoEnabled', () => {
    const a = assembler();
    a.feed('/S\r\n');
    expect(a.echoed()).toBe('');
    expect(a.texts()).toEqual(['/S']);
  });

  it('echoes typed characters and a CR LF for each Enter, whatever line end was typed', () => {
    const a = assembler();
    a.la.echoEnabled = true;
    a.feed('/s\r', '\n/h\r\0/x\n');
    expect(a.echoed()).toBe('/s\r\n/h\r\n/x\r\n');
  });

  it('writes the echo of a line before anything the line handler writes', () => {
    const a = assembler();
    a.la.echoEnabled = true;
    a.feed('ab\rcd');
    expect(a.out).toEqual(['ab\r\n', '<line "ab">', 'cd']);
  });

  it('never echoes while secret, not even the Enter', () => {
    const a = assembler();
    a.la.echoEnabled = true;
    a.la.secret = true;
    a.feed('hunter2\b3\r\n');
    expect(a.echoed()).toBe('');
    expect(a.texts()).toEqual(['hunter3']);
  });

  it('echoes again after the line handler clears secret (password done, next line is a command)', () => {
    const lines: string[] = [];
    const echo: string[] = [];
    const la = new LineAssembler({
      line: (text) => {
        lines.push(text);
        la.secret = false;
      },
      echo: (t) => echo.push(t),
    });
    la.echoEnabled = true;
    la.secret = true;
    la.feed(bytes('secret\r\n/S\r\n'));
    expect(lines).toEqual(['secret', '/S']);
    expect(echo.join('')).toBe('/S\r\n');
    expect(echo.join('')).not.toContain('secret');
  });

  it('does not echo when no echo callback is given, even if enabled', () => {
    const a = assembler({ echo: false });
    a.la.echoEnabled = true;
    a.feed('/S\r');
    expect(a.out).toEqual(['<line "/S">']);
  });
});
