/**
 * `fencekit/wti`: the WTI driver and what a WTI user handles with it (the
 * errors to catch, the result types), loading nothing of SSH, SNMP or XML.
 * The same classes come from `fencekit/core` and `fencekit`: `instanceof` holds
 * whichever entry a program imports them from.
 */
export {
  AbortedError,
  AuthError,
  BusyError,
  ConnectionError,
  FencekitError,
  type FencekitErrorCode,
  ProtocolError,
  TimeoutError,
  UnknownPlugError,
  UsageError,
} from '../../src/errors.js';
export type {
  OperationOptions,
  PlugAction,
  PlugInfo,
  PlugResult,
  PlugTarget,
  PowerState,
  PowerSwitch,
} from '../../src/power-switch.js';
export { type Transcript, type TranscriptDirection, transcriptTo } from '../../src/transcript.js';
export { FAMILY_PROMPTS, type WtiFamily } from './dialect.js';
export { parseStatusTable } from './status-table.js';
export { createWtiSwitch, type WtiOptions, type WtiSwitch } from './wti-switch.js';
