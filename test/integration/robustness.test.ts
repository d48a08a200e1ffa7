import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorEvent, Timestamped } from '../../emulator/events.js';
import { plugStates, type RunningWti, startWti } from '../helpers/emulator.js';
import { RawClient } from '../helpers/raw-client.js';
import { untilEvent, waitFor } from '../helpers/wait.js';

/**
 * Abuse on the telnet port: garbage, option floods, endless lines, dropped and
 * half-closed connections, a peer that never reads, a crowd at the door. After
 * each, no plug has moved and the next honest session logs in and reads /S.
 * Addresses 127.0.0.50–59 belong to this file (test/helpers/ADDRESSES.md).
 */

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const WONT = 0xfc;
const DO = 0xfd;
const DONT = 0xfe;

/** Plugs in a mix of states and names, so a change anywhere shows in /S. */
const PLUGS = [
  { number: 1, name: 'node1', bootDelay: 0.3 },
  { number: 2, name: 'node2', default: 'OFF' as const },
  { number: 3, name: 'web' },
  { number: 5, name: 'db', default: 'OFF' as const },
  { number: 8, name: 'spare', default: 'OFF' as const },
];
const INITIAL = 'ON OFF ON ON OFF ON ON OFF';

/** mulberry32: a small seeded PRNG, so a failure replays byte for byte. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(seed: number, length: number, exclude: readonly number[] = []): Buffer {
  const next = prng(seed);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    let b = Math.floor(next() * 256);
    while (exclude.includes(b)) b = (b + 1) & 0xff;
    out[i] = b;
  }
  return out;
}

/**
 * Random bytes with telnet commands mixed in: about one chunk in eight is an IAC
 * sequence (negotiation, IAC IAC, a bare command, a subnegotiation with or without its end).
 */
function garbage(seed: number, length: number, exclude: readonly number[] = []): Buffer {
  const next = prng(seed);
  const parts: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const pick = next();
    const byte = () => Math.floor(next() * 256);
    let part: Buffer;
    if (pick < 0.04) part = Buffer.from([IAC, [WILL, WONT, DO, DONT][Math.floor(next() * 4)] as number, byte()]);
    else if (pick < 0.06) part = Buffer.from([IAC, IAC]);
    else if (pick < 0.08) part = Buffer.from([IAC, 0xf1 + Math.floor(next() * 9)]);
    else if (pick < 0.1)
      part = Buffer.concat([Buffer.from([IAC, SB, byte()]), randomBytes(byte(), byte() % 40), Buffer.from([IAC, SE])]);
    else if (pick < 0.11) part = Buffer.concat([Buffer.from([IAC, SB, byte()]), randomBytes(byte(), byte() % 40)]);
    else part = randomBytes(Math.floor(next() * 2 ** 31), 1 + Math.floor(next() * 300), exclude);
    parts.push(part);
    size += part.length;
  }
  return Buffer.concat(parts).subarray(0, length);
}

const running: RunningWti[] = [];
const clients: RawClient[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  for (const w of running.splice(0)) await w.stop();
});

async function start(address: string): Promise<RunningWti> {
  const wti = await startWti({ listen: `${address}:0`, plugs: PLUGS });
  running.push(wti);
  expect(plugStates(wti.emulator)).toBe(INITIAL);
  return wti;
}

/** The origin the emulator gives each connection, as its events name it (taken while connected). */
const origins = new WeakMap<RawClient, string>();

async function connect(wti: RunningWti): Promise<RawClient> {
  const client = await RawClient.connect(wti.host, wti.port);
  clients.push(client);
  origins.set(client, `telnet ${client.socket.localAddress}:${client.socket.localPort}`);
  return client;
}

function originOf(client: RawClient): string {
  const origin = origins.get(client);
  if (!origin) throw new Error('not a client of this file');
  return origin;
}

/** Wait (bounded) for an event the emulator reports. */
function waitForEvent(wti: RunningWti, match: (e: EmulatorEvent) => boolean, timeoutMs = 5000): Promise<Timestamped> {
  return untilEvent(wti, match, { timeoutMs, what: 'an event the test expects' });
}

/** The session of `client` has ended on the emulator: its slot is free again. */
function loggedOut(wti: RunningWti, client: RawClient): Promise<Timestamped> {
  const origin = originOf(client);
  return waitForEvent(wti, (e) => e.type === 'logout' && e.origin === origin);
}

/** Send /S and return what came back up to and including the prompt. */
async function status(client: RawClient): Promise<string> {
  const from = client.plain.length;
  client.send('/S\r\n');
  await client.expect(/-----\+\r\n\r\nIPS> $/, 3000, from);
  return client.plain.slice(from);
}

