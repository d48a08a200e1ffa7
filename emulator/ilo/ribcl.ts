import type { EmulatorEvent, PlugState } from '../events.js';
import type { IloDevice } from './ilo-device.js';

/**
 * RIBCL, the iLO's XML command language, as the emulator answers it: an
 * incremental XML reader and a session that reacts to each element as soon as
 * it is complete. No I/O: text goes in through `feed()`, one call per arrival
 * (one TLS record, one HTTP body chunk), and the reply comes back as a list of
 * complete XML documents, which the front-end writes one by one.
 *
 * Follows docs/reference/ilo.md §1–§3 (the iLO3 1.82 recordings of
 * python-hpilo, fence_ilo from fence-agents 4.12.1, cluster-glue external/riloe).
 *
 * Which element gets a document (the recordings show 7 documents for a
 * request with a RIBCL, a LOGIN, one *_INFO and one command):
 * - the opening of RIBCL, of LOGIN and of each *_INFO block: a status document;
 * - each command: a status document, carrying the command's data element;
 * - the closing of each *_INFO block and of LOGIN: a status document;
 * - the closing of RIBCL (or LOCFG): no document; the request is over, and the
 *   session reports `end` so a one-shot client (riloe) sees the connection close.
 *   fence_ilo never closes its RIBCL and keeps the connection.
 * - LOCFG (the cpqlocfg wrapper riloe sends around RIBCL) is transparent.
 * - The XML declaration gets a document only when it is *bare*: nothing but
 *   white space follows it in the same arrival. fence_ilo sends
 *   `<?xml version="1.0"?>` alone and waits up to 10 s for a `</RIBCL>`;
 *   python-hpilo sends it in a packet of its own (its comment: "XML header
 *   and data need to arrive in 2 distinct packets"), which with the six
 *   element documents makes the recordings' seven. riloe sends its whole
 *   request in one write, declaration first; there the declaration is only the
 *   preamble of the script, and the script's own documents answer it.
 *   Deciding by arrival is the one place where how the bytes were split
 *   matters; splits anywhere else (inside a tag, an attribute, an entity)
 *   never change the answer.
 */

// ---------------------------------------------------------------------------
// The XML reader

export type XmlToken =
  /** `<?xml …?>`. */
  | { kind: 'declaration' }
  /** An element's start tag; `selfClosing` for `<X/>`. Names as written; attribute values with entities decoded. */
  | { kind: 'open'; name: string; attributes: Record<string, string>; selfClosing: boolean }
  | { kind: 'close'; name: string }
  /** Character data between tags (possibly a piece of it, when it was split). */
  | { kind: 'text'; text: string }
  /** Comments, DOCTYPE, other processing instructions: nothing to act on. */
  | { kind: 'ignored' }
  /** Markup that cannot be read: a tag with no name, or one longer than the reader holds. */
  | { kind: 'malformed'; reason: string };

/** Longest piece of unfinished markup the reader keeps before giving up on it. */
const MAX_PENDING = 64 * 1024;

/**
 * Splits a stream of text into XML tokens, across any split: unfinished markup
 * is kept until its end arrives. Text between tags is passed on as it comes.
 */
export class XmlReader {
  private pending = '';

  /** True while the end of some markup is still awaited. */
  get partial(): boolean {
    return this.pending.length > 0;
  }

  push(chunk: string): XmlToken[] {
    const buf = this.pending + chunk;
    this.pending = '';
    const tokens: XmlToken[] = [];
    let i = 0;
    while (i < buf.length) {
      const lt = buf.indexOf('<', i);
      if (lt < 0) {
        tokens.push({ kind: 'text', text: buf.slice(i) });
        break;
      }
      if (lt > i) tokens.push({ kind: 'text', text: buf.slice(i, lt) });
      const end = markupEnd(buf, lt);
      if (end === null) {
        this.pending = buf.slice(lt);
        if (this.pending.length > MAX_PENDING) {
          this.pending = '';
          tokens.push({ kind: 'malformed', reason: 'markup too long' });
        }
        break;
      }
      tokens.push(readMarkup(buf.slice(lt, end)));
      i = end;
    }
    return tokens;
  }
}

/** Where the markup starting at `buf[at] === '<'` ends (index after its last character), or null if not yet. */
function markupEnd(buf: string, at: number): number | null {
  const rest = buf.slice(at, at + 9);
  const until = (terminator: string, from: number) => {
    const n = buf.indexOf(terminator, from);
    return n < 0 ? null : n + terminator.length;
  };
  if (rest.startsWith('<?')) return until('?>', at + 2);
  if (rest.startsWith('<!--')) return until('-->', at + 4);
  if (rest.startsWith('<![CDATA[')) return until(']]>', at + 9);
  if (rest.startsWith('<!')) {
    // Not yet known whether this is a comment or a CDATA section.
    if ('<!--'.startsWith(rest) || '<![CDATA['.startsWith(rest)) return null;
    return until('>', at + 2);
  }
  // A tag: the first '>' outside a quoted attribute value.
  let quote: string | null = null;
  let last = '';
  for (let j = at + 1; j < buf.length; j++) {
    const c = buf[j] as string;
    if (quote) {
      if (c === quote) {
        quote = null;
        last = c;
      }
      continue;
    }
    if ((c === '"' || c === "'") && last === '=') quote = c;
    else if (c === '>') return j + 1;
    if (!/\s/.test(c)) last = c;
  }
  return null;
}

