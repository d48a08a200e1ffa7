/**
 * Typed errors with stable codes. The code is what scripts and the CLI's exit
 * status depend on; the message is for people and may change.
 *
 * Split by origin: the device refused (Auth, Busy, UnknownPlug), the line failed
 * (Timeout, Protocol, Connection), or the caller misused the API (Usage).
 *
 * Beside the code, an error carries what a caller needs to act on it without
 * reading the message: the plugs concerned, the device's reply (cut to a
 * readable length) and, when the device gave one, its own status code.
 */
import { cutReply } from './progress.js';

export type FencekitErrorCode =
  | 'EAUTH'
  | 'EBUSY'
  | 'ETIMEOUT'
  | 'EUNKNOWNPLUG'
  | 'EPROTOCOL'
  | 'ECONNECTION'
  | 'EABORTED'
  | 'EUSAGE';

/**
 * What the caller could do about a failure, vendor- and CLI-neutral: each
 * front-end words it in its own options (fencekit power: --ca, --insecure,
 * --host-key; fence_fencekit: ssl_ca=, ssl_insecure=1, host_key=, …).
 */
export type Remedy =
  /** Trust the device's TLS certificate (or its CA) by giving it. */
  | 'trust-ca'
  /** Turn the TLS certificate check off (a lab). */
  | 'tls-insecure'
  /** Give the SSH host key fingerprint the device is expected to offer. */
  | 'pin-host-key'
  /** Turn the SSH host key check off (a lab). */
  | 'ssh-insecure';

export interface FencekitErrorOptions {
  /** What the caller could do, most advisable first. */
  remedy?: readonly Remedy[];
  cause?: unknown;
  /** The plugs the failure concerns. */
  plugs?: readonly number[];
  /** What the device said; cut with cutReply() here, whatever its length. */
  reply?: string;
  /** The device's own status or error code, as it wrote it ("0x005F", "E102", "2"). */
  deviceStatus?: string;
}

export class FencekitError extends Error {
  readonly code: FencekitErrorCode;
  readonly plugs?: readonly number[];
  /** The device's text, masked and cut to a readable length ("" when it answered nothing). */
  readonly reply?: string;
  readonly deviceStatus?: string;
  /** What the caller could do, most advisable first (absent when nothing in the caller's hands would help). */
  readonly remedy?: readonly Remedy[];
  constructor(code: FencekitErrorCode, message: string, options?: FencekitErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.name = new.target.name;
    if (options?.plugs !== undefined) this.plugs = [...options.plugs];
    if (options?.reply !== undefined) this.reply = cutReply(options.reply);
    if (options?.deviceStatus !== undefined) this.deviceStatus = cutReply(options.deviceStatus, 32);
    if (options?.remedy !== undefined) this.remedy = [...options.remedy];
  }
}

/** The device rejected the credentials. */
export class AuthError extends FencekitError {
  constructor(message = 'the device rejected the password', options?: FencekitErrorOptions) {
    super('EAUTH', message, options);
  }
}

/** Another session holds the device's single-session lock. */
export class BusyError extends FencekitError {
  constructor(message = 'the device is busy with another session', options?: FencekitErrorOptions) {
    super('EBUSY', message, options);
  }
}

/** A wait ran out of time; `phase` says which one. */
export class TimeoutError extends FencekitError {
  readonly phase: string;
  constructor(phase: string, message?: string, options?: FencekitErrorOptions) {
    super('ETIMEOUT', message ?? `timed out during ${phase}`, options);
    this.phase = phase;
  }
}

/** The target names no plug on the device; `target` is cut to a readable length. */
export class UnknownPlugError extends FencekitError {
  readonly target: string;
  constructor(target: string, message?: string, options?: FencekitErrorOptions) {
    const shown = cutReply(target, 64);
    super('EUNKNOWNPLUG', message ?? `no plug matches '${shown}'`, options);
    this.target = shown;
  }
}

/** The device said something we cannot make sense of, or refused a command. */
export class ProtocolError extends FencekitError {
  constructor(message: string, options?: FencekitErrorOptions) {
    super('EPROTOCOL', message, options);
  }
}

/** The connection could not be made or was lost. */
export class ConnectionError extends FencekitError {
  constructor(message: string, options?: FencekitErrorOptions) {
    super('ECONNECTION', message, options);
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends FencekitError {
  constructor(message = 'the operation was aborted', options?: FencekitErrorOptions) {
    super('EABORTED', message, options);
  }
}

/** The caller misused the API or the CLI. */
export class UsageError extends FencekitError {
  constructor(message: string, options?: FencekitErrorOptions) {
    super('EUSAGE', message, options);
  }
}
