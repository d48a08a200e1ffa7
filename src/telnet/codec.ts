import { DO, DONT, IAC, SB, SE, WILL, WONT } from './constants.js';

/**
 * An RFC 854 telnet codec with no I/O: bytes go in through `feed()`, decoded
 * data and events come out through callbacks, and the replies it owes the peer
 * go out through `send`. Option negotiation follows RFC 1143's "Q method", so
 * no sequence of requests from either side can start a negotiation loop.
 *
 * The server and client front-ends are thin layers that choose a policy and
 * which options to ask for first (see server-side.ts and client-side.ts).
 */

/** Whose option: `local` is what we WILL do, `remote` is what we ask the peer to DO. */
export type OptionSide = 'local' | 'remote';

export interface TelnetPolicy {
  /** May we enable `option` on our side when the peer sends DO? */
  acceptLocal(option: number): boolean;
  /** May the peer enable `option` on its side when it sends WILL? */
  acceptRemote(option: number): boolean;
}

export interface TelnetHandlers {
  /** Bytes to write to the peer (replies to negotiation, escaped data). */
  send(bytes: Uint8Array): void;
  /** Application data, IAC IAC already folded to one 0xFF. */
  data(bytes: Uint8Array): void;
  /** An option became enabled or disabled on one side. */
  optionChanged?(side: OptionSide, option: number, enabled: boolean): void;
  /** A complete subnegotiation, IAC IAC folded. */
  subnegotiation?(option: number, payload: Uint8Array): void;
  /** A bare command such as NOP, AYT, BRK, GA. */
  command?(command: number): void;
}

type QState = 'NO' | 'YES' | 'WANTNO' | 'WANTYES';

interface OptionState {
  state: QState;
  /** RFC 1143's queue bit: the opposite request is waiting for the current one to finish. */
  opposite: boolean;
}

enum Parse {
  Data,
  Iac,
  Verb,
  Sb,
  SbData,
  SbIac,
}

/** A subnegotiation longer than this is a flood; its bytes are dropped. */
const DEFAULT_MAX_SUBNEGOTIATION = 512;

export class TelnetCodec {
  private parse = Parse.Data;
  private verb = 0;
  private sbOption = 0;
  private sbBuffer: number[] = [];
  private sbOverflow = false;
  private readonly options = { local: new Map<number, OptionState>(), remote: new Map<number, OptionState>() };
  private readonly maxSubnegotiation: number;

  constructor(
    private readonly policy: TelnetPolicy,
    private readonly handlers: TelnetHandlers,
    opts: { maxSubnegotiation?: number } = {},
  ) {
    this.maxSubnegotiation = opts.maxSubnegotiation ?? DEFAULT_MAX_SUBNEGOTIATION;
  }

  /** Decode a chunk of bytes from the peer. Any split of the stream gives the same result. */
  feed(chunk: Uint8Array): void {
    let runStart = -1;
    const flushRun = (end: number) => {
      if (runStart >= 0 && end > runStart) this.handlers.data(chunk.subarray(runStart, end));
      runStart = -1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      switch (this.parse) {
        case Parse.Data:
          if (byte === IAC) {
            flushRun(i);
            this.parse = Parse.Iac;
          } else if (runStart < 0) {
            runStart = i;
          }
          break;
        case Parse.Iac:
          this.parse = Parse.Data;
          if (byte === IAC) {
            this.handlers.data(Uint8Array.of(IAC));
          } else if (byte === WILL || byte === WONT || byte === DO || byte === DONT) {
            this.verb = byte;
            this.parse = Parse.Verb;
          } else if (byte === SB) {
            this.parse = Parse.Sb;
          } else {
            this.handlers.command?.(byte);
          }
          break;
        case Parse.Verb:
          this.parse = Parse.Data;
          this.receiveNegotiation(this.verb, byte);
          break;
        case Parse.Sb:
          this.sbOption = byte;
          this.sbBuffer = [];
          this.sbOverflow = false;
          this.parse = Parse.SbData;
          break;
        case Parse.SbData:
          if (byte === IAC) this.parse = Parse.SbIac;
          else this.pushSb(byte);
          break;
        case Parse.SbIac:
          if (byte === SE) {
            this.parse = Parse.Data;
            if (!this.sbOverflow) this.handlers.subnegotiation?.(this.sbOption, Uint8Array.from(this.sbBuffer));
            this.sbBuffer = [];
          } else {
            // IAC IAC is a data 0xFF; any other command inside SB is a protocol slip we tolerate.
            if (byte === IAC) this.pushSb(IAC);
            this.parse = Parse.SbData;
          }
          break;
      }
    }
    flushRun(chunk.length);
  }

