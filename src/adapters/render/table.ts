/** Alignment of a table column. */
export type Align = 'left' | 'right';

/**
 * Renders rows as a plain-text table with a header rule, for terminals and logs.
 *
 * @example renderTable(['name', 'size'], [['web', '1 GiB']], ['left', 'right'])
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  // A loop, not Math.max(...rows): spreading some 130,000 rows overflows the call stack (simulate of a large repository).
  const widths = header.map((h) => h.length);
  for (const row of rows) {
    for (let c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c] ?? 0, (row[c] ?? '').length);
  }
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
