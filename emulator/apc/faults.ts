// The fault names alone, so the list of model kinds (emulator/models.ts) reads them without
// loading the card's model.
/**
 * Named faults, each taking effect at the next connection, login or command
 * after it is added to or removed from the device's `faults` (docs/emulator.md
 * §13 says what each front-end does with it):
 * - busy: telnet and SSH turn every new session away as when the card is full;
 * - hang: connections are accepted and answered with nothing, SNMP requests too;
 * - hang-after-login, drop-after-login: the card goes silent, or hangs up, right after a login;
 * - refuse-login: right passwords, communities and SNMPv3 keys are refused as wrong ones;
 * - slow: every answer 2 s late (SNMP responses too);
 * - garbled: output is line noise, SNMP responses are malformed;
 * - stall-mid-screen: an outlet screen stops half-way and the card goes silent;
 * - stuck-relay: commands are acknowledged, no outlet moves.
 */
export const APC_FAULTS = [
  'busy',
  'hang',
  'hang-after-login',
  'drop-after-login',
  'refuse-login',
  'slow',
  'garbled',
  'stall-mid-screen',
  'stuck-relay',
] as const;
export type ApcFault = (typeof APC_FAULTS)[number];
