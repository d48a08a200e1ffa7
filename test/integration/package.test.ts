import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: `npm pack` from a clean copy of the sources
 * (so its prepack/prepare build runs, as at publishing), the tarball installed
 * into an empty project, then every entry point imported and every bin run
 * there. The bins and entry points are read from package.json, so one added
 * there is covered here without a change.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
};

const execFileAsync = promisify(execFile);
/** npm run by a test runner started with `npm test` passes its own settings down; the child npm must not see them. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

async function sh(cmd: string, args: string[], cwd: string, timeoutMs = 120_000) {
  return execFileAsync(cmd, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 << 20 });
}

/** Run and return the outcome, failing or not. */
async function attempt(cmd: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await sh(cmd, args, cwd, 30_000);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let tmp = '';
let project = '';
let installed = '';
/** Paths inside the tarball, without the leading `package/`. */
let listed: Set<string>;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-pack-'));
  // A clean copy: a stale dist in the working tree must neither help nor hurt.
  const source = path.join(tmp, 'source');
  const skip = new Set(['node_modules', 'dist', '.git', '.vitest-result.json']);
  fs.cpSync(root, source, { recursive: true, filter: (p) => !skip.has(path.basename(p)) || path.dirname(p) !== root });
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(source, 'node_modules'));
  await sh('npm', ['pack', '--silent', '--pack-destination', tmp], source);
  const tarball = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  const { stdout } = await sh('tar', ['-tzf', path.join(tmp, tarball)], tmp);
  listed = new Set(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^package\//, '')),
  );

  project = path.join(tmp, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // Dependencies' install scripts stay off, as package.json's allowScripts asks; --prefer-offline uses the npm cache.
  await sh(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(tmp, tarball)],
    project,
  );
  installed = path.join(project, 'node_modules', manifest.name);
}, 300_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the published package', () => {
  it('carries the licence, the readme and the build, and no bench, tests or sources', () => {
    expect(listed.has('LICENSE')).toBe(true);
    expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toContain(
      'Copyright (c) 2026 the fencekit authors',
    );
    expect(listed.has('README.md')).toBe(true);
    const stray = [...listed].filter(
      (p) =>
        p.startsWith('dist/bench/') ||
        p.startsWith('dist/test/') ||
        p.startsWith('test/') ||
        (p.endsWith('.ts') && !p.endsWith('.d.ts')),
    );
    expect(stray).toEqual([]);
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      expect(listed.has(path.posix.normalize(target.default)), `${subpath} → ${target.default}`).toBe(true);
      expect(listed.has(path.posix.normalize(target.types)), `${subpath} → ${target.types}`).toBe(true);
    }
    for (const [name, file] of Object.entries(manifest.bin)) {
      expect(listed.has(path.posix.normalize(file)), `bin ${name} → ${file}`).toBe(true);
    }
  });

  it('has no source map that points at a file it does not carry', () => {
    const maps = [...listed].filter((p) => p.endsWith('.map'));
    const dangling: string[] = [];
    for (const map of maps) {
      const m = JSON.parse(fs.readFileSync(path.join(installed, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      m.sources.forEach((source, i) => {
        const inlined = typeof m.sourcesContent?.[i] === 'string';
        const carried = listed.has(path.posix.join(path.posix.dirname(map), source));
        if (!inlined && !carried) dangling.push(`${map}: ${source}`);
      });
    }
    const scripts = [...listed].filter((p) => p.endsWith('.js'));
    for (const js of scripts) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(path.join(installed, js), 'utf8'))?.[1];
      if (url && !listed.has(path.posix.join(path.posix.dirname(js), url))) dangling.push(`${js} → ${url}`);
    }
    expect(dangling).toEqual([]);
  });

  it('imports from every entry point in package.json', async () => {
    // What a user of each entry reaches for first.
    const expected: Record<string, string[]> = {
      [manifest.name]: ['createWtiSwitch', 'createApcSwitch', 'createIloSwitch', 'Fencer', 'AuthError'],
      [`${manifest.name}/core`]: ['Fencer', 'connectTelnet', 'connectSsh', 'AuthError'],
      [`${manifest.name}/wti`]: ['createWtiSwitch', 'AuthError', 'BusyError', 'TimeoutError', 'FencekitError'],
      [`${manifest.name}/apc`]: ['createApcSwitch', 'createApcSnmpSwitch'],
      [`${manifest.name}/ilo`]: ['createIloSwitch', 'createRedfishSwitch'],
      [`${manifest.name}/emulator`]: ['WtiEmulator', 'ApcEmulator', 'IloEmulator'],
    };
    const specifiers = Object.keys(manifest.exports).map((k) =>
      k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`,
    );
    expect(specifiers.sort()).toEqual(Object.keys(expected).sort());
    for (const specifier of specifiers) {
      const { stdout } = await sh(
        process.execPath,
        ['--input-type=module', '-e', `console.log(JSON.stringify(Object.keys(await import('${specifier}'))))`],
        project,
      );
      expect(JSON.parse(stdout), specifier).toEqual(expect.arrayContaining(expected[specifier] as string[]));
    }
  });

  it('fencekit/wti and fencekit/core load no SSH, SNMP, XML or serial library until one is used', async () => {
    // A resolve hook sees every module a program imports, CommonJS dependencies included.
    fs.writeFileSync(
      path.join(project, 'hooks.mjs'),
      `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  writeSync(2, 'resolved ' + r.url + '\\n');
  return r;
}
`,
    );
    fs.writeFileSync(
      path.join(project, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    const heavy = ['ssh2', 'net-snmp', 'fast-xml-parser', 'serialport', '@peculiar/x509'];
    for (const [entry, own] of [
      ['wti', 'dist/drivers/wti/wti-switch.js'],
      ['core', 'dist/src/transport/ssh.js'],
    ]) {
      const { stderr } = await sh(
        process.execPath,
        ['--import', './register.mjs', '--input-type=module', '-e', `await import('${manifest.name}/${entry}')`],
        project,
      );
      expect(stderr, entry).toContain(`/node_modules/${manifest.name}/${own}`);
      expect(
        heavy.filter((dep) => stderr.includes(`/node_modules/${dep}/`)),
        entry,
      ).toEqual([]);
    }
  });

  it('gives the same error classes through every entry, so instanceof holds', async () => {
    const { stdout } = await sh(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const wti = await import('${manifest.name}/wti');
         const core = await import('${manifest.name}/core');
         const all = await import('${manifest.name}');
         console.log(new wti.AuthError() instanceof core.FencekitError && wti.BusyError === all.BusyError);`,
      ],
      project,
    );
    expect(stdout.trim()).toBe('true');
  });

  it('runs every bin in package.json from the install, each printing its help', async () => {
    const bins = (JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as typeof manifest).bin;
    expect(Object.keys(bins).length).toBeGreaterThan(0);
    for (const name of Object.keys(bins)) {
      const bin = path.join(project, 'node_modules', '.bin', name);
      // --help, or -h for a bin that copies a tool without long options (fencekit-stonith is stonith(8)).
      let r = await attempt(bin, ['--help'], project);
      if (r.code !== 0) r = await attempt(bin, ['-h'], project);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`, name).toMatch(/usage/i);
    }
  });
});
