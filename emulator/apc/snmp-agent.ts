import dgram from 'node:dgram';
import net from 'node:net';
import snmp from 'net-snmp';
import type { EmulatorEvent } from '../events.js';
import { SLOW_MS } from '../fault-effects.js';
import type { ApcDevice, ApcSnmpUser } from './apc-device.js';
import type { Mib } from './snmp-mib.js';
import { createApcMib } from './snmp-powernet.js';
import { ErrorStatus, respond, type SnmpRequest, type Varbind } from './snmp-responder.js';
import { SnmpStats } from './snmp-stats.js';

/**
 * The card's SNMP agent (v1, v2c, v3), answering as the unit its model and
 * firmware make it (identity.ts): MIB-II, the PowerNet-MIB tables of its
 * generation, SETs that switch the outlets, real SNMP errors for bad SETs,
 * and MIB-II `snmp` counters of what it really received and sent.
 *
 * net-snmp carries the packets: its agent owns the UDP socket, decodes and
 * encodes messages, checks communities and USM users, answers SNMPv3 engine
 * discovery, authenticates and decrypts. The command responder is ours
 * (snmp-responder.ts over snmp-mib.ts), because net-snmp's own answers differ
 * from a real agent's where the real clients can tell:
 * - to SNMPv1 it answers a missing OID with a noSuchInstance varbind, which v1
 *   does not have, instead of a noSuchName error (fence_apc_snmp must fail on
 *   an outlet that does not exist, not read it as "off");
 * - it checks a SET by casting the value, not by its ASN.1 type, so `s "1"`,
 *   `u 1` or `a 1.2.3.4` pass for an INTEGER instead of giving wrongType;
 * - it gives badValue, a v1 code, to v2c for a value out of range.
 *
 * So net-snmp's agent dispatches each request to us: its four request
 * handlers on the agent instance are replaced. That, the authorizer's lists
 * (read from the device at each message, so a community changed on the card
 * applies at once) and the socket factory (net-snmp turns port 0 into 161) are
 * the three places this file reaches into net-snmp 3.x beyond its documented API.
 *
 * The device's faults, read at each message (docs/emulator.md §13):
 * - `hang`: nothing is answered, not even SNMPv3 discovery; requests are not acted on;
 * - `slow`: every datagram leaves SLOW_MS late;
 * - `garbled`: every datagram is sent malformed (its contents scrambled
 *   behind the outer header), which a manager cannot decode;
 * - `refuse-login`: the right community is dropped as an unknown one (and
 *   counted so), an SNMPv3 user's authentication fails as with a wrong key
 *   (net-snmp drops the message), a noAuthNoPriv user is dropped;
 * - `stuck-relay`: SETs are answered as usual and no outlet moves (the bank's);
 * - `busy`, `hang-after-login`, `drop-after-login`, `stall-mid-screen`: no
 *   meaning for SNMP, which has no sessions, logins or screens: no effect.
 */
export interface ApcSnmpOptions {
  host: string;
  port: number;
  device: ApcDevice;
  emit: (e: EmulatorEvent) => void;
  /** SNMPv3 users; given, they replace the device's `snmpUsers`. */
  v3Users?: ApcSnmpUser[];
}

/** The parts of a decoded net-snmp message the responder reads. */
interface IncomingMessage {
  version: number;
  community?: string;
  user?: { name: string };
  pdu: {
    type: number;
    varbinds: Varbind[];
    nonRepeaters?: number;
    maxRepetitions?: number;
    getResponsePduForRequest(): { errorStatus?: number; errorIndex?: number; varbinds: Varbind[] };
  };
  createResponseForRequest(pdu: unknown): unknown;
}

type RequestHandler = (socket: dgram.Socket, message: IncomingMessage, rinfo: dgram.RemoteInfo) => void;

/** net-snmp's Agent, as far as this file uses it. */
interface NetSnmpAgent {
  getAuthorizer(): object;
  listener: { send(message: unknown, rinfo: dgram.RemoteInfo, socket: dgram.Socket): void };
  getRequest: RequestHandler;
  getNextRequest: RequestHandler;
  getBulkRequest: RequestHandler;
  setRequest: RequestHandler;
  close(callback?: () => void): void;
}

const KINDS: Record<number, SnmpRequest['kind'] | undefined> = {
  [snmp.PduType.GetRequest]: 'get',
  [snmp.PduType.GetNextRequest]: 'getnext',
  [snmp.PduType.GetBulkRequest]: 'getbulk',
  [snmp.PduType.SetRequest]: 'set',
};

