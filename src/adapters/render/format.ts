import { UNTAGGED } from '../../domain/cost-groups';
import { groupThousands } from '../../domain/money';
import type { AccountReport, AuditReport, CostGroup, CostGroupBy, PolicyStatus, RepositoryReport } from '../../domain/report';
import type { NotReachedReason } from '../../domain/report-problems';
import { isAccountFailure } from '../../domain/report-problems';

// One rule for money in every report, the event summary and the e-mail: it lives in the domain.
export { formatUsd, formatUsdChange } from '../../domain/money';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Formats a byte count in binary units (1 KiB = 1024 B), as ECR bills storage.
 * Whole bytes below 1 KiB; otherwise `decimals` places, moving up a unit when rounding reaches 1024.
 *
 * @example formatBytes(1536) // '1.5 KiB'
 * @example formatBytes(3 * 2 ** 30, 2) // '3.00 GiB'
 */
export function formatBytes(bytes: number, decimals = 1): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${Math.round(value)} B`;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // 1023.96 KiB would print as "1024.0 KiB": carry into the next unit instead.
  if (Number(value.toFixed(decimals)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${value.toFixed(decimals)} ${BYTE_UNITS[unit]}`;
}

/**
 * Formats a count with thousands separators.
 *
 * @example formatCount(12345) // '12,345'
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return (n < 0 ? '-' : '') + groupThousands(String(Math.round(Math.abs(n))));
}

/**
 * Formats `part` as a whole percentage of `whole`; `–` when `whole` is zero.
 *
 * @example formatPercent(1, 4) // '25%'
 */
export function formatPercent(part: number, whole: number): string {
  if (whole === 0 || !Number.isFinite(part / whole)) return '–';
  const pct = (part / whole) * 100;
  // A non-zero share should not round to 0%.
  if (pct > 0 && pct < 1) return '<1%';
  return `${Math.round(pct)}%`;
}

/**
 * Formats a storage price per GB-month.
 *
 * @example formatPrice(0.1) // '$0.10/GB-month'
 */
export function formatPrice(pricePerGbMonth: number): string {
  return `$${pricePerGbMonth.toFixed(Math.max(2, decimalsOf(pricePerGbMonth)))}/GB-month`;
}

function decimalsOf(n: number): number {
  const text = String(n);
  const dot = text.indexOf('.');
  return dot < 0 || text.includes('e') ? 0 : Math.min(text.length - dot - 1, 6);
}

/** Human wording of a policy status. */
export const POLICY_STATUS_LABELS: Readonly<Record<PolicyStatus, string>> = {
  missing: 'no policy',
  'no-untagged-rule': 'no untagged rule',
  ok: 'ok',
};

/**
 * A repository's policy status with its remediation markers, for tables.
 *
 * @example policyLabel(repo) // 'no policy (opted out)'
 */
export function policyLabel(repository: Pick<RepositoryReport, 'policyStatus' | 'optedOut' | 'excluded'>): string {
  const notes = [repository.optedOut ? 'opted out' : '', repository.excluded ? 'excluded' : ''].filter((n) => n !== '');
  const label = POLICY_STATUS_LABELS[repository.policyStatus] ?? String(repository.policyStatus);
  return notes.length === 0 ? label : `${label} (${notes.join(', ')})`;
}

/**
 * The repositories ordered as the report promises (reclaimable, then stored bytes, descending),
 * without mutating the input; ties keep their input order.
 */
export function byReclaimable(repositories: readonly RepositoryReport[]): RepositoryReport[] {
  return [...repositories].sort((a, b) => b.reclaimableBytes - a.reclaimableBytes || b.storedBytes - a.storedBytes);
}

/**
 * What a referrer at risk is and what to do about it, for every report to say the same; starts in
 * lower case to follow a label such as `Referrers at risk:`.
 */
export const REFERRERS_AT_RISK_NOTE =
  'untagged signatures, SBOMs or attestations of images that stay, which an untagged expire rule (the default one too) may delete: ECR documents no exception for them. Tag them or opt the repository out.';

/**
 * The repositories with referrers at risk, most first, then by region and name.
 *
 * @example withReferrersAtRisk(report.repositories).map((r) => r.repositoryName)
 */
export function withReferrersAtRisk(repositories: readonly RepositoryReport[]): RepositoryReport[] {
  return repositories
    .filter((r) => r.referrersAtRisk > 0)
    .sort(
      (a, b) =>
        b.referrersAtRisk - a.referrersAtRisk || a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName),
    );
}

/**
 * How many repositories the short views list (the terminal table, the HTML bar chart); the CSV,
 * Markdown, JSON and the HTML table list every repository.
 */
export const TOP_REPOSITORIES = 20;

