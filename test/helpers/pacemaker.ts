import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunResult, run } from './run.js';

/**
 * A one-node Corosync + Pacemaker cluster for a test, as root: corosync in
 * the foreground with a one-node knet configuration on 127.0.0.1 (the only
 * address Corosync needs), then pacemakerd. Readiness is a condition (a DC is
 * elected), never a fixed sleep. Both daemons are stopped by pid; the CIB the
 * machine had before is put back afterwards.
 *
 * Only one test file may use this: there is one Pacemaker per machine.
 */
const COROSYNC = '/usr/sbin/corosync';
const PACEMAKERD = '/usr/sbin/pacemakerd';
const CIB_DIR = '/var/lib/pacemaker/cib';
export const NODE = 'node1';

/** Pacemaker is required in CI; elsewhere a missing one (or not being root) skips, loudly. */
export function pacemakerPeer(): { available: boolean; skipReason?: string } {
  const missing = [COROSYNC, PACEMAKERD, '/usr/sbin/stonith_admin', '/usr/sbin/cibadmin'].filter(
    (p) => !fs.existsSync(p),
  );
  const reason =
    missing.length > 0
      ? `${missing.join(', ')} not installed: apt-get install -y pacemaker corosync pacemaker-cli-utils`
      : process.getuid?.() !== 0
        ? 'a Pacemaker cluster needs root'
        : undefined;
  if (reason === undefined) return { available: true };
  if (process.env.CI === 'true') throw new Error(`CI: required peer missing: ${reason}`);
  process.stderr.write(`\n*** SKIPPING Pacemaker tests: ${reason} ***\n\n`);
  return { available: false, skipReason: reason };
}

const COROSYNC_CONF = `totem {
\tversion: 2
\tcluster_name: fencekit-test
\ttransport: knet
\tcrypto_cipher: none
\tcrypto_hash: none
}
logging {
\tto_stderr: yes
\tto_logfile: no
\tto_syslog: no
}
quorum {
\tprovider: corosync_votequorum
}
nodelist {
\tnode {
\t\tname: ${NODE}
\t\tnodeid: 1
\t\tring0_addr: 127.0.0.1
\t}
}
`;

export interface Cluster {
  /** stonith_admin with a deadline. */
  stonithAdmin(args: string[], timeoutMs?: number): Promise<RunResult>;
  cibadmin(args: string[]): Promise<RunResult>;
  /** Adds a stonith primitive and waits until the fencer has registered it. */
  addDevice(id: string, agent: string, params: Record<string, string>): Promise<void>;
  removeDevice(id: string): Promise<void>;
  /** Polls `probe` until it returns true, or throws after `timeoutMs`. */
  waitFor(what: string, probe: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** What the daemons said (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopByPid(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
  if ((await Promise.race([done.then(() => 'ok' as const), timer])) === 'late') {
    // pacemakerd leads its own process group: its children go with it.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await done;
  }
}

export async function startCluster(): Promise<Cluster> {
  // A cluster this test did not start (a distribution's service) is not ours to stop: say so.
  if ((await run('/usr/sbin/corosync-cmapctl', ['totem.cluster_name'])).code === 0) {
    throw new Error('a Corosync is already running on this machine: stop it first (systemctl stop pacemaker corosync)');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-pacemaker-'));
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'corosync.conf');
  // The daemons' log, where the test can read it (some of them run as hacluster).
  const logFile = path.join(dir, 'pacemaker.log');
  fs.writeFileSync(logFile, '', { mode: 0o666 });
  fs.chmodSync(logFile, 0o666);
  fs.writeFileSync(conf, COROSYNC_CONF);
  // Keep the machine's CIB aside, so the test starts from an empty one and gives it back.
  const saved = path.join(dir, 'cib-saved');
  fs.mkdirSync(saved);
  fs.mkdirSync(CIB_DIR, { recursive: true });
  for (const f of fs.readdirSync(CIB_DIR)) fs.renameSync(path.join(CIB_DIR, f), path.join(saved, f));

  let log = '';
  const keep = (child: ChildProcess, name: string) => {
    child.stderr?.on('data', (d) => {
      log = `${log}${name}: ${d}`.slice(-20_000);
    });
    child.stdout?.on('data', () => {});
  };
  const daemonLog = () => {
    let file = '';
    try {
      file = fs.readFileSync(logFile, 'utf8');
    } catch {}
    return `${log}${file}`;
  };
  let corosync: ChildProcess | undefined;
  let pacemakerd: ChildProcess | undefined;

  const waitFor = async (what: string, probe: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; daemons said:\n${daemonLog().slice(-8000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const stop = async () => {
    await stopByPid(pacemakerd, 60_000);
    await stopByPid(corosync, 20_000);
    for (const f of fs.readdirSync(CIB_DIR)) fs.rmSync(path.join(CIB_DIR, f), { recursive: true, force: true });
    for (const f of fs.readdirSync(saved)) fs.renameSync(path.join(saved, f), path.join(CIB_DIR, f));
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const cibadmin = (args: string[]) => run('/usr/sbin/cibadmin', args, { timeoutMs: 30_000 });
  const stonithAdmin = (args: string[], timeoutMs = 120_000) => run('/usr/sbin/stonith_admin', args, { timeoutMs });

  try {
    corosync = spawn(COROSYNC, ['-f', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    keep(corosync, 'corosync');
    const alive = (child: ChildProcess | undefined, name: string) => {
      if (!child || child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited; it said:\n${daemonLog()}`);
    };
    await waitFor('corosync', async () => {
      alive(corosync, 'corosync');
      return (await run('/usr/sbin/corosync-cmapctl', ['totem.cluster_name'])).code === 0;
    });
    pacemakerd = spawn(PACEMAKERD, [], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, PCMK_logfile: logFile, PCMK_logfacility: 'none' },
    });
    keep(pacemakerd, 'pacemakerd');
    // A DC is elected about 20 s after pacemakerd starts.
    await waitFor(
      'a DC',
      async () => {
        alive(pacemakerd, 'pacemakerd');
        return /Current DC: node1/.test((await run('/usr/sbin/crm_mon', ['-1'], { timeoutMs: 10_000 })).stdout);
      },
      120_000,
    );
    await run('/usr/sbin/crm_attribute', ['-t', 'crm_config', '-n', 'stonith-enabled', '-v', 'true']);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    stonithAdmin,
    cibadmin,
    waitFor,
    log: daemonLog,
    stop,
    async addDevice(id, agent, params) {
      const nvpairs = Object.entries(params)
        .map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${xmlAttr(v)}"/>`)
        .join('');
      const xml =
        `<primitive id="${id}" class="stonith" type="${agent}">` +
        `<instance_attributes id="${id}-params">${nvpairs}</instance_attributes>` +
        `<operations><op id="${id}-monitor" name="monitor" interval="30s" timeout="60s"/></operations></primitive>`;
      const r = await cibadmin(['-C', '-o', 'resources', '-X', xml]);
      if (r.code !== 0) throw new Error(`cibadmin could not add ${id}: ${r.stderr}`);
      await waitFor(
        `${id} registered`,
        async () => (await stonithAdmin(['--list-registered'], 10_000)).stdout.includes(id),
        60_000,
      );
    },
    async removeDevice(id) {
      await cibadmin(['-D', '-X', `<primitive id="${id}"/>`]);
    },
  };
}
