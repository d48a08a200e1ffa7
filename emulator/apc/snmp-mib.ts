/**
 * An SNMP agent's objects as data: OID, syntax, rows, how each reads and,
 * for the writable ones, what a SET accepts and does; and the ordered view
 * GET, GETNEXT and SET look instances up in. No I/O and no protocol here:
 * snmp-responder.ts answers requests from a Mib, snmp-agent.ts carries the
 * packets. The APC card's objects are in snmp-powernet.ts (PowerNet-MIB) and
 * snmp-mib2.ts (MIB-II).
 */

/** ASN.1 tags of the syntaxes served; the numbers net-snmp's ObjectType uses. */
export const Asn = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  ObjectIdentifier: 6,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
} as const;
export type AsnTag = (typeof Asn)[keyof typeof Asn];

export type Oid = readonly number[];

/** Why one variable of a SET is refused, in SNMPv2 terms (snmp-responder.ts maps them down for v1). */
export type SetRefusal = 'wrongLength' | 'wrongValue';

export interface MibWrite {
  /** null when the value may be set; the tag has been checked already. */
  check(value: unknown, index: number): SetRefusal | null;
  /** `user`: the SNMPv3 user who asked, for the events (none for a community). */
  apply(value: unknown, index: number, by: string, user?: string): void;
}

export interface MibObject {
  /** The PowerNet-MIB (or MIB-II) descriptor, for docs and debugging. */
  readonly name: string;
  /** The OBJECT-TYPE's OID; an instance is this plus the row index (0 for a scalar). */
  readonly oid: Oid;
  readonly type: AsnTag;
  readonly indexes: readonly number[];
  /** A Buffer for an OCTET STRING that is not text (ifPhysAddress). */
  get(index: number): number | string | Buffer;
  readonly write?: MibWrite;
}

export interface MibInstance {
  readonly oid: Oid;
  readonly object: MibObject;
  readonly index: number;
}

export function parseOid(text: string): Oid | null {
  const parts = text.replace(/^\./, '').split('.');
  const oid = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
  return oid.every((n) => Number.isSafeInteger(n) && n <= 0xffffffff) ? oid : null;
}

export function formatOid(oid: Oid): string {
  return oid.join('.');
}

export function compareOids(a: Oid, b: Oid): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function startsWith(oid: Oid, prefix: Oid): boolean {
  return prefix.length <= oid.length && prefix.every((n, i) => oid[i] === n);
}

/** The instances of a set of objects in OID order, for GET, GETNEXT and SET lookups. */
export class Mib {
  private readonly instances: MibInstance[];

  constructor(readonly objects: readonly MibObject[]) {
    this.instances = objects
      .flatMap((object) => object.indexes.map((index) => ({ oid: [...object.oid, index], object, index })))
      .sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** The instance at exactly this OID, else whether its object exists at all (noSuchInstance) or not (noSuchObject). */
  lookup(oid: Oid): MibInstance | 'noSuchInstance' | 'noSuchObject' {
    const i = this.search(oid);
    const found = this.instances[i];
    if (found && compareOids(found.oid, oid) === 0) return found;
    return this.objects.some((o) => startsWith(oid, o.oid)) ? 'noSuchInstance' : 'noSuchObject';
  }

  /** The first instance after this OID in lexicographic order, null at the end of the MIB view. */
  next(oid: Oid): MibInstance | null {
    let i = this.search(oid);
    const at = this.instances[i];
    if (at && compareOids(at.oid, oid) === 0) i++;
    return this.instances[i] ?? null;
  }

  /** Index of the first instance ≥ oid. */
  private search(oid: Oid): number {
    let lo = 0;
    let hi = this.instances.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOids((this.instances[mid] as MibInstance).oid, oid) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---------------------------------------------------------------------------
// Building objects.

/** A scalar: one instance, index 0. */
export function scalar(
  name: string,
  oid: string,
  type: AsnTag,
  get: () => number | string | Buffer,
  write?: MibWrite,
): MibObject {
  return { name, oid: parseOid(oid) as Oid, type, indexes: [0], get: () => get(), write };
}

/** A column of a table indexed by one integer. */
export function column(
  name: string,
  oid: string,
  type: AsnTag,
  indexes: readonly number[],
  get: (index: number) => number | string | Buffer,
  write?: MibWrite,
): MibObject {
  return { name, oid: parseOid(oid) as Oid, type, indexes, get, write };
}

const isDisplayString = (b: Buffer) => b.every((c) => c >= 0x20 && c <= 0x7e);

/** A DisplayString of at most `max` characters. */
export function text(max: number, apply: (value: string, index: number, by: string) => void): MibWrite {
  return {
    check: (value) => {
      const b = value as Buffer;
      if (b.length > max) return 'wrongLength';
      return isDisplayString(b) ? null : 'wrongValue';
    },
    apply: (value, index, by) => apply((value as Buffer).toString('latin1'), index, by),
  };
}

/** An INTEGER taking only the listed values. */
export function choice(
  allowed: (n: number) => boolean,
  apply: (value: number, index: number, by: string, user?: string) => void,
): MibWrite {
  return {
    check: (value) => (allowed(value as number) ? null : 'wrongValue'),
    apply: (value, index, by, user) => apply(value as number, index, by, user),
  };
}
