import type { AuditReport, RepositoryReport } from '../../domain/report';

/**
 * The CSV columns: every field of a repository report, in this order. Columns added later go at the
 * end, so that spreadsheets and scripts reading columns by position keep working.
 */
export const CSV_COLUMNS = [
  'accountId',
  'region',
  'repositoryName',
  'policyStatus',
  'optedOut',
  'excluded',
  'images',
  'untaggedImages',
  'indexChildren',
  'referrers',
  'archivedImages',
  'doomedImages',
  'storedBytes',
  'naiveBytes',
  'reclaimableBytes',
  'monthlyCostUsd',
  'monthlySavingsUsd',
  'referrersAtRisk',
  'inUseImages',
  'inUseAtRisk',
  'heldInUse',
] as const satisfies ReadonlyArray<keyof RepositoryReport>;

// Compile-time check that no field of RepositoryReport is missing from CSV_COLUMNS.
type MissingColumn = Exclude<keyof RepositoryReport, (typeof CSV_COLUMNS)[number]>;
const _everyFieldIsAColumn: MissingColumn extends never ? true : false = true;

/** A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Quotes one CSV field per RFC 4180: fields holding a comma, quote, CR or LF (or leading/trailing
 * spaces, which some readers trim) are wrapped in double quotes, with inner quotes doubled.
 */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A text cell made safe for spreadsheets: a value that would start a formula gets a leading
 * apostrophe, which spreadsheets show as text and do not evaluate.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function cell(value: RepositoryReport[keyof RepositoryReport]): string {
  // Numbers and booleans are data, written raw; only text can carry a formula.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return csvField(neutraliseFormula(String(value)));
}

/**
 * The audit as RFC 4180 CSV: a header row of {@link CSV_COLUMNS}, then one row per repository in
 * report order. Bytes are integers and dollars unrounded, as in the report; lines end with CRLF.
 *
 * @example await writeFile('audit.csv', renderCsv(report));
 */
export function renderCsv(report: AuditReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const repository of report.repositories) {
    lines.push(CSV_COLUMNS.map((column) => cell(repository[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
