import net from 'node:net';
import type { ExpectStatic } from 'vitest';
import type { Timestamped } from '../../emulator/events.js';
import { FENCEKIT_STONITH } from './cli.js';
import { type RunResult, run } from './run.js';

/**
 * The harness of the output-equality suites (test/conformance/stonith-equality*.test.ts):
 * run the real cluster-glue `stonith` and `fencekit-stonith` with the same
 * arguments, at once, off a terminal or on one, each against its own emulator
 * on a lane of two addresses, and bring ours' output to the real one's words
 * before they are compared. What a suite's devices are, how they start and
 * what else it normalises stay in the suite.
 */

/** The real binary. */
export const STONITH = '/usr/sbin/stonith';

/** The address offline cases name (TEST-NET-1): they stop before any connection, and none could reach it. */
export const NOWHERE = '192.0.2.1';

/**
 * 'pipe': a plain run (stdin a pipe: the real one logs to syslog, its stderr
 * stays empty); 'tty': under `script`, stderr merged into stdout.
 */
export type Mode = 'pipe' | 'tty';

/** One value for each side: the real binary's, ours. */
export interface Sides<T> {
  real: T;
  ours: T;
}

/** Two addresses: the real binary's emulator, then ours. */
export type Lane = [string, string];

/** `count` lanes from 127.0.0.`first` on: [first, first + 1], [first + 2, first + 3], … */
export function lanePairs(first: number, count: number): Lane[] {
  return Array.from({ length: count }, (_, i) => [`127.0.0.${first + 2 * i}`, `127.0.0.${first + 1 + 2 * i}`]);
}

/** Lanes handed to concurrent cases, one case per lane at a time. */
export class LanePool {
  private readonly free: Lane[];
  private retired = 0;
  private readonly waiting: { resolve: (lane: Lane) => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly lanes: Lane[]) {
    this.free = [...lanes];
  }

