/**
 * Typed progress of one driver operation. Callers (the CLIs, the stonith
 * plugins, the fence agent) decide what happened from these events and from
 * typed errors, never from the transcript, which is a debug aid whose wording
 * may change at any time.
 *
 * Events carry no secrets: a password is reported as sent, never shown.
 */
import type { PowerState } from './power-switch.js';

export type ProgressEvent =
  /** A connection attempt to the device began (attempt counts from 1). */
  | { type: 'connecting'; target: string; attempt: number }
  /** The transport is up (TCP + telnet, serial line open, SSH channel, TLS). */
  | { type: 'connected'; target: string }
  /** The login prompt was answered; `field` says what was sent (never its value). */
  | { type: 'credentials-sent'; field: 'username' | 'password' }
  /** The device accepted the login; `prompt` is its command prompt or screen title when it has one. */
  | { type: 'logged-in'; prompt?: string }
  /** The device refused the login; `reply` is what it said, cut to a readable length. */
  | { type: 'login-refused'; reply?: string; attempt: number }
  /**
   * The device is held by another session (or, `refused`, nothing accepted the
   * connection: a unit restarting its network); the driver waits `delayMs` and tries again.
   */
  | { type: 'busy-retry'; attempt: number; maxAttempts: number | null; delayMs: number; refused?: boolean }
  /** A command went to the device; `plugs` are the plugs it concerns, `command` a short name of it. */
  | { type: 'command-sent'; command: string; plugs: readonly number[]; state?: PowerState | 'reboot' }
  /** The device answered a command with an error; `reply` is its text, cut to a readable length. */
  | { type: 'command-refused'; command: string; plugs: readonly number[]; reply: string }
  /** Plug states as read back from the device. */
  | { type: 'read-back'; plugs: readonly { plug: number; name: string | null; state: PowerState }[] }
  /** A plug has not yet reached its wanted state; the read-back will be repeated. */
  | { type: 'waiting'; plugs: readonly number[]; want: PowerState }
  /** The session was closed (logged out, or the connection dropped). */
  | { type: 'disconnected'; reason: 'logout' | 'closed' | 'error' };

export type ProgressListener = (event: ProgressEvent) => void;

/** Every event type, in the order an operation usually meets them. */
export type ProgressEventType = ProgressEvent['type'];

/**
 * Hands an event to the listener, if there is one. A listener that throws
 * must not change the outcome of a fencing operation: its error is dropped.
 */
export function emitProgress(listener: ProgressListener | undefined, event: ProgressEvent): void {
  if (!listener) return;
  try {
    listener(event);
  } catch {
    // The caller's bug, not the device's: fencing goes on.
  }
}

/** Longest device text an event or error message carries. */
export const REPLY_LIMIT = 160;

/** Cuts device text for a message: control characters shown, at most `limit` characters. */
export function cutReply(text: string, limit = REPLY_LIMIT): string {
  const flat = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return flat.length <= limit ? flat : `${flat.slice(0, limit)}… (${flat.length - limit} more)`;
}
