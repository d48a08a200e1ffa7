import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Build once before any test, as `npm run build` does: tsc for the library,
 * its types and the bench, then the bundled bins in dist/bin, so tests that
 * spawn a CLI run what the package ships.
 */
export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const node = (script: string, args: string[], quiet = false) =>
    execFileSync(process.execPath, [path.join(root, 'node_modules', script), ...args], {
      cwd: root,
      // rolldown lists every file it wrote on stdout; its errors go to stderr.
      stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    });
  node('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  node('rolldown/bin/cli.mjs', ['-c', 'rolldown.config.ts'], true);
}
