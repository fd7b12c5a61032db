import { ARCHIVE_MINIMUM_CHARGE_DAYS } from '../../domain/archive';
import { groupingLabel, reportGroupings } from '../../domain/cost-groups';
import type { AuditReport, CostGroup } from '../../domain/report';
import { visibleControls } from '../../domain/text';
import {
  FINDINGS_NOTE,
  REFERRERS_AT_RISK_NOTE,
  REGISTRY_WIDE,
  byReclaimable,
  formatBytes,
  formatCount,
  formatPercent,
  formatPrice,
  formatUsd,
  formatUsdChange,
  incompleteSentence,
  findingRule,
  locatedFindings,
  missingTagOf,
  naiveSumNote,
  policyLabel,
  WHOLE_ACCOUNT,
  accountStatus,
  accountsNotReadSentence,
  coversSeveralAccounts,
  withReferrersAtRisk,
} from './format';
import { IN_USE_AT_RISK_NOTE, atRiskImagesOf, atRiskStatus, guardLine } from './in-use';
import { truthSectionsMarkdown } from './markdown-truth';

/**
 * Escapes inline text for Markdown, table cells included: backslash-escapes what starts emphasis,
 * links, code, raw HTML or entities, and the table pipe; folds line breaks into spaces. Repository
 * names and error messages are user data and must render as the text they are. (Block markers such
 * as `#` or `+` need no escape: the text never starts a line.)
 */
