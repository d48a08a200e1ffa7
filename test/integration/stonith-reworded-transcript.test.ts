import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Logger } from '../../cli/stonith/log.js';
import type { PluginModule, ResetRequest, StonithPlugin } from '../../cli/stonith/plugin.js';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { IloEmulator } from '../../emulator/ilo-emulator.js';
import type { Transcript } from '../../src/transcript.js';
import { type RunningWti, startWti } from '../helpers/emulator.js';

/**
 * The stonith plugins decide from typed progress events and error fields,
 * never from the drivers' transcript. Proof: every driver a plugin builds is
 * given a transcript that rewords every line (directions swapped, text
 * reversed and prefixed); the plugins' decisions (return codes, host lists,
 * every log line but the -d ones) must not change. A plugin that went back to
 * reading the transcript (a MASK prefix, a leading '/', a "SET …" request, a
 * board's reply) would decide differently here. 127.0.1.50–54.
 */
const REWORD = { on: false };
const MARK = '«reworded»';

/** A transcript that says everything differently. */
function reworded(inner: Transcript | undefined): Transcript | undefined {
  if (!inner) return undefined;
  return (direction, text) => {
    if (!REWORD.on) return inner(direction, text);
    const swapped = direction === 'sent' ? 'received' : direction === 'received' ? 'sent' : 'note';
    inner(swapped, `${MARK} ${[...text].reverse().join('')}`);
  };
}

/** Every driver factory the plugins use, wrapped to reword its transcript. */
function wrap<M extends Record<string, unknown>>(actual: M, names: string[]): M {
  const out: Record<string, unknown> = { ...actual };
  for (const name of names) {
    const create = actual[name] as (opts: { transcript?: Transcript }) => unknown;
    out[name] = (opts: { transcript?: Transcript }) => create({ ...opts, transcript: reworded(opts.transcript) });
  }
  return out as M;
}

vi.mock('../../drivers/wti/wti-switch.js', async (load) => wrap(await load(), ['createWtiSwitch']));
vi.mock('../../drivers/apc/apc-switch.js', async (load) => wrap(await load(), ['createApcSwitch']));
vi.mock('../../drivers/apc/apc-snmp.js', async (load) => wrap(await load(), ['createApcSnmpSwitch']));
vi.mock('../../drivers/ilo/ilo-ribcl.js', async (load) => wrap(await load(), ['createIloSwitch']));

type Step = { call: 'status' } | { call: 'hostlist' } | { call: 'reset'; request: ResetRequest; host: string };

interface Outcome {
  results: unknown[];
  /** Every line but the -d ones. */
  lines: string[];
  debugLines: string[];
}

/** Runs the steps on a fresh plugin, with -d so the plugin is handed a transcript at all. */
async function run(
  module: PluginModule,
  config: Record<string, string>,
  steps: Step[],
  reset: () => void,
  rewordIt: boolean,
): Promise<Outcome> {
  reset();
  REWORD.on = rewordIt;
  let out = '';
  const log = new Logger({ tty: true, debug: 1, write: (t) => (out += t) });
  const plugin: StonithPlugin = module.createPlugin(new Map(Object.entries(config)), { log, debug: 1 });
  const results: unknown[] = [];
  try {
    if (plugin.configure) results.push(await plugin.configure());
    for (const step of steps) {
      if (step.call === 'status') results.push(await plugin.status());
      else if (step.call === 'hostlist') results.push(await plugin.hostlist());
      else results.push(await plugin.reset(step.request, step.host));
    }
  } finally {
    REWORD.on = false;
  }
  const all = out.split('\n').filter((l) => l !== '');
  // riloe's own lines carry the process id: the same in both runs, this being one process.
  return {
    results,
    lines: all.filter((l) => !l.startsWith('debug: ')),
    debugLines: all.filter((l) => l.startsWith('debug: ')),
  };
}

/** The same decisions with the transcript as it is and reworded; and the rewording did reach the plugin. */
async function expectSameDecisions(
  module: PluginModule,
  config: Record<string, string>,
  steps: Step[],
  reset: () => void,
  expected: { results: unknown[]; line?: RegExp },
): Promise<void> {
  const plain = await run(module, config, steps, reset, false);
  const other = await run(module, config, steps, reset, true);
  expect(plain.results).toEqual(expected.results);
  if (expected.line) expect(plain.lines.join('\n')).toMatch(expected.line);
  expect(other.debugLines.some((l) => l.includes(MARK))).toBe(true);
  expect(plain.debugLines.some((l) => l.includes(MARK))).toBe(false);
  expect(other.results).toEqual(plain.results);
  expect(other.lines).toEqual(plain.lines);
}

const S = { OK: 0, ACCESS: 2, BADHOST: 4, OOPS: 8 };

