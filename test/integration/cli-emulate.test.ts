import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FENCEKIT, startEmulatorProcess } from '../helpers/cli.js';
import { RawClient } from '../helpers/raw-client.js';
import { run, runOnTty } from '../helpers/run.js';

/** `fencekit emulate` as a process: start-up, flags, config, state across restarts, signals. 127.0.0.60–69. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function session(host: string, port: number, password: string, commands: string[]): Promise<string> {
  const c = await RawClient.connect(host, port);
  try {
    await c.login(password);
    for (const command of commands) {
      const from = c.plain.length;
      c.send(`${command}\r\n`);
      await c.expect('IPS> ', 5000, from);
    }
    return c.plain;
  } finally {
    c.send('/X,Y\r\n');
    await c.expectClose().catch(() => {});
    c.close();
  }
}

describe('fencekit emulate', () => {
  it('prints "listening on" with the address, logs events as JSON lines, and stops on SIGTERM', async () => {
    const emu = await startEmulatorProcess(['--listen', '127.0.0.60:0', '--password', 'hunter2', '--plug', '5=mclaws']);
    expect(emu.host).toBe('127.0.0.60');
    expect(emu.stdout()).toMatch(/fence_wti -a 127\.0\.0\.60 -u \d+/);
    await session(emu.host, emu.port, 'hunter2', ['/OFF 5,Y']);
    const off = await emu.waitForLog((e) => e.type === 'plug' && e.plug === 5);
    expect(off.state).toBe('OFF');
    expect(off.msg).toBe(`plug 5 (mclaws) OFF by ${off.by}`);
    await emu.waitForLog((e) => e.type === 'logout');
    const exit = await emu.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(emu.stdout()).toContain('stopped');
    // The password was on the command line, but it must never reach the output.
    expect(emu.stdout() + emu.stderr()).not.toContain('hunter2');
  });

  it('stops cleanly on SIGINT too', async () => {
    const emu = await startEmulatorProcess(['--listen', '127.0.0.60:0']);
    expect((await emu.stop('SIGINT')).code).toBe(0);
  });

  it('takes the password from --password-file or FENCEKIT_PASSWORD', async () => {
    const file = path.join(tmp, 'pw');
    fs.writeFileSync(file, 'from-file\n');
    const a = await startEmulatorProcess(['--listen', '127.0.0.61:0', '--password-file', file]);
    try {
      expect(await session(a.host, a.port, 'from-file', ['/S'])).toContain('Plug | Name');
    } finally {
      await a.stop();
    }
    const b = await startEmulatorProcess(['--listen', '127.0.0.61:0'], {
      ...process.env,
      FENCEKIT_PASSWORD: 'from-env',
    });
    try {
      expect(await session(b.host, b.port, 'from-env', ['/S'])).toContain('Plug | Name');
    } finally {
      await b.stop();
    }
  });

  it('reads --config, and command-line flags win over it', async () => {
    const config = path.join(tmp, 'config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        model: 'nps',
        listen: '127.0.0.62:0',
        password: 'cfgpass',
        plugs: { '1': 'alpha', '2': 'beta' },
      }),
    );
    const emu = await startEmulatorProcess(['--config', config, '--plug', '2=gamma']);
    try {
      const c = await RawClient.connect(emu.host, emu.port);
      await c.login('cfgpass', 'NPS> ');
      expect(c.plain).toContain('Network Power Switch v2.12');
      expect(c.plain).toContain(' 1   | alpha            |');
      expect(c.plain).toContain(' 2   | gamma            |');
      c.close();
    } finally {
      await emu.stop();
    }
  });

  it('refuses a bad config with a clear message and exit 64', async () => {
    const config = path.join(tmp, 'bad.json');
    fs.writeFileSync(config, JSON.stringify({ model: 'ips800', lisen: '127.0.0.1:1' }));
    const r = await run(process.execPath, [FENCEKIT, 'emulate', '--config', config]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown setting 'lisen'");
    // Not JSON: where, not V8's message (which quotes the text, password and all).
    fs.writeFileSync(config, '{ "model": "ips800", "password": "pw-Hq4-secret" x }');
    const notJson = await run(process.execPath, [FENCEKIT, 'emulate', '--config', config]);
    expect(notJson.code).toBe(64);
    expect(notJson.stderr).toBe(
      `fencekit: config file ${config} is not valid JSON: at line 1, column 50, expected ',' or '}'\n`,
    );
    const long = await run(process.execPath, [
      FENCEKIT,
      'emulate',
      '--plug',
      '1=seventeen-chars-x',
      '--listen',
      '127.0.0.62:0',
    ]);
    expect(long.code).toBe(64);
    expect(long.stderr).toContain('longer than 16 characters');
  });

  it('fails clearly when the address is taken', async () => {
    const first = await startEmulatorProcess(['--listen', '127.0.0.63:0']);
    try {
      const r = await run(process.execPath, [
        FENCEKIT,
        'emulate',
        '--no-console',
        '--listen',
        `127.0.0.63:${first.port}`,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('EADDRINUSE');
    } finally {
      await first.stop();
    }
  });

  it('with --state, names and plug states survive a restart and a kill -9', async () => {
    const state = path.join(tmp, 'wti.state.json');
    const args = ['--listen', '127.0.0.64:0', '--password', 'pw', '--state', state];
    const first = await startEmulatorProcess([...args, '--plug', '3=web']);
    // Rename plug 4 through the /P menu, switch plugs 3 and 4 off.
    const c = await RawClient.connect(first.host, first.port);
    await c.login('pw');
    c.send('/P 4\r\n');
    await c.expect('Enter selection');
    c.send('1\r\n');
    await c.expect('Enter new Plug Name: ');
    c.send('db\r\n');
    await c.expect(/Plug Name:\s+db/);
    c.send('\r\n');
    await c.expect('IPS> ', 3000, c.plain.lastIndexOf('Enter selection'));
    let from = c.plain.length;
    c.send('/OFF 3+4,Y\r\n');
    await c.expect('IPS> ', 3000, from);
    await first.waitForLog((e) => e.type === 'plug' && e.plug === 4);
    // No clean shutdown: the state must already be on disk.
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    c.close();
    expect(fs.statSync(state).mode & 0o777).toBe(0o600);

    const second = await startEmulatorProcess(args);
    try {
      const d = await RawClient.connect(second.host, second.port);
      await d.login('pw');
      expect(d.plain).toMatch(/ 3 {3}\| web {14}\| \(undefined\) \| {3}OFF {2}\|/);
      expect(d.plain).toMatch(/ 4 {3}\| db {15}\| \(undefined\) \| {3}OFF {2}\|/);
      expect(d.plain).toMatch(/ 5 {3}\| \(undefined\) {6}\| \(undefined\) \| {3}ON {3}\|/);
      from = d.plain.length;
      d.close();
    } finally {
      await second.stop();
    }
  });

  it('shows a live plug table on a terminal', async () => {
    const r = await runOnTty(
      `timeout -s INT 2 ${process.execPath} ${FENCEKIT} emulate --listen 127.0.0.65:0 --plug 2=tty-node`,
      {
        timeoutMs: 15_000,
      },
    );
    expect(r.stdout).toContain('listening on 127.0.0.65:');
    expect(r.stdout).toContain('tty-node');
    expect(r.stdout).toContain('last events');
  });
});
