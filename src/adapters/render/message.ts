import { costGroupChanges } from '../../domain/history-trend';
import { groupingLabel, ownerGrouping } from '../../domain/cost-groups';
import { formatUsdChange } from '../../domain/money';
import type { AuditReport } from '../../domain/report';
import { isAccountFailure } from '../../domain/report-problems';
import { remediationTally } from '../../domain/report-event';
import { oneLine } from '../../domain/text';
import type { ReportMessage, ReportMessageContext } from '../../ports/report';
import { byReclaimable, formatBytes, formatCount, formatPrice, formatUsd, groupValueText } from './format';
import { realizedSentence, truthLines } from './truth';

/** Owners and repositories the message lists. */
export const MESSAGE_TOP = 5;

const HELD_WORDS: Readonly<Record<string, string>> = {
  planned: 'planned (dry run)',
  unmergeable: 'unmergeable',
  'skipped-changed': 'changed while the run went on',
  'unknown-outcome': 'write outcome unknown (the next run decides)',
};

/** How many accounts the message names among those not read. */
const MESSAGE_ACCOUNTS = 10;

/** The accounts of a report of several: how many were read, and which were not, with why. */
function accountLines(report: AuditReport): string[] {
  const notRead = report.errors.filter(isAccountFailure);
  const read = report.accounts.length - notRead.length;
  const lines = [
    `Accounts: ${formatCount(read)} of ${formatCount(report.accounts.length)} read${notRead.length === 0 ? '.' : `; not read (their figures are missing):`}`,
  ];
  const names = new Map(report.accounts.map((a) => [a.accountId, a.name]));
  for (const e of notRead.slice(0, MESSAGE_ACCOUNTS)) {
    const name = names.get(e.accountId ?? '');
    lines.push(oneLine(`  ${e.accountId ?? ''}${name === null || name === undefined ? '' : ` (${name})`}: ${e.code}`));
  }
  if (notRead.length > MESSAGE_ACCOUNTS)
    lines.push(`  … and ${formatCount(notRead.length - MESSAGE_ACCOUNTS)} more (listed in the report).`);
  return lines;
}

function signedBytes(bytes: number): string {
  return bytes > 0 ? `+${formatBytes(bytes)}` : bytes < 0 ? formatBytes(bytes) : '±0 B';
}

/**
 * The weekly summary as a short plain-text message a FinOps lead can forward: first, when the run
 * read the ledger, what lifecycle policies saved last week and the janitor's rule's share, the total
 * since the first such week and whether ECR did what the janitor forecast; then the totals with the
 * change on last week, archive savings, the top owners and repositories, what remediation did and
 * held back, the count of errors and warnings, and the link to the HTML report. Every name and value
 * from the registry passes through {@link oneLine}, so no text can break a line or drive a terminal.
 *
 * @example const { subject, text } = renderReportMessage(report, { remediation, reportLink });
 */
