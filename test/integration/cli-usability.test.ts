import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourWanted } from '../../cli/colour.js';
import { ConsoleView } from '../../cli/console-view.js';
import {
  AGENT_EXIT_TABLE,
  EMULATE_EXIT_TABLE,
  EXIT_BY_CODE,
  exitTableHelp,
  exitTableMarkdown,
  POWER_EXIT_TABLE,
} from '../../cli/exit-codes.js';
import { remedyText } from '../../cli/remedy.js';
import { commandLineSecretWarnings } from '../../cli/secrets.js';
import { EventBus } from '../../emulator/events.js';
import { IloEmulator } from '../../emulator/ilo-emulator.js';
import type { PlugTable } from '../../emulator/unit-kind.js';
import { ConnectionError } from '../../src/errors.js';
import { FENCE_FENCEKIT, FENCEKIT } from '../helpers/cli.js';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { run } from '../helpers/run.js';

/**
 * What a user of `fencekit power`, `fencekit emulate` and `fence_fencekit`
 * reads: exit tables that agree between code, help and docs; trust errors
 * worded in each CLI's own options; a warning for a password on the command
 * line; NO_COLOR; error lines of a readable length whatever was typed.
 * Addresses 127.0.5.10 (WTI) and 127.0.5.11 (iLO 4: HTTPS and SSH), port 0.
 */
const root = path.resolve(import.meta.dirname, '../..');
const doc = (name: string) => fs.readFileSync(path.join(root, 'docs', name), 'utf8');
const fencekit = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [FENCEKIT, ...args], { env: { ...process.env, ...env } });

describe('exit statuses: one table in code, help and docs', () => {
  it('every error code has its row, as the code maps it', () => {
    for (const [code, status] of Object.entries(EXIT_BY_CODE)) {
      const row = POWER_EXIT_TABLE.find((r) => r.status === status);
      expect(row, code).toBeDefined();
      if (code !== 'EUSAGE') expect(row?.meaning.startsWith(`\`${code}\``), code).toBe(true);
    }
    expect(POWER_EXIT_TABLE.map((r) => r.status)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 64]);
  });

  it('docs/cli.md and docs/fence-agent.md carry the tables the code has', () => {
    expect(doc('cli.md')).toContain(exitTableMarkdown(POWER_EXIT_TABLE));
    expect(doc('cli.md')).toContain(exitTableMarkdown(EMULATE_EXIT_TABLE));
    expect(doc('fence-agent.md')).toContain(exitTableMarkdown(AGENT_EXIT_TABLE));
  });

  it('fencekit --help, power --help and emulate --help print them', async () => {
    const top = await fencekit(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain(exitTableHelp('Exit status of fencekit power', POWER_EXIT_TABLE));
    expect(top.stdout).toContain(exitTableHelp('Exit status of fencekit emulate', EMULATE_EXIT_TABLE));
    expect(top.stdout).toContain('Examples:');
    const power = await fencekit(['power', '--help']);
    expect(power.stdout).toContain(exitTableHelp('Exit status', POWER_EXIT_TABLE));
    expect(power.stdout).toMatch(/refused connection .* retried 3 times/);
    const emulate = await fencekit(['emulate', '--help']);
    expect(emulate.stdout).toContain(exitTableHelp('Exit status', EMULATE_EXIT_TABLE));
  });
});

describe('remedies in each CLI’s own words', () => {
  it('the same typed remedy reads as flags for fencekit power, as options for fence_fencekit', () => {
    const tls = new ConnectionError('TLS failed', { remedy: ['trust-ca', 'tls-insecure'] });
    expect(remedyText(tls, 'flags')).toBe(
      "; give --ca FILE (the board's certificate, PEM), or --insecure (a lab only)",
    );
    expect(remedyText(tls, 'agent')).toBe(
      "; give ssl_ca=FILE (the board's certificate, PEM), or ssl_insecure=1 (a lab only)",
    );
    const ssh = new ConnectionError('host key', { remedy: ['pin-host-key', 'ssh-insecure'] });
    expect(remedyText(ssh, 'flags')).toBe('; give --host-key SHA256:…, or --insecure (a lab only)');
    expect(remedyText(ssh, 'agent')).toBe('; give host_key=SHA256:…, or ssh_insecure=1 (a lab only)');
    expect(remedyText(new ConnectionError('lost'), 'flags')).toBe('');
  });

  describe('against an iLO 4 whose certificate and host key nobody pinned', () => {
    let board: IloEmulator;
    const host = '127.0.5.11';
    beforeAll(async () => {
      board = await IloEmulator.start({
        config: {
          model: 'ilo4',
          listen: null,
          https: `${host}:0`,
          ssh: `${host}:0`,
          username: 'admin',
          password: 'pw-Ilo-7',
          transition: 0,
        },
      });
    });
    afterAll(() => board?.stop());
    const env = { FENCEKIT_PASSWORD: 'pw-Ilo-7' };

    it('fencekit power --driver redfish names --ca and --insecure, not library options', async () => {
      const port = String(board.https?.address.port);
      const r = await fencekit(['power', 'status', '--driver', 'redfish', '--host', host, '--port', port], env);
      expect(r.code).toBe(8);
      expect(r.stderr).toContain("give --ca FILE (the board's certificate, PEM), or --insecure (a lab only)");
      expect(r.stderr).not.toMatch(/as ca\b|or insecure\b/);
    });

    it('fencekit power --driver ilo-ssh names --host-key', async () => {
      const port = String(board.ssh?.address.port);
      const r = await fencekit(['power', 'status', '--driver', 'ilo-ssh', '--host', host, '--port', port], env);
      expect(r.code).toBe(8);
      expect(r.stderr).toMatch(/offered host key SHA256:\S+, which is not trusted; give --host-key SHA256:…/);
      expect(r.stderr).not.toContain("'insecure'");
    });

    it('fence_fencekit names ssl_ca= and ssl_insecure=1', async () => {
      const input = `driver=redfish\nip=${host}\nipport=${board.https?.address.port}\nusername=admin\npassword=pw-Ilo-7\naction=status\n`;
      const r = await run(process.execPath, [FENCE_FENCEKIT], { input });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("give ssl_ca=FILE (the board's certificate, PEM), or ssl_insecure=1 (a lab only)");
    });
  });
});

