import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plugStates, type RunningWti, startWti } from '../helpers/emulator.js';
import { RawClient } from '../helpers/raw-client.js';
import { peer } from '../helpers/run.js';
import { untilEvent, waitFor } from '../helpers/wait.js';

/**
 * The serial set-up port over a real pseudo-terminal pair made by socat: the
 * emulator opens side A at 9600 baud through serialport's native binding, as
 * `fencekit emulate --serial` does; the test is the terminal on side B. The
 * same device also listens on telnet (127.0.0.70–79, ADDRESSES.md), so the two
 * screens can be compared byte for byte.
 */
const SOCAT = '/usr/bin/socat';
const socatOk = peer(SOCAT).available;

const TABLE_END = /-----\+\r\n\r\nIPS> $/;

/** The terminal on side B: writes keys, keeps everything read. */
class PtyTerminal {
  private received = Buffer.alloc(0);

  constructor(readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    port.on('error', () => {});
  }

  get output(): string {
    return this.received.toString('latin1');
  }

  async type(text: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(text, 'latin1'), (err) => (err ? reject(err) : resolve()));
    });
    await new Promise<void>((resolve, reject) => this.port.drain((err) => (err ? reject(err) : resolve())));
  }

  /** Wait (bounded) until the output after `from` matches; return that part. */
  async expect(pattern: string | RegExp, from: number, timeoutMs = 5000): Promise<string> {
    const seen = () => {
      const text = this.output.slice(from);
      return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) ? text : null;
    };
    return waitFor(seen, { what: String(pattern), timeoutMs }).catch((err: Error) => {
      throw new Error(`${err.message}; got ${JSON.stringify(this.output.slice(from))}`);
    });
  }

  /** Type a line ended by CR, as a terminal's Enter; return the answer up to `until`. */
  async command(line: string, until: string | RegExp = TABLE_END): Promise<string> {
    const from = this.output.length;
    await this.type(`${line}\r`);
    return this.expect(until, from);
  }
}

