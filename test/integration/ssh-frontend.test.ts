import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { SessionLimit } from '../../emulator/frontends/session-limit.js';
import { SSH_BUSY_MESSAGE, SshFrontend } from '../../emulator/frontends/ssh.js';
import { TelnetFrontend } from '../../emulator/frontends/telnet.js';
import type { ByteSession, LineSession, SessionFactory, Terminal } from '../../emulator/session.js';
import { Deadline } from '../../src/deadline.js';
import { Dialog } from '../../src/dialog.js';
import { AbortedError, AuthError, ConnectionError, TimeoutError } from '../../src/errors.js';
import type { ByteStream } from '../../src/transport/byte-stream.js';
import { connectSsh, type SshConnectOptions } from '../../src/transport/ssh.js';
import { RawClient } from '../helpers/raw-client.js';
import { peer, run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The SSH front-end, judged by the real OpenSSH client and by our own
 * driver-side transport, with a tiny line session behind it (not an APC
 * personality: fence-apc-ssh.test.ts does that). Addresses 127.0.0.120–124.
 */
const SSH = '/usr/bin/ssh';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';
const { available: haveSsh } = peer(SSH);

const PASSWORD = 'Sesame-42';
const WRONG = 'not-the-pw-917';

/**
 * Greets the user, answers each line with "said LINE", ends on "exit". Like the
 * real personalities, it reports its own login, with the origin it was given.
 */
function echoSession(user: string, events?: EmulatorEvent[]): SessionFactory {
  return (t: Terminal): LineSession => ({
    start: () => {
      events?.push({ type: 'login', origin: t.origin, mode: 'user' });
      t.write(`hello ${user}\r\n> `);
    },
    input: (line) => {
      if (line === 'exit') t.close('logout');
      else t.write(`said ${line}\r\n> `);
    },
    end: () => {},
  });
}

/** A keystroke session: shows each byte it gets as a hex number; Ctrl-D ends it. */
function keySession(): SessionFactory {
  return (t: Terminal): ByteSession => ({
    kind: 'bytes',
    start: () => t.write('keys> '),
    input: (bytes) => {
      for (const b of bytes) {
        if (b === 0x04) return t.close('logout');
        t.write(`[${b.toString(16).padStart(2, '0')}]`);
      }
    },
    end: () => {},
  });
}

interface Running {
  frontend: SshFrontend;
  host: string;
  port: number;
  events: EmulatorEvent[];
  /** How often the front-end asked to check a password. */
  checks: () => number;
}

const started: { close(): Promise<void> }[] = [];

async function startSsh(
  host: string,
  opts: {
    hostKeyFile?: string;
    limit?: SessionLimit;
    idleTimeoutSeconds?: number;
    events?: EmulatorEvent[];
    makeSession?: (user: string) => SessionFactory;
  } = {},
): Promise<Running> {
  const events = opts.events ?? [];
  let checks = 0;
  const frontend = new SshFrontend({
    host,
    port: 0,
    hostKeyFile: opts.hostKeyFile,
    authenticate: (user, password) => {
      checks++;
      return user === 'apc' && password === PASSWORD;
    },
    makeSession: opts.makeSession ?? ((user) => echoSession(user, events)),
    emit: (e) => events.push(e),
    idleTimeoutSeconds: () => opts.idleTimeoutSeconds ?? 300,
    limit: opts.limit ?? new SessionLimit(1),
  });
  started.push(frontend);
  const address = await frontend.listen();
  return { frontend, host: address.address, port: address.port, events, checks: () => checks };
}

let tmp: string;
let askpass: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-ssh-'));
  // OpenSSH reads passwords from a tty; SSH_ASKPASS_REQUIRE=force makes it ask this program instead.
  askpass = path.join(tmp, 'askpass.sh');
  fs.writeFileSync(askpass, '#!/bin/sh\nprintf \'%s\\n\' "$FENCEKIT_TEST_PASSWORD"\n', { mode: 0o755 });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The real OpenSSH client, no user config, password from the askpass helper. */
function openssh(
  s: { host: string; port: number },
  opts: { password?: string; input?: string; args?: string[]; user?: string } = {},
) {
  return run(
    SSH,
    [
      '-F',
      '/dev/null',
      '-p',
      String(s.port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'LogLevel=ERROR',
      ...(opts.args ?? []),
      `${opts.user ?? 'apc'}@${s.host}`,
    ],
    {
      input: opts.input ?? 'exit\n',
      timeoutMs: 30_000,
      env: {
        ...process.env,
        SSH_ASKPASS: askpass,
        SSH_ASKPASS_REQUIRE: 'force',
        DISPLAY: process.env.DISPLAY ?? ':0',
        FENCEKIT_TEST_PASSWORD: opts.password ?? PASSWORD,
      },
    },
  );
}

/** Our transport, pinned to the front-end's host key unless told otherwise. */
function connect(
  s: { host: string; port: number; frontend?: SshFrontend },
  extra: Partial<SshConnectOptions> = {},
): Promise<ByteStream> {
  return connectSsh({
    host: s.host,
    port: s.port,
    username: 'apc',
    password: PASSWORD,
    timeoutMs: 10_000,
    hostKey: s.frontend ? { sha256: s.frontend.hostKeyFingerprint } : 'insecure',
    ...extra,
  });
}

function expectLine(dialog: Dialog, pattern: RegExp, phase = 'answer') {
  return dialog.expect([pattern], { phase, deadline: new Deadline(10_000) });
}

/** Wait until the far end closes the stream. */
async function expectClosed(dialog: Dialog): Promise<void> {
  await expect(expectLine(dialog, /this text never comes/, 'close')).rejects.toBeInstanceOf(ConnectionError);
}

/** Wait (with a deadline) until the events hold one that `test` accepts. */
function eventually(events: EmulatorEvent[], test: (e: EmulatorEvent) => boolean): Promise<EmulatorEvent> {
  return waitFor(() => events.find(test), { what: 'an event the test expects' }).catch((err: Error) => {
    throw new Error(`${err.message}; events: ${JSON.stringify(events)}`);
  });
}

describe.skipIf(!haveSsh)('the SSH front-end with the OpenSSH client', () => {
  it('logs in with the password, carries the line session, and ends on its logout', async () => {
    const s = await startSsh('127.0.0.120');
    const r = await openssh(s, { input: 'ping\nexit\n' });
    expect(r.stdout).toBe('hello apc\r\n> said ping\r\n> ');
    expect(r.code).toBe(0);
    // The origin names the client's end: its address, its port, the user.
    const origin = /^ssh 127\.\d+\.\d+\.\d+:\d+ apc$/;
    expect(s.events.filter((e) => e.type !== 'listening').map((e) => e.type)).toEqual(['login', 'logout']);
    expect(s.events.find((e) => e.type === 'login')).toMatchObject({ origin: expect.stringMatching(origin) });
    expect(s.events.find((e) => e.type === 'logout')).toMatchObject({ reason: 'logout' });
  });

  it('echoes typed lines when the client has a pty, as a terminal line would', async () => {
    const s = await startSsh('127.0.0.120');
    const r = await openssh(s, { input: 'ping\rexit\r', args: ['-tt'] });
    expect(r.stdout).toContain('hello apc\r\n> ping\r\nsaid ping\r\n> exit\r\n');
    expect(r.code).toBe(0);
  });

  it('takes keyboard-interactive too, for clients that prefer it', async () => {
    const s = await startSsh('127.0.0.120');
    const r = await openssh(s, { args: ['-o', 'PreferredAuthentications=keyboard-interactive'] });
    expect(r.stdout).toBe('hello apc\r\n> ');
    expect(r.code).toBe(0);
  });

  it('refuses a wrong password, reports it without the password, and starts no session', async () => {
    const s = await startSsh('127.0.0.120');
    const r = await openssh(s, { password: WRONG, args: ['-o', 'NumberOfPasswordPrompts=1'] });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied \(password,keyboard-interactive\)/);
    expect(r.stdout).toBe('');
    const failed = s.events.filter((e) => e.type === 'login-failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({ origin: expect.stringMatching(/^ssh 127\.\d+\.\d+\.\d+:\d+ apc$/) });
    expect(s.events.some((e) => e.type === 'login')).toBe(false);
    expect(JSON.stringify(s.events)).not.toContain(WRONG);
  });

  it('cuts off a client after six wrong passwords, as sshd does', async () => {
    const s = await startSsh('127.0.0.120');
    const r = await openssh(s, { password: WRONG, args: ['-o', 'NumberOfPasswordPrompts=20'] });
    expect(r.code).toBe(255);
    expect(s.events.filter((e) => e.type === 'login-failed')).toHaveLength(6);
  });

  it('refuses a command (exec) and starts no session', async () => {
    const s = await startSsh('127.0.0.120');
    const r = await openssh(s, { args: ['-T', '--', 'olStatus all'] });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(s.events.some((e) => e.type === 'login')).toBe(false);
  });

  it('passes keystrokes, Ctrl-C included, straight to a keystroke session', async () => {
    const s = await startSsh('127.0.0.120', { makeSession: () => keySession() });
    const r = await openssh(s, { input: '1\x03\x1b\x04', args: ['-tt'] });
    expect(r.stdout).toContain('keys> [31][03][1b]');
    expect(r.code).toBe(0);
  });
});

describe.skipIf(!haveSsh)('the host key', () => {
  it('is made on first start, kept 0600 beside the state, and the same after a restart', async () => {
    const file = path.join(tmp, 'unit.state.json.ssh-host-key');
    const knownHosts = path.join(tmp, 'known_hosts');
    const first = await startSsh('127.0.0.121', { hostKeyFile: file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // OpenSSH's own reading of the file gives the fingerprint the front-end reports.
    const keygen = await run(SSH_KEYGEN, ['-l', '-f', file]);
    expect(keygen.stdout).toContain(first.frontend.hostKeyFingerprint);
    expect(keygen.stdout).toContain('(ED25519)');
    const trust = ['-o', `UserKnownHostsFile=${knownHosts}`];
    const learn = await openssh(first, { args: [...trust, '-o', 'StrictHostKeyChecking=accept-new'] });
    expect(learn.code).toBe(0);
    const fingerprint = first.frontend.hostKeyFingerprint;
    await first.frontend.close();

    const second = await startSsh('127.0.0.121', { hostKeyFile: file });
    expect(second.frontend.hostKeyFingerprint).toBe(fingerprint);
    // The port changed, so record the key under the new one; the key itself must match.
    fs.writeFileSync(knownHosts, `[127.0.0.121]:${second.port} ${second.frontend.hostPublicKey}\n`);
    const strict = await openssh(second, { args: [...trust, '-o', 'StrictHostKeyChecking=yes'] });
    expect(strict.stderr).toBe('');
    expect(strict.stdout).toBe('hello apc\r\n> ');
    expect(strict.code).toBe(0);
    // …and our transport pins it too.
    const stream = await connect(second, { hostKey: { sha256: fingerprint } });
    await stream.close();
  });

  it('a known_hosts entry from one start lets OpenSSH in after a restart, strictly checked', async () => {
    const file = path.join(tmp, 'restart.ssh-host-key');
    const knownHosts = path.join(tmp, 'known_hosts_restart');
    const first = await startSsh('127.0.0.121', { hostKeyFile: file });
    fs.writeFileSync(knownHosts, `127.0.0.121 ${first.frontend.hostPublicKey}\n`);
    await first.frontend.close();
    const second = await startSsh('127.0.0.121', { hostKeyFile: file });
    const r = await openssh(second, {
      args: [
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'HostKeyAlias=127.0.0.121',
      ],
    });
    expect(r.code).toBe(0);
  });

  it('without a key file, each start has a new key (and writes nothing)', async () => {
    const a = await startSsh('127.0.0.121');
    const b = await startSsh('127.0.0.121');
    expect(a.frontend.hostKeyFingerprint).not.toBe(b.frontend.hostKeyFingerprint);
    expect(a.frontend.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('refuses to start on a key file that holds no key, rather than replace it', async () => {
    const file = path.join(tmp, 'broken.ssh-host-key');
    fs.writeFileSync(file, 'not a key\n');
    await expect(startSsh('127.0.0.121', { hostKeyFile: file })).rejects.toThrow(/broken\.ssh-host-key/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});

describe('the driver-side transport (connectSsh)', () => {
  it('logs in, reads the greeting, and talks through a pty (the server echoes)', async () => {
    const s = await startSsh('127.0.0.122');
    const stream = await connect(s);
    expect(stream.description).toBe(`ssh 127.0.0.122:${s.port}`);
    const dialog = new Dialog(stream);
    await expectLine(dialog, /hello apc\r\n> /);
    dialog.send('ping\r\n');
    const echoed = await expectLine(dialog, /said ping\r\n> /);
    expect(echoed.before).toBe('ping\r\n');
    dialog.send('exit\r\n');
    await expectClosed(dialog);
    await eventually(s.events, (e) => e.type === 'logout');
    await stream.close();
  });

  it('fails with AuthError on a wrong password, and never says the password', async () => {
    const s = await startSsh('127.0.0.122');
    const err = await connect(s, { password: WRONG }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('EAUTH');
    expect(String((err as Error).message)).not.toContain(WRONG);
    expect(JSON.stringify(s.events)).not.toContain(WRONG);
    expect(s.events.some((e) => e.type === 'login-failed')).toBe(true);
  });

  it('checks the host key: a wrong fingerprint fails before any password is sent', async () => {
    const s = await startSsh('127.0.0.122');
    const other = await startSsh('127.0.0.122');
    const err = await connect(s, { hostKey: { sha256: other.frontend.hostKeyFingerprint } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain(s.frontend.hostKeyFingerprint);
    expect((err as Error).message).toContain(other.frontend.hostKeyFingerprint);
    expect(s.checks()).toBe(0);
  });

  it('with no host key given, refuses the server (naming its fingerprint) before the password', async () => {
    const s = await startSsh('127.0.0.122');
    const err = await connect(s, { hostKey: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain(s.frontend.hostKeyFingerprint);
    expect(s.checks()).toBe(0);
  });

  it("accepts any key only when told 'insecure', and takes the fingerprint without its prefix", async () => {
    const s = await startSsh('127.0.0.122');
    const a = await connect(s, { hostKey: 'insecure' });
    await a.close();
    const bare = s.frontend.hostKeyFingerprint.replace(/^SHA256:/, '');
    const b = await connect(s, { hostKey: { sha256: bare } });
    await b.close();
    await eventually(s.events, (e) => e.type === 'logout');
  });

  it('fails with ConnectionError when nothing listens', async () => {
    const s = await startSsh('127.0.0.122');
    const port = s.port;
    await s.frontend.close();
    await expect(connect({ host: '127.0.0.122', port }, { hostKey: 'insecure' })).rejects.toBeInstanceOf(
      ConnectionError,
    );
  });

  it('fails with TimeoutError (phase connect) when the server never speaks SSH, and aborts on the signal', async () => {
    const sockets = new Set<net.Socket>();
    const mute = net.createServer((socket) => sockets.add(socket));
    started.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          mute.close(() => resolve());
        }),
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.122', () => resolve()));
    const port = (mute.address() as net.AddressInfo).port;
    const err = await connect({ host: '127.0.0.122', port }, { hostKey: 'insecure', timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).phase).toBe('connect');

    const controller = new AbortController();
    const pending = connect({ host: '127.0.0.122', port }, { hostKey: 'insecure', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('sessions: the shared limit, the idle timer, abrupt ends', () => {
  it('shares one place with telnet: SSH is refused while telnet holds it, and the other way round', async () => {
    const limit = new SessionLimit(1);
    const events: EmulatorEvent[] = [];
    const s = await startSsh('127.0.0.123', { limit, events });
    const telnet = new TelnetFrontend({
      host: '127.0.0.123',
      port: 0,
      limit,
      makeSession: echoSession('telnet'),
      emit: (e) => events.push(e),
      idleTimeoutSeconds: () => 300,
    });
    started.push(telnet);
    await telnet.listen();

    // SSH holds the place: a second SSH shell is told and closed, telnet is cut at once.
    const holder = new Dialog(await connect(s));
    await expectLine(holder, /hello apc/);
    const second = haveSsh ? await openssh(s) : null;
    if (second) {
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(SSH_BUSY_MESSAGE);
      expect(second.stdout).toBe('');
    }
    const viaTelnet = await RawClient.connect('127.0.0.123', telnet.address.port);
    await viaTelnet.expectClose();
    viaTelnet.close();
    expect(
      events.filter((e) => e.type === 'refused').map((e) => (e as { origin: string }).origin.split(' ')[0]),
    ).toEqual(haveSsh ? ['ssh', 'telnet'] : ['telnet']);

    // Logging out frees it at once.
    holder.send('exit\r\n');
    await expectClosed(holder);
    await holder.stream.close();
    expect(limit.inUse).toBe(0);

    // Telnet holds it now: SSH is refused, in a way our transport shows as a closed shell with the reason.
    const t = await RawClient.connect('127.0.0.123', telnet.address.port);
    await t.expect('hello telnet');
    const refused = new Dialog(await connect(s));
    await expectLine(refused, new RegExp(SSH_BUSY_MESSAGE.replace('.', '\\.')));
    await expectClosed(refused);
    await refused.stream.close();
    t.close();
  });

  it('drops an idle session, and frees its place', async () => {
    const limit = new SessionLimit(1);
    const s = await startSsh('127.0.0.124', { idleTimeoutSeconds: 0.3, limit });
    const dialog = new Dialog(await connect(s));
    await expectLine(dialog, /hello apc\r\n> /);
    await expectClosed(dialog);
    await dialog.stream.close();
    expect(s.events.find((e) => e.type === 'logout')).toMatchObject({ reason: 'idle timeout' });
    expect(limit.inUse).toBe(0);
  });

  it('survives clients that vanish mid-session or send garbage, and frees their places', async () => {
    const limit = new SessionLimit(1);
    const s = await startSsh('127.0.0.124', { limit });
    if (haveSsh) {
      // The OpenSSH client killed with SIGKILL in the middle of a session.
      const child = spawn(
        SSH,
        [
          '-F',
          '/dev/null',
          '-tt',
          '-p',
          String(s.port),
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'PubkeyAuthentication=no',
          `apc@${s.host}`,
        ],
        {
          env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', FENCEKIT_TEST_PASSWORD: PASSWORD },
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('hello apc')) child.kill('SIGKILL');
      });
      await exited;
      expect(out).toContain('hello apc');
      await eventually(s.events, (e) => e.type === 'logout' && e.reason === 'disconnected');
      expect(limit.inUse).toBe(0);
    }

    // Garbage instead of an SSH greeting, and a client that leaves half-way through the key exchange.
    const junk = await RawClient.connect('127.0.0.124', s.port);
    junk.send(Buffer.from('SSH-2.0-junk\r\n\x00\x00\x00\x0c\x0a\x14garbage-garbage-garbage\r\n'));
    await junk.expectClose(10_000);
    junk.close();
    const early = await RawClient.connect('127.0.0.124', s.port);
    await early.expect('SSH-2.0-');
    early.close();

    // The next honest client is served as usual.
    const next = new Dialog(await connect(s));
    await expectLine(next, /hello apc/);
    next.send('exit\r\n');
    await expectClosed(next);
    await next.stream.close();
  });
});
