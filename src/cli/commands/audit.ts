import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { REPORT_FORMATS, incompleteSentence, renderReport, type ReportFormat } from '../../adapters/render';
import type { AuditReport, LedgerPeriod } from '../../domain/report';
import type { AccountRef } from '../../ports/accounts';
import { forEachAccount, organizationReport } from '../../use-cases/accounts';
import { DEFAULT_LINT_MAX_UNTAGGED_DAYS } from '../../domain/defaults';
import { audit, type ScanProgress } from '../../use-cases/audit';
import { auditCreationTemplates } from '../../use-cases/creation-templates';
import type { TruthLookup } from '../../use-cases/truth';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import {
  addCostFlags,
  addDaysFlag,
  addJudgeFlags,
  addLedgerFlags,
  checkArchivePrice,
  parseCountNumber,
  parseNow,
  type CostFlags,
  type JudgeFlags,
  type LedgerFlags,
  type SourceChoices,
} from '../flags';
import { recordHistory } from '../history';
import { checkOutputDirectory, writeReportFiles } from '../output';
import { partialFailureLine } from '../problems';
import { progressOf } from '../progress';
import {
  judgedAt,
  openAccountScope,
  openRegistrySettings,
  openSources,
  readInUse,
  readLedgerWeek,
  type AccountScope,
  type AccountSession,
} from '../sources';

/** Audit reads live registries (of one account or several) or a snapshot. */
const SOURCES: SourceChoices = { snapshot: true, accounts: true };

/** Flags of `audit`. */
type AuditFlags = JudgeFlags &
  CostFlags &
  LedgerFlags & {
    days: number;
    maxUntaggedDays: number;
    now?: number;
    format: ReportFormat;
    out?: string;
    history?: string;
  };

