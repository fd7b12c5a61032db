import type { AuditReport, CostGroup, RepositoryReport } from '../../domain/report';
import { isAccountFailure } from '../../domain/report-problems';
import { accountStatus } from './format';
import { visibleControls } from '../../domain/text';

/**
 * The CSV columns: every field of a repository report, in this order, except the cost-allocation
 * tags, which follow as one `tag:KEY` column per key of the report. Columns added later go at the
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
  'archivableBytes',
  'archiveRuleSuggestion',
  'findings',
  'untaggedRetentionDays',
  'inUseImages',
  'inUseAtRisk',
  'heldInUse',
] as const satisfies ReadonlyArray<keyof RepositoryReport>;

/** Fields written as several columns (one per tag key, or one per figure) rather than one. */
type SpreadField = 'costAllocationTags' | 'realized' | 'prediction';

/**
 * The realized and prediction columns, after the tag columns, in reports that read a ledger (one
 * without keeps its columns as they were).
 */
export const LEDGER_CSV_COLUMNS = [
  'realizedImages',
  'realizedFreedBytes',
  'realizedMonthlySavingsUsd',
  'realizedByDefaultRuleFreedBytes',
  'realizedArchivedBytes',
  'predictionMismatches',
] as const;

function ledgerCells(row: Pick<RepositoryReport, 'realized' | 'prediction'>): string[] {
  const r = row.realized;
  return [
    cell(r?.images),
    cell(r?.freedBytes),
    cell(r?.monthlySavingsUsd),
    cell(r?.byDefaultRule.freedBytes),
    cell(r?.archivedBytes),
    cell(row.prediction?.mismatches.length),
  ];
}

// Compile-time check that no field of RepositoryReport is missing from CSV_COLUMNS.
type MissingColumn = Exclude<keyof RepositoryReport, (typeof CSV_COLUMNS)[number] | SpreadField>;
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

/** The columns of {@link renderCostGroupsCsv}: every field of a cost group, in this order. */
export const COST_GROUP_CSV_COLUMNS = [
  'by',
  'value',
  'repositories',
  'storedBytes',
  'reclaimableBytes',
  'monthlyCostUsd',
  'monthlySavingsUsd',
] as const satisfies ReadonlyArray<keyof CostGroup>;

type MissingGroupColumn = Exclude<keyof CostGroup, (typeof COST_GROUP_CSV_COLUMNS)[number] | 'realized'>;
const _everyGroupFieldIsAColumn: MissingGroupColumn extends never ? true : false = true;

/**
 * Control characters other than the line breaks and tabs a quoted field keeps become visible
 * stand-ins: a CSV printed to a terminal must not drive it.
 */
function safeText(text: string): string {
  return text.replace(/[^\t\r\n]+/g, visibleControls);
}

/** A repository's findings in one cell: `ShadowedRule (rule 2); UntaggedRetentionLong (rule 5)`. */
function findingsCell(findings: RepositoryReport['findings']): string {
  return findings.map((f) => (f.rulePriority === undefined ? f.code : `${f.code} (rule ${f.rulePriority})`)).join('; ');
}

function cell(value: string | number | boolean | null | undefined | RepositoryReport['findings']): string {
  // Numbers and booleans are data, written raw; only text can carry a formula. null is an empty cell.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return csvField(neutraliseFormula(safeText(findingsCell(value))));
  return csvField(neutraliseFormula(safeText(value)));
}

/**
 * The audit as RFC 4180 CSV: a header row of {@link CSV_COLUMNS}, then one row per repository in
 * report order, then one row per repository the run did not reach (policyStatus `not-reached`). Bytes are integers and dollars unrounded, as in the report; lines end with CRLF.
 *
 * @example await writeFile('audit.csv', renderCsv(report));
 */
