import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_KEEP_PULLED_DAYS, DEFAULT_ROLLBACK_MARGIN } from '../../domain/defaults';
import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { baseClientConfig, createTaggingClient } from '../../adapters/aws/clients';
import { S3ReportStore } from '../../adapters/aws/s3-report-store';
import { TaggingApiTagIndex } from '../../adapters/aws/tagging';
import { MemoryEventPublisher } from '../../adapters/memory/memory-store';
import { renderJson } from '../../adapters/render/json';
import { reportRenderer } from '../../adapters/render/report-renderer';
import { parseLedgerLines } from '../../adapters/events/policy-execution';
import type { ObjectStore } from '../../ports/object-store';
import { recordLedgerEvent } from '../../use-cases/ledger-store';
import { readTextFile } from '../io';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_LINT_MAX_UNTAGGED_DAYS,
  DEFAULT_WORKERS,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
} from '../../domain/defaults';
import { JanitorError, errorCode } from '../../domain/errors';
import { checkRunId } from '../../domain/weekly';
import { runWeekly, type WeeklyRunDeps, type WeeklyRunOutcome } from '../../use-cases/weekly/run';
import type { CliContext } from '../context';
import { EXIT, UsageError, isUnreachable } from '../errors';
import { progressOf } from '../progress';
import {
  addCostFlags,
  addDaysFlag,
  addEnforcedMaxUntaggedDaysFlag,
  addJudgeFlags,
  checkArchivePrice,
  checkMaxUntaggedDays,
  parseBucketFlag,
  parseIntInRange,
  type CostFlags,
  type JudgeFlags,
  type SourceChoices,
} from '../flags';
import { errorLine, partialFailureLine } from '../problems';
import { clientOptionsOf, inUseSourcesOf, openSources } from '../sources';

/** The weekly run reads live registries only. */
const SOURCES: SourceChoices = { snapshot: false };

type WeeklyFlags = JudgeFlags &
  CostFlags & {
    bucket: string;
    batchSize: number;
    workers: number;
    days: number;
    maxUntaggedDays?: number;
    apply: boolean;
    runId?: string;
    bulkTags: boolean;
    /** `true`: read the bucket's ledger; a file: record its events in the bucket's ledger first. */
    ledger?: true | string;
    format: 'table' | 'json';
  };

/**
 * `weekly`: the deployed weekly run in this process — Plan, the shards through a pool of workers, and
 * Aggregate — against an account or an emulator, with its objects and report in a bucket.
 */
