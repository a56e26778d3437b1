import { markdownText } from './markdown-escape.js';

/**
 * A renderer-neutral table: compare, the hardware comparison and the policy table build one,
 * and it is written as plain text (the CLI, the bench), Markdown or HTML. `tone` lets the text
 * writer colour a row without the table knowing about terminals.
 */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Per row: 'bad' (regression), 'good' (improvement) or undefined. */
  readonly tones?: readonly ('bad' | 'good' | undefined)[];
}

/** Every cell, header included, goes through markdownText: cells carry names from reports. */
export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(markdownText).join(' | ')} |`;
  const rule = `|${table.header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(table.header), rule, ...table.rows.map(line)].join('\n');
}

export type Align = 'left' | 'right';

/**
 * Plain-text table: header row, a rule, then rows. Numbers should arrive pre-formatted; cells
 * may carry terminal colour codes, which take no width. By default the first column is
 * left-aligned and the rest right-aligned.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(c)));
        return (align?.[i] ?? (i === 0 ? 'left' : 'right')) === 'left' ? c + pad : pad + c;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function visibleLength(s: string): number {
  // Colour sequences (ESC [ ... m) take no width on a terminal.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC character is the point
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}