export function renderCsv(report: AuditReport): string {
  const tagKeys = report.costAllocationTagKeys;
  const ledger = report.ledger !== undefined;
  const lines = [[...CSV_COLUMNS, ...tagKeys.map((key) => cell(`tag:${key}`)), ...(ledger ? LEDGER_CSV_COLUMNS : [])].join(',')];
  for (const repository of report.repositories) {
    const tags = tagKeys.map((key) => cell(repository.costAllocationTags[key] ?? ''));
    lines.push([...CSV_COLUMNS.map((column) => cell(repository[column])), ...tags, ...(ledger ? ledgerCells(repository) : [])].join(','));
  }
  // A run that stopped early lists what it did not read, so the sheet shows every repository it knew
  // of: policyStatus "not-reached", the numbers left empty (unknown, not zero).
  for (const missed of report.notReached) {
    const known: Partial<Record<(typeof CSV_COLUMNS)[number], string>> = {
      ...(missed.accountId === undefined ? {} : { accountId: missed.accountId }),
      region: missed.region,
      repositoryName: missed.repositoryName ?? '',
      policyStatus: 'not-reached',
    };
    lines.push(
      [
        ...CSV_COLUMNS.map((column) => cell(known[column] ?? '')),
        ...tagKeys.map(() => ''),
        ...(ledger ? LEDGER_CSV_COLUMNS.map(() => '') : []),
      ].join(','),
    );
  }
  // An account that could not be read at all is one row too (policyStatus "account-not-read"): its
  // repositories are unknown, and the sheet must not look like the whole organization.
  for (const failure of report.errors.filter(isAccountFailure)) {
    const known: Partial<Record<(typeof CSV_COLUMNS)[number], string>> = {
      accountId: failure.accountId ?? '',
      policyStatus: 'account-not-read',
    };
    lines.push([...CSV_COLUMNS.map((column) => cell(known[column] ?? '')), ...tagKeys.map(() => '')].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The columns of {@link renderAccountsCsv}, in this order. */
export const ACCOUNT_CSV_COLUMNS = [
  'accountId',
  'name',
  'regions',
  'complete',
  'status',
  'errors',
  'repositories',
  'repositoriesWithoutUntaggedCleanup',
  'images',
  'untaggedImages',
  'storedBytes',
  'reclaimableBytes',
  'monthlyCostUsd',
  'monthlySavingsUsd',
  'archivableBytes',
] as const;

/**
 * The per-account table as RFC 4180 CSV (`accounts.csv` beside `report.csv`): a header row of
 * {@link ACCOUNT_CSV_COLUMNS}, then one row per account in account id order; `regions` is a
 * space-separated list, `status` says why an account is incomplete (`not read: AccessDenied`).
 *
 * @example await writeFile('accounts.csv', renderAccountsCsv(report));
 */
export function renderAccountsCsv(report: AuditReport): string {
  const lines: string[] = [ACCOUNT_CSV_COLUMNS.join(',')];
  for (const account of report.accounts) {
    const t = account.totals;
    const row: Record<(typeof ACCOUNT_CSV_COLUMNS)[number], string | number | boolean> = {
      accountId: account.accountId,
      name: account.name ?? '',
      regions: account.regions.join(' '),
      complete: account.complete,
      status: accountStatus(account),
      errors: account.errors.length,
      repositories: t.repositories,
      repositoriesWithoutUntaggedCleanup: t.repositoriesWithoutUntaggedCleanup,
      images: t.images,
      untaggedImages: t.untaggedImages,
      storedBytes: t.storedBytes,
      reclaimableBytes: t.reclaimableBytes,
      monthlyCostUsd: t.monthlyCostUsd,
      monthlySavingsUsd: t.monthlySavingsUsd,
      archivableBytes: t.archivableBytes,
    };
    lines.push(ACCOUNT_CSV_COLUMNS.map((column) => cell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The cost groups as RFC 4180 CSV (`cost-groups.csv` beside `report.csv`): a header row of
 * {@link COST_GROUP_CSV_COLUMNS}, then one row per group in report order (per grouping, largest
 * cost first).
 *
 * @example await writeFile('cost-groups.csv', renderCostGroupsCsv(report));
 */
export function renderCostGroupsCsv(report: AuditReport): string {
  const ledger = report.ledger !== undefined;
  const realizedColumns = LEDGER_CSV_COLUMNS.slice(0, -1);
  const lines = [[...COST_GROUP_CSV_COLUMNS, ...(ledger ? realizedColumns : [])].join(',')];
  for (const group of report.costGroups) {
    const realized = ledger ? ledgerCells({ ...(group.realized ? { realized: group.realized } : {}) }).slice(0, -1) : [];
    lines.push([...COST_GROUP_CSV_COLUMNS.map((column) => cell(group[column])), ...realized].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
