// The sections of the HTML report below the totals: cost by owner, trend, archive, the repository
// table, the callouts, and the errors, warnings and findings. Every report text is escaped here.
import { ARCHIVE_MINIMUM_CHARGE_DAYS } from '../../../domain/archive';
import { groupingLabel, reportGroupings } from '../../../domain/cost-groups';
import { TREND_WEEKS, costGroupChanges } from '../../../domain/history-trend';
import type { HistoryEntry } from '../../../domain/history';
import type { TrendPoint } from '../../../domain/history-trend';
import type { AuditReport, CostGroup, RepositoryReport } from '../../../domain/report';
import { isAccountFailure } from '../../../domain/report-problems';
import {
  FINDINGS_NOTE,
  REFERRERS_AT_RISK_NOTE,
  REGISTRY_WIDE,
  findingRule,
  formatBytes,
  formatCount,
  formatPrice,
  formatUsd,
  formatUsdChange,
  locatedFindings,
  missingTagOf,
  incompleteSentence,
  policyLabel,
  WHOLE_ACCOUNT,
  coversSeveralAccounts,
  withReferrersAtRisk,
} from '../format';
import { IN_USE_AT_RISK_NOTE, atRiskImagesOf, atRiskStatus, guardLine } from '../in-use';
import { BYTES_TREND, COST_TREND, trendChart } from './charts';
import { escapeHtml as h } from './escape';
import { ACCOUNT_TABLES, TABLES, tableEnd, tableStart } from './tables';

/** Every repository in one table, with a total row: the report's full list. */
export function repositoryTable(report: AuditReport, repositories: readonly RepositoryReport[]): string {
  const t = report.totals;
  const several = coversSeveralAccounts(report);
  const rows = repositories.map((r) => {
    const notes = [r.optedOut ? 'opted out' : '', r.excluded ? 'excluded' : ''].filter((x) => x !== '');
    const policy = `<span class="badge ${h(r.policyStatus)}">${h(policyLabel({ ...r, optedOut: false, excluded: false }))}</span>${notes.map((x) => `<span class="tag">${h(x)}</span>`).join('')}`;
    return [
      `<tr data-testid="repository-row">`,
      several ? `<td>${h(r.accountId)}</td>` : '',
      `<td>${h(r.region)}</td>`,
      `<td class="repo">${h(r.repositoryName)}</td>`,
      `<td class="wrap">${policy}</td>`,
      `<td class="num">${h(formatCount(r.images))}</td>`,
      `<td class="num">${h(formatCount(r.untaggedImages))}</td>`,
      `<td class="num">${h(formatCount(r.archivedImages))}</td>`,
      `<td class="num">${h(formatCount(r.doomedImages))}</td>`,
      `<td class="num" data-value="${r.storedBytes}">${h(formatBytes(r.storedBytes))}</td>`,
      `<td class="num" data-value="${r.reclaimableBytes}">${h(formatBytes(r.reclaimableBytes))}</td>`,
      `<td class="num">${h(formatUsd(r.monthlyCostUsd))}</td>`,
      `<td class="num">${h(formatUsd(r.monthlySavingsUsd))}</td>`,
      `<td class="num" data-value="${r.archivableBytes}">${h(formatBytes(r.archivableBytes))}</td>`,
      `</tr>`,
    ].join('');
  });
  const sum = (pick: (r: RepositoryReport) => number): number => repositories.reduce((s, r) => s + pick(r), 0);
  const foot = [
    `<tr><td colspan="${several ? 4 : 3}">Total (${h(formatCount(repositories.length))} repositories)</td>`,
    `<td class="num">${h(formatCount(t.images))}</td>`,
    `<td class="num">${h(formatCount(t.untaggedImages))}</td>`,
    `<td class="num">${h(formatCount(sum((r) => r.archivedImages)))}</td>`,
    `<td class="num">${h(formatCount(sum((r) => r.doomedImages)))}</td>`,
    `<td class="num">${h(formatBytes(t.storedBytes))}</td>`,
    `<td class="num">${h(formatBytes(t.reclaimableBytes))}</td>`,
    `<td class="num">${h(formatUsd(t.monthlyCostUsd))}</td>`,
    `<td class="num">${h(formatUsd(t.monthlySavingsUsd))}</td>`,
    `<td class="num">${h(formatBytes(t.archivableBytes))}</td></tr>`,
  ].join('');
  return [
    tableStart(several ? ACCOUNT_TABLES.repositories : TABLES.repositories, { testId: 'repositories' }),
    ...rows,
    tableEnd(foot),
  ].join('\n');
}

