/**
 * Plain-text tables for people: columns padded to their widest cell, long cells cut with `…`.
 */

/** A column: its heading, and whether numbers in it line up on the right. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Longest cell before it is cut; 60 when not given. */
  readonly max?: number;
}

/** Characters a terminal shows (code points, not UTF-16 units). */
const width = (text: string) => [...text].length;

function fit(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** Formats rows as an aligned text table, heading first, one line per row. */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string[] {
  const cells = rows.map((row) => columns.map((column, i) => fit(String(row[i] ?? ''), column.max ?? 60)));
  const widths = columns.map((column, i) => Math.max(width(column.header), ...cells.map((row) => width(row[i]!))));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => {
        const pad = ' '.repeat(widths[i]! - width(value));
        return columns[i]!.align === 'right' ? pad + value : value + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)];
}