/** Types net-snmp can encode when a response echoes a request's varbind. */
const ECHOABLE = new Set<number>([
  snmp.ObjectType.Integer,
  snmp.ObjectType.OctetString,
  snmp.ObjectType.Null,
  snmp.ObjectType.OID,
  snmp.ObjectType.IpAddress,
  snmp.ObjectType.Counter,
  snmp.ObjectType.Gauge,
  snmp.ObjectType.TimeTicks,
  snmp.ObjectType.Opaque,
]);

/**
 * A datagram no manager can decode: the outer SEQUENCE's tag and length are
 * kept (so it still looks like SNMP on the wire), everything inside is
 * scrambled, starting with the version's INTEGER tag.
 */
export function garbleDatagram(buffer: Buffer): Buffer {
  const out = Buffer.from(buffer);
  const lengthBytes = (out[1] ?? 0) & 0x80 ? ((out[1] ?? 0) & 0x7f) + 2 : 2;
  for (let i = lengthBytes; i < out.length; i++) out[i] = (out[i] as number) ^ 0xa5;
  return out;
}

/** A key no client holds: what the card's USM compares against while refuse-login is on. */
const REFUSED_KEY_SUFFIX = '\u0000refused';

function netSnmpUser(u: ApcSnmpUser): snmp.User {
  const level = u.privKey
    ? snmp.SecurityLevel.authPriv
    : u.authKey
      ? snmp.SecurityLevel.authNoPriv
      : snmp.SecurityLevel.noAuthNoPriv;
  return {
    name: u.name,
    level,
    authProtocol: u.authProtocol === 'md5' ? snmp.AuthProtocols.md5 : snmp.AuthProtocols.sha,
    authKey: u.authKey,
    privProtocol: u.privProtocol === 'des' ? snmp.PrivProtocols.des : snmp.PrivProtocols.aes,
    privKey: u.privKey,
  };
}

export class ApcSnmpAgent {
  private readonly started = Date.now();
  private readonly mib: Mib;
  /** What came in and went out, for MIB-II's `snmp` and `interfaces` counters. */
  readonly stats: SnmpStats;
  private readonly bound: { address: string; port: number };
  private closed: Promise<void> | null = null;
  /** Responses held back by the slow fault, cancelled at close. */
  private readonly held: Set<NodeJS.Timeout>;

  private constructor(
    private readonly opts: ApcSnmpOptions,
    private readonly agent: NetSnmpAgent,
    socket: dgram.Socket,
    stats: SnmpStats,
    held: Set<NodeJS.Timeout>,
  ) {
    this.held = held;
    const a = socket.address();
    this.bound = { address: a.address, port: a.port };
    this.stats = stats;
    this.mib = createApcMib({
      device: opts.device,
      uptime: () => (Date.now() - this.started) / 10,
      emit: opts.emit,
      stats,
    });

    const answer: RequestHandler = (s, message, rinfo) => this.answer(s, message, rinfo);
    agent.getRequest = answer;
    agent.getNextRequest = answer;
    agent.getBulkRequest = answer;
    agent.setRequest = answer;
    const device = opts.device;
    const refused = () => device.faults.has('refuse-login');
    Object.defineProperties(agent.getAuthorizer(), {
      // refuse-login: no community is known, so net-snmp drops the message as for a wrong one.
      communities: { get: () => (refused() ? [] : [device.communities.read, device.communities.write]) },
      // refuse-login: the key compared against is one no client holds, so authentication fails.
      users: {
        get: () =>
          device.snmpUsers.map((u) =>
            netSnmpUser(refused() && u.authKey ? { ...u, authKey: u.authKey + REFUSED_KEY_SUFFIX } : u),
          ),
      },
    });
  }