describe('wti_nps decides from events, not from the transcript', () => {
  let wti: RunningWti;
  let module: PluginModule;
  const reset = () => {
    for (const o of wti.emulator.device.bank.all()) wti.emulator.device.bank.force(o.number, 'ON', 'test');
  };
  beforeAll(async () => {
    module = await import('../../cli/stonith/wti-nps.js');
    wti = await startWti({
      listen: '127.0.1.50:0',
      model: 'nps',
      password: 'npsPw',
      bootDelay: 0,
      plugs: [
        { number: 1, name: 'node1' },
        { number: 2, name: 'node2' },
      ],
    });
  });
  afterAll(() => wti.stop());
  const config = (password = 'npsPw') => ({ ipaddr: `${wti.host}:${wti.port}`, password });

  it('status, host list, off, reset and an unknown host', async () => {
    await expectSameDecisions(
      module,
      config(),
      [
        { call: 'status' },
        { call: 'hostlist' },
        { call: 'reset', request: 'off', host: 'node1' },
        { call: 'reset', request: 'reset', host: 'node2' },
        { call: 'reset', request: 'off', host: 'nobody' },
      ],
      reset,
      { results: [S.OK, ['node1', 'node2'], S.OK, S.OK, S.BADHOST], line: /Successful login/ },
    );
  });

  // As the real plugin: the refused session stays open, the 19 further tries meet the unit's one-session lock,
  // and the last one's failure (S_OOPS) is the result. Two runs of 20 tries, 1 s apart.
  it('a wrong password', { timeout: 90_000 }, async () => {
    await expectSameDecisions(module, config('wrong'), [{ call: 'reset', request: 'off', host: 'node1' }], reset, {
      results: [S.OOPS],
      line: /Invalid password/,
    });
  });
});

describe("apcmaster decides from events and the card's bytes, not from the transcript", () => {
  let apc: ApcEmulator;
  let module: PluginModule;
  const reset = () => {
    for (const o of apc.device.bank.all()) apc.device.bank.force(o.number, 'ON', 'test');
  };
  beforeAll(async () => {
    module = await import('../../cli/stonith/apcmaster.js');
    apc = await ApcEmulator.start({
      config: {
        model: 'apc-masterswitch',
        listen: '127.0.1.51:0',
        username: 'apc',
        password: 'apcPw',
        plugs: [
          { number: 1, name: 'node1' },
          { number: 2, name: 'node2' },
        ],
        bootDelay: 0,
      },
    });
  });
  afterAll(() => apc.stop());
  const config = (password = 'apcPw') => ({
    ipaddr: `127.0.1.51:${apc.telnet?.address.port ?? 0}`,
    login: 'apc',
    password,
  });

  it('status, host list, off and reset', async () => {
    await expectSameDecisions(
      module,
      config(),
      [
        { call: 'status' },
        { call: 'hostlist' },
        { call: 'reset', request: 'off', host: 'node1' },
        { call: 'reset', request: 'reset', host: 'node2' },
      ],
      reset,
      { results: [S.OK, expect.arrayContaining(['node1', 'node2']), S.OK, S.OK], line: /Successful login/ },
    );
  });

  it('a wrong password', async () => {
    await expectSameDecisions(module, config('wrong'), [{ call: 'status' }], reset, {
      results: [1],
      line: /Invalid password/,
    });
  });
});

describe('apcmastersnmp decides from error fields, not from the last request in the transcript', () => {
  let apc: ApcEmulator;
  let module: PluginModule;
  const reset = () => {
    for (const o of apc.device.bank.all()) apc.device.bank.force(o.number, 'ON', 'test');
  };
  beforeAll(async () => {
    module = await import('../../cli/stonith/apcmastersnmp.js');
    // apcmastersnmp always talks to UDP 161.
    apc = await ApcEmulator.start({
      config: {
        model: 'apc-rackpdu',
        listen: null,
        snmp: '127.0.1.52:161',
        plugs: [
          { number: 1, name: 'node1' },
          { number: 2, name: 'node2' },
        ],
        bootDelay: 0,
      },
    });
  });
  afterAll(() => apc.stop());

  it('off and reset with the write community', async () => {
    await expectSameDecisions(
      module,
      { ipaddr: '127.0.1.52', port: '161', community: 'private' },
      [
        { call: 'reset', request: 'off', host: 'node1' },
        { call: 'reset', request: 'reset', host: 'node2' },
      ],
      reset,
      { results: [S.OK, S.OK, S.OK] },
    );
  });

  it('a refused SET names its outlet (the read community may not write)', async () => {
    await expectSameDecisions(
      module,
      { ipaddr: '127.0.1.52', port: '161', community: 'public' },
      [{ call: 'reset', request: 'off', host: 'node2' }],
      reset,
      { results: [S.OK, S.ACCESS], line: /APC_write: .*\n.*cannot send reboot command for outlet 2\./ },
    );
  });
});

describe("riloe decides from error fields and events, not from the board's reply in the transcript", () => {
  let board: IloEmulator;
  let module: PluginModule;
  let dir: string;
  let certFile: string;
  const reset = () => board.device.setPower('ON', 'test');
  beforeAll(async () => {
    module = await import('../../cli/stonith/riloe.js');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-reworded-'));
    board = await IloEmulator.start({
      config: { model: 'ilo2', listen: null, tls: '127.0.1.53:0', username: 'admin', password: 'pw', transition: 0 },
    });
    certFile = path.join(dir, 'cert.pem');
    fs.writeFileSync(certFile, board.certificate?.cert ?? '');
  });
  afterAll(async () => {
    await board.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const config = (password: string) => ({
    hostlist: 'node1',
    ilo_hostname: `127.0.1.53:${board.tls?.address.port ?? 0}`,
    ilo_user: 'admin',
    ilo_password: password,
    SSL_CERT_FILE: certFile,
    HA_LOGD: 'no',
  });

  it('status, off and reset', async () => {
    await expectSameDecisions(
      module,
      config('pw'),
      [
        { call: 'status' },
        { call: 'reset', request: 'off', host: 'node1' },
        { call: 'reset', request: 'reset', host: 'node1' },
      ],
      reset,
      { results: [S.OK, S.OK, S.OK] },
    );
  });

  it("a wrong password: the board's message and status", async () => {
    await expectSameDecisions(module, config('wrong'), [{ call: 'status' }], reset, {
      results: [1],
      line: /ERROR: .*\(rc: 0x005F\)/,
    });
  });
});
