/**
 * The plug lists WTI commands take [manual, plus what the real clients send]:
 * a number `3`, a name `srv1`, a wildcard `S*`, `1+3+4`, `1,3,4`, a range
 * `1:4`, all `*`, and (wti_nps) numbers separated by spaces, `1 5`.
 * Names compare case-insensitively; a name held by several plugs selects them all.
 */
export interface NamedPlug {
  readonly number: number;
  readonly name: string | null;
}

export type PlugListResult = { plugs: number[] } | { error: 'empty' | 'unknown'; token?: string };

export function resolvePlugList(spec: string, plugs: readonly NamedPlug[]): PlugListResult {
  const text = spec.trim();
  const tokens = text.split(/[+,\s]+/).filter(Boolean);
  if (tokens.length === 0) return { error: 'empty' };
  // A name may itself hold a separator ("rack 1"): the whole text as one name wins.
  // A single token goes through resolveToken, so `*`, numbers and ranges come before names.
  if (tokens.length > 1) {
    const whole = byName(text, plugs);
    if (whole.length > 0) return { plugs: whole };
  }

  const chosen = new Set<number>();
  for (const token of tokens) {
    const found = resolveToken(token, plugs);
    if (found.length === 0) return { error: 'unknown', token };
    for (const n of found) chosen.add(n);
  }
  return { plugs: [...chosen].sort((a, b) => a - b) };
}

function resolveToken(token: string, plugs: readonly NamedPlug[]): number[] {
  if (token === '*') return plugs.map((p) => p.number);
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return plugs.some((p) => p.number === n) ? [n] : [];
  }
  const range = /^(\d+):(\d+)$/.exec(token);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo > hi) return [];
    const inRange = plugs.filter((p) => p.number >= lo && p.number <= hi).map((p) => p.number);
    // Every plug of the range must exist, or the range is wrong.
    return inRange.length === hi - lo + 1 ? inRange : [];
  }
  return byName(token, plugs);
}

function byName(pattern: string, plugs: readonly NamedPlug[]): number[] {
  const wanted = pattern.toLowerCase();
  const wildcard = wanted.includes('*') ? new RegExp(`^${wanted.split('*').map(escapeRegExp).join('.*')}$`) : null;
  return plugs
    .filter((p) => {
      if (p.name === null) return false;
      const name = p.name.toLowerCase();
      return wildcard ? wildcard.test(name) : name === wanted;
    })
    .map((p) => p.number);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
