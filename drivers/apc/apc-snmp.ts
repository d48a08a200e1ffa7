import snmp from 'net-snmp';
import { Deadline } from '../../src/deadline.js';
import { AuthError, ConnectionError, ProtocolError, TimeoutError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { OperationOptions, PlugInfo, PowerState, PowerSwitch } from '../../src/power-switch.js';
import { cutReply, emitProgress, type ProgressListener } from '../../src/progress.js';
import type { Transcript } from '../../src/transcript.js';
import { type OutletTables, SYS_OBJECT_ID, tablesFor } from './snmp-tables.js';

/**
 * The APC driver over SNMP v1, v2c or v3. The outlet tables are chosen from
 * the card's sysObjectID; a SET is confirmed by reading the state back (the
 * shared fencing semantics), never taken on trust.
 */
export interface ApcSnmpOptions {
  host: string;
  port?: number;
  version?: '1' | '2c' | '3';
  /** v1/v2c: the write community (default "private"). */
  community?: string;
  /** v3: a USM user. */
  user?: {
    name: string;
    authProtocol?: 'md5' | 'sha';
    authKey?: string;
    privProtocol?: 'des' | 'aes';
    privKey?: string;
  };
  timeoutMs?: number;
  /** Cap on one request's wait, retried once (default 3 s). */
  requestTimeoutMs?: number;
  /** Every request and answer, communities and keys never shown: a debug aid, worded freely. */
  transcript?: Transcript;
  /**
   * Typed progress. SNMP has no session: `connected` and `logged-in` follow
   * the agent's first answer, `login-refused` an authentication failure.
   */
  progress?: ProgressListener;
}

export interface ApcSnmpSwitch extends PowerSwitch {
  /** Which tables the last session used: "Rack PDU", "MasterSwitch", … */
  readonly tables: string | undefined;
  /**
   * The Rack PDU's model number (rPDUIdentModelNumber.0, "AP7930"). A card
   * without the Rack PDU MIB (a MasterSwitch) answers with an SNMP error,
   * raised as a ProtocolError carrying the card's status.
   */
  rackPduModel(opts?: OperationOptions): Promise<string>;
  /** The Rack PDU's outlet count (rPDUIdentDeviceNumOutlets.0); a MasterSwitch answers with an SNMP error. */
  rackPduOutletCount(opts?: OperationOptions): Promise<number>;
}

/** rPDUIdentModelNumber.0 and rPDUIdentDeviceNumOutlets.0 (PowerNet-MIB). */
const RPDU_IDENT_MODEL_NUMBER = '1.3.6.1.4.1.318.1.1.12.1.5.0';
const RPDU_IDENT_NUM_OUTLETS = '1.3.6.1.4.1.318.1.1.12.1.8.0';

export function createApcSnmpSwitch(opts: ApcSnmpOptions): ApcSnmpSwitch {
  const backend = new SnmpBackend(opts);
  const fencer = new Fencer(backend, { timeoutMs: opts.timeoutMs, progress: opts.progress });
  const scalar = (oid: string, o?: OperationOptions) => {
    const deadline = new Deadline(o?.timeoutMs ?? opts.timeoutMs ?? 60_000, o?.signal);
    deadline.throwIfAborted();
    return backend.withSession(deadline, (session) => (session as ApcSnmpSession).text(oid));
  };
  const rackPduModel = (o?: OperationOptions) => scalar(RPDU_IDENT_MODEL_NUMBER, o);
  const rackPduOutletCount = async (o?: OperationOptions) => {
    const text = await scalar(RPDU_IDENT_NUM_OUTLETS, o);
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0)
      throw new ProtocolError(`the card's outlet count is not a number: ${cutReply(text)}`);
    return n;
  };
  return Object.defineProperties(fencer, {
    tables: { get: () => backend.tables, enumerable: true },
    rackPduModel: { value: rackPduModel, enumerable: true },
    rackPduOutletCount: { value: rackPduOutletCount, enumerable: true },
  }) as unknown as ApcSnmpSwitch;
}

