import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Lab } from '../../emulator/lab/lab.js';
import { parseLabConfig } from '../../emulator/lab/lab-config.js';

/**
 * A real Lab with one WTI IPS-800, `wti-a`, telnet on HOST port 0, whose
 * plug 5 (`node-a`) powers a process (`exec sleep 100000`), no boot delay,
 * its state in a fresh temporary directory. The lab tests that judge the
 * unit with the real fence_wti start from this.
 */
export interface WtiLab {
  lab: Lab;
  /** The telnet port of wti-a. */
  port: number;
  stateDir: string;
  /** Stop the lab (its load dies) and remove the state directory. */
  stop(): Promise<void>;
}

export async function startWtiLab(opts: { host: string; password: string; label: string }): Promise<WtiLab> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `fencekit-${opts.label}-`));
  const config = parseLabConfig(
    {
      stateDir,
      admin: null,
      units: [
        {
          name: 'wti-a',
          model: 'ips800',
          listen: `${opts.host}:0`,
          password: opts.password,
          bootDelay: 0,
          plugs: [{ number: 5, name: 'node-a' }],
          loads: { '5': { process: 'exec sleep 100000' } },
        },
      ],
    },
    `${opts.label}.test`,
    stateDir,
  );
  let lab: Lab;
  try {
    lab = await Lab.start(config, { stateDir });
  } catch (err) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  const telnet = (lab.host('wti-a').frontEnds as { telnet?: { address?: { port: number } } | null }).telnet;
  return {
    lab,
    port: telnet?.address?.port ?? 0,
    stateDir,
    stop: async () => {
      await lab.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
