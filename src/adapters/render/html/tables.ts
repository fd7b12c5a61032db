// The report's data tables: their columns, and how each turns into a list of cards on a screen too
// narrow for its columns (one place for a column's label, in the header and on the card).
import { escapeHtml as h } from './escape';

/** A column of a report table. */
interface Column {
  label: string;
  /** Right-aligned figures. @default false */
  numeric?: boolean;
}

/** A data table of the report. */
export interface TableSpec {
  /** The table's class, `t-…`: its card labels are keyed on it. */
  name: string;
  columns: readonly Column[];
  /** Leading cells that together title a row's card (e.g. region and repository); they carry no label. */
  titleCells: number;
  /** The widest viewport, in CSS px, at which the rows show as cards. */
  cardsUpTo: number;
  /** Columns the footer's first cell spans (the repositories table's total row). @default 1 */
  footTitleSpan?: number;
}

/** Viewports up to this width show most tables as cards: a phone, a tablet upright, a narrow window. */
const NARROW = 720;
/** Viewports up to this width show the twelve-column repositories table as cards: it needs about 1070 px. */
const WIDE = 1120;

function columns(...labels: ReadonlyArray<string | [string, 'num']>): Column[] {
  return labels.map((label) => (typeof label === 'string' ? { label } : { label: label[0], numeric: true }));
}

/** The report's tables; each section renders its header from here. */
export const TABLES = {
  repositories: {
    name: 't-repositories',
    columns: columns(
      'Region',
      'Repository',
      'Policy',
      ['Images', 'num'],
      ['Untagged', 'num'],
      ['Archived', 'num'],
      ['To remove', 'num'],
      ['Stored', 'num'],
      ['Reclaimable', 'num'],
      ['$/month', 'num'],
      ['Savings/month', 'num'],
      ['Archivable', 'num'],
    ),
    titleCells: 2,
    cardsUpTo: WIDE,
    footTitleSpan: 3,
  },
  costGroups: {
    name: 't-cost-groups',
    // The first label is the grouping's own (`Name prefix`, `Tag team`): see costGroupsSection.
    columns: columns(
      'Owner',
      ['Repositories', 'num'],
      ['Stored', 'num'],
      ['$/month', 'num'],
      ['On last week', 'num'],
      ['Reclaimable', 'num'],
      ['Savings/month', 'num'],
    ),
    titleCells: 1,
    cardsUpTo: NARROW,
  },
  archive: {
    name: 't-archive',
    columns: columns('Region', 'Repository', ['Archivable', 'num'], 'Suggested transition rule'),
    titleCells: 2,
    cardsUpTo: NARROW,
  },
  notReached: { name: 't-not-reached', columns: columns('Region', 'Repository', 'Why'), titleCells: 2, cardsUpTo: NARROW },
  errors: { name: 't-errors', columns: columns('Region', 'Repository', 'Error', 'Message'), titleCells: 2, cardsUpTo: NARROW },
  findings: {
    name: 't-findings',
    columns: columns('Region', 'Repository', 'Severity', 'Finding', 'Rule', 'Message'),
    titleCells: 2,
    cardsUpTo: NARROW,
  },
  warnings: { name: 't-warnings', columns: columns('Region', 'Repository', 'Warning', 'Message'), titleCells: 2, cardsUpTo: NARROW },
  referrers: {
    name: 't-referrers',
    columns: columns('Region', 'Repository', 'Policy', ['Referrers', 'num'], ['At risk', 'num']),
    titleCells: 2,
    cardsUpTo: NARROW,
  },
  inUseAtRisk: {
    name: 't-in-use-at-risk',
    columns: columns('Region', 'Repository', 'Image', 'Used by', 'Removed by', 'Status'),
    titleCells: 2,
    cardsUpTo: NARROW,
  },
  adviceTop: {
    name: 't-advice-top',
    columns: columns('Region', 'Repository', 'Owner', ['Removed now', 'num'], ['Extra $/month', 'num']),
    titleCells: 2,
    cardsUpTo: NARROW,
  },
  adviceOwners: {
    name: 't-advice-owners',
    columns: columns('Owner', ['Policies', 'num'], ['Extra $/month', 'num']),
    titleCells: 1,
    cardsUpTo: NARROW,
  },
  apiCalls: { name: 't-api-calls', columns: columns('Operation', ['Calls', 'num'], ['Retries', 'num']), titleCells: 1, cardsUpTo: NARROW },
} as const satisfies Record<string, TableSpec>;