type Varbind = snmp.Varbind;

/** No PDU has more outlets; a walk past this is a broken or hostile agent. */
const MAX_WALK_ROWS = 1024;

class SnmpBackend implements PlugBackend {
  tables: string | undefined;

  constructor(private readonly opts: ApcSnmpOptions) {}

  async withSession<T>(deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    const timeout = Math.min(this.opts.requestTimeoutMs ?? 3000, Math.max(1, deadline.phase('snmp session')));
    const options = { port: this.opts.port ?? 161, retries: 1, timeout };
    const version = this.opts.version ?? '1';
    let raw: snmp.Session;
    if (version === '3') {
      const u = this.opts.user;
      if (!u) throw new AuthError('SNMPv3 needs a user');
      const level = u.privKey
        ? snmp.SecurityLevel.authPriv
        : u.authKey
          ? snmp.SecurityLevel.authNoPriv
          : snmp.SecurityLevel.noAuthNoPriv;
      raw = snmp.createV3Session(
        this.opts.host,
        {
          name: u.name,
          level,
          authProtocol: u.authProtocol === 'md5' ? snmp.AuthProtocols.md5 : snmp.AuthProtocols.sha,
          authKey: u.authKey,
          privProtocol: u.privProtocol === 'des' ? snmp.PrivProtocols.des : snmp.PrivProtocols.aes,
          privKey: u.privKey,
        } as snmp.User,
        { ...options, version: snmp.Version3 },
      );
    } else {
      raw = snmp.createSession(this.opts.host, this.opts.community ?? 'private', {
        ...options,
        version: version === '2c' ? snmp.Version2c : snmp.Version1,
      } as snmp.SessionOptions);
    }
    raw.on('error', () => {});
    const progress = this.opts.progress;
    const target = `snmp ${this.opts.host}:${options.port}`;
    emitProgress(progress, { type: 'connecting', target, attempt: 1 });
    const session = new Snmp(raw, this.opts, deadline);
    try {
      let id: Varbind | undefined;
      try {
        [id] = await session.get([SYS_OBJECT_ID]);
      } catch (err) {
        if (err instanceof AuthError) emitProgress(progress, { type: 'login-refused', reply: err.reply, attempt: 1 });
        throw err;
      }
      emitProgress(progress, { type: 'connected', target });
      emitProgress(progress, { type: 'logged-in' });
      const tables = tablesFor(String(id?.value ?? ''));
      this.tables = tables.kind;
      return await work(new ApcSnmpSession(session, tables));
    } finally {
      raw.close();
      emitProgress(progress, { type: 'disconnected', reason: 'closed' });
    }
  }

  async close(): Promise<void> {}
}

/** net-snmp's callbacks as promises with typed errors; every request honours the deadline's signal. */
class Snmp {
  constructor(
    private readonly raw: snmp.Session,
    private readonly opts: ApcSnmpOptions,
    private readonly deadline: Deadline,
  ) {}