export function renderReportMessage(report: AuditReport, context: ReportMessageContext): ReportMessage {
  const t = report.totals;
  const date = report.generatedAt.slice(0, 10);
  const previous = context.previous;
  const lines: string[] = [];
  const accounts =
    report.accounts.length > 1 ? report.accounts.map((a) => a.accountId) : [...new Set(report.repositories.map((r) => r.accountId))];
  const regions = new Set(report.repositories.map((r) => r.region)).size;
  const where = `${accounts.length === 1 ? `account ${oneLine(accounts[0] ?? '')}` : `${accounts.length} accounts`}, ${regions} ${regions === 1 ? 'region' : 'regions'}`;
  // What was saved comes first: it is what a reader of the weekly e-mail wants to know.
  if (t.realized !== undefined) lines.push(`${realizedSentence(t.realized)}.`);
  lines.push(`ECR storage report of ${date} (${where})`, '');
  const truth = truthLines(report, MESSAGE_TOP, { realized: false, bill: false });
  lines.push(...truth);
  if (t.realized !== undefined || truth.length > 0) lines.push('');

  const change =
    previous === undefined
      ? 'no history yet'
      : `${signedBytes(t.storedBytes - previous.storedBytes)}, ${formatUsdChange(t.monthlyCostUsd - previous.monthlyCostUsd)}/month since ${previous.date}`;
  lines.push(`Stored:       ${formatBytes(t.storedBytes)}, ${formatUsd(t.monthlyCostUsd)}/month (${change})`);
  lines.push(
    `Reclaimable:  ${formatBytes(t.reclaimableBytes)}, ${formatUsd(t.monthlySavingsUsd)}/month, by the lifecycle policies once untagged cleanup is in place`,
  );
  const archive =
    t.monthlyArchiveSavingsUsd === null
      ? 'set the archive price to see the saving'
      : `${formatUsd(t.monthlyArchiveSavingsUsd)}/month at ${formatPrice(report.archivePricePerGbMonth ?? 0)} in the archive class`;
  lines.push(`Archivable:   ${formatBytes(t.archivableBytes)} not pulled for ${report.archiveAfterDays} days, ${archive}`);
  lines.push(`Repositories: ${formatCount(t.repositories)}, ${formatCount(t.repositoriesWithoutUntaggedCleanup)} without untagged cleanup`);

  const by = ownerGrouping(report.costAllocationTagKeys);
  const owners = costGroupChanges(
    report.costGroups.filter((g) => g.by === by),
    previous,
  ).slice(0, MESSAGE_TOP);
  lines.push('', `Top owners by monthly cost (${groupingLabel(by)}):`);
  if (owners.length === 0) lines.push('  none');
  for (const g of owners) {
    const delta =
      g.change === null
        ? g.status === 'new'
          ? 'new this week'
          : 'no history yet'
        : `${formatUsdChange(g.change.monthlyCostUsd)} on last week`;
    lines.push(
      `  ${oneLine(groupValueText(g))}: ${formatUsd(g.monthlyCostUsd)}/month, ${formatBytes(g.storedBytes)} in ${formatCount(g.repositories)} ${g.repositories === 1 ? 'repository' : 'repositories'} (${delta})`,
    );
  }

  const top = byReclaimable(report.repositories)
    .filter((r) => r.reclaimableBytes > 0)
    .slice(0, MESSAGE_TOP);
  lines.push('', 'Top repositories by reclaimable bytes:');
  if (top.length === 0) lines.push('  none: nothing to reclaim');
  for (const r of top) {
    lines.push(
      `  ${oneLine(r.repositoryName)} (${oneLine(r.region)}): ${formatBytes(r.reclaimableBytes)} of ${formatBytes(r.storedBytes)}, saves ${formatUsd(r.monthlySavingsUsd)}/month`,
    );
  }

  if (report.accounts.length > 1) {
    // The organization's report: each account remediates in its own run, so what matters here is who did not report.
    lines.push('', ...accountLines(report));
  } else {
    const tally = remediationTally(context.remediation);
    const held = Object.entries(tally.heldBy).map(([outcome, n]) => `${n} ${HELD_WORDS[outcome] ?? outcome}`);
    lines.push(
      '',
      `Remediation: ${tally.applied} applied, ${tally.held} held${held.length > 0 ? ` (${held.join(', ')})` : ''}, ${tally.failed} failed.`,
    );
  }
  lines.push(`Errors: ${formatCount(report.errors.length)}, warnings: ${formatCount(report.warnings.length)} (listed in the report).`);
  lines.push('', 'Full report (sign in to AWS with read access to the report bucket):', context.reportLink, '');

  const notRead = report.errors.filter(isAccountFailure).length;
  const scope = report.accounts.length > 1 ? `, ${formatCount(report.accounts.length)} accounts` : '';
  const plain = `ECR storage ${date}${scope}: ${formatUsd(t.monthlyCostUsd)}/month, ${formatUsd(t.monthlySavingsUsd)}/month reclaimable${notRead > 0 ? `, ${formatCount(notRead)} not read` : ''}`;
  const saved = t.realized === undefined ? undefined : `${plain}, saved ${formatUsd(t.realized.monthlySavingsUsd)}/month last week`;
  // A subject is one line of at most 100 characters: the saving goes in when it fits.
  const subject = saved !== undefined && saved.length <= 100 ? saved : plain;
  return { subject, text: lines.join('\n') };
}
