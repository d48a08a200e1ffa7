import net from 'node:net';
import { WtiEmulator } from '../emulator/wti-emulator.js';

/**
 * Full WTI sessions per second: connect, password, `/S`, `/X,Y`, closed, then
 * the next one at once, by one client per unit as fast as the unit answers.
 * The client reads like cluster-glue's wti_nps (a raw socket that ignores the
 * telnet offers and waits for text), so the figure is the emulator's own cost.
 */
export const PASSWORD = 'bench';
const PROMPT = 'IPS> ';

export interface RateResult {
  units: number;
  sessions: number;
  seconds: number;
  perSecond: number;
  /** CPU time of this process (emulator and client) per session: steadier than the rate on a busy machine. */
  cpuMsPerSession: number;
}

/**
 * One session on an open unit, on `socket`; rejects on a slip, so a broken
 * emulator cannot look fast. It sets no timer of its own: whoever runs it
 * destroys the socket (with an error) when it has waited long enough.
 */
export function session(host: string, port: number, socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.setNoDelay(true);
    let text = '';
    let step = 0;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.on('error', fail);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (step === 0 && text.includes('Password: ')) {
        step = 1;
        text = '';
        socket.write(`${PASSWORD}\r`);
      } else if (step === 1 && text.endsWith(PROMPT)) {
        step = 2;
        text = '';
        socket.write('/S\r');
      } else if (step === 2 && text.endsWith(PROMPT)) {
        if (!text.includes('mclaws')) return fail(new Error('/S did not show the plug table'));
        step = 3;
        socket.write('/X,Y\r');
      }
    });
    socket.on('close', () => {
      if (step === 3) resolve();
      else reject(new Error(`closed at step ${step}`));
    });
    socket.connect({ host, port });
  });
}

/** Back-to-back sessions until `count` are done or `until` (a `performance.now()` time) has passed. */
async function client(host: string, port: number, count: number, until: number): Promise<number> {
  let done = 0;
  let current: net.Socket | null = null;
  // One watchdog for the loop: a timer per session would cost a fair part of what is measured.
  let seen = -1;
  const watchdog = setInterval(() => {
    if (done === seen) current?.destroy(new Error('no session finished in 5 s'));
    seen = done;
  }, 5000);
  try {
    while (done < count && performance.now() < until) {
      current = new net.Socket();
      await session(host, port, current);
      done++;
    }
  } finally {
    clearInterval(watchdog);
  }
  return done;
}

/** Sessions by one client per target at once, after a warm-up: the JIT and first connections are not measured. */
export async function rateAgainst(
  targets: { host: string; port: number }[],
  sessionsPerUnit: number,
  maxMs: number,
): Promise<RateResult> {
  await Promise.all(targets.map((t) => client(t.host, t.port, 200, performance.now() + 2000)));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + maxMs;
  const counts = await Promise.all(targets.map((t) => client(t.host, t.port, sessionsPerUnit, until)));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const sessions = counts.reduce((a, b) => a + b, 0);
  const cpuMsPerSession = (used.user + used.system) / 1000 / sessions;
  return { units: targets.length, sessions, seconds, perSecond: sessions / seconds, cpuMsPerSession };
}

/** `units` emulated IPS-800s in this process, on consecutive loopback addresses from `firstHost`. */
export async function sessionRate(opts: {
  units: number;
  firstHost: string;
  sessionsPerUnit: number;
  maxMs: number;
}): Promise<RateResult> {
  const base = opts.firstHost.split('.').map(Number);
  const emulators: WtiEmulator[] = [];
  try {
    for (let i = 0; i < opts.units; i++) {
      const host = [...base.slice(0, 3), (base[3] as number) + i].join('.');
      emulators.push(
        await WtiEmulator.start({
          config: {
            model: 'ips800',
            listen: `${host}:0`,
            password: PASSWORD,
            bootDelay: 0,
            plugs: [{ number: 5, name: 'mclaws' }],
          },
        }),
      );
    }
    const targets = emulators.map((e) => ({
      host: e.telnet?.address.address as string,
      port: e.telnet?.address.port as number,
    }));
    return await rateAgainst(targets, opts.sessionsPerUnit, opts.maxMs);
  } finally {
    await Promise.all(emulators.map((e) => e.stop()));
  }
}