  private call<T>(
    what: string,
    start: (done: (err: Error | null, value?: T) => void) => void,
    plugs?: readonly number[],
  ): Promise<T> {
    this.deadline.phase(what);
    this.opts.transcript?.('sent', what);
    return new Promise((resolve, reject) => {
      const signal = this.deadline.signal;
      const onAbort = () => reject(new TimeoutError(what, `${what} was aborted`, { plugs }));
      signal?.addEventListener('abort', onAbort, { once: true });
      start((err, value) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(mapError(err, what, this.opts, plugs));
        else resolve(value as T);
      });
    });
  }

  async get(oids: string[]): Promise<Varbind[]> {
    const varbinds = await this.call<Varbind[]>(`GET ${oids.join(' ')}`, (done) => this.raw.get(oids, done));
    for (const vb of varbinds) {
      if (snmp.isVarbindError(vb))
        throw new ProtocolError(`the card has no ${cutReply(vb.oid, 64)}: ${cutReply(snmp.varbindError(vb))}`);
      this.opts.transcript?.('received', `${vb.oid} = ${String(vb.value)}`);
    }
    return varbinds;
  }

  /** `plug` is the outlet the SET concerns: a failure names it (error.plugs). */
  async set(oid: string, value: number, plug: number): Promise<void> {
    await this.call<Varbind[]>(
      `SET ${oid} i ${value}`,
      (done) => this.raw.set([{ oid, type: snmp.ObjectType.Integer, value }], done),
      [plug],
    );
  }

  async walk(oid: string): Promise<Varbind[]> {
    const rows: Varbind[] = [];
    await this.call<void>(`WALK ${oid}`, (done) =>
      this.raw.subtree(
        oid,
        20,
        // A truthy return ends the walk: only when a card lists more outlets than any PDU has.
        ((varbinds: Varbind[]) => {
          for (const vb of varbinds) if (!snmp.isVarbindError(vb)) rows.push(vb);
          return rows.length > MAX_WALK_ROWS || undefined;
        }) as unknown as snmp.FeedCallback,
        (err: Error | null) => done(err),
      ),
    );
    if (rows.length > MAX_WALK_ROWS) throw new ProtocolError(`${oid} lists more than ${MAX_WALK_ROWS} rows`);
    return rows;
  }
}

function mapError(err: Error, what: string, opts: ApcSnmpOptions, plugs: readonly number[] | undefined): Error {
  if (err.name === 'RequestTimedOutError') {
    const hint = opts.version === '3' ? '' : ' (a wrong community gets no answer in SNMPv1/v2c)';
    return new TimeoutError(what, `no SNMP answer to ${what} from ${opts.host}${hint}`, { cause: err, plugs });
  }
  const status = (err as { status?: number }).status;
  // The agent's error status (noAccess = 6, …), as a number in text, and net-snmp's words for it.
  const fields = {
    cause: err,
    plugs,
    reply: err.message,
    deviceStatus: status === undefined ? undefined : String(status),
  };
  if (status === snmp.ErrorStatus.NoAccess || status === snmp.ErrorStatus.AuthorizationError) {
    return new AuthError(`the card refused ${what}: ${err.message}`, fields);
  }
  if (/authentication|unknown user|decrypt/i.test(err.message)) return new AuthError(err.message, fields);
  if (status !== undefined) return new ProtocolError(`the card refused ${what}: ${err.message}`, fields);
  return new ConnectionError(`${what}: ${err.message}`, { cause: err, plugs });
}

class ApcSnmpSession implements PlugSession {
  constructor(
    private readonly snmp: Snmp,
    private readonly tables: OutletTables,
  ) {}

  async readPlugs(): Promise<PlugInfo[]> {
    const names = await this.snmp.walk(this.tables.names);
    const states = await this.snmp.walk(this.tables.status);
    const stateOf = new Map(states.map((vb) => [lastComponent(vb.oid), Number(vb.value)]));
    const plugs = names.map((vb) => {
      const plug = lastComponent(vb.oid);
      const name = Buffer.isBuffer(vb.value) ? vb.value.toString('latin1') : String(vb.value);
      const state: PowerState = stateOf.get(plug) === this.tables.values.on ? 'on' : 'off';
      return { plug, name: name === '' ? null : name, state };
    });
    if (plugs.length === 0) throw new ProtocolError(`the card's ${this.tables.kind} outlet table is empty`);
    return plugs.sort((a, b) => a.plug - b.plug);
  }

  async setPlugs(plugs: readonly number[], state: PowerState): Promise<void> {
    for (const plug of plugs) await this.snmp.set(`${this.tables.control}.${plug}`, this.tables.values[state], plug);
  }

  /** One scalar read as text (a DisplayString). */
  async text(oid: string): Promise<string> {
    const [vb] = await this.snmp.get([oid]);
    return Buffer.isBuffer(vb?.value) ? vb.value.toString('latin1') : String(vb?.value ?? '');
  }
}

function lastComponent(oid: string): number {
  return Number(oid.slice(oid.lastIndexOf('.') + 1));
}
