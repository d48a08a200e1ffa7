/**
 * The debug hook every byte of a dialog passes through. Secrets are masked
 * here, at the source: a password sent is recorded as asterisks, and should a
 * device echo it back, it is masked in what was received too.
 */
export type TranscriptDirection = 'sent' | 'received' | 'note';
export type Transcript = (direction: TranscriptDirection, text: string) => void;

export const MASK = '********';

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join(MASK);
  return out;
}

/** A transcript that writes readable lines (control characters escaped) to a sink. */
export function transcriptTo(write: (line: string) => void): Transcript {
  const escapeControls = (t: string) =>
    t.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => {
      if (c === '\r') return '\\r';
      if (c === '\n') return '\\n';
      return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    });
  return (direction, text) => write(`${direction === 'sent' ? '>>' : direction === 'received' ? '<<' : '--'} ${escapeControls(text)}`);
}
