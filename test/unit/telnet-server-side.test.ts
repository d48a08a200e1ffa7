import { describe, expect, it } from 'vitest';
import { DO, DONT, IAC, Option, WILL, WONT } from '../../src/telnet/constants.js';
import { TelnetServerSide } from '../../src/telnet/server-side.js';
import { byteByByte, bytes, randomSplit, seededRandom } from './support.js';

/**
 * The server's half as the real clients meet it: inetutils telnet (driven by
 * fence_wti) and a raw socket (cluster-glue wti_nps). See wti-ips800.md §1.
 */
function server() {
  const sent: number[][] = [];
  const data: number[] = [];
  const changes: string[] = [];
  const side = new TelnetServerSide({
    send: (b) => sent.push([...b]),
    data: (b) => data.push(...b),
    optionChanged: (s, o, on) => changes.push(`${s} ${o} ${on}`),
  });
  return { side, sent, data, changes, flat: () => sent.flat() };
}

/** What inetutils telnet 2.4 sends on connect [verified, wti-ips800.md §1]. */
const inetutilsHello = bytes(
  [IAC, DO, Option.BINARY],
  [IAC, WILL, Option.BINARY],
  [IAC, DO, Option.ENCRYPT],
  [IAC, WILL, Option.ENCRYPT],
  [IAC, DO, Option.SGA],
  [IAC, WILL, Option.TTYPE],
  [IAC, WILL, Option.NAWS],
  [IAC, WILL, Option.TSPEED],
  [IAC, WILL, Option.LFLOW],
  [IAC, WILL, Option.LINEMODE],
  [IAC, WILL, Option.NEW_ENVIRON],
  [IAC, DO, Option.STATUS],
);

/** The answers it must get, in order, and nothing for DO SGA (already offered). */
const expectedAnswers = [
  [IAC, WILL, Option.BINARY],
  [IAC, DO, Option.BINARY],
  [IAC, WONT, Option.ENCRYPT],
  [IAC, DONT, Option.ENCRYPT],
  [IAC, DONT, Option.TTYPE],
  [IAC, DONT, Option.NAWS],
  [IAC, DONT, Option.TSPEED],
  [IAC, DONT, Option.LFLOW],
  [IAC, DONT, Option.LINEMODE],
  [IAC, DONT, Option.NEW_ENVIRON],
  [IAC, WONT, Option.STATUS],
];

describe('TelnetServerSide', () => {
  it('offers exactly WILL ECHO and WILL SGA on start, and waits for nothing', () => {
    const s = server();
    s.side.start();
    expect(s.sent).toEqual([
      [IAC, WILL, Option.ECHO],
      [IAC, WILL, Option.SGA],
    ]);
    // Not yet agreed: the client has not said DO ECHO.
    expect(s.side.echoing).toBe(false);
  });

  it('answers the inetutils telnet opening exactly as the client needs', () => {
    const s = server();
    s.side.start();
    s.sent.length = 0;
    s.side.codec.feed(inetutilsHello);
    expect(s.sent).toEqual(expectedAnswers);
    expect(s.data).toEqual([]);
    expect(s.side.codec.isEnabled('local', Option.BINARY)).toBe(true);
    expect(s.side.codec.isEnabled('remote', Option.BINARY)).toBe(true);
    expect(s.side.codec.isEnabled('local', Option.SGA)).toBe(true);
    for (const refused of [Option.ENCRYPT, Option.TTYPE, Option.NAWS, Option.TSPEED, Option.LFLOW, Option.LINEMODE]) {
      expect(s.side.codec.isEnabled('remote', refused)).toBe(false);
    }
  });

  it('gives the same answers however the opening is split', () => {
    const random = seededRandom(7);
    for (const chunks of [
      byteByByte(inetutilsHello),
      randomSplit(inetutilsHello, random),
      randomSplit(inetutilsHello, random),
    ]) {
      const s = server();
      s.side.start();
      for (const c of chunks) s.side.codec.feed(c);
      expect(s.flat().slice(6)).toEqual(expectedAnswers.flat());
    }
  });

  it('starts echoing when the client acknowledges WILL ECHO with DO ECHO, without answering it', () => {
    const s = server();
    s.side.start();
    s.side.codec.feed(inetutilsHello);
    const before = s.sent.length;
    s.side.codec.feed(bytes([IAC, DO, Option.ECHO]));
    expect(s.sent.length).toBe(before);
    expect(s.side.echoing).toBe(true);
    expect(s.changes).toContain(`local ${Option.ECHO} true`);
  });

  it('stops echoing, and says so once, when the client sends DONT ECHO', () => {
    const s = server();
    s.side.start();
    s.side.codec.feed(bytes([IAC, DO, Option.ECHO]));
    s.sent.length = 0;
    s.side.codec.feed(bytes([IAC, DONT, Option.ECHO, IAC, DONT, Option.ECHO]));
    expect(s.sent).toEqual([[IAC, WONT, Option.ECHO]]);
    expect(s.side.echoing).toBe(false);
  });

  it('settles on no echo when the client refuses WILL ECHO, and does not offer it again', () => {
    const s = server();
    s.side.start();
    s.sent.length = 0;
    s.side.codec.feed(bytes([IAC, DONT, Option.ECHO, IAC, DONT, Option.SGA]));
    expect(s.sent).toEqual([]);
    expect(s.side.echoing).toBe(false);
    expect(s.changes).toEqual([]);
  });

  it('refuses to let the client echo (WILL ECHO gets DONT ECHO)', () => {
    const s = server();
    s.side.start();
    s.sent.length = 0;
    s.side.codec.feed(bytes([IAC, WILL, Option.ECHO]));
    expect(s.sent).toEqual([[IAC, DONT, Option.ECHO]]);
  });

  it('refuses unknown options both ways, once per request', () => {
    const s = server();
    s.side.start();
    s.sent.length = 0;
    s.side.codec.feed(bytes([IAC, DO, 99, IAC, WILL, 99, IAC, DO, Option.NAWS, IAC, WONT, 99, IAC, DONT, 99]));
    expect(s.sent).toEqual([
      [IAC, WONT, 99],
      [IAC, DONT, 99],
      [IAC, WONT, Option.NAWS],
    ]);
  });

  it('passes the bytes of a raw-socket client (no IAC at all) straight through', () => {
    const s = server();
    s.side.start();
    s.side.codec.feed(bytes('secret'));
    s.side.codec.feed(bytes('\r'));
    s.side.codec.feed(bytes('/h\r/x,y\r'));
    expect(Buffer.from(s.data).toString('latin1')).toBe('secret\r/h\r/x,y\r');
    expect(s.sent.length).toBe(2);
  });
});
