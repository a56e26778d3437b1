/**
 * A renderer-neutral table: compare and the hardware comparison build one, and the CLI
 * prints it as text (with colour), Markdown or JSON. `tone` lets the text renderer colour a
 * row without the table knowing about terminals.
 */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Per row: 'bad' (regression), 'good' (improvement) or undefined. */
  readonly tones?: readonly ('bad' | 'good' | undefined)[];
}

export function markdownTable(table: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  const rule = `|${table.header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(table.header), rule, ...table.rows.map(line)].join('\n');
}