/** `spec` with an Account column first, for a report of several accounts (its own class, so its own card labels). */
function withAccount(spec: TableSpec): TableSpec {
  return {
    ...spec,
    name: `${spec.name}-accounts`,
    columns: [{ label: 'Account' }, ...spec.columns],
    titleCells: spec.titleCells + 1,
    ...(spec.footTitleSpan === undefined ? {} : { footTitleSpan: spec.footTitleSpan + 1 }),
  };
}

/** The tables that say whose each row is when a report covers several accounts. */
export const ACCOUNT_TABLES = {
  repositories: withAccount(TABLES.repositories),
  notReached: withAccount(TABLES.notReached),
  errors: withAccount(TABLES.errors),
  warnings: withAccount(TABLES.warnings),
} as const satisfies Record<string, TableSpec>;

/**
 * The opening of a table in its scrolling frame, with the header row (a label may break after a
 * slash: `Savings/month`): `labels` replace the spec's own where a label depends on the data (the
 * cost group's grouping).
 *
 * @example [tableStart(TABLES.errors), ...rows, tableEnd()].join('\n')
 */
export function tableStart(spec: TableSpec, options: { testId?: string; labels?: readonly string[] } = {}): string {
  const head = spec.columns
    .map(
      (c, i) =>
        `<th scope="col"${c.numeric === true ? ' class="num"' : ''}>${h(options.labels?.[i] ?? c.label).replaceAll('/', '/<wbr>')}</th>`,
    )
    .join('');
  const testId = options.testId === undefined ? '' : ` data-testid="${options.testId}"`;
  return `<div class="table-wrap"><table class="${spec.name}"${testId}><thead><tr>${head}</tr></thead><tbody>`;
}

/** The closing of a table opened by {@link tableStart}, with its footer rows when given. */
export function tableEnd(foot?: string): string {
  return foot === undefined ? `</tbody></table></div>` : `</tbody><tfoot>${foot}</tfoot></table></div>`;
}

/** A CSS string literal. */
function cssString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The style that turns `spec`'s rows into cards up to its width: the header hidden (but read out),
 * the title cells across the top (the region small above the repository), then the other cells as
 * `label … value` two to a line, long texts across the card under their label.
 */
export function cardStyle(spec: TableSpec): string {
  const t = `table.${spec.name}`;
  const labels = (section: 'tbody' | 'tfoot', offset: number): string[] =>
    spec.columns.flatMap((column, i) => {
      const child = i + 1 - offset;
      return i < spec.titleCells || child < 2 ? [] : [`${t} ${section} td:nth-child(${child})::before{content:${cssString(column.label)}}`];
    });
  return [
    `@media screen and (max-width:${spec.cardsUpTo}px){`,
    `${t} thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`,
    `${t},${t} tbody,${t} tfoot{display:block;width:100%}`,
    // Each row a card: its title cells across the top, then the labelled cells two by two.
    `${t} tr{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));column-gap:16px;padding:8px 12px;border-bottom:1px solid var(--border)}`,
    `${t} tbody tr:last-child{border-bottom:none}`,
    `${t} td{display:block;padding:1px 0;border:none;white-space:normal;overflow-wrap:break-word;text-align:right;min-width:0}`,
    `${t} td::before{float:left;margin-right:8px;color:var(--muted);font-size:12px;font-weight:400;white-space:nowrap}`,
    `${t} tbody td:nth-child(-n+${spec.titleCells}){grid-column:1/-1;text-align:left}`,
    `${t} tbody td:nth-child(${spec.titleCells}){font-weight:600}`,
    ...(spec.titleCells > 1 ? [`${t} tbody td:first-child{color:var(--muted);font-size:12px}`] : []),
    `${t} tfoot td:first-child{grid-column:1/-1;font-weight:600;text-align:left}`,
    `${t} td.msg{grid-column:1/-1;text-align:left}`,
    `${t} td.msg::before{float:none;display:block}`,
    ...labels('tbody', 0),
    ...labels('tfoot', (spec.footTitleSpan ?? 1) - 1),
    `}`,
  ].join('\n');
}
