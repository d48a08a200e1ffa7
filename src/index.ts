/**
 * fencekit's core (`fencekit/core`): fencing semantics, errors, dialogs and transports,
 * without any vendor. The umbrella entry (`drivers/index.ts`) adds the vendors.
 * A test (test/unit/public-exports.test.ts) pins this list.
 */
export { Deadline } from './deadline.js';
export { Dialog, type ExpectOptions, type ExpectResult } from './dialog.js';
export {
  AbortedError,
  AuthError,
  BusyError,
  ConnectionError,
  FencekitError,
  type FencekitErrorCode,
  type FencekitErrorOptions,
  ProtocolError,
  type Remedy,
  TimeoutError,
  UnknownPlugError,
  UsageError,
} from './errors.js';
export { Fencer, type FencerOptions, type PlugBackend, type PlugSession, resolveTarget } from './fencing.js';
export type {
  OperationOptions,
  PlugAction,
  PlugInfo,
  PlugResult,
  PlugTarget,
  PowerState,
  PowerSwitch,
} from './power-switch.js';
export { cutReply, type ProgressEvent, type ProgressEventType, type ProgressListener } from './progress.js';
export { type Transcript, type TranscriptDirection, transcriptTo } from './transcript.js';
export type { ByteStream, ByteStreamHandlers } from './transport/byte-stream.js';
export { memoryPair } from './transport/memory.js';
export { openSerial, parseSerialSpec, type SerialOptions } from './transport/serial.js';
export { connectSsh, type SshConnectOptions, sshFingerprint } from './transport/ssh.js';
export { connectTelnet, type TelnetConnectOptions } from './transport/telnet.js';