  acquire(): Promise<Lane> {
    const lane = this.free.shift();
    if (lane) return Promise.resolve(lane);
    if (this.retired === this.lanes.length) return Promise.reject(new Error('no lane left: every address pair failed'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(lane: Lane): void {
    const next = this.waiting.shift();
    if (next) next.resolve(lane);
    else this.free.push(lane);
  }

  /** A lane whose addresses cannot be bound (something else holds the port there) fails its case and is not reused. */
  retire(): void {
    this.retired++;
    if (this.retired === this.lanes.length) {
      for (const w of this.waiting.splice(0)) w.reject(new Error('no lane left: every address pair failed'));
    }
  }

  /**
   * Take a lane, run `setUp` on each of its addresses in turn (what it
   * returns, when anything, is started and handed to `body`, in lane order),
   * then `body`. Whatever happens, what was started is stopped and the lane
   * given back; a `setUp` that throws retires the lane instead.
   */
  async withLane<E, R>(
    setUp: (host: string, index: number) => Promise<E | undefined>,
    stop: (started: E) => Promise<unknown>,
    body: (lane: Lane, started: E[]) => Promise<R>,
  ): Promise<R> {
    const lane = await this.acquire();
    const started: E[] = [];
    let retired = false;
    try {
      for (const [index, host] of lane.entries()) {
        try {
          const e = await setUp(host, index);
          if (e !== undefined) started.push(e);
        } catch (err) {
          retired = true;
          this.retire();
          throw err;
        }
      }
      return await body(lane, started);
    } finally {
      await Promise.all(started.map(stop));
      if (!retired) this.release(lane);
    }
  }
}

/** Resolves once `host:port` could be bound and let go again: nothing listens there. */
export function bindTcp(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

export interface Invocation {
  args: string[];
  /** Added to the environment. */
  env?: Record<string, string>;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One side: `argv` with `env`, off a terminal or on one. */
function runSide(argv: string[], env: NodeJS.ProcessEnv, mode: Mode, timeoutMs: number): Promise<RunResult> {
  if (mode === 'pipe') return run(argv[0] as string, argv.slice(1), { env, timeoutMs });
  return run('script', ['-qec', argv.map(shellQuote).join(' '), '/dev/null'], { env, timeoutMs });
}

/** The real binary, as `stonith` found through PATH (so its getopt messages and usage say "stonith"). */
export function runReal(
  inv: Invocation,
  mode: Mode,
  timeoutMs: number,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  const PATH = `/usr/sbin:${process.env.PATH ?? '/usr/bin:/bin'}`;
  return runSide(['stonith', ...inv.args], { ...baseEnv, ...inv.env, PATH }, mode, timeoutMs);
}

/** fencekit-stonith, as `node …/fencekit-stonith.js`. */
export function runOurs(
  inv: Invocation,
  mode: Mode,
  timeoutMs: number,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  return runSide([process.execPath, FENCEKIT_STONITH, ...inv.args], { ...baseEnv, ...inv.env }, mode, timeoutMs);
}

/** Ours' output in the real one's words: "fencekit-stonith" is "stonith", our address the real one's. */
export function normaliseOurs(text: string, ourHost?: string, realHost?: string): string {
  let t = text.replace(/fencekit-stonith/g, 'stonith');
  if (ourHost && realHost) t = t.split(ourHost).join(realHost);
  return t;
}

const mapOutput = (r: RunResult, f: (text: string) => string): RunResult => ({
  ...r,
  stdout: f(r.stdout),
  stderr: f(r.stderr),
});

export interface BothOptions {
  /**
   * Each side runs against its own address of the lane (the real one the
   * first), and ours' address in its output is mapped to the real one's.
   * Without a lane both run one invocation, made for NOWHERE.
   */
  lane?: Lane;
  /** The environment both inherit (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Applied to both sides' stdout and stderr, after normaliseOurs. */
  normalise?: (text: string) => string;
}

/**
 * Both binaries at once, each with `invocation(host, side)` (side 0 the real
 * one, 1 ours), ours' output normalised: normaliseOurs, then `normalise` on
 * both sides.
 */
export async function runBoth(
  invocation: (host: string, side: 0 | 1) => Invocation,
  mode: Mode,
  timeoutMs: number,
  { lane, baseEnv, normalise = (t) => t }: BothOptions = {},
): Promise<Sides<RunResult>> {
  let real: Invocation;
  let ours: Invocation;
  if (lane) {
    real = invocation(lane[0], 0);
    ours = invocation(lane[1], 1);
  } else {
    real = ours = invocation(NOWHERE, 0);
  }
  const [r, o] = await Promise.all([runReal(real, mode, timeoutMs, baseEnv), runOurs(ours, mode, timeoutMs, baseEnv)]);
  return {
    real: mapOutput(r, normalise),
    ours: mapOutput(o, (t) => normalise(normaliseOurs(t, lane?.[1], lane?.[0]))),
  };
}

/** What a case yields: both runs and, after a device case, what the two devices ended as and saw. */
export interface Outcome extends Sides<RunResult> {
  /** Each device's state at the end (plug states, power). */
  states?: Sides<string>;
  /** The changes each device saw, in order. */
  changes?: Sides<string[]>;
}

/** `f` of each side's device, when both sides have one. */
export const sides = <E, T>(real: E | undefined, ours: E | undefined, f: (e: E) => T): Sides<T> | undefined =>
  real && ours ? { real: f(real), ours: f(ours) } : undefined;

/**
 * The equality of a plain case: the real binary exits with `code` (a check
 * that the case tests what it says), ours exits the same, both print the
 * same stdout and stderr (the real one's through `normaliseReal`), and after
 * a device case both devices are in the same state and saw the same changes.
 */
export function expectSameRun(
  expect: ExpectStatic,
  r: Outcome,
  code: number,
  normaliseReal: (text: string) => string = (t) => t,
): void {
  expect(r.real.code, `the real stonith said: ${r.real.stdout}${r.real.stderr}`).toBe(code);
  expect(r.ours.code).toBe(r.real.code);
  expect(r.ours.stdout).toBe(normaliseReal(r.real.stdout));
  expect(r.ours.stderr).toBe(normaliseReal(r.real.stderr));
  if (r.states && r.changes) {
    expect(r.states.ours).toBe(r.states.real);
    expect(r.changes.ours).toEqual(r.changes.real);
  }
}

/** The syslog-shaped prefix a log line has off a terminal. */
export const SYSLOG_PREFIX = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ stonith: \[\d+\]: /;

/** The log lines at info and above, without their syslog prefix. */
export const logLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.replace(SYSLOG_PREFIX, ''))
    .filter((l) => /^(EMERG|ALERT|CRIT|ERROR|WARN|notice|info): /.test(l));

/**
 * The equality of a -d case, whose debug lines differ: the real binary exits
 * with `code`, ours the same; off a terminal both print the same stdout; the
 * log (stdout on a terminal, stderr off one) has the same `lines`. The two
 * logs are returned for the case's own checks.
 */
export function expectSameLog(
  expect: ExpectStatic,
  r: Sides<RunResult>,
  mode: Mode,
  code: number,
  lines: (log: string) => string[] = logLines,
): Sides<string> {
  expect(r.real.code).toBe(code);
  expect(r.ours.code).toBe(r.real.code);
  const realLog = mode === 'tty' ? r.real.stdout : r.real.stderr;
  const ourLog = mode === 'tty' ? r.ours.stdout : r.ours.stderr;
  if (mode === 'pipe') expect(r.ours.stdout).toBe(r.real.stdout);
  expect(lines(ourLog)).toEqual(lines(realLog));
  return { real: realLog, ours: ourLog };
}

/** Plug changes an emulator saw, in order, as `plug:STATE`. */
export const plugChanges = (events: Timestamped[]): string[] =>
  events.filter((e) => e.type === 'plug').map((e) => (e.type === 'plug' ? `${e.plug}:${e.state}` : ''));

/** The `-h` blocks of a help text, by type name. */
export function helpBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const block of text.split(/(?=\n\nSTONITH Device: )/)) {
    const m = /^\n\nSTONITH Device: (\S+) - /.exec(block);
    if (m) blocks.set(m[1] as string, block);
  }
  return blocks;
}

/**
 * What ours must print for `-h` without `-t`, given what the real one
 * printed: its usage and header, then its blocks for the types
 * fencekit-stonith implements (a missing one stands out as `(no TYPE block)`).
 */
export function expectedHelp(realStdout: string): string {
  const header = '\nSTONITH -t device types and associated configuration details:\n';
  const head = realStdout.slice(0, realStdout.indexOf(header) + header.length);
  const blocks = helpBlocks(realStdout);
  const implemented = ['apcmaster', 'apcmastersnmp', 'external/riloe', 'wti_nps'];
  return head + implemented.map((t) => blocks.get(t) ?? `(no ${t} block)`).join('');
}