export function weeklyCommand(ctx: CliContext): Command {
  const command = new Command('weekly')
    .description('run the weekly pipeline here: plan, shards of repositories on a worker pool, one report in the bucket')
    .addHelpText(
      'after',
      '\nWrites runs/<run id>/ (plan, items, shard results), cache/manifests/ (each manifest read once),\n' +
        'cache/forecast/ (with --ledger) and reports/<date>/ with reports/history.json to the bucket, as the\n' +
        'deployed state machine does.',
    );
  addJudgeFlags(command, SOURCES)
    .requiredOption('--bucket <name>', 'the bucket for the run, the manifest cache and the report', parseBucketFlag)
    .option(
      '--batch-size <n>',
      `repositories per shard, 1 to ${MAX_BATCH_SIZE}`,
      parseIntInRange(1, MAX_BATCH_SIZE, 'a shard must finish within one Lambda invocation'),
      DEFAULT_BATCH_SIZE,
    )
    .option(
      '--workers <n>',
      `shards at the same time, 1 to ${MAX_CONCURRENCY} (workers × --concurrency calls in flight: keep them within the account's ECR rate)`,
      parseIntInRange(1, MAX_CONCURRENCY, 'more only adds throttling'),
      DEFAULT_WORKERS,
    );
  addEnforcedMaxUntaggedDaysFlag(addDaysFlag(command))
    .option('--apply', 'write the policies (PutLifecyclePolicy); without it they are planned only', false)
    .option('--run-id <id>', 'the run id, in the bucket keys (default: weekly-<time>)')
    .option('--no-bulk-tags', "read each repository's tags with ListTagsForResource instead of the tagging API in bulk")
    .option(
      '--ledger [file]',
      'read the ledger in the bucket (ledger/v1/, what lifecycle policies did) for realized savings and the prediction, and ' +
        'store the next forecasts; with FILE (JSON lines from "ecr-janitor ledger" or EventBridge events), record its events there first',
    );
  addCostFlags(command)
    .addOption(new Option('--format <format>', 'output on stdout').choices(['table', 'json']).default('table'))
    .action(async (opts: WeeklyFlags) => {
      checkMaxUntaggedDays(opts.maxUntaggedDays, opts.days);
      checkArchivePrice(opts);
      const runId = runIdOf(opts.runId, ctx.now());
      // From the start on stderr, while the plan lists the regions; the shards then say how far they are.
      const planning = progressOf(ctx, opts);
      planning.begin(`planning run ${runId}: the repositories and what is in use in ${opts.region ?? 'the default region'}`);
      const deps = await depsOf(opts);
      if (typeof opts.ledger === 'string') await bucketErrorsNamed(opts.bucket, recordLedgerFile(opts.ledger, deps.store));
      const outcome = await bucketErrorsNamed(
        opts.bucket,
        runWeekly(deps, {
          runId,
          settings: {
            now: ctx.now(),
            days: opts.days,
            lintMaxUntaggedDays: opts.maxUntaggedDays ?? DEFAULT_LINT_MAX_UNTAGGED_DAYS,
            ...(opts.maxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: opts.maxUntaggedDays }),
            pricePerGbMonth: opts.pricePerGbMonth,
            selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
            costAllocationTagKeys: opts.groupByTag,
            archiveAfterDays: opts.archiveAfterDays,
            archivePricePerGbMonth: opts.archivePricePerGbMonth ?? null,
            apply: opts.apply,
            guard: { mode: opts.guard, horizonDays: opts.guardHorizonDays },
            advice: { keepPulledDays: DEFAULT_KEEP_PULLED_DAYS, rollbackMargin: DEFAULT_ROLLBACK_MARGIN },
            ...(opts.ledger === undefined ? {} : { readLedger: true }),
          },
          batchSize: opts.batchSize,
          workers: opts.workers,
          concurrency: opts.concurrency,
          now: () => ctx.now(),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onShard: ({ done, total, failed }) => {
            planning.done();
            ctx.err(`shard ${done}/${total} done${failed > 0 ? ` (${failed} failed)` : ''}`);
          },
        }),
      ).finally(() => planning.done());
      ctx.out(opts.format === 'json' ? renderJson(jsonOf(runId, opts, outcome)) : tableOf(runId, opts, outcome));
      exitOf(ctx, outcome);
    });
  return command;

  /** Records a ledger file's events in the bucket's ledger, as the deployed ledger function records them. */
  async function recordLedgerFile(file: string, store: ObjectStore): Promise<void> {
    const events = parseLedgerLines(await readTextFile(file, 'ledger'), file);
    let recorded = 0;
    for (const event of events) if ((await recordLedgerEvent(store, event)) === 'recorded') recorded++;
    ctx.err(`${file}: ${events.length} event${events.length === 1 ? '' : 's'}, ${recorded} recorded in the bucket's ledger`);
  }

  async function depsOf(opts: WeeklyFlags): Promise<WeeklyRunDeps> {
    const counter = new CallCounter();
    const { registries } = await openSources(opts, SOURCES, { counter, env: ctx.env });
    const client = clientOptionsOf(opts);
    // openSources opens at least one region; the bucket is reached through the first.
    const home = registries[0]?.reader.region as string;
    // An emulator serves buckets by path; S3 itself redirects to the bucket's region.
    const s3 = new S3Client({
      ...baseClientConfig({ region: home, ...client }),
      followRegionRedirects: true,
      forcePathStyle: opts.endpoint !== undefined,
    });
    const store = new S3ReportStore(s3, opts.bucket, home);
    const inUse = await inUseSourcesOf(opts, { counter, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    return {
      registries: registries.map(({ reader, writer }) => {
        const tags = opts.bulkTags
          ? new TaggingApiTagIndex({ client: createTaggingClient({ region: reader.region, counter, ...client }), region: reader.region })
          : undefined;
        return { reader, ...(writer ? { writer } : {}), ...(tags ? { tags } : {}) };
      }),
      store,
      publish: { store, publisher: new MemoryEventPublisher(), renderer: reportRenderer },
      counter,
      ...(inUse ? { inUse } : {}),
    };
  }
}

/**
 * The run's own failures are its bucket's (a shard's and a repository's are in the report): an AWS
 * error becomes one that names the bucket and the fix, not an unexpected stack trace.
 */
async function bucketErrorsNamed<T>(bucket: string, run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (error) {
    // An AWS error (a call not sent to a silent endpoint carries the SDK's metadata too); not the run's own.
    if (!(error instanceof Error) || !('$metadata' in error)) throw error;
    throw new JanitorError(
      `the run's objects in s3://${bucket} could not be read or written (${errorCode(error)}: ${error.message}): ` +
        (isUnreachable(error)
          ? 'the endpoint did not answer; run again once it does'
          : 'check that the bucket exists and that these credentials may read and write it'),
      { cause: error },
    );
  }
}

/** The given run id, checked, or one from the time (sortable, and a valid key part). */
function runIdOf(given: string | undefined, now: number): string {
  try {
    return checkRunId(given ?? `weekly-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
  } catch (error) {
    throw new UsageError(`--run-id: ${(error as Error).message}`);
  }
}

function jsonOf(runId: string, opts: WeeklyFlags, outcome: WeeklyRunOutcome) {
  return {
    runId,
    bucket: opts.bucket,
    apply: opts.apply,
    shards: outcome.shardCount,
    manifests: outcome.manifests,
    detail: outcome.detail,
  };
}

function tableOf(runId: string, opts: WeeklyFlags, { detail, shardCount, manifests }: WeeklyRunOutcome): string {
  const outcomes = Object.entries(detail.remediation)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  return [
    detail.summary,
    `run ${runId}: ${shardCount.total} shard${shardCount.total === 1 ? '' : 's'}${shardCount.failed > 0 ? `, ${shardCount.failed} failed` : ''}; manifests ${manifests.cached} from the cache, ${manifests.fetched} read`,
    `remediation${opts.apply ? '' : ' (dry run: planned only)'}: ${outcomes || 'nothing to do'}`,
    `report: s3://${opts.bucket}/${detail.artifacts.html}`,
  ].join('\n');
}

/** Exit 3 when something was not read or not done, with what on stderr. */
function exitOf(ctx: CliContext, { report, detail }: WeeklyRunOutcome): void {
  const partial = partialFailureLine(report.errors, 'audited', 'the report');
  if (partial !== undefined) {
    for (const e of report.errors.slice(0, 20)) ctx.err(errorLine(e));
    if (report.errors.length > 20) ctx.err(`… and ${report.errors.length - 20} more errors`);
    ctx.err(partial);
    ctx.exitCode = EXIT.partial;
  }
  const failed =
    (detail.remediation.failed ?? 0) +
    (detail.remediation.unmergeable ?? 0) +
    (detail.remediation['skipped-changed'] ?? 0) +
    (detail.remediation['unknown-outcome'] ?? 0);
  if (failed > 0 || !report.complete) {
    ctx.err(`${failed} repositor${failed === 1 ? 'y was' : 'ies were'} not remediated; ${report.notReached.length} not reached`);
    ctx.exitCode = EXIT.partial;
  }
}