/** An honest session: log in, read /S, log out. Returns the /S screen. */
async function cleanSession(wti: RunningWti): Promise<string> {
  const client = await connect(wti);
  await client.login('secret');
  const screen = await status(client);
  client.send('/X,y\r\n');
  await client.expectClose();
  client.close();
  return screen;
}

/** A /S answer from the banner on (what comes before it is echo, which depends on negotiation). */
function fromBanner(screen: string): string {
  return screen.slice(screen.lastIndexOf('\r\nInternet Power Switch'));
}

/** A fresh session still works and shows the same table as before the abuse. */
async function expectUnharmed(wti: RunningWti, before: string): Promise<void> {
  expect(plugStates(wti.emulator)).toBe(INITIAL);
  expect(await cleanSession(wti)).toBe(before);
  expect(wti.events.filter((e) => e.type === 'plug')).toEqual([]);
}

/** Write in chunks, reading replies meanwhile (RawClient always reads). */
async function sendInChunks(client: RawClient, data: Buffer, sizes: () => number): Promise<void> {
  for (let at = 0; at < data.length && !client.closed; ) {
    const size = Math.max(1, Math.min(data.length - at, sizes()));
    const ok = client.socket.write(data.subarray(at, at + size));
    at += size;
    if (!ok) await new Promise<void>((resolve) => client.socket.once('drain', resolve).once('close', resolve));
  }
}

