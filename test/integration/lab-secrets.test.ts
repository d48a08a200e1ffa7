import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitView } from '../../emulator/lab/types.js';
import { FENCEKIT } from '../helpers/cli.js';
import { peer, run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A lab run with a known unit password and admin token, driven through a
 * login, a failed login, a switch and the API (wrong token, bad requests
 * included), then stopped with SIGTERM: neither secret may appear in anything
 * it wrote — stdout, stderr, audit.jsonl, the loads' logs, /api/events,
 * /metrics, the page, the API's answers. Address 127.0.7.200 (port 0).
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const wti = peer(FENCE_WTI);
const PASSWORD = 'pw-Zq7Kx9-unit';
const TOKEN = 'tok-Vb3Ld8-admin';
const HOST = '127.0.7.200';

describe.skipIf(!wti.available)('no secret leaves the lab', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams;
  let out = '';
  let err = '';
  let admin = '';
  let port = 0;
  const answers: string[] = [];

  const api = async (method: string, p: string, init: { body?: string; token?: string | null } = {}) => {
    const token = init.token === undefined ? TOKEN : init.token;
    const res = await fetch(new URL(p, admin), {
      method,
      headers: {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const text = await res.text();
    answers.push(`${method} ${p} ${res.status} ${text}`);
    return { status: res.status, text };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-lab-secrets-'));
    fs.writeFileSync(path.join(dir, 'wti.pw'), `${PASSWORD}\n`);
    fs.writeFileSync(path.join(dir, 'admin.token'), `${TOKEN}\n`);
    const config = path.join(dir, 'lab.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        admin: { listen: `${HOST}:0`, tokenFile: 'admin.token' },
        units: [
          {
            name: 'wti-a',
            model: 'ips800',
            listen: `${HOST}:0`,
            passwordFile: 'wti.pw',
            bootDelay: 0,
            loads: { 5: { process: 'echo started; exec sleep 100000' } },
          },
        ],
      }),
    );
    child = spawn(process.execPath, [FENCEKIT, 'lab', config, '--json'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as unknown as ChildProcessWithoutNullStreams;
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const ready = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the lab exited ${child.exitCode}: ${err}`);
        const line = out.split('\n').find((l) => l.startsWith('{'));
        return line ? (JSON.parse(line) as { admin: string; units: UnitView[] }) : null;
      },
      { what: 'the lab to be ready', timeoutMs: 60_000 },
    );
    admin = ready.admin;
    port = Number(/-u (\d+)/.exec(ready.units[0]?.reach.join('\n') ?? '')?.[1]);
  });
  afterAll(async () => {
    // SIGTERM, not SIGKILL: the lab must kill its loads' process groups on its way out.
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, { what: 'the lab to stop' });
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('after logins, a failed login, switches and the API, no output holds the password or the token', async () => {
    const fence = (password: string, ...args: string[]) =>
      run(FENCE_WTI, ['-a', HOST, '-u', String(port), '-p', password, '-n', '5', ...args], { timeoutMs: 60_000 });
    expect((await fence(PASSWORD, '-o', 'off')).stdout).toBe('Success: Powered OFF\n');
    expect((await fence('wrong-password', '-o', 'status')).code).toBe(1);

    expect((await api('POST', '/api/units/wti-a/plugs/5', { body: '{"action":"on"}' })).status).toBe(200);
    expect((await api('PUT', '/api/units/wti-a/faults/refuse-login')).status).toBe(200);
    expect((await fence(PASSWORD, '-o', 'status')).code).toBe(1);
    expect((await api('DELETE', '/api/units/wti-a/faults/refuse-login')).status).toBe(200);
    expect((await api('GET', '/api/units', { token: `${TOKEN}x` })).status).toBe(401);
    expect((await api('GET', '/api/units', { token: null })).status).toBe(401);
    expect((await api('POST', '/api/units/wti-a/plugs/5', { body: '{"action":' })).status).toBe(400);
    expect((await api('POST', '/api/units/wti-a/plugs/5', { body: 'x'.repeat(100_000) })).status).toBe(413);
    expect((await api('GET', '/api/units/..%2f..%2fetc')).status).toBe(404);
    expect((await api('GET', '/api/units/%E0%A4%A')).status).toBe(400);
    expect((await api('POST', '/api/units/wti-a/plugs/99999999', { body: '{"action":"off"}' })).status).toBe(400);
    expect((await api('POST', '/api/units/nope/plugs/5/freeze')).status).toBe(404);
    answers.push(await readStream(new URL(`/api/events?since=0&token=${TOKEN}`, admin), 'event: plug'));
    const events = await fetch(new URL('/api/events?since=0', admin), {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    answers.push(await events.text());
    answers.push((await api('GET', '/metrics')).text, (await api('GET', '/')).text);
    expect((await api('GET', '/healthz')).status).toBe(200);

    child.kill('SIGTERM');
    await waitFor(() => child.exitCode !== null, { what: 'the lab to stop', timeoutMs: 30_000 });
    expect(child.exitCode).toBe(0);

    const state = path.join(dir, 'fencekit-lab');
    const audit = fs.readFileSync(path.join(state, 'audit.jsonl'), 'utf8');
    const loadLogs = fs
      .readdirSync(path.join(state, 'loads'))
      .map((f) => fs.readFileSync(path.join(state, 'loads', f), 'utf8'));
    // The drive happened (so the absence below means something).
    expect(audit).toMatch(/"protocol":"telnet"/);
    expect(audit).toMatch(/"token":"admin"/);
    expect(err).toMatch(/"what":"login-failed"/);
    expect(loadLogs.join('')).toContain('started');

    const outputs = { stdout: out, stderr: err, audit, loadLogs: loadLogs.join('\n'), answers: answers.join('\n') };
    for (const [name, text] of Object.entries(outputs)) {
      expect(text.includes(PASSWORD), `${name} holds the unit password`).toBe(false);
      expect(text.includes(TOKEN), `${name} holds the admin token`).toBe(false);
    }
  }, 180_000);
});

/** An event stream's text until it holds `until` (the replay of what happened so far), then the stream is closed. */
async function readStream(url: URL, until: string): Promise<string> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  return text;
}