async function waitForLinks(paths: string[], child: ChildProcess, timeoutMs = 5000): Promise<void> {
  await waitFor(() => child.exitCode !== null || paths.every((p) => fs.existsSync(p)), {
    what: `socat to create ${paths.join(' and ')}`,
    timeoutMs,
  });
  if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}`);
}

describe.skipIf(!socatOk)('the serial set-up port over a pty pair (socat)', () => {
  let dir: string;
  let socat: ChildProcess | undefined;
  let wti: RunningWti | undefined;
  let sideB: SerialPort | undefined;
  let terminal: PtyTerminal;
  let telnet: RawClient | undefined;

  // A fresh cable, unit and terminal for each test, so each passes alone (-t) or after any other.
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-serial-'));
    const linkA = path.join(dir, 'a');
    const linkB = path.join(dir, 'b');
    socat = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${linkA}`, `pty,raw,echo=0,link=${linkB}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    await waitForLinks([linkA, linkB], socat);

    wti = await startWti({
      listen: '127.0.0.70:0',
      serial: linkA,
      baud: 9600,
      plugs: [
        { number: 1, name: 'node1' },
        { number: 2, name: 'node2', default: 'OFF' },
        { number: 7, name: 'storage-a', bootDelay: 1 },
      ],
    });
    expect(wti.emulator.serial).not.toBeNull();

    const port = new SerialPort({ path: linkB, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    sideB = port;
    terminal = new PtyTerminal(port);
  });

  afterEach(async () => {
    telnet?.close();
    telnet = undefined;
    const port = sideB;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    await wti?.stop();
    if (socat?.pid !== undefined && socat.exitCode === null) {
      const exited = new Promise<void>((resolve) => socat?.once('exit', () => resolve()));
      process.kill(socat.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Wake the serial line and log in, as the first test does step by step. */
  async function logIn(): Promise<void> {
    await terminal.type('\r');
    await terminal.expect('Password: ', 0);
    const from = terminal.output.length;
    await terminal.type('secret\r');
    await terminal.expect(TABLE_END, from);
  }

  it('sleeps until a key, then asks for the password; the password is never echoed', async () => {
    // Nothing was written before the key: the first bytes read are the prompt.
    await terminal.type('\r');
    await terminal.expect('Password: ', 0);
    expect(terminal.output).toBe('\r\nPassword: ');

    const from = terminal.output.length;
    await terminal.type('secret\r');
    const screen = await terminal.expect(TABLE_END, from);
    expect(screen).not.toContain('secret');
    expect(screen).toMatch(/^\r\nInternet Power Switch v1\.40h {4}Site ID: \(undefined\)\r\n/);
    expect(screen).toContain(' 7   | storage-a        | (undefined) |   ON   |       1 Secs    |   ON    |');
  });

  it('echoes /S and shows byte for byte the table a telnet session shows', async () => {
    if (!wti) throw new Error('no emulator');
    await logIn();
    telnet = await RawClient.connect(wti.host, wti.port);
    await telnet.login('secret');
    const from = telnet.plain.length;
    telnet.send('/S\r\n');
    await telnet.expect(TABLE_END, 5000, from);
    const telnetScreen = telnet.plain.slice(from);

    const serialScreen = await terminal.command('/S');
    expect(serialScreen).toBe(`/S\r\n${telnetScreen}`);
  });

  it('switches plugs from the serial line, with the same redrawn table as telnet', async () => {
    if (!wti) throw new Error('no emulator');
    await logIn();
    telnet = await RawClient.connect(wti.host, wti.port);
    await telnet.login('secret');
    const off = await terminal.command('/OFF 1,y');
    expect(off).toMatch(/^\/OFF 1,y\r\n\r\nProcessing - please wait\r\n\r\nInternet Power Switch/);
    expect(off).toContain(' 1   | node1            | (undefined) |   OFF  |');
    expect(plugStates(wti.emulator)).toBe('OFF OFF ON ON ON ON ON ON');

    // /BOOT holds the prompt for the boot delay, then shows the plug back on.
    const boot = await terminal.command('/BOOT 7,y');
    expect(boot).toContain(' 7   | storage-a        | (undefined) |   ON   |');
    const seven = wti.events.filter((e) => e.type === 'plug' && e.plug === 7).map((e) => e.type === 'plug' && e.state);
    expect(seven).toEqual(['OFF', 'ON']);

    const from = telnet.plain.length;
    telnet.send('/S\r\n');
    await telnet.expect(TABLE_END, 5000, from);
    const telnetScreen = telnet.plain.slice(from);
    expect(telnetScreen).toContain(' 1   | node1            | (undefined) |   OFF  |');
    expect(await terminal.command('/S')).toBe(`/S\r\n${telnetScreen}`);

    const on = await terminal.command('/ON 1,y');
    expect(on).toContain(' 1   | node1            | (undefined) |   ON   |');
    expect(plugStates(wti.emulator)).toBe('ON OFF ON ON ON ON ON ON');
  });

  it('puts the line back to sleep on /X; the next key starts a fresh login', async () => {
    if (!wti) throw new Error('no emulator');
    await logIn();
    const from = terminal.output.length;
    await terminal.type('/X,y\r');
    await terminal.expect('/X,y\r\n', from);
    await untilEvent(wti, (e) => e.type === 'logout' && e.origin.startsWith('serial ') && e.reason === 'logout', {
      what: 'the serial session to end',
    });
    expect(terminal.output.slice(from)).toBe('/X,y\r\n');

    const wake = terminal.output.length;
    await terminal.type('\r');
    await terminal.expect('Password: ', wake);
    expect(terminal.output.slice(wake)).toBe('\r\nPassword: ');
    const afterPrompt = terminal.output.length;
    await terminal.type('secret\r');
    await terminal.expect(TABLE_END, afterPrompt);
  });
});
