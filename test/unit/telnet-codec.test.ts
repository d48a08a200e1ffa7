import { describe, expect, it } from 'vitest';
import { type OptionSide, TelnetCodec, type TelnetPolicy } from '../../src/telnet/codec.js';
import { DO, DONT, GA, IAC, NOP, Option, SB, SE, TTYPE_IS, WILL, WONT } from '../../src/telnet/constants.js';
import { byteByByte, bytes, randomSplit, seededRandom } from './support.js';

/**
 * The codec on its own: what comes out of `data`, `send`, `subnegotiation`,
 * `command` and `optionChanged` for a given byte stream, whatever the chunking.
 */
type Event =
  | { kind: 'data'; bytes: number[] }
  | { kind: 'send'; bytes: number[] }
  | { kind: 'sb'; option: number; payload: number[] }
  | { kind: 'command'; command: number }
  | { kind: 'option'; side: OptionSide; option: number; enabled: boolean };

const acceptAll: TelnetPolicy = { acceptLocal: () => true, acceptRemote: () => true };
const refuseAll: TelnetPolicy = { acceptLocal: () => false, acceptRemote: () => false };
const acceptOnly = (local: number[], remote: number[]): TelnetPolicy => ({
  acceptLocal: (o) => local.includes(o),
  acceptRemote: (o) => remote.includes(o),
});

function recorder(policy: TelnetPolicy = acceptAll, opts: { maxSubnegotiation?: number } = {}) {
  const events: Event[] = [];
  const codec = new TelnetCodec(
    policy,
    {
      send: (b) => events.push({ kind: 'send', bytes: [...b] }),
      // Adjacent data events are merged: how data is cut is not part of the contract.
      data: (b) => {
        const last = events.at(-1);
        if (last?.kind === 'data') last.bytes.push(...b);
        else events.push({ kind: 'data', bytes: [...b] });
      },
      subnegotiation: (option, payload) => events.push({ kind: 'sb', option, payload: [...payload] }),
      command: (command) => events.push({ kind: 'command', command }),
      optionChanged: (side, option, enabled) => events.push({ kind: 'option', side, option, enabled }),
    },
    opts,
  );
  const feedAll = (chunks: Uint8Array[]) => {
    for (const c of chunks) codec.feed(c);
  };
  const sent = () => events.filter((e) => e.kind === 'send').flatMap((e) => e.bytes);
  const data = () => events.filter((e) => e.kind === 'data').flatMap((e) => e.bytes);
  return { codec, events, feedAll, sent, data };
}

/** A stream with everything in it: text, escaped 0xFF, negotiation, NAWS with a 255, TTYPE, bare commands. */
const mixedStream = bytes(
  'Password',
  IAC,
  IAC,
  'x',
  [IAC, DO, Option.BINARY],
  [IAC, WILL, Option.NAWS],
  [IAC, SB, Option.NAWS, 0, IAC, IAC, 0, 24, IAC, SE],
  'abc',
  [IAC, NOP],
  [IAC, WILL, Option.TTYPE],
  [IAC, SB, Option.TTYPE, TTYPE_IS],
  'XTERM-256COLOR',
  [IAC, SE],
  [IAC, DO, Option.ENCRYPT],
  '\r\n/S\r\n',
  [IAC, IAC, IAC, IAC],
  [IAC, GA],
  [IAC, DONT, Option.BINARY],
  [IAC, WONT, Option.NAWS],
  'end',
  [0, 1, 2, 0xfe, 0xfd],
);