/** How a warning about a whole registry (no repository) is labelled in the repository column. */
export const REGISTRY_WIDE = '(whole registry)';

/** What each reason a repository was not reached means, for people. */
const NOT_REACHED_BECAUSE: Readonly<Record<NotReachedReason, string>> = {
  deadline: "the run's time ran out",
  interrupted: 'the run was interrupted',
  'region-unresponsive': "the region's endpoint stopped answering",
};

/**
 * One sentence on what an incomplete run left out, e.g. "12 repositories were not read (the run's
 * time ran out)."; empty for a complete run.
 */
export function notReachedSentence(report: Pick<AuditReport, 'notReached'>): string {
  if (report.notReached.length === 0) return '';
  const repositories = report.notReached.filter((n) => n.repositoryName !== undefined).length;
  const regions = report.notReached.length - repositories;
  const parts = [
    repositories > 0 ? `${formatCount(repositories)} ${repositories === 1 ? 'repository was' : 'repositories were'} not read` : '',
    regions > 0 ? `${formatCount(regions)} ${regions === 1 ? 'region was' : 'regions were'} not even listed` : '',
  ].filter((p) => p !== '');
  const reasons = [...new Set(report.notReached.map((n) => NOT_REACHED_BECAUSE[n.reason]))];
  return `${parts.join(' and ')} (${reasons.join('; ')}).`;
}

/** What the policy findings are, for every report to say the same; starts in lower case to follow a label. */
export const FINDINGS_NOTE =
  "rules of the repositories' own lifecycle policies that will never do what their authors likely think (a multi-entry tag list that needs every entry, a rule that selects no image, untagged images kept long, a rule that earlier rules leave nothing to act on). Each message names the rule and what to change.";

/** One policy finding with the repository it is in, for the findings sections. */
export interface LocatedFinding {
  region: string;
  repositoryName: string;
  finding: RepositoryReport['findings'][number];
}

/**
 * Every policy finding of every repository, warnings first, then by region, repository and rule.
 *
 * @example locatedFindings(report.repositories).length
 */
export function locatedFindings(repositories: readonly RepositoryReport[]): LocatedFinding[] {
  const located: LocatedFinding[] = [];
  for (const r of repositories)
    for (const finding of r.findings) located.push({ region: r.region, repositoryName: r.repositoryName, finding });
  return located.sort(
    (a, b) =>
      (a.finding.severity === b.finding.severity ? 0 : a.finding.severity === 'warning' ? -1 : 1) ||
      a.region.localeCompare(b.region) ||
      a.repositoryName.localeCompare(b.repositoryName) ||
      (a.finding.rulePriority ?? 0) - (b.finding.rulePriority ?? 0),
  );
}

/** `rule 3`, or `–` for a finding about the whole policy. */
export function findingRule(finding: LocatedFinding['finding']): string {
  return finding.rulePriority === undefined ? '–' : `rule ${finding.rulePriority}`;
}

/** How a failure of a whole account (no region) is labelled in the region column. */
export const WHOLE_ACCOUNT = '(whole account)';

/**
 * Whether a report covers several accounts: its renderers then show the per-account table and say
 * whose each repository, error and warning is.
 */
export function coversSeveralAccounts(report: Pick<AuditReport, 'accounts'>): boolean {
  return report.accounts.length > 1;
}

/**
 * An account's state in a word or two, for the per-account tables: `not read: CODE` when nothing of
 * it was read, `incomplete` when the run stopped before reading all of it, `N errors` when parts
 * failed, else `complete`.
 *
 * @example accountStatus(report.accounts[0]) // 'not read: AccessDenied'
 */
export function accountStatus(account: AccountReport): string {
  const failure = account.errors.find(isAccountFailure);
  if (failure !== undefined) return `not read: ${failure.code}`;
  if (!account.complete) return 'incomplete';
  const n = account.errors.length;
  return n === 0 ? 'complete' : `${formatCount(n)} ${n === 1 ? 'error' : 'errors'}`;
}

/** `Team A (123456789012)`, or the id alone when the account has no name. */
export function accountLabel(account: Pick<AccountReport, 'accountId' | 'name'>): string {
  return account.name === null || account.name === '' ? account.accountId : `${account.name} (${account.accountId})`;
}

/**
 * One sentence on the accounts a report could not read, e.g. "2 of 40 accounts were not read (see
 * the errors)."; empty when every account was read.
 */
export function accountsNotReadSentence(report: Pick<AuditReport, 'accounts'>): string {
  const missing = report.accounts.filter((a) => a.errors.some(isAccountFailure)).length;
  if (missing === 0) return '';
  return `${formatCount(missing)} of ${formatCount(report.accounts.length)} ${report.accounts.length === 1 ? 'account was' : 'accounts were'} not read (see the errors); their figures are missing from the totals.`;
}