  /** Escape application data for the wire: every 0xFF becomes IAC IAC. */
  encode(data: Uint8Array | string): Uint8Array {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    let count = 0;
    for (const b of bytes) if (b === IAC) count++;
    if (count === 0) return bytes;
    const out = new Uint8Array(bytes.length + count);
    let j = 0;
    for (const b of bytes) {
      out[j++] = b;
      if (b === IAC) out[j++] = IAC;
    }
    return out;
  }

  /** Ask for an option to be enabled or disabled on one side (RFC 1143 §7). */
  request(side: OptionSide, option: number, enable: boolean): void {
    const s = this.stateOf(side, option);
    const before = s.state === 'YES';
    if (enable) {
      if (s.state === 'NO') {
        s.state = 'WANTYES';
        this.sendVerb(side, option, true);
      } else if (s.state === 'WANTNO') s.opposite = true;
      else if (s.state === 'WANTYES') s.opposite = false;
    } else {
      if (s.state === 'YES') {
        s.state = 'WANTNO';
        this.sendVerb(side, option, false);
      } else if (s.state === 'WANTYES') s.opposite = true;
      else if (s.state === 'WANTNO') s.opposite = false;
    }
    this.reportChange(side, option, before);
  }

  isEnabled(side: OptionSide, option: number): boolean {
    return this.options[side].get(option)?.state === 'YES';
  }

  /** Send IAC SB option payload IAC SE, escaping IAC inside the payload. */
  sendSubnegotiation(option: number, payload: Uint8Array): void {
    const body = this.encode(payload);
    const out = new Uint8Array(body.length + 5);
    out.set([IAC, SB, option], 0);
    out.set(body, 3);
    out.set([IAC, SE], body.length + 3);
    this.handlers.send(out);
  }

  private pushSb(byte: number): void {
    if (this.sbBuffer.length >= this.maxSubnegotiation) this.sbOverflow = true;
    else this.sbBuffer.push(byte);
  }

  private stateOf(side: OptionSide, option: number): OptionState {
    const table = this.options[side];
    let s = table.get(option);
    if (!s) {
      s = { state: 'NO', opposite: false };
      table.set(option, s);
    }
    return s;
  }

  /** `local` options are answered with WILL/WONT, `remote` ones with DO/DONT. */
  private sendVerb(side: OptionSide, option: number, positive: boolean): void {
    const verb = side === 'local' ? (positive ? WILL : WONT) : positive ? DO : DONT;
    this.handlers.send(Uint8Array.of(IAC, verb, option));
  }

  /**
   * Report a change exactly when `isEnabled` flips, so the events a listener sees
   * alternate and end where the state is, through RFC 1143's transient states too.
   */
  private reportChange(side: OptionSide, option: number, wasEnabled: boolean): void {
    const enabled = this.isEnabled(side, option);
    if (enabled !== wasEnabled) this.handlers.optionChanged?.(side, option, enabled);
  }

  private receiveNegotiation(verb: number, option: number): void {
    // DO/DONT speak of our side; WILL/WONT of the peer's.
    const side: OptionSide = verb === DO || verb === DONT ? 'local' : 'remote';
    const positive = verb === DO || verb === WILL;
    const s = this.stateOf(side, option);
    const accept = side === 'local' ? this.policy.acceptLocal(option) : this.policy.acceptRemote(option);
    const before = s.state === 'YES';
    if (positive) {
      switch (s.state) {
        case 'NO':
          if (accept) {
            s.state = 'YES';
            this.sendVerb(side, option, true);
          } else {
            this.sendVerb(side, option, false);
          }
          break;
        case 'YES':
          break;
        case 'WANTNO':
          // The peer answered our refusal with an agreement: RFC 1143 calls this an error; settle on NO,
          // or on YES if we had meanwhile queued the opposite wish.
          if (s.opposite) {
            s.state = 'YES';
            s.opposite = false;
          } else s.state = 'NO';
          break;
        case 'WANTYES':
          if (s.opposite) {
            s.state = 'WANTNO';
            s.opposite = false;
            this.sendVerb(side, option, false);
          } else {
            s.state = 'YES';
          }
          break;
      }
    } else {
      switch (s.state) {
        case 'NO':
          break;
        case 'YES':
          s.state = 'NO';
          this.sendVerb(side, option, false);
          break;
        case 'WANTNO':
          if (s.opposite) {
            s.state = 'WANTYES';
            s.opposite = false;
            this.sendVerb(side, option, true);
          } else {
            s.state = 'NO';
          }
          break;
        case 'WANTYES':
          s.state = 'NO';
          s.opposite = false;
          break;
      }
    }
    this.reportChange(side, option, before);
  }
}