describe('TelnetCodec decoding', () => {
  it('passes plain bytes through untouched', () => {
    const r = recorder();
    r.codec.feed(bytes('/on 3,y\r\n', 0, 0x7f, 0xfe));
    expect(r.events).toEqual([{ kind: 'data', bytes: [...bytes('/on 3,y\r\n', 0, 0x7f, 0xfe)] }]);
  });

  it('folds IAC IAC into one 0xFF data byte', () => {
    const r = recorder();
    r.codec.feed(bytes('a', IAC, IAC, 'b', IAC, IAC, IAC, IAC, 'c'));
    expect(r.data()).toEqual([...bytes('a', 0xff, 'b', 0xff, 0xff, 'c')]);
    expect(r.sent()).toEqual([]);
  });

  it('folds IAC IAC split across two chunks', () => {
    const r = recorder();
    r.codec.feed(bytes('a', IAC));
    expect(r.data()).toEqual([...bytes('a')]);
    r.codec.feed(bytes(IAC, 'b'));
    expect(r.data()).toEqual([...bytes('a', 0xff, 'b')]);
  });

  it('reports bare commands (NOP, GA) and keeps them out of the data', () => {
    const r = recorder();
    r.codec.feed(bytes('x', IAC, NOP, 'y', IAC, GA));
    expect(r.events).toEqual([
      { kind: 'data', bytes: [...bytes('x')] },
      { kind: 'command', command: NOP },
      { kind: 'data', bytes: [...bytes('y')] },
      { kind: 'command', command: GA },
    ]);
  });

  it('decodes a negotiation verb split between chunks at every point', () => {
    const whole = bytes([IAC, DO, Option.BINARY]);
    for (let cut = 0; cut <= whole.length; cut++) {
      const r = recorder();
      r.codec.feed(whole.subarray(0, cut));
      r.codec.feed(whole.subarray(cut));
      expect(r.sent()).toEqual([IAC, WILL, Option.BINARY]);
      expect(r.data()).toEqual([]);
    }
  });

  it('gives the same events fed whole, byte by byte, and in random splits', () => {
    const whole = recorder();
    whole.codec.feed(mixedStream);
    // Sanity: the reference run saw every kind of event, so the comparison means something.
    expect(new Set(whole.events.map((e) => e.kind))).toEqual(new Set(['data', 'send', 'sb', 'command', 'option']));
    expect(whole.data()).toEqual([
      ...bytes('Password', 0xff, 'xabc\r\n/S\r\n', 0xff, 0xff, 'end', [0, 1, 2, 0xfe, 0xfd]),
    ]);

    const single = recorder();
    single.feedAll(byteByByte(mixedStream));
    expect(single.events).toEqual(whole.events);

    const random = seededRandom(1234);
    for (let run = 0; run < 300; run++) {
      const split = recorder();
      split.feedAll(randomSplit(mixedStream, random));
      expect(split.events, `random split run ${run}`).toEqual(whole.events);
    }
  });
});

describe('TelnetCodec encoding', () => {
  it('doubles every 0xFF and leaves other bytes alone', () => {
    const r = recorder();
    expect([...r.codec.encode(bytes('a', 0xff, 'b', 0xff, 0xff))]).toEqual([
      ...bytes('a', IAC, IAC, 'b', IAC, IAC, IAC, IAC),
    ]);
    expect([...r.codec.encode(bytes('plain', 0, 0xfe))]).toEqual([...bytes('plain', 0, 0xfe)]);
    expect([...r.codec.encode('')]).toEqual([]);
  });

  it('encodes strings as latin1, so "ÿ" is the escaped byte 0xFF', () => {
    const r = recorder();
    expect([...r.codec.encode('IPS> ÿ')]).toEqual([...bytes('IPS> ', IAC, IAC)]);
  });

  it('round-trips all 256 byte values through encode and decode, in any split', () => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
    const sender = recorder();
    const wire = sender.codec.encode(all);
    expect(wire.length).toBe(all.length + 2);
    const random = seededRandom(99);
    for (const chunks of [[wire], byteByByte(wire), randomSplit(wire, random)]) {
      const receiver = recorder();
      receiver.feedAll(chunks);
      expect(receiver.data()).toEqual([...all]);
      expect(receiver.events.every((e) => e.kind === 'data')).toBe(true);
    }
  });
});

