import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'rolldown';

/**
 * The three bins, bundled from their TypeScript sources into dist/bin/
 * (docs/architecture.md, "Why the bins are bundled"). tsc still builds the
 * library, its types and the bench; this only packs the CLIs, so that
 * `fencekit emulate` reads a handful of files at start instead of dozens.
 *
 * Every npm package and node builtin stays an import: the bins load the same
 * ssh2, net-snmp or commander a library user gets, and only when a lazily
 * imported chunk asks for them (a WTI unit starts without any of the three).
 */
const OUT = 'dist/bin';

export default defineConfig({
  input: {
    fencekit: './cli/fencekit.ts',
    'fencekit-stonith': './cli/fencekit-stonith.ts',
    fence_fencekit: './cli/fence_fencekit.ts',
  },
  platform: 'node',
  // A bare specifier (a package) or a `node:` builtin: anything not relative or absolute.
  external: /^[^./]/,
  // The sources import `./x.js`, as NodeNext wants; the file on disk is `./x.ts`.
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  tsconfig: './tsconfig.build.json',
  output: {
    dir: OUT,
    format: 'esm',
    entryFileNames: '[name].js',
    // Shared code and every `await import()` target: a start loads only the chunks its path reaches.
    // A vendor's chunk says its vendor (`wti-unit-…`, `apc-unit-…`): three files are called unit.ts.
    chunkFileNames: (chunk) => {
      const vendor = /[\\/](?:emulator|drivers)[\\/](wti|apc|ilo)[\\/]/.exec(chunk.facadeModuleId ?? '')?.[1];
      return vendor && !chunk.name.startsWith(vendor) ? `chunks/${vendor}-[name]-[hash].js` : 'chunks/[name]-[hash].js';
    },
    // Maps carry the TypeScript inside, so none points at a source the package does not ship.
    sourcemap: true,
    // Error classes set `name` from `new.target.name`; a bundler's renaming must not show in messages.
    keepNames: true,
  },
  plugins: [
    {
      name: 'bins-in-place',
      writeBundle(_options, bundle) {
        // The entry files keep their `#!/usr/bin/env node`; make them runnable as files too.
        for (const file of Object.values(bundle)) {
          if (file.type === 'chunk' && file.isEntry) fs.chmodSync(path.join(OUT, file.fileName), 0o755);
        }
        // Chunks of an earlier build go once this one is written, rather than emptying the
        // directory first (output.cleanDir): a test or `npx fencekit` that starts a bin while
        // a build runs (npx builds through `prepare`) never finds it missing.
        const chunks = path.join(OUT, 'chunks');
        for (const name of fs.readdirSync(chunks)) {
          if (!(`chunks/${name}` in bundle)) fs.rmSync(path.join(chunks, name), { force: true });
        }
      },
    },
  ],
});
