import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupGuard } from '../../emulator/lab/loads/group-guard.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The lab's guard over its process loads (emulator/lab/loads/group-guard.ts):
 * when its pipe closes, the groups still listed die; removed ones do not.
 */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) {
    try {
      process.kill(-(c.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A load-like group: a shell in a session of its own, with a child in the same group. */
function group(): number {
  const child = spawn('/bin/sh', ['-c', 'sleep 100000 & exec sleep 100000'], { detached: true, stdio: 'ignore' });
  started.push(child);
  return child.pid as number;
}

/** A process of the group that is not a zombie (a killed child stays one until its parent reaps it). */
const groupRunning = (pgid: number) =>
  fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .some((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
      } catch {
        return false;
      }
    });

describe('GroupGuard', () => {
  it('kills the groups still listed when its pipe closes, and spares those removed', async () => {
    const guard = new GroupGuard();
    const listed = group();
    const removed = group();
    guard.add(listed);
    guard.add(removed);
    guard.remove(removed);
    expect(guard.pid).toBeGreaterThan(0);
    await guard.close();
    await waitFor(() => !groupRunning(listed), { what: 'the listed group to be killed' });
    expect(groupRunning(removed)).toBe(true);
  });

  it('a guard that never had a group starts no process', async () => {
    const guard = new GroupGuard();
    expect(guard.pid).toBeUndefined();
    await guard.close();
  });

  it('after close, a new group is not listed', async () => {
    const guard = new GroupGuard();
    const before = group();
    guard.add(before);
    await guard.close();
    const after = group();
    guard.add(after);
    await waitFor(() => !groupRunning(before), { what: 'the first group to be killed' });
    expect(groupRunning(after)).toBe(true);
    expect(guard.pid).toBeUndefined();
  });
});
