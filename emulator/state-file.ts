import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { findJsonSyntaxProblem } from './json-syntax.js';
import { StateFileError } from './state-error.js';

/**
 * The emulator's state file, and the atomic writes it shares with the SSH
 * host key and the TLS certificate kept beside it.
 *
 * The folder may be shared (`/tmp`), so nothing here follows a symbolic link
 * or trusts a name another user could have made first:
 * - a write goes to a new temporary file `.NAME.PID.RANDOM.tmp`, created with
 *   O_CREAT|O_EXCL|O_NOFOLLOW (never an existing file, never through a link),
 *   fsynced, renamed over NAME, then the folder is fsynced: a `kill -9` at any
 *   moment leaves the old file or the new one, never half of each;
 * - the state file is opened with O_NOFOLLOW and must be a regular file, so a
 *   link there stops the start; a write replaces a link, never follows it;
 * - temporaries left by a killed run are removed at the next start.
 */

/** Bigger than any state file a unit writes (a 24-outlet card's is about 4 KiB). */
const STATE_FILE_MAX_BYTES = 1024 * 1024;

/**
 * The state file's JSON, or null when there is none yet (a fresh start).
 * Anything else that is wrong with it is a StateFileError.
 */
export function readStateFile(file: string): unknown {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in its place must not hang the start; it is refused below.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new StateFileError(file, null, unreadable(code), { cause: err });
  }
  let text: string;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new StateFileError(file, null, `is ${kindOf(stat)}, not a regular file`);
    if (stat.size > STATE_FILE_MAX_BYTES) {
      throw new StateFileError(
        file,
        null,
        `is ${stat.size} bytes long; a state file is at most ${STATE_FILE_MAX_BYTES}`,
      );
    }
    text = fs.readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof StateFileError) throw err;
    throw new StateFileError(file, null, unreadable((err as NodeJS.ErrnoException).code), { cause: err });
  } finally {
    fs.closeSync(fd);
  }
  if (text.trim() === '')
    throw new StateFileError(file, null, 'is empty; expected a JSON object (delete the file for a fresh start)');
  try {
    return JSON.parse(text);
  } catch {
    throw new StateFileError(file, null, syntaxProblem(text));
  }
}

export function writeStateFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

/**
 * Write `text` to `file` with `mode`, atomically (see above). A symbolic link
 * at `file` is replaced by the new regular file, never written through:
 * rename(2) does not follow links. (The start refuses a linked state file
 * with a message, see readStateFile; a link planted while the unit runs is
 * replaced at the next write rather than stopping the unit.)
 */
export function writeFileAtomic(file: string, text: string, mode: number): void {
  writeFileAtomicWith(file, text, mode, temporaryName);
}

/** writeFileAtomic with the temporary names given: tests plant files and links at them. */
export function writeFileAtomicWith(file: string, text: string, mode: number, nameFor: (file: string) => string): void {
  const dir = path.dirname(path.resolve(file));
  const { fd, tmp } = createTemporary(file, mode, nameFor);
  try {
    try {
      // The mode given to open() is masked by the umask; a key must still end up private.
      fs.fchmodSync(fd, mode);
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dirFd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse to fsync a directory; the rename is still atomic.
  }
}

/** `.NAME.PID.RANDOM.tmp`: the PID says whose it is (stale once that process is gone), the random part cannot be guessed. */
function temporaryName(file: string): string {
  return path.join(
    path.dirname(path.resolve(file)),
    `.${path.basename(file)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`,
  );
}

/** A new file at a name nobody had: an existing file or link there (EEXIST, ELOOP) means another name is tried. */
function createTemporary(file: string, mode: number, nameFor: (file: string) => string): { fd: number; tmp: string } {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  let last: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    const tmp = nameFor(file);
    try {
      return { fd: fs.openSync(tmp, flags, mode), tmp };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new StateFileError(file, null, `cannot be written: its directory ${path.dirname(file)} does not exist`, {
          cause: err,
        });
      }
      if (code !== 'EEXIST' && code !== 'ELOOP') {
        throw new StateFileError(file, null, `cannot be written: ${unwritable(code)}`, { cause: err });
      }
      last = err;
    }
  }
  throw new StateFileError(file, null, 'cannot be written: every temporary name tried was taken', { cause: last });
}

/**
 * Remove the temporaries a killed run left beside `file` (and beside the
 * files kept next to it, `file.ssh-host-key` and the like): ours by name
 * (this naming, or the older `.NAME.PID.tmp`), regular files owned by this
 * user, written by a process that is no longer running. Returns the names removed.
 */
export function removeStaleTemporaries(file: string): string[] {
  const dir = path.dirname(path.resolve(file));
  const base = escapeRegExp(path.basename(file));
  const ours = new RegExp(`^\\.${base}(?:\\.[^/]+?)??\\.(\\d+)(?:\\.[0-9a-f]{16})?\\.tmp$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of names) {
    const m = ours.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const full = path.join(dir, name);
    try {
      const stat = fs.lstatSync(full);
      // A link or a file of another user is not ours to remove; it is never written through either.
      if (!stat.isFile() || (uid !== undefined && stat.uid !== uid)) continue;
      fs.unlinkSync(full);
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: either way it is never read.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Why a temporary beside the state file could not be created, in a few words. */
function unwritable(code: string | undefined): string {
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
    ? 'its directory cannot be written to'
    : code === 'ENOTDIR'
      ? 'a part of its path is not a directory'
      : `the system said ${code ?? 'an unknown error'}`;
}

function unreadable(code: string | undefined): string {
  switch (code) {
    case 'ELOOP':
      return 'is a symbolic link; give the path of the file itself';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a regular file';
    case 'ENOTDIR':
      return 'a part of its path is not a directory';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
}

function syntaxProblem(text: string): string {
  const p = findJsonSyntaxProblem(text);
  if (!p) return 'is not valid JSON';
  const where = `line ${p.line}, column ${p.column}`;
  if (p.truncated) return `is not valid JSON: it ends at ${where} where ${p.expected} was expected (cut short?)`;
  return `is not valid JSON: at ${where}, expected ${p.expected}`;
}
