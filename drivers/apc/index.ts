export { type ApcSnmpOptions, type ApcSnmpSwitch, createApcSnmpSwitch } from './apc-snmp.js';
export { type ApcOptions, type ApcSwitch, createApcSwitch } from './apc-switch.js';
export type { ApcMode } from './dialect.js';
