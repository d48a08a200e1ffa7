/**
 * `npm run docs:drivers`: writes the driver tables of docs/cli.md from the
 * registry; `--check` only says whether the doc is current (exit 1 if not).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDriverTable } from './driver-table.js';

// Run from dist/cli/: the doc is two levels up.
const doc =
  process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/cli.md');
const text = fs.readFileSync(doc, 'utf8');
const next = withDriverTable(text);
if (process.argv.includes('--check')) {
  if (next !== text) {
    process.stderr.write(`${doc}: the driver tables differ from the registry; run npm run docs:drivers\n`);
    process.exit(1);
  }
} else if (next !== text) {
  fs.writeFileSync(doc, next);
  process.stdout.write(`${doc}: driver tables written\n`);
}
