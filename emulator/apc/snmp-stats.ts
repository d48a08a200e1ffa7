/**
 * What the card's SNMP agent has really received and sent, for MIB-II's
 * `snmp` group (RFC 1213 §6.11, SNMPv2-MIB) and the one interface's packet
 * and octet counters. snmp-agent.ts counts as packets arrive and leave;
 * snmp-mib2.ts reads. No I/O here.
 *
 * The card's only interface, as far as the emulator can see, carries its SNMP
 * traffic: ifInOctets / ifOutOctets count SNMP datagrams, not telnet or SSH.
 */
export class SnmpStats {
  /** Messages delivered to the agent, readable or not (snmpInPkts). */
  inPkts = 0;
  /** Messages handed to the socket (snmpOutPkts). */
  outPkts = 0;
  inOctets = 0;
  outOctets = 0;
  /** Messages that could not be decoded (snmpInASNParseErrs). */
  inAsnParseErrs = 0;
  /** A community the card does not have (snmpInBadCommunityNames). */
  inBadCommunityNames = 0;
  /** A SET with the read community (snmpInBadCommunityUses). */
  inBadCommunityUses = 0;
  /** Variables read by successful GET and GETNEXT requests (snmpInTotalReqVars). */
  inTotalReqVars = 0;
  /** Variables changed by successful SETs (snmpInTotalSetVars). */
  inTotalSetVars = 0;
  inGetRequests = 0;
  inGetNexts = 0;
  inSetRequests = 0;
  /** Responses by error status (snmpOut…). */
  outTooBigs = 0;
  outNoSuchNames = 0;
  outBadValues = 0;
  outGenErrs = 0;
  outGetResponses = 0;
  /** Requests dropped without an answer (SNMPv2-MIB snmpSilentDrops): GETBULK in SNMPv1. */
  silentDrops = 0;

  received(octets: number): void {
    this.inPkts++;
    this.inOctets += octets;
  }

  sent(octets: number): void {
    this.outPkts++;
    this.outOctets += octets;
  }

  request(kind: 'get' | 'getnext' | 'getbulk' | 'set'): void {
    if (kind === 'get') this.inGetRequests++;
    else if (kind === 'getnext') this.inGetNexts++;
    else if (kind === 'set') this.inSetRequests++;
  }

  /** A response about to go out, with the error status it carries (as sent, after any v1 mapping). */
  response(kind: 'get' | 'getnext' | 'getbulk' | 'set', errorStatus: number, varbinds: number): void {
    this.outGetResponses++;
    if (errorStatus === 1) this.outTooBigs++;
    else if (errorStatus === 2) this.outNoSuchNames++;
    else if (errorStatus === 3) this.outBadValues++;
    else if (errorStatus === 5) this.outGenErrs++;
    if (errorStatus !== 0) return;
    if (kind === 'set') this.inTotalSetVars += varbinds;
    else this.inTotalReqVars += varbinds;
  }
}

/** SNMP counters are Counter32: they wrap at 2^32. */
export function counter32(n: number): number {
  return n % 2 ** 32;
}