/** What an incomplete run did not read, and why; nothing for a complete run. */
export function notReachedSection(report: AuditReport): string {
  if (report.complete) return '';
  const several = coversSeveralAccounts(report);
  const rows = report.notReached.map(
    (n) =>
      `<tr>${several ? `<td>${h(n.accountId ?? '')}</td>` : ''}<td>${h(n.region)}</td><td class="repo">${n.repositoryName === undefined ? '<em>the whole region</em>' : h(n.repositoryName)}</td><td>${h(n.reason)}</td></tr>`,
  );
  return [
    `<section data-testid="not-reached" class="errors">`,
    `<h2>Not reached (${h(formatCount(report.notReached.length + report.errors.filter(isAccountFailure).length))})</h2>`,
    `<p><strong>Incomplete:</strong> ${h(incompleteSentence(report))} The totals above cover only what was read.</p>`,
    rows.length === 0 ? '' : [tableStart(several ? ACCOUNT_TABLES.notReached : TABLES.notReached), ...rows, tableEnd()].join('\n'),
    `</section>`,
  ].join('\n');
}

/** The parts the run could not read (regions, repositories, in-use sources); nothing when there were none. */
export function errorsSection(report: AuditReport): string {
  if (report.errors.length === 0) return '';
  const several = coversSeveralAccounts(report);
  const rows = report.errors.map(
    (e) =>
      `<tr>${several ? `<td>${h(e.accountId ?? '')}</td>` : ''}<td>${e.region === '' ? `<em>${h(WHOLE_ACCOUNT)}</em>` : h(e.region)}</td><td class="repo">${e.repositoryName !== undefined ? h(e.repositoryName) : e.source !== undefined ? `<em>in-use source ${h(e.source)}</em>` : e.region === '' ? '<em>nothing read</em>' : '<em>repository listing</em>'}</td><td>${h(e.code)}</td><td class="msg">${h(e.message)}</td></tr>`,
  );
  return [
    `<section data-testid="errors" class="errors">`,
    `<h2>Errors (${h(formatCount(report.errors.length))})</h2>`,
    `<p>The run went on without these parts; their numbers are missing from the totals above.</p>`,
    tableStart(several ? ACCOUNT_TABLES.errors : TABLES.errors),
    ...rows,
    tableEnd(),
    `</section>`,
  ].join('\n');
}

/** The policy findings of every repository, warnings first; nothing when there are none. */
export function findingsSection(report: AuditReport): string {
  const located = locatedFindings(report.repositories);
  if (located.length === 0) return '';
  const rows = located.map(
    ({ region, repositoryName, finding }) =>
      `<tr data-testid="finding-row"><td>${h(region)}</td><td class="repo">${h(repositoryName)}</td><td>${h(finding.severity)}</td><td>${h(finding.code)}</td><td>${h(findingRule(finding))}</td><td class="msg">${h(finding.message)}</td></tr>`,
  );
  return [
    `<section data-testid="findings" class="warnings">`,
    `<h2>Policy findings (${h(formatCount(located.length))} in ${h(formatCount(report.totals.repositoriesWithFindings))} ${report.totals.repositoriesWithFindings === 1 ? 'repository' : 'repositories'})</h2>`,
    `<p>${h(`${FINDINGS_NOTE.charAt(0).toUpperCase()}${FINDINGS_NOTE.slice(1)}`)}</p>`,
    tableStart(TABLES.findings),
    ...rows,
    tableEnd(),
    `</section>`,
  ].join('\n');
}