/** `audit`: policy status, de-duplicated storage cost and what the policy will reclaim. */
export function auditCommand(ctx: CliContext): Command {
  const command = new Command('audit')
    .description(
      'audit every repository: lifecycle policy status, storage cost (de-duplicated as ECR bills it), what the policy will reclaim',
    )
    .addHelpText(
      'after',
      "\nAudit changes nothing, but reading manifests (BatchGetImage) refreshes each image's lastRecordedPullTime\n" +
        'unless your principal is excluded from pull-time updates (aws ecr register-pull-time-update-exclusion).',
    );
  addJudgeFlags(command, SOURCES);
  addDaysFlag(command)
    .option(
      '--max-untagged-days <n>',
      'policies that keep untagged images longer than this many days get an UntaggedRetentionLong finding',
      parseCountNumber,
      DEFAULT_LINT_MAX_UNTAGGED_DAYS,
    )
    .option('--now <iso-8601>', 'evaluate policies at this time (default: now, or the capture time of --snapshot)', parseNow);
  addLedgerFlags(addCostFlags(command))
    .addOption(new Option('--format <format>', 'output on stdout').choices([...REPORT_FORMATS]).default('table'))
    .option(
      '--out <dir>',
      'also write report.json, report.csv, cost-groups.csv, report.md and report.html (and accounts.csv for several accounts) to DIR',
    )
    .option(
      '--history <file>',
      'keep a weekly history in FILE (created if missing): the HTML report then shows the trend and the change per owner',
    )
    .action(async (opts: AuditFlags) => {
      if (opts.out !== undefined) await checkOutputDirectory(opts.out, '--out');
      checkArchivePrice(opts);
      const counter = new CallCounter();
      const progress = progressOf(ctx, opts);
      const scope = await openAccountScope(opts, SOURCES, { counter, env: ctx.env });
      if (scope !== undefined && (opts.previousSnapshot !== undefined || opts.ledger !== undefined))
        throw new UsageError(
          "--previous-snapshot and --ledger compare one account's week: they cannot be given with --accounts, --org or a snapshot of several accounts",
        );
      let report: AuditReport;
      if (scope === undefined) {
        const sources = await openSources(opts, SOURCES, { counter, env: ctx.env });
        if (sources.snapshot === undefined)
          progress.begin(`reading ${sources.registries.map((s) => s.reader.region).join(', ')}: what is in use, then the repositories`);
        const week = await readLedgerWeek(opts, sources.snapshot?.capturedAt);
        report = await auditOne(opts, ctx, { sources, counter }, { onProgress: progress.update, ...(week === undefined ? {} : { week }) });
      } else report = await auditAccounts(opts, ctx, scope, { counter, onProgress: progress.update });
      progress.done();
      const recorded = opts.history === undefined ? undefined : await recordHistory(opts.history, report, (line) => ctx.err(line));
      const history =
        recorded === undefined
          ? {}
          : {
              history: recorded.history,
              ...(recorded.previous === undefined ? {} : { previous: recorded.previous }),
              ...(recorded.accountTrends === undefined ? {} : { accountTrends: recorded.accountTrends }),
            };
      // The running total of realized savings since the first week the history recorded them.
      const cumulativeRealized = recorded?.cumulativeRealized;
      const shown = cumulativeRealized === undefined ? report : { ...report, cumulativeRealized };
      ctx.out(renderReport(shown, opts.format, history).trimEnd());
      if (opts.out !== undefined) {
        const written = await writeReportFiles(opts.out, shown, history);
        ctx.err(`wrote ${written.join(', ')}`);
      }
      const partial = partialFailureLine(report.errors, 'audited', 'the report');
      if (partial !== undefined) {
        ctx.err(partial);
        ctx.exitCode = EXIT.partial;
      }
      if (!report.complete) {
        ctx.err(`the report is incomplete: ${incompleteSentence(report)} See "notReached" and "accounts" in the report`);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}

/** How one account's audit runs besides its flags. */
interface AuditRun {
  /** Progress of each region. */
  onProgress: (progress: ScanProgress) => void;
  /** The time every account is judged at (a run over several judges them all at once). @default now, or the snapshot's time */
  now?: number;
  /** The account read, for the report's `accounts`. @default the account of its repositories */
  account?: AccountRef;
  /** The week between two captures and its ledger (`--previous-snapshot`, `--ledger`): realized savings and prediction. @default none */
  week?: { truth: TruthLookup; ledger: LedgerPeriod };
}

/** The audit of one account: what is in use there, then every repository of its registries. */
async function auditOne(opts: AuditFlags, ctx: CliContext, session: AccountSession, run: AuditRun): Promise<AuditReport> {
  const { sources, counter, credentials } = session;
  // What is in use over every region, read before the repositories are judged; a source that fails is an error of its region.
  const regions = sources.registries.map((s) => s.reader.region);
  const access = { counter, ...(credentials === undefined ? {} : { credentials }) };
  // The creation templates the repositories ECR creates itself start from (live runs only), read beside.
  const [inUse, templates] = await Promise.all([
    readInUse(opts, {
      ...(sources.snapshot ? { snapshot: sources.snapshot.inUse } : {}),
      regions,
      ...access,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }),
    auditCreationTemplates(openRegistrySettings(opts, sources, access).map((s) => s.reader)),
  ]);
  const report = await audit(
    sources.registries.map((s) => s.reader),
    {
      // A snapshot is judged as it was when captured, so its numbers do not drift as days pass.
      now: run.now ?? opts.now ?? judgedAt(sources, () => ctx.now()),
      generatedAt: ctx.now(),
      days: opts.days,
      lintMaxUntaggedDays: opts.maxUntaggedDays,
      pricePerGbMonth: opts.pricePerGbMonth,
      selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
      concurrency: opts.concurrency,
      costAllocationTagKeys: opts.groupByTag,
      archiveAfterDays: opts.archiveAfterDays,
      archivePricePerGbMonth: opts.archivePricePerGbMonth ?? null,
      ...(sources.snapshot ? {} : { counter }),
      onProgress: run.onProgress,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(run.week === undefined ? {} : run.week),
      ...(run.account === undefined ? {} : { account: { accountId: run.account.accountId, name: run.account.name ?? null } }),
      ...(inUse === undefined
        ? {}
        : {
            inUse: {
              catalog: inUse.catalog,
              errors: inUse.errors,
              warnings: inUse.warnings,
              mode: opts.guard,
              horizonDays: opts.guardHorizonDays,
              sources: inUse.names,
            },
          }),
    },
  );
  report.warnings.push(...templates.warnings);
  return report;
}

/**
 * The audit of several accounts: each audited as one account is, in its own role with its own
 * clients, `scope.concurrency` at a time; one report for all, an account that could not be read listed.
 */
async function auditAccounts(
  opts: AuditFlags,
  ctx: CliContext,
  scope: AccountScope,
  run: { counter: CallCounter; onProgress: (progress: ScanProgress) => void },
): Promise<AuditReport> {
  const now = opts.now ?? scope.capturedAt ?? ctx.now();
  const outcomes = await forEachAccount(
    scope.accounts,
    scope.opener,
    (session, account) =>
      auditOne(opts, ctx, session, {
        now,
        account,
        // Each account's regions apart in the progress lines.
        onProgress: (p) => run.onProgress({ ...p, region: `${account.accountId} ${p.region}` }),
      }),
    { concurrency: scope.concurrency, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  return organizationReport(outcomes, {
    regions: scope.regions,
    settings: {
      generatedAt: new Date(ctx.now()).toISOString(),
      now: new Date(now).toISOString(),
      days: opts.days,
      pricePerGbMonth: opts.pricePerGbMonth,
      archiveAfterDays: opts.archiveAfterDays,
      archivePricePerGbMonth: opts.archivePricePerGbMonth ?? null,
      costAllocationTagKeys: opts.groupByTag,
    },
    ...(scope.capturedAt === undefined ? { runCalls: run.counter.snapshot() } : {}),
  });
}