describe('TelnetCodec subnegotiation', () => {
  const naws = bytes([IAC, SB, Option.NAWS, 0, IAC, IAC, 0, 24, IAC, SE]);
  const ttype = bytes([IAC, SB, Option.TTYPE, TTYPE_IS], 'XTERM', [IAC, SE]);

  it('delivers NAWS with an escaped 255 intact, whole and split at every point', () => {
    for (const chunks of [[naws], byteByByte(naws)]) {
      const r = recorder();
      r.feedAll(chunks);
      expect(r.events).toEqual([{ kind: 'sb', option: Option.NAWS, payload: [0, 255, 0, 24] }]);
    }
    for (let cut = 0; cut <= naws.length; cut++) {
      const r = recorder();
      r.feedAll([naws.subarray(0, cut), naws.subarray(cut)]);
      expect(r.events, `cut at ${cut}`).toEqual([{ kind: 'sb', option: Option.NAWS, payload: [0, 255, 0, 24] }]);
    }
  });

  it('delivers TTYPE IS <name> intact and data after it as data', () => {
    const r = recorder();
    r.feedAll(byteByByte(bytes(ttype, 'after')));
    expect(r.events).toEqual([
      { kind: 'sb', option: Option.TTYPE, payload: [TTYPE_IS, ...bytes('XTERM')] },
      { kind: 'data', bytes: [...bytes('after')] },
    ]);
  });

  it('keeps SE outside a subnegotiation and data bytes inside it apart', () => {
    // "SE" (240) inside the payload is ordinary payload; only IAC SE ends it.
    const r = recorder();
    r.codec.feed(bytes([IAC, SB, Option.TTYPE, TTYPE_IS, SE, 0x41, IAC, SE]));
    expect(r.events).toEqual([{ kind: 'sb', option: Option.TTYPE, payload: [TTYPE_IS, SE, 0x41] }]);
  });

  it('delivers a payload of exactly the limit and drops one byte longer, then carries on', () => {
    const limit = 8;
    const r = recorder(acceptAll, { maxSubnegotiation: limit });
    const fits = Array.from({ length: limit }, (_, i) => i + 1);
    const tooLong = Array.from({ length: limit + 1 }, (_, i) => i + 1);
    r.codec.feed(bytes([IAC, SB, Option.TTYPE, ...fits, IAC, SE]));
    r.codec.feed(bytes([IAC, SB, Option.TTYPE, ...tooLong, IAC, SE], 'ok'));
    r.codec.feed(naws);
    expect(r.events).toEqual([
      { kind: 'sb', option: Option.TTYPE, payload: fits },
      { kind: 'data', bytes: [...bytes('ok')] },
      { kind: 'sb', option: Option.NAWS, payload: [0, 255, 0, 24] },
    ]);
  });

  it('drops an oversize subnegotiation by default (512 bytes) without swallowing later data', () => {
    const r = recorder();
    const flood = new Uint8Array(64 * 1024).fill(0x41);
    r.codec.feed(bytes([IAC, SB, Option.TTYPE, TTYPE_IS], flood, [IAC, SE], '/S\r\n'));
    expect(r.events).toEqual([{ kind: 'data', bytes: [...bytes('/S\r\n')] }]);

    const ok = recorder();
    ok.codec.feed(bytes([IAC, SB, Option.TTYPE], new Uint8Array(512).fill(0x42), [IAC, SE]));
    expect(ok.events).toEqual([{ kind: 'sb', option: Option.TTYPE, payload: Array(512).fill(0x42) }]);
  });

  it('escapes IAC in an outgoing subnegotiation so the peer decodes the same payload', () => {
    const sender = recorder();
    sender.codec.sendSubnegotiation(Option.NAWS, Uint8Array.of(0, 255, 0, 24));
    expect(sender.sent()).toEqual([...naws]);
    const receiver = recorder();
    receiver.codec.feed(Uint8Array.from(sender.sent()));
    expect(receiver.events).toEqual([{ kind: 'sb', option: Option.NAWS, payload: [0, 255, 0, 24] }]);
  });
});

