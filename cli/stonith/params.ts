/**
 * Where a device's parameters come from (stonith-cli.md §4): `-p STR`,
 * `-F FILE`, `-E`, or leading `name=value` words. Pure functions; the
 * front-end prints the messages.
 *
 * Values are byte strings (one char per byte, latin1), as the C plugins see
 * them: a password typed as UTF-8 reaches the device as the same bytes, and a
 * CR at the end of a CRLF file's line stays part of the value.
 */
import fs from 'node:fs';

/** A JS string (as argv and the environment give them) as the bytes a C program sees. */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Back from bytes to text, for messages and host names. */
export function fromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** What `-p` skips before each value (note: not vertical tab). */
const SEPARATORS = ' \t\r\n\f';

/**
 * `-p` syntax: each value but the last is one word; the last takes the rest
 * of the string verbatim, inner and trailing blanks included. null when a
 * value is missing.
 */
export function parseParameterString(text: string, names: readonly string[]): Map<string, string> | null {
  const config = new Map<string, string>();
  let pos = 0;
  for (let i = 0; i < names.length; i++) {
    while (pos < text.length && SEPARATORS.includes(text[pos] as string)) pos++;
    let value: string;
    if (i === names.length - 1) {
      value = text.slice(pos);
    } else {
      const start = pos;
      while (pos < text.length && !SEPARATORS.includes(text[pos] as string)) pos++;
      value = text.slice(start, pos);
    }
    if (value === '') return null;
    config.set(names[i] as string, value);
  }
  return config;
}

/** fgets(3) with stonith's 1024-byte buffer: a "line" is at most 1023 bytes, the newline included. */
const LINE_MAX = 1023;

export type ConfigFileLine = { kind: 'cannot-open' } | { kind: 'line'; line: string | null };

/**
 * The first usable line of a `-F` file: not starting with `#`, not empty.
 * One trailing newline is removed; a CR before it is kept. A directory opens
 * but reads nothing, as with fopen(3).
 */
export function readConfigFileLine(file: string): ConfigFileLine {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { kind: 'cannot-open' };
  }
  try {
    let data: Buffer;
    try {
      data = fs.readFileSync(fd);
    } catch {
      return { kind: 'line', line: null };
    }
    let pos = 0;
    while (pos < data.length) {
      const newline = data.indexOf(0x0a, pos);
      const end = Math.min(newline < 0 ? data.length : newline + 1, pos + LINE_MAX);
      let chunk = data.subarray(pos, end);
      pos = end;
      // A C string ends at its first NUL.
      const nul = chunk.indexOf(0);
      if (nul >= 0) chunk = chunk.subarray(0, nul);
      if (chunk[0] === 0x23 /* # */) continue;
      if (chunk[chunk.length - 1] === 0x0a) chunk = chunk.subarray(0, chunk.length - 1);
      if (chunk.length === 0) continue;
      return { kind: 'line', line: chunk.toString('latin1') };
    }
    return { kind: 'line', line: null };
  } finally {
    fs.closeSync(fd);
  }
}

/** `-E`: one environment variable per config name. null when one is missing (an empty one is a value). */
export function parametersFromEnvironment(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
): Map<string, string> | null {
  const config = new Map<string, string>();
  for (const name of names) {
    const value = env[name];
    if (value === undefined) return null;
    config.set(name, toBytes(value));
  }
  return config;
}

/**
 * `name=value` words: the value is everything after the first `=`, the first
 * occurrence of a name wins, unknown names are ignored. null unless every
 * config name was given.
 */
export function parametersFromPairs(pairs: readonly string[], names: readonly string[]): Map<string, string> | null {
  const config = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    if (names.includes(name) && !config.has(name)) config.set(name, toBytes(pair.slice(at + 1)));
  }
  return names.every((n) => config.has(n)) ? config : null;
}

/**
 * `name=value` words for an external plugin (external.c): every pair is kept,
 * whatever its name, to become an environment variable of the script; a
 * later pair of the same name replaces an earlier one (a GHashTable insert);
 * none is required.
 */
export function externalParametersFromPairs(pairs: readonly string[]): Map<string, string> {
  const config = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    config.set(pair.slice(0, at), toBytes(pair.slice(at + 1)));
  }
  return config;
}

/** `-E` for an external plugin: the config names that are set; none is required. */
export function externalParametersFromEnvironment(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
): Map<string, string> {
  const config = new Map<string, string>();
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) config.set(name, toBytes(value));
  }
  return config;
}