  static start(opts: ApcSnmpOptions): Promise<ApcSnmpAgent> {
    if (opts.v3Users) opts.device.snmpUsers = opts.v3Users.map((u) => ({ ...u }));
    const transport = net.isIPv6(opts.host) ? 'udp6' : 'udp4';
    let socket: dgram.Socket | undefined;
    const faults = opts.device.faults;
    const held = new Set<NodeJS.Timeout>();
    // net-snmp binds `port || 161`; the socket we hand it binds where we were asked, port 0 included.
    const dgramModule = {
      createSocket(type: 'udp4' | 'udp6') {
        const s = dgram.createSocket(type);
        // Counted before net-snmp decodes: snmpInPkts is every message delivered, readable or not.
        s.prependListener('message', (buffer: Buffer) => stats.received(buffer.length));
        // Every datagram handed to the socket is one snmpOutPkts, whoever built it (responses, v3 reports).
        // The output faults act here, on every datagram alike.
        const send = s.send.bind(s) as (buffer: Buffer, ...rest: unknown[]) => void;
        Object.assign(s, {
          send: (buffer: Buffer, ...rest: unknown[]) => {
            if (faults.has('hang')) return;
            const out = faults.has('garbled') ? garbleDatagram(buffer) : buffer;
            stats.sent(out.length);
            if (!faults.has('slow')) return send(out, ...rest);
            const timer = setTimeout(() => {
              held.delete(timer);
              send(out, ...rest);
            }, SLOW_MS);
            held.add(timer);
          },
        });
        const bind = s.bind.bind(s);
        Object.assign(s, { bind: () => bind({ port: opts.port, address: opts.host, exclusive: true }) });
        socket = s;
        return s;
      },
    };
    // Bad packets and refused communities or users come here; a card ignores them too, and counts them.
    const stats = new SnmpStats();
    const onAgentError = (err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      if (/community not found/i.test(text)) stats.inBadCommunityNames++;
      else if (err instanceof Error && err.name === 'ProcessingError') stats.inAsnParseErrs++;
    };
    const agent = snmp.createAgent(
      { address: opts.host, port: opts.port || 161, transport, dgramModule, disableAuthorization: false },
      onAgentError,
    ) as NetSnmpAgent;
    return new Promise((resolve, reject) => {
      const s = socket;
      if (!s) {
        reject(new Error('net-snmp did not create its socket'));
        return;
      }
      const onError = (err: Error) => {
        s.off('listening', onListening);
        agent.close();
        reject(err);
      };
      const onListening = () => {
        s.off('error', onError);
        const a = s.address();
        opts.emit({ type: 'listening', frontEnd: 'snmp', address: `${a.address}:${a.port}` });
        resolve(new ApcSnmpAgent(opts, agent, s, stats, held));
      };
      s.once('error', onError);
      s.once('listening', onListening);
    });
  }

  /** Where the agent listens (still readable after close). */
  get address(): { address: string; port: number } {
    return { ...this.bound };
  }

  close(): Promise<void> {
    for (const timer of this.held) clearTimeout(timer);
    this.held.clear();
    this.closed ??= new Promise((resolve) => this.agent.close(() => resolve()));
    return this.closed;
  }

  private access(message: IncomingMessage): 'read' | 'write' | null {
    const { communities, snmpUsers, faults } = this.opts.device;
    if (faults.has('refuse-login')) return null;
    if (message.version === snmp.Version3) {
      const user = snmpUsers.find((u) => u.name === message.user?.name);
      return user ? (user.access ?? 'write') : null;
    }
    if (message.community === communities.write) return 'write';
    if (message.community === communities.read) return 'read';
    return null;
  }

  private answer(socket: dgram.Socket, message: IncomingMessage, rinfo: dgram.RemoteInfo): void {
    // A hung card acts on nothing it is sent (and the socket's send drops any answer).
    if (this.opts.device.faults.has('hang')) return;
    const kind = KINDS[message.pdu.type];
    const access = this.access(message);
    // An unknown community is dropped, as a card does; SNMPv1 has no GETBULK.
    if (!access) {
      this.stats.inBadCommunityNames++;
      return;
    }
    if (!kind || (kind === 'getbulk' && message.version === snmp.Version1)) {
      this.stats.silentDrops++;
      return;
    }
    this.stats.request(kind);
    if (kind === 'set' && access === 'read') this.stats.inBadCommunityUses++;
    const version = message.version === snmp.Version1 ? 'v1' : message.version === snmp.Version2c ? 'v2c' : 'v3';
    const request: SnmpRequest = {
      version,
      kind,
      access,
      varbinds: message.pdu.varbinds,
      nonRepeaters: message.pdu.nonRepeaters,
      maxRepetitions: message.pdu.maxRepetitions,
      by: `snmp ${rinfo.address}:${rinfo.port}`,
      ...(message.version === snmp.Version3 && message.user?.name ? { user: message.user.name } : {}),
    };
    const pdu = message.pdu.getResponsePduForRequest();
    try {
      const result = respond(this.mib, request);
      pdu.errorStatus = result.errorStatus;
      pdu.errorIndex = result.errorIndex;
      pdu.varbinds = result.varbinds.map((vb) =>
        vb.type >= 0x80 || ECHOABLE.has(vb.type) ? vb : { ...vb, type: snmp.ObjectType.Null, value: null },
      );
      this.stats.response(kind, result.errorStatus, result.varbinds.length);
      this.agent.listener.send(message.createResponseForRequest(pdu), rinfo, socket);
    } catch {
      pdu.errorStatus = ErrorStatus.genErr;
      pdu.errorIndex = 1;
      pdu.varbinds = request.varbinds.map((vb) => ({ oid: vb.oid, type: snmp.ObjectType.Null, value: null }));
      this.stats.response(kind, ErrorStatus.genErr, 0);
      try {
        this.agent.listener.send(message.createResponseForRequest(pdu), rinfo, socket);
      } catch {
        // Nothing sensible left to send.
      }
    }
  }
}
