import { describe, expect, it } from 'vitest';
import { LineAssembler, type LineAssemblerOptions } from '../../src/line-assembler.js';
import { byteByByte, bytes, randomSplit, seededRandom } from './support.js';

/**
 * The shared keystroke/line decoder as each emulated terminal sets it: the
 * line sessions (WTI menu, APC `apc>` CLI, SMASH) through LineChannel's
 * defaults, and the APC keystroke menus with ASCII only, no echo for the line
 * end and a key hook. Bytes in; out, in order, what the wire would carry
 * (`echo`), each line the session gets (`<line "…">`, `<cut "…">`) and each
 * key a menu takes at once (`<key XX>`).
 */
interface Settings extends Omit<LineAssemblerOptions, 'line' | 'echo' | 'key'> {
  echo?: boolean;
  secret?: boolean;
  /** The bytes the key hook takes. */
  keys?: readonly number[];
}

function decode(settings: Settings, ...chunks: (string | readonly number[])[]): string[] {
  const trace: string[] = [];
  const push = (item: string, isEcho: boolean) => {
    const last = trace.length - 1;
    // Echo is one stream: how it is split between calls is not behaviour.
    if (isEcho && last >= 0 && !(trace[last] as string).startsWith('<')) trace[last] += item;
    else trace.push(item);
  };
  const { echo, secret, keys, ...opts } = settings;
  const la = new LineAssembler({
    ...opts,
    line: (text, cut) => push(`<${cut ? 'cut' : 'line'} ${JSON.stringify(text)}>`, false),
    echo: (text) => push(text, true),
    ...(keys
      ? {
          key: (byte: number) => {
            if (!keys.includes(byte)) return false;
            push(`<key ${byte.toString(16).padStart(2, '0')}>`, false);
            return true;
          },
        }
      : {}),
  });
  la.echoEnabled = echo ?? true;
  la.secret = secret ?? false;
  for (const c of chunks) la.feed(bytes(c));
  return trace;
}

/** LineChannel's settings (WTI menu, APC CLI, SMASH over a client that wants echo). */
const LINES: Settings = {};
/** The APC menus' settings (menu-session.ts), with ESC and Ctrl-C as keys. */
const APC_MENU: Settings = { charset: 'ascii', lineEndEcho: '', keys: [0x1b, 0x03] };

describe('line ends', () => {
  it.each([
    ['CR LF', LINES, ['/S\r\n'], ['/S\r\n', '<line "/S">']],
    ['CR NUL', LINES, ['/S\r\0'], ['/S\r\n', '<line "/S">']],
    ['bare CR', LINES, ['/S\r'], ['/S\r\n', '<line "/S">']],
    ['bare LF', LINES, ['/S\n'], ['/S\r\n', '<line "/S">']],
    [
      'CR, then its LF in the next read',
      LINES,
      ['/S\r', '\n/H\r\n'],
      ['/S\r\n', '<line "/S">', '/H\r\n', '<line "/H">'],
    ],
    [
      'CR, then its NUL in the next read',
      LINES,
      ['/S\r', '\0/H\r'],
      ['/S\r\n', '<line "/S">', '/H\r\n', '<line "/H">'],
    ],
    ['CR NUL LF: the LF is a second Enter', LINES, ['a\r\0\n'], ['a\r\n', '<line "a">', '\r\n', '<line "">']],
    ['LF CR: two Enters', LINES, ['a\n\r'], ['a\r\n', '<line "a">', '\r\n', '<line "">']],
    ['an LF later than right after the CR', LINES, ['a\r', 'x\n'], ['a\r\n', '<line "a">', 'x\r\n', '<line "x">']],
    ['APC menu: a line end echoes nothing', APC_MENU, ['1\r\n2\r'], ['1', '<line "1">', '2', '<line "2">']],
  ] as const)('%s', (_name, settings, input, expected) => {
    expect(decode(settings, ...input)).toEqual(expected);
  });
});

