import { visibleControls } from '../../domain/text';

/** Alignment of a table column. */
export type Align = 'left' | 'right';

/**
 * Renders rows as a plain-text table with a header rule, for terminals and logs. Any number of rows
 * (no spread of the rows into a call); every cell is user data made safe for a terminal: line breaks
 * and other control characters show as visible stand-ins, so a cell never breaks the table nor
 * drives the terminal.
 *
 * @example renderTable(['name', 'size'], [['web', '1 GiB']], ['left', 'right'])
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const safeHeader = header.map(visibleControls);
  const safeRows = rows.map((r) => r.map(visibleControls));
  const widths = safeHeader.map((h) => h.length);
  for (const row of safeRows) {
    for (let c = 0; c < widths.length; c++) {
      const length = (row[c] ?? '').length;
      if (length > (widths[c] ?? 0)) widths[c] = length;
    }
  }
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [line(safeHeader), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of safeRows) lines.push(line(row));
  return lines.join('\n');
}
