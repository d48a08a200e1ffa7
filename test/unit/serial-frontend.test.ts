import { SerialPortMock } from 'serialport';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EmulatorConfig } from '../../emulator/config.js';
import type { Timestamped } from '../../emulator/events.js';
import type { SerialPortLike } from '../../emulator/frontends/serial.js';
import type { WtiEmulator } from '../../emulator/wti-emulator.js';
import type { WtiConfig } from '../helpers/emulator.js';
import { plugStates, startWti } from '../helpers/emulator.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The RS-232 set-up port, through serialport's mock binding: what a person at
 * a serial terminal sees. The emulator opens the mock port itself (openSerial);
 * the test types with emitData and reads what the unit wrote from the binding's
 * recording. Telnet, where used, is on 127.0.0.1 port 0 (ADDRESSES.md).
 */

const PLUGS: EmulatorConfig['plugs'] = [
  { number: 1, name: 'node1' },
  { number: 2, name: 'node2', default: 'OFF' },
  { number: 3, name: 'web' },
];
const TABLE_END = /-----\+\r\n\r\nIPS> $/;

/** The mock binding under an open SerialPortMock: emitData() types, recording holds what was written. */
type MockPortBinding = NonNullable<SerialPortMock['port']>;

/** One serial terminal on a mock port: types bytes, reads what the unit wrote. */
class MockTerminal {
  constructor(
    readonly port: SerialPortMock,
    readonly events: Timestamped[],
  ) {}

  private get binding(): MockPortBinding {
    const binding = this.port.port;
    if (!binding) throw new Error('the emulator has not opened the port');
    return binding;
  }

  /** Everything the unit has written to the line, as latin1. */
  get output(): string {
    return this.binding.recording.toString('latin1');
  }

  /** Type bytes at the terminal, in one chunk; resolves once the unit has read them. */
  async type(text: string): Promise<void> {
    this.binding.emitData(Buffer.from(text, 'latin1'));
    await settle();
  }

  /** Type one key at a time, each read separately, as a person (or a 9600 baud line) delivers them. */
  async typeKeys(text: string): Promise<void> {
    for (const key of text) await this.type(key);
  }

  /** Wait (bounded) until the output after `from` matches; return that part of the output. */
  async expect(pattern: string | RegExp, from: number, timeoutMs = 3000): Promise<string> {
    const seen = () => {
      const text = this.output.slice(from);
      return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) ? text : null;
    };
    return waitFor(seen, { what: String(pattern), timeoutMs }).catch((err: Error) => {
      throw new Error(`${err.message}; got ${JSON.stringify(this.output.slice(from))}`);
    });
  }

  /** Wake the line and log in; returns the offset after the first prompt. */
  async login(password = 'secret'): Promise<number> {
    const from = this.output.length;
    await this.type('\r');
    await this.expect('Password: ', from);
    const afterPrompt = this.output.length;
    await this.type(`${password}\r`);
    await this.expect(TABLE_END, afterPrompt);
    return this.output.length;
  }

  /** Send a command line (CR, as a terminal sends Enter); return what came back up to the prompt. */
  async command(line: string, until: string | RegExp = 'IPS> '): Promise<string> {
    const from = this.output.length;
    await this.type(`${line}\r`);
    return this.expect(until, from, 5000);
  }
}