/** The warnings that need a person; nothing when there are none. */
export function warningsSection(report: AuditReport): string {
  if (report.warnings.length === 0) return '';
  const several = coversSeveralAccounts(report);
  const rows = report.warnings.map(
    (w) =>
      `<tr>${several ? `<td>${h(w.accountId ?? '')}</td>` : ''}<td>${h(w.region)}</td><td class="repo">${h(w.repositoryName || REGISTRY_WIDE)}</td><td>${h(w.code)}</td><td class="msg">${h(w.message)}</td></tr>`,
  );
  return [
    `<section data-testid="warnings" class="warnings">`,
    `<h2>Warnings (${h(formatCount(report.warnings.length))})</h2>`,
    `<p>Things that need a person and do not change the totals: a lifecycle policy that cannot be evaluated or merged into (fix it by hand), or a registry whose pull times the audit refreshes (register the audit role as the message says).</p>`,
    tableStart(several ? ACCOUNT_TABLES.warnings : TABLES.warnings),
    ...rows,
    tableEnd(),
    `</section>`,
  ].join('\n');
}

/** A callout under the totals when some policy expires signatures, SBOMs or attestations of kept images. */
export function referrersAtRiskCallout(report: AuditReport): string {
  const repositories = withReferrersAtRisk(report.repositories);
  if (repositories.length === 0) return '';
  const n = report.totals.referrersAtRisk;
  const rows = repositories.map(
    (r) =>
      `<tr><td>${h(r.region)}</td><td class="repo">${h(r.repositoryName)}</td><td>${h(policyLabel(r))}</td><td class="num">${h(formatCount(r.referrers))}</td><td class="num">${h(formatCount(r.referrersAtRisk))}</td></tr>`,
  );
  return [
    `<section data-testid="referrers-at-risk" class="callout" role="note">`,
    `<h2><span data-testid="total-referrers-at-risk" data-value="${h(String(n))}">${h(formatCount(n))}</span> ${n === 1 ? 'referrer' : 'referrers'} at risk</h2>`,
    `<p>${h(`${REFERRERS_AT_RISK_NOTE.charAt(0).toUpperCase()}${REFERRERS_AT_RISK_NOTE.slice(1)}`)}</p>`,
    tableStart(TABLES.referrers),
    ...rows,
    tableEnd(),
    `</section>`,
  ].join('\n');
}

/** A callout listing every in-use image at risk with its consumers, the rule and what the guard did. */
export function inUseAtRiskSection(report: AuditReport): string {
  const images = atRiskImagesOf(report);
  const guard = guardLine(report);
  if (images.length === 0) return guard === undefined ? '' : `<p class="meta" data-testid="guard">${h(guard)}</p>`;
  const t = report.totals;
  const rows = images.map(
    (i) =>
      `<tr data-testid="in-use-at-risk-row"><td>${h(i.region)}</td><td class="repo">${h(i.repositoryName)}</td><td class="msg"><code>${h(i.imageDigest)}</code></td><td class="msg">${i.consumers.map((c) => h(c)).join('<br>')}</td><td class="msg">${h(i.rule)}</td><td>${h(atRiskStatus(i))}</td></tr>`,
  );
  return [
    `<section data-testid="in-use-at-risk" class="callout" role="note">`,
    `<h2><span data-testid="total-in-use-at-risk" data-value="${h(String(images.length))}">${h(formatCount(images.length))}</span> ${images.length === 1 ? 'image' : 'images'} in use at risk; <span data-testid="total-repositories-held" data-value="${h(String(t.repositoriesHeld))}">${h(formatCount(t.repositoriesHeld))}</span> ${t.repositoriesHeld === 1 ? 'repository' : 'repositories'} held</h2>`,
    `<p>${h(`${IN_USE_AT_RISK_NOTE.charAt(0).toUpperCase()}${IN_USE_AT_RISK_NOTE.slice(1)}`)}${guard === undefined ? '' : ` ${h(guard)}.`}</p>`,
    tableStart(TABLES.inUseAtRisk),
    ...rows,
    tableEnd(),
    `</section>`,
  ].join('\n');
}

