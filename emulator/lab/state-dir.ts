import fs from 'node:fs';
import path from 'node:path';
import { StateDirError } from './lab-error.js';

/**
 * The lab's state directory: each unit's state file (and the SSH host key and
 * TLS certificate kept beside it) under `units/`, the loads' output under
 * `loads/`, and `audit.jsonl`. It is the lab's alone: made 0700, and refused
 * when something else (a symbolic link, a file, another user's folder)
 * stands where it should be, so nothing the lab writes lands elsewhere.
 */
export interface StateDirLayout {
  root: string;
  units: string;
  loads: string;
  audit: string;
}

export function prepareStateDir(dir: string): StateDirLayout {
  const root = path.resolve(dir);
  fs.mkdirSync(path.dirname(root), { recursive: true });
  privateDir(root);
  const layout = {
    root,
    units: path.join(root, 'units'),
    loads: path.join(root, 'loads'),
    audit: path.join(root, 'audit.jsonl'),
  };
  privateDir(layout.units);
  privateDir(layout.loads);
  return layout;
}

function privateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StateDirError(dir, `cannot be made: ${(err as Error).message}`, { cause: err });
    }
  }
  const stat = fs.lstatSync(dir);
  if (stat.isSymbolicLink()) {
    throw new StateDirError(
      dir,
      'is a symbolic link; the lab writes only into a directory of its own (remove the link)',
    );
  }
  if (!stat.isDirectory()) throw new StateDirError(dir, 'is not a directory');
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new StateDirError(dir, `belongs to another user (uid ${stat.uid}); the lab's state must be its own`);
  }
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}
