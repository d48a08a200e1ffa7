import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EMULATE_FLAGS } from './emulate-flags.js';

/**
 * A plain `fencekit emulate …` command line read without commander, with the
 * same flags and the same values commander would give (camelCase keys,
 * `--no-telnet` as `telnet: false`, repeatable flags as lists). Returns null
 * for anything this reader should not answer itself (help, an unknown flag,
 * a missing value, a stray argument): commander then parses the same line and
 * says what is wrong in its documented words.
 */
export function parseEmulateArgs(args: readonly string[]): Record<string, unknown> | null {
  if (args.some((a) => a === '-h' || a === '--help' || a === '--')) return null;
  const options: NonNullable<ParseArgsConfig['options']> = {};
  const names = new Map<string, { key: string; negated: boolean }>();
  for (const { flag, repeatable } of EMULATE_FLAGS) {
    const [long = '', value] = flag.split(' ');
    const name = long.replace(/^--/, '');
    const negated = name.startsWith('no-');
    const key = camel(negated ? name.slice(3) : name);
    options[name] = { type: value === undefined ? 'boolean' : 'string', ...(repeatable ? { multiple: true } : {}) };
    names.set(name, { key, negated });
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch {
    return null;
  }
  // What commander gives with no flag: `--no-telnet` alone defines telnet, true by default.
  const flags: Record<string, unknown> = { telnet: true };
  for (const [name, value] of Object.entries(parsed.values)) {
    const n = names.get(name);
    if (!n) return null;
    flags[n.key] = n.negated ? !value : value;
  }
  return flags;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
