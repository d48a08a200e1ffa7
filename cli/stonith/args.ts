/**
 * stonith's options, read as its getopt loop reads them (stonith-cli.md §1,
 * §2 step 1): `-V`, a bad `-c` count and a bad `-T` type end the program on
 * the spot, even with options still to come; a bad option is reported and
 * counted, and the usage follows once all options are read.
 */
import type { ResetRequest } from './plugin.js';
import { MESSAGES, usageText, VERSION_LINE } from './texts.js';

/**
 * POSIX getopt(3) as glibc runs it, short options only: arguments are
 * permuted (options after operands still count) unless POSIXLY_CORRECT is
 * set, `--` ends the options, `-` alone is an operand, and an option that
 * takes an argument takes the rest of its cluster or the next word, whatever
 * it looks like. Errors are reported in glibc's words, in order, as they
 * happen, and parsing goes on (the caller counts them, as stonith does).
 *
 * Option clusters are walked byte by byte, as glibc does: `-é` is two invalid
 * options, each naming one byte of the UTF-8 sequence.
 */
export type GetoptEvent =
  | { kind: 'option'; option: string; argument?: string }
  /** The message glibc prints, without the program name: `invalid option -- 'Z'`. Bytes, as glibc prints them. */
  | { kind: 'error'; message: Buffer };

export interface GetoptResult {
  events: GetoptEvent[];
  /** The operands, in glibc's permuted order. */
  operands: string[];
}

interface Spec {
  takesArgument: boolean;
}

function parseOptstring(optstring: string): Map<number, Spec> {
  const specs = new Map<number, Spec>();
  for (let i = 0; i < optstring.length; i++) {
    const c = optstring.charCodeAt(i);
    const takesArgument = optstring[i + 1] === ':';
    specs.set(c, { takesArgument });
    if (takesArgument) i++;
  }
  return specs;
}

const quoted = (before: string, byte: number) =>
  Buffer.concat([Buffer.from(`${before} -- '`), Buffer.from([byte]), Buffer.from("'")]);

export function getopt(args: readonly string[], optstring: string, env: NodeJS.ProcessEnv = process.env): GetoptResult {
  const specs = parseOptstring(optstring);
  // ':' can never be an option character: glibc reports it as invalid.
  specs.delete(':'.charCodeAt(0));
  const requireOrder = env.POSIXLY_CORRECT !== undefined;
  const events: GetoptEvent[] = [];
  const operands: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (requireOrder) break;
      operands.push(arg);
      continue;
    }
    const bytes = Buffer.from(arg, 'utf8');
    for (let j = 1; j < bytes.length; j++) {
      const c = bytes[j] as number;
      const spec = specs.get(c);
      if (spec === undefined) {
        events.push({ kind: 'error', message: quoted('invalid option', c) });
        continue;
      }
      const option = String.fromCharCode(c);
      if (!spec.takesArgument) {
        events.push({ kind: 'option', option });
        continue;
      }
      if (j + 1 < bytes.length) {
        events.push({ kind: 'option', option, argument: bytes.subarray(j + 1).toString('utf8') });
      } else if (i + 1 < args.length) {
        i++;
        events.push({ kind: 'option', option, argument: args[i] as string });
      } else {
        events.push({ kind: 'error', message: quoted('option requires an argument', c) });
      }
      break;
    }
  }
  operands.push(...args.slice(i));
  return { events, operands };
}

export const OPTSTRING = 'c:F:p:t:T:EsnSlLmvhVd';

export interface Output {
  out(text: string | Uint8Array): void;
  err(text: string | Uint8Array): void;
}

export interface StonithArgs {
  type?: string;
  /** -p, -F: the last one given wins. */
  parameterString?: string;
  parameterFile?: string;
  fromEnvironment: boolean;
  status: boolean;
  list: boolean;
  listTypes: boolean;
  names: boolean;
  metadata: boolean;
  help: boolean;
  silent: boolean;
  debug: number;
  count: number;
  resetType: ResetRequest;
  /** Bad options seen (already reported). */
  errors: number;
  /** Non-option words, in getopt's permuted order. */
  operands: string[];
}

export type ParseOutcome = { kind: 'args'; args: StonithArgs } | { kind: 'exit'; code: number };

/** atoi(3): blanks, a sign, digits; strtol's saturation, then the cast to a 32-bit int. */
export function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(text);
  if (!m || m[2] === '') return 0;
  let value = BigInt(m[2] as string);
  if (m[1] === '-') value = -value;
  const max = (1n << 63n) - 1n;
  const min = -(1n << 63n);
  if (value > max) value = max;
  if (value < min) value = min;
  return Number(BigInt.asIntN(32, value));
}

const RESET_TYPES: Record<string, ResetRequest> = { reset: 'reset', on: 'on', off: 'off' };

/**
 * `cmd` names the program in getopt's messages and the usage: the real
 * binary uses argv[0] as typed for the former and its base name for the
 * latter; Node keeps only an absolute path, so both use the base name.
 */
export function parseArguments(argv: readonly string[], cmd: string, io: Output, env = process.env): ParseOutcome {
  const args: StonithArgs = {
    fromEnvironment: false,
    status: false,
    list: false,
    listTypes: false,
    names: false,
    metadata: false,
    help: false,
    silent: false,
    debug: 0,
    count: 1,
    resetType: 'reset',
    errors: 0,
    operands: [],
  };
  const { events, operands } = getopt(argv, OPTSTRING, env);
  for (const event of events) {
    if (event.kind === 'error') {
      io.err(Buffer.concat([Buffer.from(`${cmd}: `), event.message, Buffer.from('\n')]));
      args.errors++;
      continue;
    }
    const value = event.argument ?? '';
    switch (event.option) {
      case 'c':
        args.count = atoi(value);
        if (args.count < 1) {
          io.err(MESSAGES.badCount(value) + usageText(cmd));
          return { kind: 'exit', code: 1 };
        }
        break;
      case 'd':
        args.debug++;
        break;
      case 'E':
        args.fromEnvironment = true;
        break;
      case 'F':
        args.parameterFile = value;
        break;
      case 'h':
        args.help = true;
        break;
      case 'L':
        args.listTypes = true;
        break;
      case 'l':
        args.list = true;
        break;
      case 'm':
        args.metadata = true;
        break;
      case 'n':
        args.names = true;
        break;
      case 'p':
        args.parameterString = value;
        break;
      case 's':
        args.silent = true;
        break;
      case 'S':
        args.status = true;
        break;
      case 't':
        args.type = value;
        break;
      case 'T': {
        const type = Object.hasOwn(RESET_TYPES, value) ? RESET_TYPES[value] : undefined;
        if (type === undefined) {
          io.err(MESSAGES.badResetType(value) + usageText(cmd));
          return { kind: 'exit', code: 1 };
        }
        args.resetType = type;
        break;
      }
      case 'V':
        io.out(VERSION_LINE);
        return { kind: 'exit', code: 0 };
      case 'v':
        // Accepted and ignored, as by the real binary.
        break;
    }
  }
  args.operands = operands;
  return { kind: 'args', args };
}
