import fs from 'node:fs';
import { StateDirError } from './lab-error.js';
import type { AuditRecord } from './types.js';

/**
 * Every plug change and every ignored switching command, one JSON line each
 * (AuditRecord), appended to `<stateDir>/audit.jsonl`. The file is opened with
 * O_APPEND (lines from one run follow the last run's, never overwrite them),
 * O_NOFOLLOW (a link planted in its place stops the start) and mode 0600.
 * Each line is written at once with one write(2), so a crash loses nothing
 * already reported; `close` fsyncs. A record holds who and what, never a
 * password: the actor is a protocol, a peer, a user name or a token's name.
 */
export class AuditLog {
  private fd: number | null;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  static open(file: string): AuditLog {
    let fd: number;
    try {
      const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
      fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'is a symbolic link; refusing to write through it' : (err as Error).message;
      throw new StateDirError(file, why, { cause: err });
    }
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      fs.closeSync(fd);
      throw new StateDirError(file, 'is not a regular file');
    }
    return new AuditLog(file, fd);
  }

  append(record: AuditRecord): void {
    if (this.fd === null) return;
    const { time, unit, plug, from, to, actor, result } = record;
    // Fields named one by one: nothing a caller adds to the record by mistake reaches the file.
    fs.writeSync(this.fd, `${JSON.stringify({ time, unit, plug, from, to, actor: cleanActor(actor), result })}\n`);
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fs.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

function cleanActor(a: AuditRecord['actor']): AuditRecord['actor'] {
  return {
    protocol: a.protocol,
    ...(a.peer !== undefined ? { peer: a.peer } : {}),
    ...(a.user !== undefined ? { user: a.user } : {}),
    ...(a.token !== undefined ? { token: a.token } : {}),
  };
}

/** Every audit record in a file, oldest first (a test's or a tool's reader). */
export function readAuditLog(file: string): AuditRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditRecord);
}