describe('a password on the command line', () => {
  it('the warning names where to put it, once per flag, and never the value', () => {
    expect(commandLineSecretWarnings('power', { password: 's3cret' })).toEqual([
      'fencekit: warning: --password on the command line is visible to other users (ps); use --password-file FILE or FENCEKIT_PASSWORD instead',
    ]);
    const both = commandLineSecretWarnings('emulate', { password: 's3cret', community: 'c0mm' }).join('\n');
    expect(both).toContain('--community on the command line');
    expect(both).toContain('the --config file');
    expect(both).not.toMatch(/s3cret|c0mm/);
    expect(commandLineSecretWarnings('power', {})).toEqual([]);
  });

  it('fencekit power --password warns on stderr; --password-file does not', async () => {
    const args = ['power', 'status', '1', '--driver', 'wti', '--host', '127.0.5.1', '--port', '1'];
    const flagged = await fencekit([...args, '--password', 'hunter2-pw']);
    expect(flagged.stderr).toMatch(/^fencekit: warning: --password on the command line .*FENCEKIT_PASSWORD/m);
    expect(flagged.stderr).not.toContain('hunter2-pw');
    const quiet = await fencekit(args, { FENCEKIT_PASSWORD: 'hunter2-pw' });
    expect(quiet.stderr).not.toContain('warning');
  });
});

describe('NO_COLOR', () => {
  const bank: PlugTable = { all: () => [{ number: 1, name: 'node1', state: 'ON', bootDelayMs: 500 }] };
  const out = Object.assign(new EventEmitter(), { write: () => true, rows: 24 }) as unknown as NodeJS.WriteStream;
  const view = (colour: boolean) => new ConsoleView(bank, 'IPS-800', new EventBus(), out, [], colour).render();

  it('any non-empty value turns colour off; empty or unset leaves it on', () => {
    expect(colourWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ NO_COLOR: 'yes' })).toBe(false);
    expect(colourWanted({ NO_COLOR: '' })).toBe(true);
    expect(colourWanted({})).toBe(true);
  });

  it('the console view prints no colour codes without colour, and the state still reads', () => {
    expect(view(true)).toContain('\x1b[32mON \x1b[0m');
    const plain = view(false);
    expect(plain).not.toContain('\x1b[');
    expect(plain).toMatch(/node1\s+ON /);
  });
});

describe('error lines of a readable length', () => {
  let unit: RunningWti;
  beforeAll(async () => {
    unit = await startWti({ listen: '127.0.5.10:0', password: 'pw' });
  });
  afterAll(() => unit?.stop());
  const LONG = 'x'.repeat(10_000);

  it('a 10,000-character plug name is cut in the message and in the JSON', async () => {
    const r = await fencekit(
      ['power', 'status', LONG, '--driver', 'wti', '--host', unit.host, '--port', String(unit.port), '--json'],
      { FENCEKIT_PASSWORD: 'pw' },
    );
    expect(r.code).toBe(4);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe('EUNKNOWNPLUG');
    expect(body.error.message).toMatch(/… \(\d+ more\)/);
    expect(body.error.message.length).toBeLessThan(200);
    expect(r.stderr.length).toBeLessThan(300);
  });

  it.each([
    ['an action', ['power', LONG, '1', '--driver', 'wti', '--host', 'h']],
    ['a driver', ['power', 'status', '1', '--driver', LONG, '--host', 'h']],
    ['a port', ['power', 'status', '1', '--driver', 'wti', '--host', 'h', '--port', LONG]],
    ['a choice', ['power', 'status', '1', '--driver', 'apc', '--host', 'h', '--username', 'u', '--mode', LONG]],
    ['a host', ['power', 'status', '1', '--driver', 'wti', '--host', LONG, '--port', '1']],
  ])('%s of 10,000 characters gives one short line', async (_what, args) => {
    const r = await fencekit(args, { FENCEKIT_PASSWORD: 'pw' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.length).toBeLessThan(800);
  });
});