/** The AWS calls and retries per operation, folded; nothing for a run that made none (a snapshot). */
export function apiCallsSection(report: AuditReport): string {
  const operations = Object.keys(report.apiCalls)
    .filter((op) => op !== 'total')
    .sort();
  if (operations.length === 0) return '';
  const rows = operations.map(
    (op) =>
      `<tr><td>${h(op)}</td><td class="num">${h(formatCount(report.apiCalls[op] ?? 0))}</td><td class="num">${h(formatCount(report.apiRetries[op] ?? 0))}</td></tr>`,
  );
  const total = report.apiCalls.total ?? operations.reduce((s, op) => s + (report.apiCalls[op] ?? 0), 0);
  return [
    `<details data-testid="api-calls"><summary>AWS API calls: ${h(formatCount(total))}</summary>`,
    tableStart(TABLES.apiCalls),
    ...rows,
    `${tableEnd()}</details>`,
  ].join('\n');
}

/** `+1.2 GiB` / `-300 MiB` / `±0 B`, in a span coloured by direction (more cost is bad). */
function bytesChange(bytes: number): string {
  const text = bytes > 0 ? `+${formatBytes(bytes)}` : bytes < 0 ? formatBytes(bytes) : '±0 B';
  return `<span class="${bytes > 0 ? 'up' : bytes < 0 ? 'down' : 'muted'}">${h(text)}</span>`;
}

/** A change of cost, in a span coloured by direction (more cost is bad). */
export function usdChange(usd: number): string {
  return `<span class="${usd > 0 ? 'up' : usd < 0 ? 'down' : 'muted'}">${h(formatUsdChange(usd))}</span>`;
}

