import { UsageError } from '../../src/errors.js';
import { lookup, type OptionEntry } from './options.js';

/**
 * The two ways fence-agents take options, never both: `name=value` lines on
 * stdin when there are no arguments (Pacemaker's way), GNU-style options
 * otherwise. Both give the same map: canonical name → value ('1' for a flag).
 */
export interface ParsedOptions {
  values: Map<string, string>;
  /** Warnings fence-agents prints on stderr and carries on after. */
  warnings: string[];
}

const TRUE = new Set(['1', 'yes', 'on', 'true', '']);
const FALSE = new Set(['0', 'no', 'off', 'false']);

/** `ssl_insecure=1` sets a flag and `ssl_insecure=0` clears it (fence-agents would set it either way). */
function flagValue(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

export function parseStdin(text: string, table: readonly OptionEntry[]): ParsedOptions {
  const values = new Map<string, string>();
  const warnings: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    let value = eq < 0 ? '' : line.slice(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    // Pacemaker adds the node's name; the plug says which outlet it is.
    if (name === 'nodename') continue;
    const entry = lookup(table, name);
    if (!entry) {
      // Say the name only: the value may be a secret of an option we do not know.
      warnings.push(`Parse error: Ignoring unknown option '${name}'`);
      continue;
    }
    if (entry.option.kind === 'boolean') {
      const on = flagValue(value);
      if (on === undefined) {
        warnings.push(`Parse error: Ignoring option '${name}': '${value}' is not 1/0, yes/no, on/off or true/false`);
        continue;
      }
      if (on) values.set(entry.option.name, '1');
      else values.delete(entry.option.name);
      continue;
    }
    values.set(entry.option.name, value);
  }
  return { values, warnings };
}

/** GNU getopt_long, as fence-agents calls it: long and short options may be mixed with positionals. */
export function parseArgv(argv: readonly string[], table: readonly OptionEntry[]): ParsedOptions {
  const values = new Map<string, string>();
  const warnings: string[] = [];
  const positionals: string[] = [];
  const byShort = (c: string) => table.find((e) => e.option.short === c);
  const set = (entry: OptionEntry, value: string | undefined) => {
    values.set(entry.option.name, entry.option.kind === 'boolean' ? '1' : (value ?? ''));
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const entry = lookup(table, name);
      if (!entry || entry.option.legacy === name.replace(/-/g, '_'))
        throw new UsageError(`unrecognized option '--${name}'`);
      if (entry.option.kind === 'boolean') {
        if (eq >= 0) throw new UsageError(`option '--${name}' doesn't allow an argument`);
        set(entry, undefined);
      } else if (eq >= 0) {
        set(entry, arg.slice(eq + 1));
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' requires an argument`);
        set(entry, argv[++i]);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        const entry = byShort(c);
        if (!entry) throw new UsageError(`invalid option -- '${c}'`);
        if (entry.option.kind === 'boolean') {
          set(entry, undefined);
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest !== '') set(entry, rest);
        else if (i + 1 < argv.length) set(entry, argv[++i]);
        else throw new UsageError(`option requires an argument -- '${c}'`);
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  if (positionals.length > 0) warnings.push(`Unused arguments on the command line: ${positionals.join(' ')}`);
  return { values, warnings };
}
