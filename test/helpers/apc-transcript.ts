/**
 * The APC recordings in test/fixtures/apc-transcripts/: records of
 * `=== <server|client> <seconds>` followed by the chunk's bytes as a
 * Python-style quoted string (README there). Decoded to latin1 text, so one
 * character is one byte.
 */
export interface Chunk {
  from: 'server' | 'client';
  at: number;
  bytes: string;
}

/** Decode a Python-style quoted byte string ('…' or "…", with \r \n \t \\ \' \" \xNN escapes) to latin1 text. */
export function decodePythonString(literal: string): string {
  const quote = literal[0];
  if ((quote !== "'" && quote !== '"') || literal[literal.length - 1] !== quote) {
    throw new Error(`not a quoted string: ${literal.slice(0, 40)}`);
  }
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
    if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad \\x escape at ${i}`);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 2;
    } else if (e !== undefined && simple[e] !== undefined) {
      out += simple[e];
    } else {
      throw new Error(`unknown escape \\${e} at ${i}`);
    }
  }
  return out;
}

export function parseTranscript(text: string): Chunk[] {
  const lines = text.split('\n');
  const chunks: Chunk[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = /^=== (server|client) ([\d.]+)$/.exec(lines[i] ?? '');
    if (!header) {
      if ((lines[i] ?? '').trim() !== '') throw new Error(`line ${i + 1}: expected a record header`);
      continue;
    }
    const literal = lines[++i];
    if (literal === undefined) throw new Error(`line ${i}: record without bytes`);
    chunks.push({ from: header[1] as 'server' | 'client', at: Number(header[2]), bytes: decodePythonString(literal) });
  }
  return chunks;
}
