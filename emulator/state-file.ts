import fs from 'node:fs';
import path from 'node:path';

/**
 * The emulator's state file. Writes are atomic (a temporary file, fsync, then
 * rename over the old one), so a `kill -9` at any moment leaves either the old
 * state or the new one, never half of each. It may hold passwords: mode 0600.
 */
export function readStateFile<T>(file: string): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`state file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export function writeStateFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

/**
 * A temporary file with its final mode, fsync, rename, fsync of the folder:
 * a crash at any moment leaves the old file or the new one. Used for the
 * state file, SSH host keys and TLS certificates alike.
 */
export function writeFileAtomic(file: string, text: string, mode: number): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    // The mode given to open() is masked by the umask; a key must still end up private.
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse to fsync a directory; the rename is still atomic.
  }
}
