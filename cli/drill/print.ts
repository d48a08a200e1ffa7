import type { DrillResult } from './timeline.js';

/** The timeline as a table a person reads top to bottom, then the verdict. */
export function formatResult(r: DrillResult): string {
  const rows = r.timeline.map((e) => [`${(e.atMs / 1000).toFixed(3)} s`, e.what, e.node ?? '', e.detail ?? '']);
  const head = ['time', 'what', 'node', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map(line), ''];
  out.push(`${r.scenario}: ${r.verdict.toUpperCase()}`);
  for (const reason of r.reasons) out.push(`  - ${reason}`);
  return `${out.join('\n')}\n`;
}
