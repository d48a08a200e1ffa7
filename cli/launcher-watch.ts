import fs from 'node:fs';

/**
 * `npx fencekit emulate & kill $!` used to leave the emulator running: npm
 * exec starts the bin through `sh -c`, and on SIGTERM it stops that shell,
 * which does not pass the signal on; the emulator, reparented to init, never
 * heard it. So a process started by npm exec (npm_command=exec in its
 * environment) watches who started it, and stops as on SIGTERM when its
 * parent changes (the shell is gone) or the npm process is gone (killed
 * outright). Started any other way (a shell's `&`, nohup, systemd) nothing
 * is watched: a daemon outlives the shell that started it, as it should.
 */
const WATCH_MS = 250;

export function watchLauncher(onGone: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  if (env.npm_command !== 'exec') return () => {};
  const parent = process.ppid;
  const npm = findNpm(parent);
  const timer = setInterval(() => {
    if (process.ppid !== parent || (npm !== null && !alive(npm))) {
      clearInterval(timer);
      onGone();
    }
  }, WATCH_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The npm process among the first few ancestors (npm exec → sh → us), or null. */
function findNpm(from: number): number | null {
  let pid = from;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    if (/\bnpm\b|npx/.test(commandLine(pid))) return pid;
    pid = parentOf(pid);
  }
  return null;
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
