/**
 * Typed errors with stable codes. The code is what scripts and the CLI's exit
 * status depend on; the message is for people and may change.
 *
 * Split by origin: the device refused (Auth, Busy, UnknownPlug), the line failed
 * (Timeout, Protocol, Connection), or the caller misused the API (Usage).
 */
export type FencekitErrorCode =
  | 'EAUTH'
  | 'EBUSY'
  | 'ETIMEOUT'
  | 'EUNKNOWNPLUG'
  | 'EPROTOCOL'
  | 'ECONNECTION'
  | 'EABORTED'
  | 'EUSAGE';

export class FencekitError extends Error {
  readonly code: FencekitErrorCode;
  constructor(code: FencekitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The device rejected the credentials. */
export class AuthError extends FencekitError {
  constructor(message = 'the device rejected the password', options?: { cause?: unknown }) {
    super('EAUTH', message, options);
  }
}

/** Another session holds the device's single-session lock. */
export class BusyError extends FencekitError {
  constructor(message = 'the device is busy with another session', options?: { cause?: unknown }) {
    super('EBUSY', message, options);
  }
}

/** A wait ran out of time; `phase` says which one. */
export class TimeoutError extends FencekitError {
  readonly phase: string;
  constructor(phase: string, message?: string, options?: { cause?: unknown }) {
    super('ETIMEOUT', message ?? `timed out during ${phase}`, options);
    this.phase = phase;
  }
}

/** The target names no plug on the device. */
export class UnknownPlugError extends FencekitError {
  readonly target: string;
  constructor(target: string, message?: string, options?: { cause?: unknown }) {
    super('EUNKNOWNPLUG', message ?? `no plug matches '${target}'`, options);
    this.target = target;
  }
}

/** The device said something we cannot make sense of. */
export class ProtocolError extends FencekitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EPROTOCOL', message, options);
  }
}

/** The connection could not be made or was lost. */
export class ConnectionError extends FencekitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ECONNECTION', message, options);
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends FencekitError {
  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super('EABORTED', message, options);
  }
}

/** The caller misused the API or the CLI. */
export class UsageError extends FencekitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EUSAGE', message, options);
  }
}
