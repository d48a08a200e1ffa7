import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS } from '../../emulator/models.js';
import { personalities, type WtiModel } from '../../emulator/wti/personality.js';
import { FENCEKIT } from '../helpers/cli.js';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { peer, run } from '../helpers/run.js';

/**
 * Every WTI model the emulator offers, judged by the real fence_wti
 * (fence-agents 4.12.1): status, off, on and list, on the model's last plug
 * so that a unit whose table were cut short would fail. A 16-plug unit lists
 * all 16, through fence_wti and through `fencekit power list`.
 * Addresses 127.0.6.60–69 (port 0).
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const { available } = peer(FENCE_WTI);
const MODEL_IDS = Object.keys(personalities) as WtiModel[];
const ADDRESS: Record<WtiModel, string> = Object.fromEntries(
  MODEL_IDS.map((m, i) => [m, `127.0.6.${60 + i}`]),
) as Record<WtiModel, string>;

describe('the WTI family', () => {
  it('offers each prompt fence_wti knows, and every model reaches `fencekit emulate --model`', () => {
    const prompts = new Set(MODEL_IDS.map((m) => personalities[m].prompt.trim()));
    expect([...prompts].sort()).toEqual(['IPS>', 'MPC>', 'NBB>', 'NPS>', 'RSM>', 'TPS>', 'VMR>']);
    for (const m of MODEL_IDS) expect(MODELS).toContain(m);
    expect(MODEL_IDS.length).toBeLessThanOrEqual(10);
  });
});

describe.skipIf(!available)('fence_wti against every WTI model', () => {
  const units = new Map<WtiModel, RunningWti>();

  beforeAll(async () => {
    for (const model of MODEL_IDS) {
      const count = personalities[model].plugCount;
      units.set(
        model,
        await startWti({
          model,
          listen: `${ADDRESS[model]}:0`,
          password: 'changeme',
          bootDelay: 0.5,
          plugs: [{ number: count, name: `last-${model}` }],
        }),
      );
    }
  });
  afterAll(async () => {
    for (const u of units.values()) await u.stop();
  });

  const fence = (wti: RunningWti, ...args: string[]) =>
    run(FENCE_WTI, ['-a', wti.host, '-u', String(wti.port), '-p', 'changeme', ...args], { timeoutMs: 60_000 });

  it.concurrent.each(MODEL_IDS)('%s: status, off, on and list on its last plug', async (model) => {
    const wti = units.get(model) as RunningWti;
    const last = personalities[model].plugCount;
    const plug = String(last);

    const status = await fence(wti, '-n', plug, '-o', 'status');
    expect(status.stdout).toBe('Status: ON\n');
    expect(status.code).toBe(0);

    const off = await fence(wti, '-n', plug, '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(wti.emulator.device.bank.get(last)?.state).toBe('OFF');
    expect((await fence(wti, '-n', plug, '-o', 'status')).code).toBe(2);

    const on = await fence(wti, '-n', plug, '-o', 'on');
    expect(on.stdout).toBe('Success: Powered ON\n');
    expect(wti.emulator.device.bank.get(last)?.state).toBe('ON');

    const list = await fence(wti, '-o', 'list');
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(last);
    expect(lines.at(-1)).toBe(`${last},last-${model}`);
  });

  it('a plug past the last one is not there: exit 1, nothing switched', async () => {
    const wti = units.get('tps') as RunningWti;
    const before = wti.events.filter((e) => e.type === 'plug').length;
    const r = await fence(wti, '-n', '3', '-o', 'off');
    expect(r.code).toBe(1);
    expect(wti.events.filter((e) => e.type === 'plug').length).toBe(before);
  });

  it('nps16: fence_wti -o list lists 16 plugs, and so does fencekit power list', async () => {
    const wti = units.get('nps16') as RunningWti;
    const list = await fence(wti, '-o', 'list');
    expect(
      list.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1)));
    const ours = await run(
      process.execPath,
      [FENCEKIT, 'power', 'list', '--driver', 'wti', '--host', wti.host, '--port', String(wti.port)],
      { env: { ...process.env, FENCEKIT_PASSWORD: 'changeme' } },
    );
    expect(ours.code).toBe(0);
    const rows = ours.stdout.split('\n').filter((l) => /^\s*\d+\s/.test(l));
    expect(rows).toHaveLength(16);
    expect(rows.at(-1)).toMatch(/^\s*16\s+last-nps16\s+ON$/);
  });
});