describe('editing, control characters, echo', () => {
  it.each([
    ['BS and DEL remove a character', LINES, ['ab\bc\x7fd\r'], ['ab\b \bc\b \bd\r\n', '<line "ad">']],
    ['BS on an empty line does nothing', LINES, ['\b\x7fx\r'], ['x\r\n', '<line "x">']],
    ['a NUL inside a line is dropped', LINES, ['a\0b\r'], ['ab\r\n', '<line "ab">']],
    [
      'control characters are dropped, TAB and latin1 kept',
      LINES,
      [[0x61, 0x01, 0x1b, 0x09, 0xe9, 0x0d]],
      ['a\t\u00e9\r\n', '<line "a\\t\u00e9">'],
    ],
    ['ascii: TAB and latin1 dropped too', APC_MENU, [[0x61, 0x09, 0xe9, 0x62, 0x0d]], ['ab', '<line "ab">']],
    ['echo off: lines only', { echo: false }, ['/S\r\n'], ['<line "/S">']],
    ['secret: nothing echoed, the Enter included', { secret: true }, ['hunter2\b3\r\n'], ['<line "hunter3">']],
    ['APC menu secret: a backspace is not echoed either', { ...APC_MENU, secret: true }, ['pw\bx\r'], ['<line "px">']],
  ] as const)('%s', (_name, settings, input, expected) => {
    expect(decode(settings, ...input)).toEqual(expected);
  });
});

describe('overlong lines', () => {
  it.each([
    [
      'cut at maxLength, flagged, echo stops there',
      { maxLength: 4 },
      ['abcdefg\r/S\r'],
      ['abcd\r\n', '<cut "abcd">', '/S\r\n', '<line "/S">'],
    ],
    ['exactly maxLength is not cut', { maxLength: 4 }, ['abcd\r'], ['abcd\r\n', '<line "abcd">']],
    [
      'a backspace after the cut edits what was kept',
      { maxLength: 3 },
      ['abcd\bx\r'],
      ['abc\b \bx\r\n', '<cut "abx">'],
    ],
  ] as const)('%s', (_name, settings, input, expected) => {
    expect(decode(settings, ...input)).toEqual(expected);
  });

  it('reads a limit given as a function at each byte (APC: a user name may be longer than a menu choice)', () => {
    let limit = 2;
    const la = new LineAssembler({
      maxLength: () => limit,
      line: (text, cut) => {
        lines.push([text, cut]);
        limit = 5;
      },
    });
    const lines: [string, boolean][] = [];
    la.feed(bytes('abcdefg\rabcdefg\r'));
    expect(lines).toEqual([
      ['ab', true],
      ['abcde', true],
    ]);
  });
});

describe('keys a menu takes at once', () => {
  it.each([
    [
      'ESC and Ctrl-C go to the key hook, never into the line',
      APC_MENU,
      ['1\x1b2\x03\r'],
      ['1', '<key 1b>', '2', '<key 03>', '<line "12">'],
    ],
    ['echo typed before a key is written before it', APC_MENU, ['ab\x1b'], ['ab', '<key 1b>']],
    ['a CR taken as a key still takes its LF', { keys: [0x0d] }, ['\r\n'], ['<key 0d>']],
    ['… and its NUL', { keys: [0x0d] }, ['\r\0x\r'], ['<key 0d>', 'x', '<key 0d>']],
    [
      'a pager that takes every key gets the LF of a CR LF too',
      { keys: [0x0d, 0x0a] },
      ['\r\n'],
      ['<key 0d>', '<key 0a>'],
    ],
    ['a NUL is never offered as a key', { keys: [0x00] }, ['\0a\r'], ['a\r\n', '<line "a">']],
  ] as const)('%s', (_name, settings, input, expected) => {
    expect(decode(settings, ...input)).toEqual(expected);
  });

  it('a key that resets the decoder drops the half-typed line', () => {
    const lines: string[] = [];
    const la: LineAssembler = new LineAssembler({
      line: (text) => lines.push(text),
      key: (byte) => {
        if (byte !== 0x03) return false;
        la.reset();
        return true;
      },
    });
    la.feed(bytes('abc\x03x\r'));
    expect(lines).toEqual(['x']);
  });
});

it('gives the same lines, keys and echo however the input is split (APC menu settings)', () => {
  const input = bytes(
    'apc\r\n',
    's3cret\r\0',
    '1\x1b\r',
    'ab\bc\x7f\r',
    [0x09, 0xe9],
    '\x03',
    'x'.repeat(20),
    '\n\r\n',
  );
  const settings = { ...APC_MENU, maxLength: 10 };
  const whole = decode(settings, [...input]);
  expect(whole).toEqual([
    'apc',
    '<line "apc">',
    's3cret',
    '<line "s3cret">',
    '1',
    '<key 1b>',
    '<line "1">',
    'ab\b \bc\b \b',
    '<line "a">',
    '<key 03>',
    'xxxxxxxxxx',
    '<cut "xxxxxxxxxx">',
    '<line "">',
  ]);
  const random = seededRandom(8);
  for (const chunks of [byteByByte(input), ...Array.from({ length: 50 }, () => randomSplit(input, random))]) {
    expect(decode(settings, ...chunks.map((c) => [...c]))).toEqual(whole);
  }
});
