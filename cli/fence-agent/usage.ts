import type { OptionEntry } from './options.js';

/** `-h`: fence-agents' usage layout, one line per option of the table. */
export function usageText(table: readonly OptionEntry[]): string {
  const rows = table.map(({ option: o }) => {
    const long = `--${o.name.replace(/_/g, '-')}${o.kind === 'boolean' ? '' : '=[value]'}`;
    const flag = o.short ? `-${o.short}, ${long}` : `    ${long}`;
    return `   ${flag.padEnd(40)} ${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ''}`;
  });
  return `Usage:\n\tfence_fencekit [options]\nOptions:\n${rows.join('\n')}\n\nWith no arguments, options are read from stdin as name=value lines.\n`;
}
