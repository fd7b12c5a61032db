import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { REPORT_FORMATS, notReachedSentence, renderReport, type ReportFormat } from '../../adapters/render';
import { DEFAULT_LINT_MAX_UNTAGGED_DAYS } from '../../domain/defaults';
import { audit } from '../../use-cases/audit';
import { auditCreationTemplates } from '../../use-cases/creation-templates';
import type { CliContext } from '../context';
import { EXIT } from '../errors';
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
import { judgedAt, openRegistrySettings, openSources, readInUse, readLedgerWeek } from '../sources';

/** Audit reads live registries or a snapshot. */
const SOURCES: SourceChoices = { snapshot: true };

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
    .option('--out <dir>', 'also write report.json, report.csv, cost-groups.csv, report.md and report.html to DIR')
    .option(
      '--history <file>',
      'keep a weekly history in FILE (created if missing): the HTML report then shows the trend and the change per owner',
    )
    .action(async (opts: AuditFlags) => {
      if (opts.out !== undefined) await checkOutputDirectory(opts.out, '--out');
      checkArchivePrice(opts);
      const counter = new CallCounter();
      const sources = await openSources(opts, SOURCES, { counter, env: ctx.env });
      // What is in use over every region, read before the repositories are judged; a source that fails is an error of its region.
      const regions = sources.registries.map((s) => s.reader.region);
      // The creation templates the repositories ECR creates itself start from (live runs only), read beside.
      const [inUse, templates] = await Promise.all([
        readInUse(opts, { ...(sources.snapshot ? { snapshot: sources.snapshot.inUse } : {}), counter, regions }),
        auditCreationTemplates(openRegistrySettings(opts, sources, { counter }).map((s) => s.reader)),
      ]);
      const truth = await readLedgerWeek(opts, sources.snapshot?.capturedAt);
      const progress = progressOf(ctx, opts);
      const report = await audit(
        sources.registries.map((s) => s.reader),
        {
          // A snapshot is judged as it was when captured, so its numbers do not drift as days pass.
          now: opts.now ?? judgedAt(sources, () => ctx.now()),
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
          onProgress: progress.update,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(truth === undefined ? {} : truth),
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
      progress.done();
      report.warnings.push(...templates.warnings);
      const recorded = opts.history === undefined ? undefined : await recordHistory(opts.history, report, (line) => ctx.err(line));
      const history =
        recorded === undefined
          ? {}
          : { history: recorded.history, ...(recorded.previous === undefined ? {} : { previous: recorded.previous }) };
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
        ctx.err(`the report is incomplete: ${notReachedSentence(report)} See "notReached" in the report`);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}
