import fs from 'node:fs';

/**
 * Host pids of the processes in the same PID namespace as `init`, read from
 * /proc (a node load freezes and thaws them; a drill looks for its daemons).
 * `comm` keeps only the processes of that name; `living` leaves out zombies,
 * which have died already and wait only for their parent's wait.
 */
export function pidsInNamespaceOf(init: number, opts: { comm?: string; living?: boolean } = {}): number[] {
  let ns: string;
  try {
    ns = fs.readlinkSync(`/proc/${init}/ns/pid`);
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/ns/pid`) !== ns) continue;
      if (opts.comm !== undefined && fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== opts.comm) continue;
      if (opts.living) {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state === 'Z' || state === 'X') continue;
      }
      found.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return found;
}