function readMarkup(text: string): XmlToken {
  if (text.startsWith('<?')) {
    return /^<\?xml(\s|\?)/i.test(text) ? { kind: 'declaration' } : { kind: 'ignored' };
  }
  if (text.startsWith('<![CDATA[')) return { kind: 'text', text: text.slice(9, -3) };
  if (text.startsWith('<!')) return { kind: 'ignored' };
  let inner = text.slice(1, -1);
  if (inner.startsWith('/')) {
    const name = /^\/\s*([^\s/>]+)\s*$/.exec(inner)?.[1];
    return name ? { kind: 'close', name } : { kind: 'malformed', reason: 'a closing tag without a name' };
  }
  const selfClosing = /\/\s*$/.test(inner);
  if (selfClosing) inner = inner.replace(/\/\s*$/, '');
  const name = /^[A-Za-z_][^\s/>=]*/.exec(inner)?.[0];
  if (!name) return { kind: 'malformed', reason: 'a tag without a name' };
  const attributes = readAttributes(inner.slice(name.length));
  if (typeof attributes === 'string') return { kind: 'malformed', reason: `attribute ${attributes} given twice` };
  return { kind: 'open', name, attributes, selfClosing };
}

/**
 * `A = "x" B='y' C=z`: spaces around `=`, either quote, or none; entities decoded.
 * An attribute given twice makes the tag malformed (the name is returned
 * instead): XML forbids it, the board's parser refuses it, and taking either
 * copy would let `PASSWORD="wrong" PASSWORD="right"` log in.
 */
