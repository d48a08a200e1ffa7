import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { RawClient } from '../helpers/raw-client.js';

/**
 * The telnet front-end hands the socket one write per screen: the opening
 * offers together with the password prompt, each screen together with the
 * prompt after it, all the answers to a client's burst of negotiation at once.
 * Counted at the socket (every `write` on the server's end of the
 * connection), so it is what the kernel is asked to send.
 * Address 127.0.1.70 belongs to this file (test/helpers/ADDRESSES.md).
 */
const IAC = 0xff;
const WILL = 0xfb;
const DO = 0xfd;
const DONT = 0xfe;
const ECHO = 1;
const SGA = 3;

let unit: RunningWti | null = null;
let client: RawClient | null = null;

afterEach(async () => {
  vi.restoreAllMocks();
  client?.close();
  client = null;
  await unit?.stop();
  unit = null;
});

/**
 * Every write on the server's end of a client's connection, in order, as latin1
 * text. `clientPort` is the client's local port, read while it was connected.
 */
function serverWrites(spy: ReturnType<typeof spyOnWrites>, c: RawClient, clientPort: number): string[] {
  const out: string[] = [];
  spy.mock.calls.forEach((args, i) => {
    const socket = spy.mock.contexts[i] as net.Socket;
    if (socket === c.socket || socket.remotePort !== clientPort) return;
    out.push(Buffer.from(args[0] as Uint8Array).toString('latin1'));
  });
  return out;
}

/** Wait, up to a deadline, until the client has received `bytes`. */
function bytesArrive(c: RawClient, bytes: Uint8Array, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!c.bytes.includes(Buffer.from(bytes))) return;
      clearTimeout(timer);
      c.socket.off('data', check);
      resolve();
    };
    const timer = setTimeout(() => {
      c.socket.off('data', check);
      reject(new Error(`no ${Buffer.from(bytes).toString('hex')} within ${timeoutMs} ms`));
    }, timeoutMs);
    // RawClient's own listener came first, so its buffer already holds each chunk here.
    c.socket.on('data', check);
    check();
  });
}

function spyOnWrites() {
  return vi.spyOn(net.Socket.prototype, 'write');
}

describe('telnet front-end socket writes', () => {
  it('makes one write per screen in a whole session: offers and password prompt, /S after login, /S, logout', async () => {
    unit = await startWti({ listen: '127.0.1.70:0', plugs: [{ number: 5, name: 'mclaws' }] });
    const spy = spyOnWrites();
    client = await RawClient.connect(unit.host, unit.port);
    const port = client.socket.localPort as number;
    await client.login('secret');
    const mark = client.plain.length;
    client.send('/S\r');
    await client.expect('IPS> ', 3000, mark);
    client.send('/X,Y\r');
    await client.expectClose();

    const writes = serverWrites(spy, client, port);
    expect(writes).toHaveLength(3);
    expect(writes[0]).toBe(`${String.fromCharCode(IAC, WILL, ECHO, IAC, WILL, SGA)}\r\nPassword: `);
    for (const screen of writes.slice(1)) {
      expect(screen).toContain('mclaws');
      expect(screen.endsWith('IPS> ')).toBe(true);
    }
  });

  it('answers a client’s burst of negotiation in one write', async () => {
    unit = await startWti({ listen: '127.0.1.70:0' });
    const spy = spyOnWrites();
    client = await RawClient.connect(unit.host, unit.port);
    const port = client.socket.localPort as number;
    await client.expect('Password: ');
    const before = serverWrites(spy, client, port).length;
    // Agree to our offers and ask for two options the unit refuses, in one segment, as inetutils telnet does.
    client.send(Uint8Array.of(IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, 24, IAC, WILL, 31));
    await bytesArrive(client, Uint8Array.of(IAC, DONT, 31));
    const answers = serverWrites(spy, client, port).slice(before);
    expect(answers).toEqual([String.fromCharCode(IAC, DONT, 24, IAC, DONT, 31)]);
  });
});
