/**
 * fencekit's public surface (the package's main entry): the core and every vendor's driver.
 * A WTI-only user imports `fencekit/wti` instead and never loads SSH, SNMP or XML code.
 * A test (test/unit/public-exports.test.ts) pins this list.
 */
export * from '../src/index.js';
export {
  type ApcMode,
  type ApcOptions,
  type ApcSnmpOptions,
  type ApcSnmpSwitch,
  type ApcSwitch,
  createApcSnmpSwitch,
  createApcSwitch,
} from './apc/index.js';
export {
  createIloSshSwitch,
  createIloSwitch,
  createRedfishSwitch,
  type IloOptions,
  type IloSshOptions,
  type IloSwitch,
  type RedfishOptions,
} from './ilo/index.js';
export { createWtiSwitch, type WtiFamily, type WtiOptions, type WtiSwitch } from './wti/index.js';
