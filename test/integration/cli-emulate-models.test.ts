import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import type { EmulatorConfig } from '../../emulator/config.js';
import { IloEmulator } from '../../emulator/ilo-emulator.js';
import { FENCEKIT, startEmulatorProcess } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit emulate` per model: a setting or fault of another model is
 * refused before anything listens, and a WTI unit starts without the other
 * vendors' libraries. 127.0.1.20–21.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-models-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const emulate = (...args: string[]) =>
  run(process.execPath, [FENCEKIT, 'emulate', '--no-console', ...args], { timeoutMs: 20_000 });

/** The refusal is one line on stderr, exit 64, and nothing was served. */
function expectRefused(r: Awaited<ReturnType<typeof emulate>>, line: string): void {
  expect(r.code).toBe(64);
  expect(r.stderr).toBe(`fencekit: ${line}\n`);
  expect(r.stdout).not.toContain('listening on');
}

describe('fencekit emulate: settings of another model', () => {
  it('refuses --ssh on an ips800, naming the flag, the model and the models it is for', async () => {
    const r = await emulate('--model', 'ips800', '--listen', '127.0.1.20:0', '--ssh', '127.0.1.20:0');
    expectRefused(r, '--ssh does not apply to --model ips800 (it is for apc-rackpdu, apc-masterswitch, ilo2…ilo5)');
  });

  it('refuses the APC and iLO flags on a WTI unit, and the WTI and APC flags on an iLO', async () => {
    const wti = await emulate('--listen', '127.0.1.20:0', '--community', 'private');
    expectRefused(wti, '--community does not apply to --model ips800 (it is for apc-rackpdu, apc-masterswitch)');
    const serial = await emulate('--model', 'apc-rackpdu', '--listen', '127.0.1.20:0', '--serial', '/dev/null');
    expectRefused(
      serial,
      '--serial does not apply to --model apc-rackpdu (it is for ips800, nps, nps16, tps, rsm, mpc, nbb, vmr)',
    );
    const ilo = await emulate('--model', 'ilo2', '--tls', '127.0.1.20:0', '--listen', '127.0.1.20:0');
    expectRefused(
      ilo,
      '--listen does not apply to --model ilo2 (it is for ips800, nps, nps16, tps, rsm, mpc, nbb, vmr, apc-rackpdu, apc-masterswitch)',
    );
  });

  it('refuses a config-file key of another model, naming the file and the key', async () => {
    const config = path.join(tmp, 'ips800.json');
    fs.writeFileSync(config, JSON.stringify({ model: 'ips800', listen: '127.0.1.20:0', community: 'private' }));
    const r = await emulate('--config', config);
    expectRefused(
      r,
      `${config}: 'community' does not apply to --model ips800 (it is for apc-rackpdu, apc-masterswitch)`,
    );
  });

  it('judges the config file by the model the flags choose', async () => {
    const config = path.join(tmp, 'wti-keys.json');
    fs.writeFileSync(config, JSON.stringify({ listen: '127.0.1.20:0', confirm: false }));
    const r = await emulate('--config', config, '--model', 'apc-rackpdu');
    expectRefused(
      r,
      `${config}: 'confirm' does not apply to --model apc-rackpdu (it is for ips800, nps, nps16, tps, rsm, mpc, nbb, vmr)`,
    );
  });

  it('checks --fault against the model’s own faults', async () => {
    const wti = await emulate('--listen', '127.0.1.20:0', '--fault', 'stuck-power');
    expectRefused(
      wti,
      "--fault 'stuck-power' is not a fault of --model ips800 (its faults: busy, hang, hang-after-login, drop-after-login, refuse-login, slow, garbled, stall-mid-screen, stuck-relay)",
    );
    const ilo = await emulate('--model', 'ilo3', '--tls', '127.0.1.20:0', '--fault', 'stall-mid-screen');
    expectRefused(
      ilo,
      "--fault 'stall-mid-screen' is not a fault of --model ilo3 (its faults: busy, hang, hang-after-login, drop-after-login, refuse-login, slow, garbled, stuck-relay, stuck-power)",
    );
  });

  it('refuses the same through the library, before anything listens', async () => {
    // A config file's shape before its model is known: every family's keys.
    const apc: EmulatorConfig & { model: 'apc-rackpdu' } = {
      model: 'apc-rackpdu',
      listen: '127.0.1.20:0',
      transition: 2,
    };
    await expect(ApcEmulator.start({ config: apc })).rejects.toThrow(
      "setting 'transition' does not apply to --model apc-rackpdu (it is for ilo2…ilo5)",
    );
    await expect(
      IloEmulator.start({ config: { model: 'ilo4', https: '127.0.1.20:0', faults: ['stall-mid-screen'] } }),
    ).rejects.toThrow("fault 'stall-mid-screen' is not a fault of --model ilo4");
  });
});

describe('fencekit emulate: what a start loads', () => {
  // A module hook that writes down every module the emulator process loads.
  const hooks = path.join(tmp, 'hooks.mjs');
  fs.writeFileSync(
    hooks,
    "import fs from 'node:fs';\nexport async function load(url, context, next) {\n" +
      "  fs.appendFileSync(process.env.FENCEKIT_TEST_LOADED, url + '\\n');\n  return next(url, context);\n}\n",
  );
  const register = path.join(tmp, 'register.mjs');
  fs.writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
  );
  const HEAVY = /node_modules\/(ssh2|net-snmp|@peculiar\/x509|fast-xml-parser|pino)\//;

  async function loadedBy(name: string, args: string[]): Promise<string[]> {
    const log = path.join(tmp, `${name}.loaded`);
    const emu = await startEmulatorProcess(args, {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${register}`,
      FENCEKIT_TEST_LOADED: log,
    });
    await emu.stop();
    return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }

  it('a WTI unit loads none of ssh2, net-snmp, @peculiar/x509, fast-xml-parser or pino', async () => {
    const loaded = await loadedBy('wti', ['--listen', '127.0.1.20:0']);
    // The hook saw the WTI unit's own chunk (the bins are bundled: rolldown.config.ts names it).
    expect(loaded.some((url) => /\/dist\/bin\/chunks\/wti-unit-[^/]+\.js$/.test(url))).toBe(true);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('an APC card with SSH and SNMP loads ssh2 and net-snmp (the hook sees them)', async () => {
    const loaded = await loadedBy('apc', [
      '--model',
      'apc-rackpdu',
      '--listen',
      '127.0.1.21:0',
      '--ssh',
      '127.0.1.21:0',
      '--snmp',
      '127.0.1.21:0',
    ]);
    const heavy = loaded.filter((url) => HEAVY.test(url)).map((url) => HEAVY.exec(url)?.[1]);
    expect(new Set(heavy)).toEqual(new Set(['ssh2', 'net-snmp']));
  });
});
