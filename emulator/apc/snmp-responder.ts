/**
 * The command responder: one decoded request in, the response PDU's error
 * status, error index and varbinds out, against a Mib. No I/O, no encoding.
 *
 * Error semantics follow RFC 3416 §4.2 for SNMPv2c/v3, and RFC 1157 with the
 * RFC 2576 §4.4 mapping for SNMPv1, as net-snmp's snmpd answers:
 *
 * | case                                        | v2c / v3                      | v1          |
 * |---------------------------------------------|-------------------------------|-------------|
 * | GET of an unknown object / missing instance | noSuchObject / noSuchInstance | noSuchName  |
 * | GETNEXT past the last object                | endOfMibView                  | noSuchName  |
 * | SET with a read-only community or user      | noAccess                      | noSuchName  |
 * | SET of a read-only or unknown object        | notWritable                   | noSuchName  |
 * | SET of a missing row of a writable column   | noCreation                    | noSuchName  |
 * | SET with the wrong ASN.1 type               | wrongType                     | badValue    |
 * | SET of a string that is too long           | wrongLength                   | badValue    |
 * | SET of a value out of range                 | wrongValue                    | badValue    |
 *
 * A SET is all or nothing: every variable is checked before any is applied.
 * An error response carries the request's varbinds unchanged.
 */
import { Asn, formatOid, type Mib, type MibInstance, type Oid, parseOid } from './snmp-mib.js';

export const ErrorStatus = {
  noError: 0,
  tooBig: 1,
  noSuchName: 2,
  badValue: 3,
  readOnly: 4,
  genErr: 5,
  noAccess: 6,
  wrongType: 7,
  wrongLength: 8,
  wrongEncoding: 9,
  wrongValue: 10,
  noCreation: 11,
  inconsistentValue: 12,
  resourceUnavailable: 13,
  commitFailed: 14,
  undoFailed: 15,
  authorizationError: 16,
  notWritable: 17,
  inconsistentName: 18,
} as const;
export type ErrorName = keyof typeof ErrorStatus;

/** The varbind exceptions of SNMPv2 (RFC 3416 §3). */
export const Exception = { noSuchObject: 0x80, noSuchInstance: 0x81, endOfMibView: 0x82 } as const;

/** RFC 2576 §4.4: what an SNMPv1 manager is told instead of an SNMPv2 error. */
const V1_ERROR: Partial<Record<ErrorName, ErrorName>> = {
  noAccess: 'noSuchName',
  notWritable: 'noSuchName',
  noCreation: 'noSuchName',
  inconsistentName: 'noSuchName',
  authorizationError: 'noSuchName',
  wrongType: 'badValue',
  wrongLength: 'badValue',
  wrongEncoding: 'badValue',
  wrongValue: 'badValue',
  inconsistentValue: 'badValue',
  resourceUnavailable: 'genErr',
  commitFailed: 'genErr',
  undoFailed: 'genErr',
};

export interface Varbind {
  oid: string;
  type: number;
  value: unknown;
}

export interface SnmpRequest {
  version: 'v1' | 'v2c' | 'v3';
  kind: 'get' | 'getnext' | 'getbulk' | 'set';
  /** What the community or user may do. */
  access: 'read' | 'write';
  varbinds: readonly Varbind[];
  nonRepeaters?: number;
  maxRepetitions?: number;
  /** Who is asking, for the events a SET causes: "snmp ADDRESS:PORT". */
  by: string;
  /** The SNMPv3 user asking (none for a community, which names no one). */
  user?: string;
}

export interface SnmpResponse {
  errorStatus: number;
  errorIndex: number;
  varbinds: Varbind[];
  /** The error's name before any v1 mapping, for logs and tests. */
  error?: ErrorName;
}

/** Varbinds a GETBULK response carries at most, so it stays one UDP datagram. */
export const MAX_BULK_VARBINDS = 500;

export function respond(mib: Mib, req: SnmpRequest): SnmpResponse {
  switch (req.kind) {
    case 'get':
      return get(mib, req);
    case 'getnext':
      return getNext(mib, req);
    case 'getbulk':
      return getBulk(mib, req);
    case 'set':
      return set(mib, req);
  }
}

function value(instance: MibInstance): Varbind {
  return { oid: formatOid(instance.oid), type: instance.object.type, value: instance.object.get(instance.index) };
}