describe('telnet front-end under abuse', () => {
  it('shows the plug table to an honest session before any abuse', async () => {
    const wti = await start('127.0.0.50');
    const screen = await cleanSession(wti);
    expect(screen).toContain(' 1   | node1            | (undefined) |   ON   |');
    expect(screen).toContain(' 2   | node2            | (undefined) |   OFF  |');
    expect(screen).toContain(' 8   | spare            | (undefined) |   OFF  |');
  });

  it('survives several hundred KB of random bytes, IAC sequences included, at the password prompt', async () => {
    const wti = await start('127.0.0.51');
    const before = await cleanSession(wti);

    const client = await connect(wti);
    await client.expect('Password: ');
    const bytes = garbage(0x5eed01, 400 * 1024);
    const sizes = prng(7);
    await sendInChunks(client, bytes, () => 1 + Math.floor(sizes() * 4096));
    // Three wrong passwords, then the unit hangs up; the rest of the garbage is ignored.
    await client.expect('Invalid password', 5000);
    await client.expectClose(5000);
    expect(client.plain).not.toContain('IPS> ');
    await loggedOut(wti, client);
    expect(wti.events.filter((e) => e.type === 'login-failed')).toHaveLength(3);
    client.close();

    await expectUnharmed(wti, before);
  });

  it('survives several hundred KB of random bytes inside a logged-in session, which then still answers /S', async () => {
    const wti = await start('127.0.0.52');
    const before = await cleanSession(wti);

    const client = await connect(wti);
    await client.login('secret');
    // Everything but '/', so no line can be a command: only refusals may come back.
    const bytes = garbage(0x5eed02, 300 * 1024, [0x2f]);
    const sizes = prng(11);
    await sendInChunks(client, bytes, () => 1 + Math.floor(sizes() * 8192));
    expect(client.closed).toBe(false);

    // Leave any half-sent telnet command or subnegotiation (IAC SE twice resyncs from
    // every parser state), end the half-typed line, then ask for the table.
    client.send(Uint8Array.of(IAC, SE, IAC, SE));
    client.send('\r\n');
    const screen = await status(client);
    expect(fromBanner(screen)).toBe(fromBanner(before));
    expect(client.plain).toContain('Invalid Command');
    client.close();
    await loggedOut(wti, client);

    await expectUnharmed(wti, before);
  });

  it('survives a flood of tens of thousands of WILL/WONT/DO/DONT, then logs in on the same connection', async () => {
    const wti = await start('127.0.0.53');
    const before = await cleanSession(wti);

    const client = await connect(wti);
    await client.expect('Password: ');
    const next = prng(0xf100d);
    const verbs = [WILL, WONT, DO, DONT];
    const count = 40_000;
    const flood = Buffer.alloc(count * 3);
    for (let i = 0; i < count; i++) {
      flood[i * 3] = IAC;
      flood[i * 3 + 1] = verbs[Math.floor(next() * 4)] as number;
      // Mostly the options that matter (BINARY, ECHO, SGA), and every other one too.
      flood[i * 3 + 2] = next() < 0.5 ? ([0, 1, 3][Math.floor(next() * 3)] as number) : Math.floor(next() * 256);
    }
    await sendInChunks(client, flood, () => 1000 + Math.floor(next() * 30_000));

    const from = client.plain.length;
    client.send('secret\r\n');
    await client.expect('IPS> ', 5000, from);
    expect(client.plain.slice(from)).not.toContain('secret');
    const screen = await status(client);
    expect(fromBanner(screen)).toBe(fromBanner(before));
    client.close();
    await loggedOut(wti, client);

    await expectUnharmed(wti, before);
  });

  it('swallows subnegotiations that never end (SB without SE) and resumes after IAC SE', async () => {
    const wti = await start('127.0.0.54');
    const before = await cleanSession(wti);

    const client = await connect(wti);
    await client.expect('Password: ');
    const next = prng(0x5b);
    const parts: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) {
      // IAC SB <option> <junk, no IAC>…: each SB opens inside the previous one; none is closed.
      const junk = randomBytes(i, Math.floor(next() * 16), [IAC]);
      parts.push(Buffer.from([IAC, SB, Math.floor(next() * 256)]), junk);
    }
    // A password inside an unterminated subnegotiation is not a password.
    parts.push(Buffer.from('secret\r\n'));
    await sendInChunks(client, Buffer.concat(parts), () => 500 + Math.floor(next() * 16_000));
    expect(client.plain).not.toContain('IPS> ');
    expect(client.plain).not.toContain('Invalid password');

    client.send(Uint8Array.of(IAC, SE));
    const from = client.plain.length;
    client.send('secret\r\n');
    await client.expect('IPS> ', 5000, from);
    const screen = await status(client);
    expect(fromBanner(screen)).toBe(fromBanner(before));
    client.close();
    await loggedOut(wti, client);

    // And a connection that leaves the SB open for good is simply dropped.
    const stuck = await connect(wti);
    await stuck.expect('Password: ');
    stuck.send(Buffer.concat([Buffer.from([IAC, SB, 24]), randomBytes(99, 64 * 1024, [IAC])]));
    stuck.close();
    await loggedOut(wti, stuck);

    await expectUnharmed(wti, before);
  });

  it('cuts a 64 KB line without a line end, echoes at most the kept part, and runs the next command', async () => {
    const wti = await start('127.0.0.55');
    const before = await cleanSession(wti);

    const client = await connect(wti);
    // Agree to the server's echo, as inetutils telnet does, to see what it echoes.
    client.send(Uint8Array.of(IAC, DO, 1, IAC, DO, 3));
    await client.login('secret');
    const from = client.plain.length;
    client.send(Buffer.alloc(64 * 1024, 'A'));
    client.send('\r\n/S\r\n');
    await client.expect(/-----\+\r\n\r\nIPS> $/, 5000, from);
    const reply = client.plain.slice(from);
    // The long line is refused as one (cut) command; its echo stops where the line was cut.
    expect(reply).toMatch(/^A{256}\r\n\r\nInvalid Command\r\nIPS> \/S\r\n\r\nInternet Power Switch/);
    expect(fromBanner(reply)).toBe(fromBanner(before));
    client.close();
    await loggedOut(wti, client);

    // The same at the password prompt: one wrong password, not a crash.
    const atLogin = await connect(wti);
    await atLogin.expect('Password: ');
    atLogin.send(Buffer.alloc(64 * 1024, 'p'));
    atLogin.send('\r\nsecret\r\n');
    await atLogin.expect('Invalid password');
    await atLogin.expect('IPS> ');
    const screen = await status(atLogin);
    expect(fromBanner(screen)).toBe(fromBanner(before));
    atLogin.close();
    await loggedOut(wti, atLogin);

    await expectUnharmed(wti, before);
  });

  it('frees the session when the client half-closes after partial input, and never runs a half-typed command', async () => {
    const wti = await start('127.0.0.56');
    const before = await cleanSession(wti);

    // Half a password, then FIN.
    const partialPassword = await connect(wti);
    await partialPassword.expect('Password: ');
    partialPassword.send('secr');
    partialPassword.socket.end();
    await partialPassword.expectClose();
    const first = await loggedOut(wti, partialPassword);
    expect(first).toMatchObject({ reason: 'disconnected' });
    partialPassword.close();

    // Logged in, half a command, then FIN: the command is not run.
    const partialCommand = await connect(wti);
    await partialCommand.login('secret');
    partialCommand.send('/OFF 1,y');
    partialCommand.socket.end();
    await partialCommand.expectClose();
    await loggedOut(wti, partialCommand);
    expect(partialCommand.plain).not.toContain('Processing');
    partialCommand.close();

    // A whole script, then FIN at once (`printf … | nc`): every answer still arrives before the close.
    const script = await connect(wti);
    await script.expect('Password: ');
    script.send('secret\r\n/S\r\n');
    script.socket.end();
    await script.expectClose();
    await loggedOut(wti, script);
    expect(fromBanner(script.plain)).toBe(fromBanner(before));
    script.close();

    await expectUnharmed(wti, before);
  });

  it('drops a peer that stops reading while it is sent a lot, instead of buffering without bound', async () => {
    const wti = await start('127.0.0.57');
    const before = await cleanSession(wti);

    const socket = net.connect({ host: wti.host, port: wti.port });
    sockets.push(socket);
    socket.on('error', () => {});
    socket.pause();
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const origin = `telnet ${socket.localAddress}:${socket.localPort}`;
    socket.write('secret\r\n');

    // Each /S costs three bytes to send and about 1 KB to answer. Keep asking, never reading,
    // until the emulator gives up on us (bounded: at most 100 000 screens asked for).
    const batch = Buffer.from('/S\r'.repeat(1000));
    const dropped = () =>
      wti.events.some((e) => e.type === 'logout' && e.origin === origin && e.reason === 'peer stopped reading');
    let asked = 0;
    for (let i = 0; i < 100 && !dropped() && !socket.destroyed; i++) {
      let sent = false;
      socket.write(batch, () => {
        sent = true;
      });
      asked += 1000;
      // The next batch once this one is in the kernel's hands, or the emulator has given up on us.
      await waitFor(() => sent || dropped() || socket.destroyed, { what: 'the batch sent or the peer dropped' });
    }
    await waitForEvent(wti, (e) => e.type === 'logout' && e.origin === origin && e.reason === 'peer stopped reading');

    // Reading now, the peer gets what was already on its way, then the end of the connection:
    // fewer screens than it asked for, as the answers owed past the limit were dropped, not kept.
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.resume();
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('still open')), 5000))]);
    const screens = Buffer.concat(chunks).toString('latin1').split('\r\n\r\nIPS> ').length - 1;
    // One screen came after the password; the others answer /S.
    expect(screens - 1).toBeLessThan(asked);
    socket.destroy();

    await expectUnharmed(wti, before);
  });

  it('finishes a boot on the device when the client vanishes in the middle of it', async () => {
    const wti = await start('127.0.0.58');
    const before = await cleanSession(wti);

    const client = await connect(wti);
    await client.login('secret');
    client.send('/BOOT 1,y\r\n');
    await client.expect('Processing - please wait');
    client.close();
    await loggedOut(wti, client);

    const off = await waitForEvent(wti, (e) => e.type === 'plug' && e.plug === 1 && e.state === 'OFF');
    const on = await waitForEvent(wti, (e) => e.type === 'plug' && e.plug === 1 && e.state === 'ON');
    expect(wti.events.indexOf(off)).toBeLessThan(wti.events.indexOf(on));
    expect(wti.events.filter((e) => e.type === 'plug').map((e) => e.type === 'plug' && `${e.plug} ${e.state}`)).toEqual(
      ['1 OFF', '1 ON'],
    );
    expect(plugStates(wti.emulator)).toBe(INITIAL);
    expect(await cleanSession(wti)).toBe(before);
  });

  it('gives fifty simultaneous connections exactly one session and closes the 49 others at once', async () => {
    const wti = await start('127.0.0.59');
    const before = await cleanSession(wti);

    const crowd = await Promise.all(Array.from({ length: 50 }, () => connect(wti)));
    // Each either gets the password prompt or is closed; wait (bounded) until all have one or the other.
    await Promise.all(
      crowd.map(async (c) => {
        await waitFor(() => c.closed || c.plain.includes('Password: '), { what: 'a prompt or a close' });
      }),
    );
    const winners = crowd.filter((c) => c.plain.includes('Password: '));
    const refused = crowd.filter((c) => c.closed);
    expect(winners).toHaveLength(1);
    expect(refused).toHaveLength(49);
    expect(winners[0]?.closed).toBe(false);
    for (const c of refused) expect(c.bytes.length).toBe(0);
    expect(wti.events.filter((e) => e.type === 'refused')).toHaveLength(49);

    // The one session is a real one: it logs in and reads the same table.
    const winner = winners[0] as RawClient;
    winner.send('secret\r\n');
    await winner.expect('IPS> ');
    const screen = await status(winner);
    expect(fromBanner(screen)).toBe(fromBanner(before));
    for (const c of crowd) c.close();
    await loggedOut(wti, winner);

    await expectUnharmed(wti, before);
  });
});