/** Let the mock binding and the stream pass the bytes along (they go through a few ticks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

let seq = 0;
const emulators: WtiEmulator[] = [];
const telnetClients: RawClient[] = [];

afterEach(async () => {
  for (const c of telnetClients.splice(0)) c.close();
  for (const e of emulators.splice(0)) await e.stop();
});

afterAll(() => {
  SerialPortMock.binding.reset();
});

async function startSerial(config: Partial<WtiConfig> = {}): Promise<{ emulator: WtiEmulator; line: MockTerminal }> {
  const path = `/dev/fake-wti-${process.pid}-${++seq}`;
  SerialPortMock.binding.createPort(path, { echo: false, record: true });
  let port: SerialPortMock | undefined;
  const { emulator, events } = await startWti(
    { listen: null, serial: path, baud: 9600, plugs: PLUGS, ...config },
    {
      openSerial: (p, baudRate) => {
        port = new SerialPortMock({ path: p, baudRate, autoOpen: false });
        return port as unknown as SerialPortLike;
      },
    },
  );
  emulators.push(emulator);
  if (!port) throw new Error('the emulator did not open the serial line');
  expect(port.isOpen).toBe(true);
  expect(port.baudRate).toBe(9600);
  return { emulator, line: new MockTerminal(port, events) };
}

describe('serial front-end (mock port)', () => {
  it('keeps the line asleep until a key is pressed, then asks for the password', async () => {
    const { emulator, line } = await startSerial();
    expect(emulator.telnet).toBeNull();
    await settle();
    expect(line.output).toBe('');
    await line.type('\r');
    await line.expect('Password: ', 0);
    // The waking key is neither echoed nor taken as a (wrong) password.
    expect(line.output).toBe('\r\nPassword: ');
    expect(line.events.map((e) => e.type)).not.toContain('login-failed');
  });

  it('logs in without echoing the password, then shows the plug table and the prompt', async () => {
    const { line } = await startSerial();
    await line.type('\r');
    await line.expect('Password: ', 0);
    const from = line.output.length;
    await line.typeKeys('secret\r');
    const screen = await line.expect(TABLE_END, from);
    expect(screen).not.toContain('secret');
    expect(screen).toMatch(/^\r\nInternet Power Switch v1\.40h {4}Site ID: \(undefined\)\r\n\r\nPlug \| Name /);
    expect(screen).toContain(' 1   | node1            | (undefined) |   ON   |');
    expect(screen).toContain(' 2   | node2            | (undefined) |   OFF  |');
    expect(line.events).toContainEqual(expect.objectContaining({ type: 'login', mode: 'admin' }));
  });

  it('refuses a wrong password, asks again, and logs in with the right one', async () => {
    const { line } = await startSerial();
    await line.type('\r');
    await line.expect('Password: ', 0);
    const from = line.output.length;
    await line.type('wrong\r');
    const reply = await line.expect('Password: ', from);
    expect(reply).toBe('\r\nInvalid password\r\n\r\nPassword: ');
    expect(line.output).not.toContain('wrong');
    const again = line.output.length;
    await line.type('secret\r');
    await line.expect(TABLE_END, again);
  });

  it('echoes typed commands, key by key, and answers /S with the table', async () => {
    const { line } = await startSerial();
    await line.login();
    const from = line.output.length;
    await line.typeKeys('/s');
    await line.expect('/s', from);
    expect(line.output.slice(from)).toBe('/s');
    await line.type('\r');
    const screen = await line.expect(TABLE_END, from);
    expect(screen).toMatch(/^\/s\r\n\r\nInternet Power Switch/);
  });

  it('echoes a backspace as an erase and runs the corrected command', async () => {
    const { line } = await startSerial();
    await line.login();
    const from = line.output.length;
    await line.typeKeys('/x\b');
    await line.expect('\b \b', from);
    await line.type('S\r');
    const screen = await line.expect(TABLE_END, from);
    const echoed = '/x\b \bS\r\n\r\nInternet Power Switch';
    expect(screen.slice(0, echoed.length)).toBe(echoed);
  });

  it('switches a plug and redraws the table, as telnet does', async () => {
    const { emulator, line } = await startSerial();
    await line.login();
    expect(plugStates(emulator)).toBe('ON OFF ON ON ON ON ON ON');
    const reply = await line.command('/off 1,y', TABLE_END);
    expect(reply).toMatch(/^\/off 1,y\r\n\r\nProcessing - please wait\r\n\r\nInternet Power Switch/);
    expect(reply).toContain(' 1   | node1            | (undefined) |   OFF  |');
    expect(plugStates(emulator)).toBe('OFF OFF ON ON ON ON ON ON');
    expect(line.events).toContainEqual(
      expect.objectContaining({
        type: 'plug',
        plug: 1,
        state: 'OFF',
        by: expect.stringMatching(/^serial \/dev\/fake-wti-/),
      }),
    );

    // With confirmation: the question, the echoed answer, then the switch.
    const asked = await line.command('/on 1', 'Sure? (Y/N): ');
    expect(asked).toBe('/on 1\r\n\r\nSure? (Y/N): ');
    const done = await line.command('y', TABLE_END);
    expect(done).toMatch(/^y\r\n\r\nProcessing - please wait\r\n/);
    expect(plugStates(emulator)).toBe('ON OFF ON ON ON ON ON ON');
  });

  it('puts the line back to sleep after /X; the next key starts a fresh login', async () => {
    const { line } = await startSerial();
    await line.login();
    const from = line.output.length;
    await line.type('/X,y\r');
    await line.expect('/X,y\r\n', from);
    await settle();
    expect(line.events).toContainEqual(expect.objectContaining({ type: 'logout', reason: 'logout' }));
    expect(line.output.slice(from)).toBe('/X,y\r\n');

    // Asleep: a key wakes it, unechoed, to a new password prompt, not to the old prompt.
    const wake = line.output.length;
    await line.type('a');
    await line.expect('Password: ', wake);
    expect(line.output.slice(wake)).toBe('\r\nPassword: ');
    const afterPrompt = line.output.length;
    await line.type('secret\r');
    await line.expect(TABLE_END, afterPrompt);
  });

  it('sleeps after three wrong passwords, and wakes again at the next key', async () => {
    const { line } = await startSerial();
    await line.type('\r');
    for (let i = 0; i < 3; i++) {
      const from = line.output.length;
      await line.type(`bad${i}\r`);
      await line.expect('Invalid password', from);
    }
    await settle();
    expect(line.events).toContainEqual(expect.objectContaining({ type: 'logout', reason: 'too many wrong passwords' }));
    expect(line.output.endsWith('Invalid password\r\n')).toBe(true);
    const wake = line.output.length;
    await line.type('\r');
    await line.expect('Password: ', wake);
    expect(line.output.slice(wake)).toBe('\r\nPassword: ');
  });

  it('takes CR LF as one Enter even when the LF arrives in a later read', async () => {
    const { line } = await startSerial();
    // Waking with CR, LF in two reads: one prompt, and the LF is not an empty (wrong) password.
    await line.type('\r');
    await line.type('\n');
    await line.expect('Password: ', 0);
    expect(line.output).toBe('\r\nPassword: ');
    let from = line.output.length;
    await line.type('secret\r');
    await line.type('\n');
    await line.expect(TABLE_END, from);
    expect(line.events.map((e) => e.type)).not.toContain('login-failed');

    // A command ended by CR, LF in two reads runs once and gives one prompt.
    from = line.output.length;
    await line.type('/S\r');
    await line.type('\n');
    await line.expect(TABLE_END, from);
    await settle();
    expect(line.output.slice(from).split('IPS> ')).toHaveLength(2);

    // /X ended by CR, then LF: the LF belongs to that Enter and does not wake the line again.
    from = line.output.length;
    await line.type('/X,y\r');
    await line.type('\n');
    await settle();
    expect(line.output.slice(from)).toBe('/X,y\r\n');
    expect(line.events.filter((e) => e.type === 'logout')).toHaveLength(1);
  });

  it('puts the line to sleep after the idle timeout', async () => {
    const { line } = await startSerial({ idleTimeout: 0.2 });
    await line.login();
    await waitFor(() => line.events.some((e) => e.type === 'logout' && e.reason === 'idle timeout'), {
      what: 'the session dropped for idleness',
    });
    const wake = line.output.length;
    await line.type('\r');
    await line.expect('Password: ', wake);
  });

  it('shows byte for byte the same /S table on the serial line as on telnet', async () => {
    const { emulator, line } = await startSerial({ listen: '127.0.0.1:0' });
    const address = emulator.telnet?.address;
    if (!address) throw new Error('telnet is not listening');
    const telnet = await RawClient.connect(address.address, address.port);
    telnetClients.push(telnet);
    await telnet.login('secret');

    await line.login();
    const typed = '/S\r';
    const serialScreen = await line.command('/S', TABLE_END);

    let from = telnet.plain.length;
    telnet.send('/S\r\n');
    await telnet.expect(TABLE_END, 3000, from);
    const telnetScreen = telnet.plain.slice(from);
    // The serial line echoes what was typed; after that, the same bytes.
    expect(serialScreen).toBe(`${typed}\n${telnetScreen}`);

    // A switch made on one side shows on the other.
    await line.command('/off 3,y', TABLE_END);
    from = telnet.plain.length;
    telnet.send('/S\r\n');
    await telnet.expect(TABLE_END, 3000, from);
    expect(telnet.plain.slice(from)).toContain(' 3   | web              | (undefined) |   OFF  |');
    const again = await line.command('/S', TABLE_END);
    expect(again).toBe(`${typed}\n${telnet.plain.slice(from)}`);
  });
});

describe('faults on the serial line, switched while the unit runs', () => {
  it('hang: the line does not wake; the first key after the fault is cleared wakes it', async () => {
    const { emulator, line } = await startSerial({ password: 'secret' });
    emulator.device.faults.add('hang');
    await line.type('\r');
    await line.type('secret\r');
    expect(line.output).toBe('');
    emulator.device.faults.delete('hang');
    await line.type('\r');
    await line.expect('Password: ', 0);
    expect(line.output).toBe('\r\nPassword: ');
  });

  it('garbled: the prompt comes as line noise; cleared, the next screen is readable', async () => {
    const { emulator, line } = await startSerial({ password: 'secret' });
    emulator.device.faults.add('garbled');
    await line.type('\r');
    await waitFor(() => line.output.length >= '\r\nPassword: '.length, { what: 'the garbled prompt' });
    expect(line.output.startsWith('\r\n')).toBe(true);
    expect(line.output).not.toMatch(/[A-Za-z:]/);
    emulator.device.faults.delete('garbled');
    const from = line.output.length;
    await line.type('secret\r');
    await line.expect(TABLE_END, from);
  });

  it('refuse-login: the right password is invalid; busy leaves the line alone (no session limit here)', async () => {
    const { emulator, line } = await startSerial({ password: 'secret' });
    emulator.device.faults.add('refuse-login');
    emulator.device.faults.add('busy');
    await line.type('\r');
    await line.expect('Password: ', 0);
    const from = line.output.length;
    await line.type('secret\r');
    await line.expect('Invalid password', from);
    emulator.device.faults.delete('refuse-login');
    const again = line.output.length;
    await line.type('secret\r');
    await line.expect(TABLE_END, again);
  });
});