describe('TelnetCodec negotiation (RFC 1143)', () => {
  it('accepts a DO it agrees with once, and ignores the repeat', () => {
    const r = recorder(acceptOnly([Option.BINARY], []));
    r.codec.feed(bytes([IAC, DO, Option.BINARY]));
    r.codec.feed(bytes([IAC, DO, Option.BINARY]));
    expect(r.sent()).toEqual([IAC, WILL, Option.BINARY]);
    expect(r.codec.isEnabled('local', Option.BINARY)).toBe(true);
    expect(r.codec.isEnabled('remote', Option.BINARY)).toBe(false);
  });

  it('refuses what the policy refuses, both sides, and stays disabled', () => {
    const r = recorder(refuseAll);
    r.codec.feed(bytes([IAC, DO, Option.STATUS, IAC, WILL, Option.NAWS]));
    expect(r.sent()).toEqual([IAC, WONT, Option.STATUS, IAC, DONT, Option.NAWS]);
    expect(r.codec.isEnabled('local', Option.STATUS)).toBe(false);
    expect(r.codec.isEnabled('remote', Option.NAWS)).toBe(false);
    expect(r.events.filter((e) => e.kind === 'option')).toEqual([]);
  });

  it('never answers a request that does not change the state', () => {
    const r = recorder(acceptAll);
    // Disabling what is already off: silence.
    r.codec.feed(bytes([IAC, DONT, Option.ECHO, IAC, WONT, Option.SGA]));
    expect(r.sent()).toEqual([]);
    // Enable, then repeat: one answer only.
    r.codec.feed(bytes([IAC, WILL, Option.SGA, IAC, WILL, Option.SGA, IAC, WILL, Option.SGA]));
    expect(r.sent()).toEqual([IAC, DO, Option.SGA]);
  });

  it('acknowledges a peer disabling an enabled option, once', () => {
    const r = recorder(acceptAll);
    r.codec.feed(bytes([IAC, WILL, Option.SGA]));
    r.codec.feed(bytes([IAC, WONT, Option.SGA, IAC, WONT, Option.SGA]));
    expect(r.sent()).toEqual([IAC, DO, Option.SGA, IAC, DONT, Option.SGA]);
    expect(r.codec.isEnabled('remote', Option.SGA)).toBe(false);
  });

  it('sends our own request once, and treats the agreeing answer as an acknowledgement', () => {
    const r = recorder(acceptAll);
    r.codec.request('local', Option.ECHO, true);
    r.codec.request('local', Option.ECHO, true);
    expect(r.sent()).toEqual([IAC, WILL, Option.ECHO]);
    expect(r.codec.isEnabled('local', Option.ECHO)).toBe(false);
    r.codec.feed(bytes([IAC, DO, Option.ECHO]));
    expect(r.sent()).toEqual([IAC, WILL, Option.ECHO]);
    expect(r.codec.isEnabled('local', Option.ECHO)).toBe(true);
  });

  it('accepts the refusal of our request without answering it', () => {
    const r = recorder(acceptAll);
    r.codec.request('remote', Option.NAWS, true);
    r.codec.feed(bytes([IAC, WONT, Option.NAWS]));
    expect(r.sent()).toEqual([IAC, DO, Option.NAWS]);
    expect(r.codec.isEnabled('remote', Option.NAWS)).toBe(false);
  });

  it('queues an opposite wish made while a request is pending (the queue bit)', () => {
    const r = recorder(acceptAll);
    r.codec.request('local', Option.ECHO, true); // WILL ECHO, WANTYES
    r.codec.request('local', Option.ECHO, false); // queued
    expect(r.sent()).toEqual([IAC, WILL, Option.ECHO]);
    r.codec.feed(bytes([IAC, DO, Option.ECHO])); // peer agrees: we now take it back
    expect(r.sent()).toEqual([IAC, WILL, Option.ECHO, IAC, WONT, Option.ECHO]);
    r.codec.feed(bytes([IAC, DONT, Option.ECHO]));
    expect(r.sent()).toEqual([IAC, WILL, Option.ECHO, IAC, WONT, Option.ECHO]);
    expect(r.codec.isEnabled('local', Option.ECHO)).toBe(false);
  });

  it('answers a flood of alternating WILL/WONT with at most one reply each, and refusals only for refused options', () => {
    const accepted = recorder(acceptAll);
    const refused = recorder(refuseAll);
    const flood: number[] = [];
    for (let i = 0; i < 1000; i++) flood.push(IAC, i % 2 === 0 ? WILL : WONT, Option.SGA);
    accepted.codec.feed(Uint8Array.from(flood));
    refused.codec.feed(Uint8Array.from(flood));
    // Accepted: each WILL turns it on (DO), each WONT turns it off (DONT): one reply per state change.
    expect(accepted.sent().length / 3).toBe(1000);
    expect(accepted.codec.isEnabled('remote', Option.SGA)).toBe(false);
    // Refused: every WILL is refused, every WONT (already off) is ignored.
    expect(refused.sent().length / 3).toBe(500);
    expect(refused.sent().slice(0, 3)).toEqual([IAC, DONT, Option.SGA]);
  });

  it('stops against a peer that acknowledges everything it receives', () => {
    // The classic loop: a naive peer answering every DO with WILL and every DONT with WONT, always.
    const ours = recorder(acceptAll);
    const naiveOut: number[][] = [];
    const naive = (msg: number[]) => {
      const [, verb, opt] = msg as [number, number, number];
      const answer = verb === DO ? WILL : verb === DONT ? WONT : verb === WILL ? DO : DONT;
      naiveOut.push([IAC, answer, opt]);
    };
    ours.codec.request('remote', Option.SGA, true);
    ours.codec.request('local', Option.ECHO, true);
    ours.codec.request('local', Option.BINARY, true);
    let rounds = 0;
    let delivered = 0;
    while (delivered < ours.sent().length / 3) {
      if (++rounds > 50) throw new Error('negotiation did not settle');
      const sent = ours.sent();
      for (; delivered < sent.length / 3; delivered++) naive(sent.slice(delivered * 3, delivered * 3 + 3));
      for (const m of naiveOut.splice(0)) ours.codec.feed(Uint8Array.from(m));
    }
    expect(ours.sent().length / 3).toBe(3);
    expect(ours.codec.isEnabled('remote', Option.SGA)).toBe(true);
    expect(ours.codec.isEnabled('local', Option.ECHO)).toBe(true);
  });
});