function readAttributes(text: string): Record<string, string> | string {
  const attributes: Record<string, string> = {};
  const re = /([^\s=]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] as string;
    if (Object.hasOwn(attributes, name)) return name.length > 40 ? `${name.slice(0, 40)}…` : name;
    attributes[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five XML entities and numeric references. Anything else stays as written (a bare `&` too). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

// ---------------------------------------------------------------------------
// Response documents (ilo.md §1)

export const STATUS = {
  ok: { code: '0x0000', message: 'No error' },
  syntax: { code: '0x0001', message: 'Syntax error' },
  unsupported: { code: '0x003C', message: 'Command not supported.' },
  hostPowerOff: {
    code: '0x0054',
    message: 'Command without TOGGLE="Yes" attribute is ignored when host power is off.',
  },
  loginFailed: { code: '0x005F', message: 'Login failed.' },
  /** The `busy` fault: no session to be had. Code and wording are the emulator's own [unverified]. */
  busy: { code: '0x0002', message: 'No session available: the maximum number of sessions is in use.' },
} as const;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');
}

/**
 * One complete response document, laid out as the recordings show it (LF
 * line ends, MESSAGE in single quotes), with an optional data element.
 */
export function ribclDocument(
  version: string,
  status: { code: string; message: string } = STATUS.ok,
  data = '',
): string {
  return (
    '<?xml version="1.0"?>\n' +
    `<RIBCL VERSION="${version}">\n` +
    '<RESPONSE\n' +
    `    STATUS="${status.code}"\n` +
    `    MESSAGE='${escapeAttribute(status.message)}'\n` +
    '     />\n' +
    data +
    '</RIBCL>\n'
  );
}

/**
 * `GET_FW_VERSION` with spaces around `=` and `/>` on a line of its own:
 * fence_ilo waits for `<GET_FW_VERSION\s*\n`, then `/>`, and reads the
 * attributes from what lies between.
 */
export function fwVersionElement(device: IloDevice): string {
  const id = device.identity;
  return (
    '<GET_FW_VERSION\n' +
    `   FIRMWARE_VERSION = "${id.firmware}"\n` +
    `   FIRMWARE_DATE = "${id.date}"\n` +
    `   MANAGEMENT_PROCESSOR = "${id.processor}"\n` +
    `   LICENSE_TYPE = "${id.license}"\n` +
    '   />\n'
  );
}

/** `HOST_POWER="ON"` with no spaces: fence_ilo's regex is `HOST_POWER="(.*?)"`. */
export function hostPowerElement(power: PlugState): string {
  return `<GET_HOST_POWER\n    HOST_POWER="${power}"\n    />\n`;
}

// ---------------------------------------------------------------------------
// The session

export interface RibclSessionOptions {
  /** Who is connected, for events: "tls 127.0.0.1:40112". The user name is added after login. */
  origin: string;
  emit: (e: EmulatorEvent) => void;
}

export interface RibclReply {
  /** Complete documents, in order; write each on its own. */
  documents: string[];
  /** The request is over (or the session was refused): close after writing. */
  end: boolean;
}

type FrameKind = 'locfg' | 'ribcl' | 'login' | 'block' | 'command' | 'inner';

interface Frame {
  kind: FrameKind;
  name: string;
  attributes: Record<string, string>;
}

/** A *_INFO block (SERVER_INFO, RIB_INFO, USER_INFO…): commands live inside these. */
const isBlock = (name: string) => /_INFO$/.test(name);

/**
 * One RIBCL session. The login faults act at LOGIN, read there (docs/ilo.md
 * §6.2): `busy` answers STATUS.busy and ends the session before the password
 * is looked at; `refuse-login` is the device's (a wrong password);
 * `drop-after-login` ends the session with no reply; `hang-after-login`
 * answers the LOGIN, then nothing, and carries out no command. The output
 * faults (`slow`, `garbled`, `hang`) are the front-ends'.
 */
export class RibclSession {
  private readonly reader = new XmlReader();
  private readonly stack: Frame[] = [];
  private ended = false;
  private loggedInAs: string | null = null;
  private reportedLogin = false;
  /** The `hang-after-login` fault caught this session: input is read and nothing more is answered. */
  private hung = false;

  constructor(
    private readonly device: IloDevice,
    private readonly opts: RibclSessionOptions,
  ) {}

  /** The user of the last successful LOGIN, for the front-end's logout event. */
  get user(): string | null {
    return this.loggedInAs;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Logged in under the `hang-after-login` fault: nothing more will be answered. */
  get isHung(): boolean {
    return this.hung;
  }

  /** One arrival of text. */
  feed(text: string): RibclReply {
    const documents: string[] = [];
    if (this.ended) return { documents, end: true };
    if (this.hung) return { documents, end: false };
    let bareDeclaration = false;
    for (const token of this.reader.push(text)) {
      if (token.kind === 'declaration') {
        bareDeclaration = true;
        continue;
      }
      if (token.kind === 'ignored') continue;
      if (token.kind === 'text' && token.text.trim() === '') continue;
      bareDeclaration = false;
      this.handle(token, documents);
      if (this.ended) return { documents, end: true };
      if (this.hung) return { documents, end: false };
    }
    if (bareDeclaration && !this.reader.partial) documents.push(this.document());
    return { documents, end: false };
  }

  private get version(): string {
    return this.device.identity.ribcl;
  }

  private document(status: { code: string; message: string } = STATUS.ok, data = ''): string {
    return ribclDocument(this.version, status, data);
  }

  /** A broken script: say so once and end the session. Never echoes the request (it may hold a password). */
  private syntaxError(documents: string[], what: string): void {
    documents.push(this.document({ code: STATUS.syntax.code, message: `${STATUS.syntax.message}: ${what}` }));
    this.ended = true;
  }

  private handle(token: XmlToken, documents: string[]): void {
    const top = this.stack[this.stack.length - 1];
    switch (token.kind) {
      case 'malformed':
        return this.syntaxError(documents, token.reason);
      case 'text':
        // Text is allowed only as the content of a command (and is ignored there).
        if (top?.kind === 'command' || top?.kind === 'inner') return;
        return this.syntaxError(documents, 'text outside a command');
      case 'open':
        this.open(token.name.toUpperCase(), token.attributes, documents);
        if (!this.ended && token.selfClosing) this.close(token.name.toUpperCase(), documents);
        return;
      case 'close':
        return this.close(token.name.toUpperCase(), documents);
    }
  }

  private open(name: string, attributes: Record<string, string>, documents: string[]): void {
    const top = this.stack[this.stack.length - 1];
    const push = (kind: FrameKind): void => {
      this.stack.push({ kind, name, attributes });
    };
    switch (top?.kind) {
      case undefined:
      case 'locfg':
        if (name === 'LOCFG' && !top) return push('locfg');
        if (name === 'RIBCL') {
          push('ribcl');
          documents.push(this.document());
          return;
        }
        return this.syntaxError(documents, `${name} outside RIBCL`);
      case 'ribcl':
        if (name !== 'LOGIN') return this.syntaxError(documents, `${name} outside LOGIN`);
        return this.login(attributes, documents);
      case 'login':
        if (!isBlock(name)) return this.syntaxError(documents, `${name} outside a *_INFO block`);
        push('block');
        documents.push(this.document());
        return;
      case 'block':
        return push('command');
      case 'command':
      case 'inner':
        return push('inner');
    }
  }

  private close(name: string, documents: string[]): void {
    const top = this.stack[this.stack.length - 1];
    if (!top || top.name !== name) return this.syntaxError(documents, `unexpected </${name}>`);
    this.stack.pop();
    switch (top.kind) {
      case 'command': {
        const block = this.stack[this.stack.length - 1] as Frame;
        documents.push(this.command(block.name, top.name, top.attributes));
        return;
      }
      case 'block':
      case 'login':
        documents.push(this.document());
        return;
      case 'ribcl':
      case 'locfg':
        this.ended = true;
        return;
      case 'inner':
        return;
    }
  }

  private login(attributes: Record<string, string>, documents: string[]): void {
    const user = attributes.USER_LOGIN ?? '';
    const password = attributes.PASSWORD ?? '';
    const origin = `${this.opts.origin} ${user}`;
    // Out of sessions, the board says so whoever asks, before it looks at the password.
    if (this.device.faults.has('busy')) {
      this.opts.emit({ type: 'refused', origin, reason: 'fault: busy' });
      documents.push(this.document(STATUS.busy));
      this.ended = true;
      return;
    }
    if (!this.device.authenticate(user, password)) {
      this.opts.emit({ type: 'login-failed', origin });
      documents.push(this.document(STATUS.loginFailed));
      this.ended = true;
      return;
    }
    this.loggedInAs = user;
    if (!this.reportedLogin) {
      this.reportedLogin = true;
      this.opts.emit({ type: 'login', origin, mode: 'admin', user });
    }
    if (this.device.faults.has('drop-after-login')) {
      this.ended = true;
      return;
    }
    this.stack.push({ kind: 'login', name: 'LOGIN', attributes });
    documents.push(this.document());
    // The login is answered; nothing after it is.
    if (this.device.faults.has('hang-after-login')) this.hung = true;
  }

  /** Run one command; its document, with its data element if it has one. */
  private command(block: string, name: string, attributes: Record<string, string>): string {
    const d = this.device;
    const user = this.loggedInAs ?? undefined;
    const by = `${this.opts.origin} ${user ?? ''}`;
    const flip = (s: PlugState): PlugState => (s === 'ON' ? 'OFF' : 'ON');
    if (block === 'RIB_INFO' && name === 'GET_FW_VERSION') return this.document(STATUS.ok, fwVersionElement(d));
    if (block !== 'SERVER_INFO') return this.document(STATUS.unsupported);
    switch (name) {
      case 'GET_HOST_POWER_STATUS':
        return this.document(STATUS.ok, hostPowerElement(d.power));
      case 'SET_HOST_POWER': {
        const want = powerValue(attributes.HOST_POWER);
        if (!want) {
          return this.document({
            code: STATUS.syntax.code,
            message: `${STATUS.syntax.message}: HOST_POWER must be Yes or No`,
          });
        }
        d.setPower(want, by, user);
        return this.document();
      }
      case 'HOLD_PWR_BTN': {
        // With TOGGLE: the button held whatever the state; without: a forced off,
        // which newer firmware refuses while off. fence_ilo powers an iLO2 with
        // firmware ≤ 1.29 on with a bare HOLD_PWR_BTN, so iLO2 toggles.
        if (/^y(es)?$/i.test(attributes.TOGGLE ?? '')) d.setPower(flip(d.target), by, user);
        else if (d.target === 'ON') d.setPower('OFF', by, user);
        else if (d.model === 'ilo2') d.setPower('ON', by, user);
        else return this.document(STATUS.hostPowerOff);
        return this.document();
      }
      case 'PRESS_PWR_BTN':
        // A momentary press: starts a server that is off; asks a running one to shut down [unverified].
        d.setPower(flip(d.target), by, user);
        return this.document();
      case 'COLD_BOOT_SERVER':
      case 'RESET_SERVER':
      case 'WARM_BOOT_SERVER':
        d.cycle(by, user);
        return this.document();
      default:
        return this.document(STATUS.unsupported);
    }
  }
}

/** `HOST_POWER` of SET_HOST_POWER: riloe sends Y/N, fence_ilo on/off. */
function powerValue(value: string | undefined): PlugState | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'y' || v === 'yes' || v === 'on') return 'ON';
  if (v === 'n' || v === 'no' || v === 'off') return 'OFF';
  return null;
}

/**
 * A whole RIBCL script at once (an HTTP body): the documents it is answered with.
 * `chunks` are the arrivals; give the declaration as its own chunk to have it answered too.
 */
export function answerRibcl(device: IloDevice, chunks: string | string[], opts: RibclSessionOptions): string[] {
  const session = new RibclSession(device, opts);
  const documents: string[] = [];
  for (const chunk of typeof chunks === 'string' ? [chunks] : chunks) {
    const reply = session.feed(chunk);
    documents.push(...reply.documents);
    if (reply.end) break;
  }
  return documents;
}