/** A cost group's value, or "no `team` tag" for the repositories without the grouping's tag. */
function groupValueHtml(group: Pick<CostGroup, 'by' | 'value'>): string {
  const key = missingTagOf(group);
  return key === undefined ? h(group.value) : `<em>no <code>${h(key)}</code> tag</em>`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Cost by owner: one table per grouping, largest cost first, with the change on last week. */
export function costGroupsSection(report: AuditReport, previous: HistoryEntry | undefined): string {
  if (report.costGroups.length === 0) return '';
  const changes = costGroupChanges(report.costGroups, previous);
  const tables: string[] = [];
  for (const by of reportGroupings(report)) {
    const groups = changes.filter((g) => g.by === by);
    const rows = groups.map((g) => {
      const change =
        g.change !== null
          ? `${usdChange(g.change.monthlyCostUsd)} <span class="muted">(${bytesChange(g.change.storedBytes)})</span>`
          : `<span class="muted">${g.status === 'new' ? 'new' : '–'}</span>`;
      return [
        `<tr data-testid="cost-group-row" data-by="${h(g.by)}" data-value="${h(g.value)}">`,
        `<td class="repo">${groupValueHtml(g)}</td>`,
        `<td class="num">${h(formatCount(g.repositories))}</td>`,
        `<td class="num" data-value="${g.storedBytes}">${h(formatBytes(g.storedBytes))}</td>`,
        `<td class="num">${h(formatUsd(g.monthlyCostUsd))}</td>`,
        `<td class="num wrap" data-testid="cost-group-change">${change}</td>`,
        `<td class="num">${h(formatBytes(g.reclaimableBytes))}</td>`,
        `<td class="num">${h(formatUsd(g.monthlySavingsUsd))}</td>`,
        `</tr>`,
      ].join('');
    });
    tables.push(
      [
        `<div data-testid="cost-groups-${h(by)}">`,
        `<h3>By ${h(groupingLabel(by))}</h3>`,
        tableStart(TABLES.costGroups, { labels: [capitalised(groupingLabel(by))] }),
        ...rows,
        tableEnd(),
        `</div>`,
      ].join('\n'),
    );
  }
  const intro =
    previous === undefined
      ? 'No history yet: the change on last week shows from the next weekly report on.'
      : `Change on the report of ${previous.date}. Repositories of every region with the same owner form one group.`;
  return [
    `<section data-testid="cost-groups">`,
    `<h2>Cost by owner</h2>`,
    `<p>${h(intro)}</p>`,
    `<div class="groups">`,
    ...tables,
    `</div>`,
    `</section>`,
  ].join('\n');
}

/** The trend: weekly charts of bytes and cost, or "no history yet". */
export function trendSection(history: readonly TrendPoint[]): string {
  if (history.length < 2) {
    return [
      `<section data-testid="trend">`,
      `<h2>Trend</h2>`,
      `<p data-testid="no-history">No history yet: the weekly report keeps one row a week, and the trend draws from the second week on.</p>`,
      `</section>`,
    ].join('\n');
  }
  return [
    `<section data-testid="trend">`,
    `<h2>Trend</h2>`,
    `<figure>`,
    trendChart(history, BYTES_TREND),
    trendChart(history, BYTES_TREND, 'narrow'),
    `<figcaption>Stored and reclaimable bytes, and the bytes lifecycle policies freed each week, of the last ${h(formatCount(history.length))} weekly reports (up to ${TREND_WEEKS} weeks).</figcaption>`,
    `</figure>`,
    `<figure>`,
    trendChart(history, COST_TREND),
    trendChart(history, COST_TREND, 'narrow'),
    `<figcaption>Monthly storage cost of the same reports.</figcaption>`,
    `</figure>`,
    `</section>`,
  ].join('\n');
}

/** Archive savings: what a transition rule would move, the suggested rule per repository, and the caveats. */
export function archiveSection(report: AuditReport): string {
  const t = report.totals;
  const repositories = report.repositories
    .filter((r) => r.archivableBytes > 0)
    .sort(
      (a, b) =>
        b.archivableBytes - a.archivableBytes || a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName),
    );
  const saving =
    t.monthlyArchiveSavingsUsd === null
      ? 'No archive price was given, so the saving is not priced: set the archive price (see the README) to see it.'
      : `At ${formatPrice(report.archivePricePerGbMonth ?? 0)} in the archive class that saves ${formatUsd(t.monthlyArchiveSavingsUsd)} a month.`;
  const rows = repositories.map((r) => {
    const rule =
      r.archiveRuleSuggestion === null
        ? '<span class="muted">the policy’s own transition rules</span>'
        : `<details><summary>rule to add</summary><pre class="rule">${h(r.archiveRuleSuggestion)}</pre></details>`;
    return `<tr data-testid="archive-row"><td>${h(r.region)}</td><td class="repo">${h(r.repositoryName)}</td><td class="num" data-value="${r.archivableBytes}">${h(formatBytes(r.archivableBytes))}</td><td class="msg">${rule}</td></tr>`;
  });
  return [
    `<section data-testid="archive">`,
    `<h2>Archive savings</h2>`,
    `<p>${h(`${formatBytes(t.archivableBytes)} in ${formatCount(repositories.length)} ${repositories.length === 1 ? 'repository' : 'repositories'} belong to images not pulled for ${report.archiveAfterDays} days that the lifecycle policies keep, and that a transition rule would move to the archive class. ${saving}`)}</p>`,
    `<p class="muted">${h(`The janitor only suggests the rule; it never writes one. Archived images cannot be pulled until restored, and ECR charges an archived image for at least ${ARCHIVE_MINIMUM_CHARGE_DAYS} days.`)}</p>`,
    repositories.length === 0 ? '' : [tableStart(TABLES.archive), ...rows, tableEnd()].join('\n'),
    `</section>`,
  ].join('\n');
}