/** Two codecs joined by a wire that carries bytes one delivery at a time, so the exchange can be counted. */
function pair(policyA: TelnetPolicy, policyB: TelnetPolicy) {
  const a = recorder(policyA);
  const b = recorder(policyB);
  let aDelivered = 0;
  let bDelivered = 0;
  let messages = 0;
  /** Deliver what is in flight until nothing is; return the number of rounds. */
  const run = (maxRounds = 20): number => {
    for (let round = 0; ; round++) {
      const aOut = a.sent().slice(aDelivered);
      const bOut = b.sent().slice(bDelivered);
      if (aOut.length === 0 && bOut.length === 0) return round;
      if (round >= maxRounds) throw new Error(`still negotiating after ${maxRounds} rounds`);
      aDelivered += aOut.length;
      bDelivered += bOut.length;
      messages += (aOut.length + bOut.length) / 3;
      b.codec.feed(Uint8Array.from(aOut));
      a.codec.feed(Uint8Array.from(bOut));
    }
  };
  return { a, b, run, messages: () => messages };
}

const OPTIONS = [Option.BINARY, Option.ECHO, Option.SGA, Option.NAWS, Option.TTYPE];
const SIDES: OptionSide[] = ['local', 'remote'];
const other = (side: OptionSide): OptionSide => (side === 'local' ? 'remote' : 'local');

function expectAgreement(a: TelnetCodec, b: TelnetCodec) {
  for (const option of OPTIONS) {
    for (const side of SIDES) {
      expect(a.isEnabled(side, option), `A ${side} ${option} vs B ${other(side)}`).toBe(
        b.isEnabled(other(side), option),
      );
    }
  }
}

/** The optionChanged events of one codec alternate per option, start with "enabled", and end where isEnabled is. */
function expectConsistentEvents(r: ReturnType<typeof recorder>) {
  for (const option of OPTIONS) {
    for (const side of SIDES) {
      const changes = r.events
        .filter((e) => e.kind === 'option' && e.side === side && e.option === option)
        .map((e) => (e as { enabled: boolean }).enabled);
      for (const [i, enabled] of changes.entries()) expect(enabled, `${side} ${option} change #${i}`).toBe(i % 2 === 0);
      expect(changes.at(-1) ?? false, `${side} ${option} last event vs state`).toBe(r.codec.isEnabled(side, option));
    }
  }
}

