import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIloSshSwitch, createIloSwitch, createRedfishSwitch } from '../../drivers/ilo/index.js';
import type { IloModel } from '../../emulator/ilo/ilo-device.js';
import { AuthError, ConnectionError, TimeoutError } from '../../src/errors.js';
import type { PowerSwitch } from '../../src/power-switch.js';
import { FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';
import { resetIlo, startIlo as startUnit } from '../helpers/units.js';

/**
 * The iLO drivers against every emulated board: RIBCL (raw TLS and HTTP),
 * SMASH CLP over SSH, Redfish; the certificate checked by default. 127.0.0.240–249.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-ilo-driver-'));
const pwFile = path.join(tmp, 'pw');
fs.writeFileSync(pwFile, 'pw\n');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function startIlo(model: IloModel, n: number, transition = 0) {
  const front = model === 'ilo2' ? { tls: 0 } : { https: 0 };
  const board = await startUnit(`127.0.0.${n}`, { model, ...front, ssh: 0, transition });
  return { ...board, tlsPort: board.port, sshPort: board.ports.ssh ?? 0 };
}

type Board = Awaited<ReturnType<typeof startIlo>>;

const drivers: Record<string, { models: IloModel[]; make: (b: Board, password?: string) => PowerSwitch }> = {
  'RIBCL (auto)': {
    models: ['ilo2', 'ilo3', 'ilo4', 'ilo5'],
    make: (b, password = 'pw') =>
      createIloSwitch({ host: b.host, port: b.tlsPort, username: 'admin', password, ca: b.emulator.certificate?.cert }),
  },
  'RIBCL over HTTP': {
    models: ['ilo3', 'ilo4'],
    make: (b, password = 'pw') =>
      createIloSwitch({
        host: b.host,
        port: b.tlsPort,
        username: 'admin',
        password,
        transport: 'http',
        ca: b.emulator.certificate?.cert,
      }),
  },
  'SMASH CLP over SSH': {
    models: ['ilo2', 'ilo4'],
    make: (b, password = 'pw') =>
      createIloSshSwitch({ host: b.host, port: b.sshPort, username: 'admin', password, hostKey: 'insecure' }),
  },
  Redfish: {
    models: ['ilo4', 'ilo5'],
    make: (b, password = 'pw') =>
      createRedfishSwitch({
        host: b.host,
        port: b.tlsPort,
        username: 'admin',
        password,
        ca: b.emulator.certificate?.cert,
      }),
  },
};

const MODELS: IloModel[] = ['ilo2', 'ilo3', 'ilo4', 'ilo5'];

describe.each(MODELS.map((m, i) => [m, 240 + i] as const))('iLO drivers against %s', (model, n) => {
  let board: Board;
  beforeAll(async () => {
    board = await startIlo(model, n, 0.2);
  });
  afterAll(() => board.emulator.stop());
  beforeEach(() => resetIlo(board));

  for (const [name, driver] of Object.entries(drivers)) {
    if (!driver.models.includes(model)) continue;

    it(`${name}: status, off (returns only once off), on, reboot`, async () => {
      const sw = driver.make(board);
      expect(await sw.status(1)).toMatchObject([{ plug: 1, state: 'on' }]);
      expect(await sw.off(1)).toMatchObject([{ plug: 1, state: 'off', changed: true }]);
      expect(board.emulator.device.power).toBe('OFF');
      expect(await sw.off(1)).toMatchObject([{ changed: false }]);
      expect(await sw.on(1)).toMatchObject([{ plug: 1, state: 'on', changed: true }]);
      expect(board.emulator.device.power).toBe('ON');
      const from = board.events.length;
      await sw.reboot(1);
      const changes = board.events.slice(from).flatMap((e) => (e.type === 'plug' ? [e.state] : []));
      expect(changes).toEqual(['OFF', 'ON']);
    });

    it(`${name}: a wrong password is an AuthError, and nothing moves`, async () => {
      const err = await driver
        .make(board, 'wrong')
        .off(1)
        .catch((e) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(board.emulator.device.power).toBe('ON');
    });
  }
});

describe('iLO driver safety', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startIlo('ilo4', 244, 2);
  });
  afterAll(() => board.emulator.stop());
  beforeEach(() => resetIlo(board));

  it('refuses a board whose certificate it was not told to trust', async () => {
    const sw = createIloSwitch({ host: board.host, port: board.tlsPort, username: 'admin', password: 'pw' });
    const err = await sw.status(1).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/certificate/);
    expect(board.emulator.device.power).toBe('ON');
  });

  it('waits for a board that takes its time: off resolves only when the server reads off', async () => {
    const sw = createIloSwitch({
      host: board.host,
      port: board.tlsPort,
      username: 'admin',
      password: 'pw',
      insecure: true,
    });
    const from = board.events.length;
    const result = await sw.off(1);
    expect(result).toMatchObject([{ state: 'off' }]);
    // Through the board's 2 s transition the server still reads on: off has waited it out.
    expect(board.emulator.device.power).toBe('OFF');
    const changes = board.events.slice(from).flatMap((e) => (e.type === 'plug' ? [e.state] : []));
    expect(changes).toEqual(['OFF']);
    await sw.on(1);
  });

  it('never reports off when the board does not move: TimeoutError in the confirm phase', async () => {
    board.emulator.device.faults.add('stuck-power');
    try {
      const sw = createRedfishSwitch({
        host: board.host,
        port: board.tlsPort,
        username: 'admin',
        password: 'pw',
        insecure: true,
      });
      const err = await sw.off(1, { timeoutMs: 3000 }).catch((e) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.phase).toBe('confirm');
      expect(board.emulator.device.power).toBe('ON');
    } finally {
      board.emulator.device.faults.clear();
    }
  });
});

describe('fencekit power --driver ilo', () => {
  it.each(MODELS.map((m, i) => [m, 245 + i] as const))(
    '%s: off returns only once the emulated server reads off',
    async (model, n) => {
      const board = await startIlo(model, n, 0.5);
      try {
        const r = await run(process.execPath, [
          FENCEKIT,
          'power',
          'off',
          '--driver',
          'ilo',
          '--host',
          board.host,
          '--port',
          String(board.tlsPort),
          '--insecure',
          '--username',
          'admin',
          '--password-file',
          pwFile,
        ]);
        expect(r.stdout).toBe('plug 1 (server): OFF\n');
        expect(r.code).toBe(0);
        expect(board.emulator.device.power).toBe('OFF');
      } finally {
        await board.emulator.stop();
      }
    },
  );
});
