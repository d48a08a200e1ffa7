/**
 * The seam between front-ends (telnet, serial, SSH) and personalities (WTI
 * menu, APC menu…). A front-end turns bytes into lines and hands them to a
 * LineSession; the session answers through its Terminal.
 */
export interface Terminal {
  /** Who is connected, for events: "telnet 127.0.0.1:40112", "serial /dev/ttyS0". */
  readonly origin: string;
  write(text: string): void;
  /** The next line is a password: the front-end must not echo it. */
  setSecret(on: boolean): void;
  /** End the session (logout, too many wrong passwords). */
  close(reason: string): void;
  /**
   * The unit stops answering this session for good (the hang-after-login
   * fault): nothing more is written, the echo included, and nothing typed is
   * read. The line stays open until the peer leaves or the idle timeout ends it.
   */
  mute?(): void;
}

export interface LineSession {
  start(): void;
  /** A whole line; `truncated` when it was longer than the device's line buffer. */
  input(line: string, truncated: boolean): void;
  /** A command is still running (a boot sequence): the idle timer must not fire. */
  readonly busy?: boolean;
  /** The line is gone; write nothing more. */
  end(): void;
}

/**
 * A session that reads keystrokes rather than lines: menus where a digit, ESC,
 * Ctrl-C or "any key" at a pager act at once (the APC menu). It echoes for
 * itself, through a line decoder of its own (src/line-assembler.ts) that
 * offers it each key first.
 */
export interface ByteSession {
  readonly kind: 'bytes';
  start(): void;
  input(bytes: Uint8Array): void;
  readonly busy?: boolean;
  end(): void;
}

export type SessionFactory = (terminal: Terminal) => LineSession | ByteSession;

export function isByteSession(s: LineSession | ByteSession): s is ByteSession {
  return (s as ByteSession).kind === 'bytes';
}