describe('two codecs back to back', () => {
  const policies: [string, TelnetPolicy][] = [
    ['accept all', acceptAll],
    ['refuse all', refuseAll],
    ['server-like', acceptOnly([Option.BINARY, Option.ECHO, Option.SGA], [Option.BINARY, Option.SGA])],
    ['client-like', acceptOnly([Option.BINARY, Option.NAWS, Option.TTYPE], [Option.BINARY, Option.ECHO, Option.SGA])],
  ];

  for (const [nameA, policyA] of policies) {
    for (const [nameB, policyB] of policies) {
      it(`settle when one side asks for everything (${nameA} asks, ${nameB} answers)`, () => {
        const p = pair(policyA, policyB);
        for (const option of OPTIONS) for (const side of SIDES) p.a.codec.request(side, option, true);
        expect(p.run()).toBeLessThanOrEqual(2);
        // One request, one answer each.
        expect(p.messages()).toBe(2 * OPTIONS.length * SIDES.length);
        expectAgreement(p.a.codec, p.b.codec);
        for (const option of OPTIONS) {
          expect(p.a.codec.isEnabled('local', option)).toBe(policyB.acceptRemote(option));
          expect(p.a.codec.isEnabled('remote', option)).toBe(policyB.acceptLocal(option));
        }
      });

      it(`settle when both ask for everything at once (${nameA} / ${nameB})`, () => {
        const p = pair(policyA, policyB);
        for (const option of OPTIONS) {
          for (const side of SIDES) {
            p.a.codec.request(side, option, true);
            p.b.codec.request(side, option, true);
          }
        }
        // The requests cross; each one is taken as the answer to the other, so nothing more is sent.
        expect(p.run()).toBe(1);
        expect(p.messages()).toBe(2 * OPTIONS.length * SIDES.length);
        expectAgreement(p.a.codec, p.b.codec);
        for (const option of OPTIONS) for (const side of SIDES) expect(p.a.codec.isEnabled(side, option)).toBe(true);
      });

      it(`settle when one side enables and the other disables at once (${nameA} / ${nameB})`, () => {
        const p = pair(policyA, policyB);
        for (const option of OPTIONS) for (const side of SIDES) p.a.codec.request(side, option, true);
        p.run();
        for (const option of OPTIONS) {
          for (const side of SIDES) {
            p.a.codec.request(side, option, false);
            p.b.codec.request(other(side), option, true);
            p.a.codec.request(side, option, true);
          }
        }
        expect(p.run()).toBeLessThanOrEqual(4);
        expectAgreement(p.a.codec, p.b.codec);
      });
    }
  }

  it('reports no "disabled" for an option that was never enabled (enable, then take it back at once)', () => {
    const p = pair(acceptAll, acceptAll);
    p.a.codec.request('local', Option.ECHO, true);
    p.a.codec.request('local', Option.ECHO, false);
    p.run();
    expect(p.a.codec.isEnabled('local', Option.ECHO)).toBe(false);
    expect(p.a.events.filter((e) => e.kind === 'option')).toEqual([]);
    expectConsistentEvents(p.b);
  });

  it('reports "disabled" when our own refusal is answered with an agreement (RFC 1143 error case)', () => {
    const r = recorder(acceptAll);
    r.codec.feed(bytes([IAC, DO, Option.ECHO])); // enabled
    r.codec.request('local', Option.ECHO, false); // WONT ECHO
    r.codec.feed(bytes([IAC, DO, Option.ECHO])); // a confused peer: settles on NO
    expect(r.codec.isEnabled('local', Option.ECHO)).toBe(false);
    expectConsistentEvents(r);
  });

  it('settle and agree after random request sequences, with events that match the state', () => {
    const random = seededRandom(4242);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    for (let run = 0; run < 400; run++) {
      const p = pair(pick(policies)[1], pick(policies)[1]);
      const steps = 1 + Math.floor(random() * 12);
      for (let s = 0; s < steps; s++) {
        const who = random() < 0.5 ? p.a : p.b;
        who.codec.request(pick(SIDES), pick(OPTIONS), random() < 0.6);
        // Sometimes deliver part of the traffic before the next request, so requests cross in flight.
        if (random() < 0.3) p.run();
      }
      p.run();
      expectAgreement(p.a.codec, p.b.codec);
      expectConsistentEvents(p.a);
      expectConsistentEvents(p.b);
    }
  });

  it('reports a change only when the option really changes', () => {
    const p = pair(acceptAll, acceptAll);
    p.a.codec.request('local', Option.ECHO, true);
    p.run();
    p.a.codec.request('local', Option.ECHO, true);
    p.run();
    p.a.codec.request('local', Option.ECHO, false);
    p.run();
    expect(p.a.events.filter((e) => e.kind === 'option')).toEqual([
      { kind: 'option', side: 'local', option: Option.ECHO, enabled: true },
      { kind: 'option', side: 'local', option: Option.ECHO, enabled: false },
    ]);
    expect(p.b.events.filter((e) => e.kind === 'option')).toEqual([
      { kind: 'option', side: 'remote', option: Option.ECHO, enabled: true },
      { kind: 'option', side: 'remote', option: Option.ECHO, enabled: false },
    ]);
  });
});
