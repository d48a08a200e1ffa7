import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers show in the folders, and imports only run downwards:
 *
 *   cli/        the top: knows every vendor, the drivers and the emulator
 *   drivers/    one folder per vendor, over the core
 *   emulator/   device models and front-ends, over the core (never the drivers:
 *               a table shared by both would let one mistake pass both sides)
 *   src/        the core: imports nothing above it
 *
 * Every relative import (static, `export … from`, and dynamic `import()`) of
 * every TypeScript file in a layer is resolved and checked against this table.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const ALLOWED: Record<string, readonly string[]> = {
  src: ['src'],
  drivers: ['src', 'drivers'],
  emulator: ['src', 'emulator'],
  cli: ['src', 'drivers', 'emulator', 'cli'],
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(p));
    else if (entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Each upward import as "file → target", for a readable failure. */
function upwardImports(tree: string): string[] {
  const found: string[] = [];
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    if (!fs.existsSync(path.join(tree, layer))) continue;
    for (const file of tsFiles(path.join(tree, layer))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(SPECIFIER)) {
        const target = path.relative(tree, path.resolve(path.dirname(file), m[2] as string));
        const top = target.split(path.sep)[0] as string;
        if (!allowed.includes(top)) found.push(`${path.relative(tree, file)} → ${target}`);
      }
    }
  }
  return found;
}

describe('layers', () => {
  it('no file imports from a layer above its own', () => {
    expect(upwardImports(root)).toEqual([]);
  });

  it('the core has no cli folder: the command-line tools live at the top', () => {
    expect(fs.existsSync(path.join(root, 'src/cli'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'cli'))).toBe(true);
  });

  it('the check sees upward imports of every form (so a green run means something)', () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-layers-'));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
        fs.writeFileSync(path.join(tree, file), text);
      };
      write('src/a.ts', "export { createWtiSwitch } from '../drivers/wti/index.js';\n");
      write('src/b.ts', "const m = await import('../cli/power.js');\nimport './fine.js';\n");
      write('emulator/c.ts', "import { x } from '../drivers/apc/dialect.js';\nimport { y } from '../src/errors.js';\n");
      write('drivers/d.ts', "import type { Z } from '../emulator/config.js';\n");
      write('cli/e.ts', "import '../emulator/index.js';\nimport '../drivers/index.js';\n");
      expect(upwardImports(tree).sort()).toEqual([
        'drivers/d.ts → emulator/config.js',
        'emulator/c.ts → drivers/apc/dialect.js',
        'src/a.ts → drivers/wti/index.js',
        'src/b.ts → cli/power.js',
      ]);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});