/**
 * What an incomplete report left out, in one or two sentences: the repositories and regions not
 * reached, and the accounts not read; empty for a complete report.
 *
 * @example incompleteSentence(report) // '3 repositories were not read (the run was interrupted).'
 */
export function incompleteSentence(report: Pick<AuditReport, 'notReached' | 'accounts'>): string {
  return [notReachedSentence(report), accountsNotReadSentence(report)].filter((s) => s !== '').join(' ');
}

/**
 * The accounts as the per-account tables list them: the incomplete ones first (they need a person),
 * then the largest monthly cost first, then by id.
 */
export function accountsInOrder(report: Pick<AuditReport, 'accounts'>): AccountReport[] {
  return [...report.accounts].sort(
    (a, b) =>
      Number(a.complete) - Number(b.complete) ||
      b.totals.monthlyCostUsd - a.totals.monthlyCostUsd ||
      a.accountId.localeCompare(b.accountId),
  );
}

/**
 * The tag key of a tag grouping (`tag:team` → `team`); undefined for the name prefix.
 *
 * @example groupTagKey('tag:team') // 'team'
 */
export function groupTagKey(by: CostGroupBy): string | undefined {
  return by.startsWith('tag:') ? by.slice(4) : undefined;
}

/**
 * The tag key whose absence a cost group stands for: `team` for the group of repositories without
 * the `team` tag (its value is {@link UNTAGGED}, which reads like untagged images); undefined for
 * any other group. The reports say "no `team` tag"; the data (JSON, CSV, history) keep the value.
 *
 * @example missingTagOf({ by: 'tag:team', value: '(untagged)' }) // 'team'
 */
export function missingTagOf(group: Pick<CostGroup, 'by' | 'value'>): string | undefined {
  return group.value === UNTAGGED ? groupTagKey(group.by) : undefined;
}

/**
 * A cost group's value as the text reports show it: the name prefix or tag value, or "no `team`
 * tag" for the repositories without the grouping's tag.
 *
 * @example groupValueText({ by: 'tag:team', value: '(untagged)' }) // 'no `team` tag'
 */
export function groupValueText(group: Pick<CostGroup, 'by' | 'value'>): string {
  const key = missingTagOf(group);
  return key === undefined ? group.value : `no \`${key}\` tag`;
}

/** How many repositories a sentence names before it says "and N more". */
export const NAMED_REPOSITORIES = 3;

/**
 * Names the first few repositories of a list, each as `region/name` with its count when given, and
 * how many more there are: for a sentence that must say where to look.
 *
 * @example namedRepositories([{ region: 'us-east-1', repositoryName: 'shop/api', count: 2 }]) // 'us-east-1/shop/api (2)'
 * @example namedRepositories(five) // 'us-east-1/a (9), us-east-1/b (4), us-east-1/c (1) and 2 more'
 */
export function namedRepositories(
  repositories: ReadonlyArray<{ region: string; repositoryName: string; count?: number }>,
  shown: number = NAMED_REPOSITORIES,
): string {
  const names = repositories
    .slice(0, shown)
    .map((r) => `${r.region}/${r.repositoryName}${r.count === undefined ? '' : ` (${formatCount(r.count)})`}`);
  const more = repositories.length - names.length;
  if (more > 0) return `${names.join(', ')} and ${formatCount(more)} more`;
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/**
 * What the naive sum is and why it can be below the stored bytes, for the reports to say when it is:
 * real ECR reports each image's compressed layers, so the naive sum is at least the stored bytes;
 * an emulator (moto) reports only the config's size. Undefined when the naive sum is not below.
 */
export function naiveSumNote(totals: { naiveBytes: number; storedBytes: number }): string | undefined {
  if (totals.naiveBytes >= totals.storedBytes) return undefined;
  return (
    'Naive sum = the imageSizeInBytes the registry reports, added up; stored = each blob of the manifests once per repository. ' +
    'Here the naive sum is smaller because the registry under-reports image sizes (the moto emulator reports only the config blob): trust stored.'
  );
}

/**
 * Word-wraps one line of text to `width` columns: the first line as it starts, every further line
 * after `indent`. A word longer than a line is left whole (never cut). For terminal output, where a
 * message cut at a fixed length would lose the fix it ends with.
 *
 * @example wrapLine('  us-east-1 app: a long message …', 100, '      ')
 */
export function wrapLine(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  let current = lead;
  let empty = true;
  for (const word of text.slice(lead.length).split(/ +/)) {
    if (word === '') continue;
    if (!empty && current.length + 1 + word.length > width) {
      lines.push(current);
      current = indent + word;
    } else {
      current = empty ? current + word : `${current} ${word}`;
    }
    empty = false;
  }
  lines.push(current);
  return lines;
}
