/**
 * Where a JSON text goes wrong, in words a person can act on ("line 3,
 * column 12: expected ',' or '}'"), for the state file's error message.
 * JSON.parse says this only in V8's own words, sometimes without a position
 * and sometimes quoting the whole text (which may hold passwords), so the
 * text is scanned again here, only after JSON.parse has refused it.
 */
export interface JsonSyntaxProblem {
  line: number;
  column: number;
  /** What the scanner wanted there, e.g. "a value", "',' or '}'", or "the end of the file". */
  expected: string;
  /** True when the text stops before the value is complete (a cut-off write or a truncated copy). */
  truncated: boolean;
}

/**
 * "is not valid JSON: at line 3, column 12, expected ',' or '}'", for a file
 * JSON.parse refused: never V8's own message, which may quote the text (a
 * config file may hold a password).
 */
export function describeJsonSyntax(text: string): string {
  const p = findJsonSyntaxProblem(text);
  if (!p) return 'is not valid JSON';
  const where = `line ${p.line}, column ${p.column}`;
  if (p.truncated) return `is not valid JSON: it ends at ${where} where ${p.expected} was expected (cut short?)`;
  return `is not valid JSON: at ${where}, expected ${p.expected}`;
}

export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const fail = (expected: string): never => {
    throw new Stop(i, expected);
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`'${word}'`);
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      const ch = text[i];
      if (ch === undefined) return fail("a closing '\"'");
      if (ch === '"') return void i++;
      if (ch === '\\') {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('four hex digits after \\u');
          continue;
        }
        if (esc === undefined || !'"\\/bfnrt'.includes(esc)) fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)');
        i++;
        continue;
      }
      if (ch < ' ') fail("a closing '\"' (a line break or control character inside a string)");
      i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('a value');
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 64) fail('less nesting');
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail('a name in double quotes');
        string();
        space();
        if (text[i] !== ':') fail("':'");
        i++;
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail("',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail("',' or ']'");
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail('a value');
  };
  try {
    value(0);
    space();
    if (i < text.length) fail('the end of the file');
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.at);
    const line = before.split('\n').length;
    const column = err.at - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column, expected: err.expected, truncated: err.at >= text.length };
  }
}

class Stop {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}