export function escapeMarkdown(text: string): string {
  return visibleControls(text.replace(/\r\n|\r|\n/g, ' ')).replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A cost group's value, or "no `team` tag" (the key in a code span) for the repositories without the grouping's tag. */
function groupValueMarkdown(group: Pick<CostGroup, 'by' | 'value'>): string {
  const key = missingTagOf(group);
  // A tag key holds no backtick nor `|` (AWS allows letters, digits, spaces and _ . : / = + - @).
  return key === undefined ? escapeMarkdown(group.value) : `no \`${visibleControls(key)}\` tag`;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: ReadonlyArray<'l' | 'r'>): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Appends a section of errors or warnings (nothing when there are none); `where` is already escaped. */
function findings(
  out: string[],
  title: string,
  intro: string,
  kind: string,
  rows: ReadonlyArray<{ accountId?: string; region: string; where: string; code: string; message: string }>,
  several: boolean,
): void {
  if (rows.length === 0) return;
  out.push(`## ${title}`, '', intro, '');
  const region = (r: { region: string }): string => (r.region === '' ? `*${escapeMarkdown(WHOLE_ACCOUNT)}*` : escapeMarkdown(r.region));
  out.push(
    table(
      [...(several ? ['Account'] : []), 'Region', 'Repository', kind, 'Message'],
      rows.map((r) => [
        ...(several ? [escapeMarkdown(r.accountId ?? '')] : []),
        region(r),
        r.where,
        escapeMarkdown(r.code),
        escapeMarkdown(r.message),
      ]),
      ['l', 'l', 'l', 'l', 'l'],
    ),
  );
  out.push('');
}

/** Appends the section "Recommended policies" of a weekly report (nothing when the run did not advise). */
function recommendedPoliciesSection(out: string[], report: AuditReport): void {
  const advice = report.recommendedPolicies;
  if (advice === undefined) return;
  const t = advice.totals;
  out.push('## Recommended policies', '');
  out.push(
    escapeMarkdown(
      `Lifecycle policies advised from how each repository's tags are pushed and pulled, proven safe by the engine (nothing in use, pulled in the last days the advice keeps, or needed by a kept image is acted on). ` +
        `${formatCount(t.withAdvice)} of ${formatCount(t.repositories)} repositories have a policy to adopt (${formatCount(t.withheld)} withheld); adopting them all saves ${formatUsdChange(t.monthlyExtraSavingsUsd)}/month beyond the current policies.`,
    ),
    '',
  );
  if (advice.link !== undefined)
    out.push(
      `The advice file, to adopt with \`ecr-janitor remediate --adopt FILE\`: [${escapeMarkdown(advice.location ?? 'advice.json')}](${advice.link})`,
      '',
    );
  if (advice.top.length > 0) {
    out.push(
      table(
        ['Region', 'Repository', 'Owner', 'Removed now', 'Extra $/month'],
        advice.top.map((r) => [
          escapeMarkdown(r.region),
          escapeMarkdown(r.repositoryName),
          escapeMarkdown(r.owner),
          escapeMarkdown(`${formatCount(r.removedNow.images)} (${formatBytes(r.removedNow.bytes)})`),
          escapeMarkdown(formatUsdChange(r.monthlyExtraSavingsUsd)),
        ]),
        ['l', 'l', 'l', 'r', 'r'],
      ),
      '',
    );
  }
  if (advice.byOwner.length > 0) {
    out.push('### What each owner saves by adopting', '');
    out.push(
      table(
        ['Owner', 'Policies', 'Extra $/month'],
        advice.byOwner.map((o) => [
          escapeMarkdown(o.owner),
          formatCount(o.repositories),
          escapeMarkdown(formatUsdChange(o.monthlyExtraSavingsUsd)),
        ]),
        ['l', 'r', 'r'],
      ),
      '',
    );
  }
}

/** The per-account table of a report of several accounts, in account id order. */
function accountsSection(out: string[], report: AuditReport): void {
  out.push('## Accounts', '');
  const notRead = accountsNotReadSentence(report);
  out.push(
    `${formatCount(report.accounts.length)} accounts; each is read with its own role and rate limits.${notRead === '' ? '' : ` **${escapeMarkdown(notRead)}**`}`,
    '',
  );
  out.push(
    table(
      ['Account', 'Name', 'Regions', 'Repositories', 'Stored', '$/month', 'Reclaimable', 'Savings/month', 'Status'],
      report.accounts.map((a) => [
        escapeMarkdown(a.accountId),
        escapeMarkdown(a.name ?? ''),
        escapeMarkdown(a.regions.join(', ')),
        formatCount(a.totals.repositories),
        formatBytes(a.totals.storedBytes),
        escapeMarkdown(formatUsd(a.totals.monthlyCostUsd)),
        formatBytes(a.totals.reclaimableBytes),
        escapeMarkdown(formatUsd(a.totals.monthlySavingsUsd)),
        escapeMarkdown(accountStatus(a)),
      ]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
  );
}

/**
 * The audit as a Markdown report: title and run parameters, totals, the referrers at risk (when
 * any), every repository, errors and warnings (when any) and the AWS calls made. Suitable for a pull-request comment, a wiki page or a job summary.
 *
 * @example await writeFile('audit.md', renderMarkdown(report));
 */
export function renderMarkdown(report: AuditReport): string {
  const t = report.totals;
  const out: string[] = [];

  out.push('# ECR storage audit', '');
  out.push(`- **Generated:** ${escapeMarkdown(report.generatedAt)}`);
  out.push(`- **Policies evaluated at:** ${escapeMarkdown(report.now)}`);
  out.push(`- **Untagged images expire after:** ${report.days} days`);
  out.push(`- **Storage price:** ${escapeMarkdown(formatPrice(report.pricePerGbMonth))}`);
  const guard = guardLine(report);
  if (guard !== undefined) out.push(`- ${escapeMarkdown(guard)}`);
  out.push('');

  const totals: Array<[string, string]> = [
    ['Repositories', formatCount(t.repositories)],
    ['Without lifecycle policy', formatCount(t.repositoriesWithoutLifecyclePolicy)],
    ['Without untagged cleanup', formatCount(t.repositoriesWithoutUntaggedCleanup)],
    ['With policy findings', formatCount(t.repositoriesWithFindings)],
    ['Images', formatCount(t.images)],
    ['Untagged images', formatCount(t.untaggedImages)],
    ['Referrers at risk', formatCount(t.referrersAtRisk)],
    ...(report.guard === undefined
      ? []
      : ([
          ['Images in use', formatCount(t.inUseImages)],
          ['In use, at risk', formatCount(t.inUseAtRisk)],
          ['Repositories held by the in-use guard', formatCount(t.repositoriesHeld)],
        ] as Array<[string, string]>)),
    ['Stored (billed)', formatBytes(t.storedBytes)],
    ['Naive sum of image sizes', formatBytes(t.naiveBytes)],
    ['Reclaimable', `${formatBytes(t.reclaimableBytes)} (${formatPercent(t.reclaimableBytes, t.storedBytes)} of stored)`],
    ['Monthly cost', formatUsd(t.monthlyCostUsd)],
    ['Monthly savings', formatUsd(t.monthlySavingsUsd)],
    [`Archivable (not pulled for ${report.archiveAfterDays} days)`, formatBytes(t.archivableBytes)],
    [
      'Monthly archive savings',
      t.monthlyArchiveSavingsUsd === null
        ? 'not priced (no archive price given)'
        : `${formatUsd(t.monthlyArchiveSavingsUsd)} at ${formatPrice(report.archivePricePerGbMonth ?? 0)}`,
    ],
  ];
  out.push('## Totals', '');
  out.push(
    table(
      ['Metric', 'Value'],
      totals.map(([label, value]) => [label, escapeMarkdown(value)]),
      ['l', 'r'],
    ),
  );
  out.push('');
  const naive = naiveSumNote(t);
  if (naive !== undefined) out.push(escapeMarkdown(naive), '');
  truthSectionsMarkdown(out, report, escapeMarkdown, table);
  const several = coversSeveralAccounts(report);
  if (several) accountsSection(out, report);

  const atRisk = withReferrersAtRisk(report.repositories);
  if (atRisk.length > 0) {
    out.push('## Referrers at risk', '');
    out.push(
      `> **${formatCount(t.referrersAtRisk)} ${t.referrersAtRisk === 1 ? 'referrer' : 'referrers'} at risk:** ${escapeMarkdown(REFERRERS_AT_RISK_NOTE)}`,
      '',
    );
    out.push(
      table(
        ['Region', 'Repository', 'Policy', 'Referrers', 'At risk'],
        atRisk.map((r) => [
          escapeMarkdown(r.region),
          escapeMarkdown(r.repositoryName),
          escapeMarkdown(policyLabel(r)),
          formatCount(r.referrers),
          formatCount(r.referrersAtRisk),
        ]),
        ['l', 'l', 'l', 'r', 'r'],
      ),
    );
    out.push('');
  }

  if (report.costGroups.length > 0) {
    out.push('## Cost by owner', '');
    out.push(
      `Repositories of every region${several ? ' and every account' : ''} with the same owner form one group; largest cost first.`,
      '',
    );
    for (const by of reportGroupings(report)) {
      const groups = report.costGroups.filter((g) => g.by === by);
      out.push(`### By ${escapeMarkdown(groupingLabel(by))}`, '');
      out.push(
        table(
          [escapeMarkdown(capitalised(groupingLabel(by))), 'Repositories', 'Stored', '$/month', 'Reclaimable', 'Savings/month'],
          groups.map((g) => [
            groupValueMarkdown(g),
            formatCount(g.repositories),
            formatBytes(g.storedBytes),
            escapeMarkdown(formatUsd(g.monthlyCostUsd)),
            formatBytes(g.reclaimableBytes),
            escapeMarkdown(formatUsd(g.monthlySavingsUsd)),
          ]),
          ['l', 'r', 'r', 'r', 'r', 'r'],
        ),
        '',
      );
    }
  }

  const archivable = report.repositories
    .filter((r) => r.archivableBytes > 0)
    .sort(
      (a, b) =>
        b.archivableBytes - a.archivableBytes || a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName),
    );
  if (archivable.length > 0) {
    out.push('## Archive savings', '');
    out.push(
      escapeMarkdown(
        `Images not pulled for ${report.archiveAfterDays} days that the lifecycle policies keep, and that a transition rule would move to the archive class. The janitor only suggests the rule; it never writes one. Archived images cannot be pulled until restored, and ECR charges an archived image for at least ${ARCHIVE_MINIMUM_CHARGE_DAYS} days.`,
      ),
      '',
    );
    out.push(
      table(
        ['Region', 'Repository', 'Archivable', 'Suggested rule to add'],
        archivable.map((r) => [
          escapeMarkdown(r.region),
          escapeMarkdown(r.repositoryName),
          formatBytes(r.archivableBytes),
          r.archiveRuleSuggestion === null ? 'none: the policy’s own transition rules' : escapeMarkdown(r.archiveRuleSuggestion),
        ]),
        ['l', 'l', 'r', 'l'],
      ),
      '',
    );
  }

  recommendedPoliciesSection(out, report);

  const atRiskImages = atRiskImagesOf(report);
  if (atRiskImages.length > 0) {
    out.push('## In-use images at risk', '');
    out.push(
      `> **${formatCount(atRiskImages.length)} ${atRiskImages.length === 1 ? 'image' : 'images'} in use at risk:** ${escapeMarkdown(IN_USE_AT_RISK_NOTE)}`,
      '',
    );
    out.push(
      table(
        ['Region', 'Repository', 'Image', 'Used by', 'Removed by', 'Status'],
        atRiskImages.map((i) => [
          escapeMarkdown(i.region),
          escapeMarkdown(i.repositoryName),
          escapeMarkdown(i.imageDigest),
          escapeMarkdown(i.consumers.join(', ')),
          escapeMarkdown(i.rule),
          escapeMarkdown(atRiskStatus(i)),
        ]),
        ['l', 'l', 'l', 'l', 'l', 'l'],
      ),
    );
    out.push('');
  }

  out.push('## Repositories', '');
  if (report.repositories.length === 0) {
    out.push('No repositories audited.');
  } else {
    out.push('Sorted by reclaimable bytes. *Stored* is what ECR bills: each layer counted once per repository.', '');
    out.push(
      table(
        [
          ...(several ? ['Account'] : []),
          'Region',
          'Repository',
          'Policy',
          'Images',
          'Untagged',
          'Stored',
          'Reclaimable',
          '$/month',
          'Savings/month',
          'Archivable',
        ],
        byReclaimable(report.repositories).map((r) => [
          ...(several ? [escapeMarkdown(r.accountId)] : []),
          escapeMarkdown(r.region),
          escapeMarkdown(r.repositoryName),
          escapeMarkdown(policyLabel(r)),
          formatCount(r.images),
          formatCount(r.untaggedImages),
          formatBytes(r.storedBytes),
          formatBytes(r.reclaimableBytes),
          escapeMarkdown(formatUsd(r.monthlyCostUsd)),
          escapeMarkdown(formatUsd(r.monthlySavingsUsd)),
          formatBytes(r.archivableBytes),
        ]),
        [...(several ? (['l'] as const) : []), 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  out.push('');

  if (!report.complete) {
    out.push(
      '## Not reached',
      '',
      `**Incomplete:** ${escapeMarkdown(incompleteSentence(report))} The totals cover only what was read.`,
      '',
    );
    if (report.notReached.length > 0)
      out.push(
        table(
          [...(several ? ['Account'] : []), 'Region', 'Repository', 'Why'],
          report.notReached.map((n) => [
            ...(several ? [escapeMarkdown(n.accountId ?? '')] : []),
            escapeMarkdown(n.region),
            n.repositoryName === undefined ? '*(the whole region)*' : escapeMarkdown(n.repositoryName),
            escapeMarkdown(n.reason),
          ]),
          ['l', 'l', 'l', 'l'],
        ),
        '',
      );
  }
  const policyFindings = locatedFindings(report.repositories);
  if (policyFindings.length > 0) {
    out.push('## Policy findings', '');
    out.push(`${escapeMarkdown(FINDINGS_NOTE.charAt(0).toUpperCase() + FINDINGS_NOTE.slice(1))}`, '');
    out.push(
      table(
        ['Region', 'Repository', 'Severity', 'Finding', 'Rule', 'Message'],
        policyFindings.map(({ region, repositoryName, finding }) => [
          escapeMarkdown(region),
          escapeMarkdown(repositoryName),
          escapeMarkdown(finding.severity),
          escapeMarkdown(finding.code),
          escapeMarkdown(findingRule(finding)),
          escapeMarkdown(finding.message),
        ]),
        ['l', 'l', 'l', 'l', 'l', 'l'],
      ),
    );
    out.push('');
  }

  findings(
    out,
    'Errors',
    'The run went on without these parts; their numbers are missing from the totals.',
    'Error',
    report.errors.map((e) => ({
      ...e,
      where:
        e.repositoryName !== undefined
          ? escapeMarkdown(e.repositoryName)
          : e.source !== undefined
            ? `*(in-use source ${escapeMarkdown(e.source)})*`
            : e.region === ''
              ? '*(nothing read)*'
              : '*(repository listing)*',
    })),
    several,
  );
  findings(
    out,
    'Warnings',
    'Things that need a person and do not change the totals: a lifecycle policy that cannot be evaluated or merged into (fix it by hand), or a registry whose pull times the audit refreshes (register the audit role as the message says).',
    'Warning',
    report.warnings.map((w) => ({ ...w, where: escapeMarkdown(w.repositoryName || REGISTRY_WIDE) })),
    several,
  );

  out.push('## API calls', '');
  const operations = Object.keys(report.apiCalls)
    .filter((op) => op !== 'total')
    .sort();
  if (operations.length === 0 && report.apiCalls.total === undefined) {
    out.push('None: the audit read a snapshot.');
  } else {
    const rows = operations.map((op) => [
      escapeMarkdown(op),
      formatCount(report.apiCalls[op] ?? 0),
      formatCount(report.apiRetries[op] ?? 0),
    ]);
    const totalRetries =
      report.apiRetries.total ?? Object.entries(report.apiRetries).reduce((sum, [op, n]) => (op === 'total' ? sum : sum + n), 0);
    const totalCalls = report.apiCalls.total ?? operations.reduce((sum, op) => sum + (report.apiCalls[op] ?? 0), 0);
    rows.push(['**Total**', `**${formatCount(totalCalls)}**`, `**${formatCount(totalRetries)}**`]);
    out.push(table(['Operation', 'Calls', 'Retries'], rows, ['l', 'r', 'r']));
  }
  out.push('');
  return out.join('\n');
}
