import { StateFileError } from './state-error.js';

/**
 * Checks a state file's values one by one, so a bad one stops the start with
 * one line naming the file, the field, what was expected and what was found.
 * The file is not trusted: anyone who could write it could otherwise give the
 * unit a plug state it has no word for, or a name that breaks a client's parser.
 * A password's value is never repeated in a message, only its length.
 */
export class StateFields {
  constructor(readonly file: string) {}

  /** Stop with "field F: expected E, got G"; `got` is already in words (see shown()). */
  fail(field: string, expected: string, got: string): never {
    throw new StateFileError(this.file, field, `expected ${expected}, got ${got}`);
  }

  /** A JSON object whose keys are all among `keys`; `required` ones must be there. */
  object(
    value: unknown,
    field: string,
    keys: readonly string[],
    required: readonly string[] = [],
  ): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      this.fail(field, 'an object', shown(value));
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!keys.includes(key)) {
        throw new StateFileError(
          this.file,
          join(field, key),
          `not a field of this state file (known: ${keys.join(', ')})`,
        );
      }
    }
    for (const key of required) {
      if (!(key in o)) throw new StateFileError(this.file, join(field, key), 'missing');
    }
    return o;
  }

  list(value: unknown, field: string, max: number): unknown[] {
    if (!Array.isArray(value)) this.fail(field, 'a list', shown(value));
    if (value.length > max) this.fail(field, `a list of at most ${max}`, `a list of ${value.length}`);
    return value;
  }

  oneOf<T extends string | number | boolean>(value: unknown, field: string, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) {
      const words = allowed.map((a) => JSON.stringify(a));
      const expected =
        words.length === 1 ? (words[0] as string) : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
      this.fail(field, expected, shown(value));
    }
    return value as T;
  }

  boolean(value: unknown, field: string): boolean {
    return this.oneOf(value, field, [true, false]);
  }

  /** A finite number in [min, max]; whole when `integer`. */
  number(value: unknown, field: string, min: number, max: number, integer = false): number {
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
    if (!ok || (integer && !Number.isInteger(value))) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      this.fail(field, `a ${integer ? 'whole number' : 'number'} ${range}`, shown(value));
    }
    return value as number;
  }

  /**
   * Text of `min`..`max` characters with no control characters (they would
   * reach a client's screen or a log line as they are), nor any of `forbidden`.
   */
  text(value: unknown, field: string, rule: TextRule): string {
    const secret = rule.secret ?? false;
    const { min = 0, max } = rule;
    if (typeof value !== 'string')
      this.fail(
        field,
        'a string',
        secret && (typeof value === 'number' || typeof value === 'boolean') ? `a ${typeof value}` : shown(value),
      );
    if (value.length < min || value.length > max) {
      this.fail(
        field,
        min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`,
        `${value.length} characters`,
      );
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      this.fail(field, 'no control characters', secret ? 'one (the value is not shown)' : shown(value));
    }
    for (const ch of rule.forbidden ?? []) {
      if (value.includes(ch)) this.fail(field, `no '${ch}'`, secret ? 'one (the value is not shown)' : shown(value));
    }
    return value;
  }

  /** Text, or null for "not set". */
  textOrNull(value: unknown, field: string, rule: TextRule): string | null {
    return value === null ? null : this.text(value, field, rule);
  }
}

export interface TextRule {
  max: number;
  min?: number;
  forbidden?: readonly string[];
  /** A password: its value is never shown in the message. */
  secret?: boolean;
}

/**
 * The longest free text (passwords, site IDs, a card's identity, a host
 * name) a state file may hold. The flags take longer, but nothing a person
 * types to a power switch comes near this; it bounds what a planted file can
 * make the unit show.
 */
export const STATE_TEXT_MAX = 1024;

export function join(field: string, key: string | number): string {
  if (typeof key === 'number') return `${field}[${key}]`;
  return field === '' ? key : `${field}.${key}`;
}

/** A value as a person reads it, cut short: "MAYBE" in quotes, 99, null, a list, an object. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