function fail(req: SnmpRequest, error: ErrorName, index: number): SnmpResponse {
  const sent = req.version === 'v1' ? (V1_ERROR[error] ?? error) : error;
  return { errorStatus: ErrorStatus[sent], errorIndex: index + 1, varbinds: [...req.varbinds], error };
}

function ok(varbinds: Varbind[]): SnmpResponse {
  return { errorStatus: ErrorStatus.noError, errorIndex: 0, varbinds };
}

function get(mib: Mib, req: SnmpRequest): SnmpResponse {
  const out: Varbind[] = [];
  for (const [i, vb] of req.varbinds.entries()) {
    const oid = parseOid(vb.oid);
    const found = oid ? mib.lookup(oid) : 'noSuchObject';
    if (typeof found !== 'string') {
      out.push(value(found));
    } else if (req.version === 'v1') {
      return fail(req, 'noSuchName', i);
    } else {
      out.push({ oid: vb.oid, type: Exception[found], value: null });
    }
  }
  return ok(out);
}

function nextOf(mib: Mib, oidText: string): MibInstance | null {
  return mib.next(parseOid(oidText) ?? ([] as Oid));
}

function getNext(mib: Mib, req: SnmpRequest): SnmpResponse {
  const out: Varbind[] = [];
  for (const [i, vb] of req.varbinds.entries()) {
    const next = nextOf(mib, vb.oid);
    if (next) out.push(value(next));
    else if (req.version === 'v1') return fail(req, 'noSuchName', i);
    else out.push({ oid: vb.oid, type: Exception.endOfMibView, value: null });
  }
  return ok(out);
}

/** RFC 3416 §4.2.3. Only v2c and v3 carry GETBULK; the agent drops it in v1. */
function getBulk(mib: Mib, req: SnmpRequest): SnmpResponse {
  const vbs = req.varbinds;
  const n = Math.min(Math.max(req.nonRepeaters ?? 0, 0), vbs.length);
  const m = Math.max(req.maxRepetitions ?? 0, 0);
  const out: Varbind[] = [];
  const step = (oid: string): Varbind => {
    const next = nextOf(mib, oid);
    return next ? value(next) : { oid, type: Exception.endOfMibView, value: null };
  };
  for (const vb of vbs.slice(0, n)) out.push(step(vb.oid));
  let cursors = vbs.slice(n).map((vb) => vb.oid);
  for (let r = 0; r < m && cursors.length > 0; r++) {
    if (out.length + cursors.length > MAX_BULK_VARBINDS) break;
    const row = cursors.map(step);
    out.push(...row);
    if (row.every((vb) => vb.type === Exception.endOfMibView)) break;
    cursors = row.map((vb) => vb.oid);
  }
  return ok(out);
}

interface PlannedSet {
  instance: MibInstance;
  value: unknown;
}

function set(mib: Mib, req: SnmpRequest): SnmpResponse {
  const plan: PlannedSet[] = [];
  for (const [i, vb] of req.varbinds.entries()) {
    if (req.access !== 'write') return fail(req, 'noAccess', i);
    const oid = parseOid(vb.oid);
    const found = oid ? mib.lookup(oid) : 'noSuchObject';
    if (typeof found === 'string') {
      // A missing row of a writable column could exist, but is never created here.
      const column = found === 'noSuchInstance' && oid ? mib.objects.find((o) => isPrefix(o.oid, oid)) : undefined;
      return fail(req, column?.write ? 'noCreation' : 'notWritable', i);
    }
    const write = found.object.write;
    if (!write) return fail(req, 'notWritable', i);
    if (vb.type !== found.object.type) return fail(req, 'wrongType', i);
    const v = found.object.type === Asn.OctetString && typeof vb.value === 'string' ? Buffer.from(vb.value) : vb.value;
    const refusal = write.check(v, found.index);
    if (refusal) return fail(req, refusal, i);
    plan.push({ instance: found, value: v });
  }
  for (const { instance, value: v } of plan) instance.object.write?.apply(v, instance.index, req.by, req.user);
  return ok([...req.varbinds]);
}

function isPrefix(prefix: Oid, oid: Oid): boolean {
  return prefix.length <= oid.length && prefix.every((n, i) => oid[i] === n);
}
