import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/errors.js';

/**
 * `fencekit agent install|uninstall`: puts `fence_fencekit` where Pacemaker's
 * fencer looks for agents (/usr/sbin on Debian), as a small shell wrapper that
 * names this Node and this build by absolute path, so the fencer's PATH does
 * not matter. Uninstall removes only a wrapper this command wrote.
 */
const MARK = '# Installed by `fencekit agent install`';

export interface InstallFlags {
  dir?: string;
}

function target(flags: InstallFlags): string {
  return path.join(flags.dir ?? '/usr/sbin', 'fence_fencekit');
}

export function wrapperScript(node: string, agentJs: string): string {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  return `#!/bin/sh\n${MARK}: Pacemaker's fencer runs this.\nexec ${q(node)} ${q(agentJs)} "$@"\n`;
}

/**
 * The agent's bin, found from this module: built by tsc it sits one level up
 * (dist/cli/fence-agent/ → dist/cli/); bundled, this code is in a chunk one
 * level down (dist/bin/chunks/ → dist/bin/) or, should the bundler place it
 * in an entry file, beside it. The first that exists is the one to run.
 */
function agentBin(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, '..', 'fence_fencekit.js'), path.join(here, 'fence_fencekit.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? (candidates[0] as string);
}

export function installAgent(flags: InstallFlags, out: (line: string) => void): void {
  const file = target(flags);
  const agentJs = agentBin();
  if (!fs.existsSync(agentJs)) throw new UsageError(`${agentJs} is missing: build fencekit first (npm run build)`);
  if (fs.existsSync(file) && !fs.readFileSync(file, 'utf8').includes(MARK)) {
    throw new UsageError(`${file} exists and was not written by fencekit: not replacing it`);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, wrapperScript(process.execPath, agentJs), { mode: 0o755 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
  out(`installed ${file}: runs ${process.execPath} ${agentJs}`);
  out(`check it with: stonith_admin --metadata --agent fence_fencekit`);
}

export function uninstallAgent(flags: InstallFlags, out: (line: string) => void): void {
  const file = target(flags);
  if (!fs.existsSync(file)) {
    out(`${file} is not installed: nothing to do`);
    return;
  }
  if (!fs.readFileSync(file, 'utf8').includes(MARK))
    throw new UsageError(`${file} was not written by fencekit: not removing it`);
  fs.rmSync(file);
  out(`removed ${file}`);
}

/** `fencekit agent <what>`. */
export function runAgentCommand(what: string, flags: InstallFlags, out: (line: string) => void): void {
  if (what === 'install') installAgent(flags, out);
  else if (what === 'uninstall') uninstallAgent(flags, out);
  else throw new UsageError(`unknown agent command '${what}' (install or uninstall)`);
}
