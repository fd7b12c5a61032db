import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { createEcrRegistryPool } from '../../adapters/aws/clients';
import { parseRateLimits, type RateLimits } from '../../adapters/aws/rate-limiter';
import {
  REPORT_EXTENSIONS,
  REPORT_FORMATS,
  notReachedSentence,
  renderCostGroupsCsv,
  renderReport,
  type ReportFormat,
} from '../../adapters/render';
import { renderRemediationPlan } from '../../adapters/render/remediation';
import { parseSnapshot } from '../../adapters/snapshot/schema';
import { snapshotInUse, type SnapshotInUseSources } from '../../adapters/snapshot/snapshot-in-use';
import { SnapshotRegistry } from '../../adapters/snapshot/snapshot-registry';
import { SnapshotFileWriter } from '../../adapters/snapshot/snapshot-writer';
import type { AuditReport, ReportError } from '../../domain/report';
import { REGION_NAME } from '../../domain/region';
import { oneLine } from '../../domain/text';
import { toEpochMs } from '../../domain/time';
import type { PolicyWriter, RegistryReader } from '../../ports/registry';
import { audit } from '../../use-cases/audit';
import { captureSnapshot } from '../../use-cases/snapshot';
import { inUseProvider } from '../../use-cases/in-use';
import { remediate, type RemediationOutcome, type RemediationResult } from '../../use-cases/remediate';
import { defaultRegion, type CliContext, type CliEnvironment } from '../context';
import { EXIT, UsageError } from '../errors';
import { recordHistory, type HistoryForReport } from '../history';
import { readJsonFile } from '../io';
import {
  checkMaxUntaggedDays,
  collectTagKey,
  parseEndpoint,
  parseCountNumber,
  parseIntInRange,
  parseNow,
  parsePositiveInt,
  parsePricePerGbMonth,
} from '../options';
import { checkOutputDirectory, checkOutputFile, outputError, writeFilesAtomically } from '../output';
import { progressReporter, type ProgressReporter } from '../progress';
import { addInUseOptions, inUseSourcesOf, readInUse, type GuardFlags, type InUseFlags } from './in-use';
import {
  DEFAULT_ARCHIVE_AFTER_DAYS,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_LINT_MAX_UNTAGGED_DAYS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_OPT_OUT_TAG,
  DEFAULT_PRICE_PER_GB_MONTH,
  DEFAULT_PROGRESS_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_MODE,
  DEFAULT_UNTAGGED_DAYS,
  MAX_ARCHIVE_AFTER_DAYS,
  MAX_ATTEMPTS,
  MAX_CONCURRENCY,
  MAX_PRICE_PER_GB_MONTH,
  MAX_PROGRESS_INTERVAL_SECONDS,
  MAX_TIMEOUT_MS,
  MIN_TIMEOUT_MS,
} from '../../domain/defaults';

/** Flags shared by the commands that read a registry. */
export interface SourceFlags {
  region?: string;
  endpoint?: string;
  rateLimit?: RateLimits;
  maxAttempts: number;
  retryMode: 'adaptive' | 'standard';
  connectTimeout: number;
  requestTimeout: number;
  snapshot?: string;
  concurrency: number;
  progressInterval: number;
}

/** Flags of the commands that judge repositories (audit, remediate): which ones the janitor may change. */
export interface SelectionFlags {
  exclude: string[];
  optOutTag: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Adds the flags that say where to read: `snapshot` adds `--snapshot FILE`, `selection` adds
 * `--exclude` and `--opt-out-tag` (only for the commands that use them).
 */
export function addSourceOptions(command: Command, { snapshot, selection }: { snapshot: boolean; selection: boolean }): Command {
  command
    .option(
      '--region <regions>',
      snapshot
        ? 'comma-separated AWS regions (default: AWS_REGION; with --snapshot, every region in the file)'
        : 'comma-separated AWS regions (default: AWS_REGION)',
    )
    .option(
      '--endpoint <url>',
      'AWS endpoint URL (http or https) for ECR, and ECS and Lambda when scanning for images in use, e.g. a local emulator',
      parseEndpoint,
    )
    .option(
      '--concurrency <n>',
      `repositories read at the same time, 1 to ${MAX_CONCURRENCY}`,
      parseIntInRange(1, MAX_CONCURRENCY, 'more only adds throttling: ECR rate-limits each API per account and region'),
      DEFAULT_CONCURRENCY,
    )
    .option(
      '--rate-limit <limits>',
      'client-side limits per ECR operation, e.g. DescribeImages=18/5,GetLifecyclePolicy=18 (calls per second/burst)',
      parseRateLimitFlag,
    )
    .option(
      '--max-attempts <n>',
      `attempts per AWS call, retries of throttling included, 1 to ${MAX_ATTEMPTS}`,
      parseIntInRange(1, MAX_ATTEMPTS, 'with back-off between attempts, more would keep one call retrying for many minutes'),
      DEFAULT_MAX_ATTEMPTS,
    )
    .addOption(new Option('--retry-mode <mode>', 'SDK retry mode').choices(['adaptive', 'standard']).default(DEFAULT_RETRY_MODE))
    .option(
      '--connect-timeout <ms>',
      `milliseconds a connection to AWS may take to open, ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`,
      parseIntInRange(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'ten minutes at most'),
      DEFAULT_CONNECTION_TIMEOUT_MS,
    )
    .option(
      '--request-timeout <ms>',
      `milliseconds an attempt of an AWS call may wait for its answer, ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS} (with the retries, a silent endpoint fails a call in under 2 minutes by default)`,
      parseIntInRange(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'ten minutes at most'),
      DEFAULT_REQUEST_TIMEOUT_MS,
    )
    .option(
      '--progress-interval <seconds>',
      `seconds between done/total lines when stderr is not a terminal, 0 for none, at most ${MAX_PROGRESS_INTERVAL_SECONDS}`,
      parseIntInRange(0, MAX_PROGRESS_INTERVAL_SECONDS, 'an hour at most'),
      DEFAULT_PROGRESS_INTERVAL_SECONDS,
    );
  if (selection) {
    command
      .option('--exclude <glob>', 'repository-name glob the janitor never changes (repeatable)', collect, [])
      .option('--opt-out-tag <key>', 'repositories tagged KEY=true are never changed', DEFAULT_OPT_OUT_TAG);
  }
  if (snapshot) command.option('--snapshot <file>', 'read a snapshot file instead of AWS (fully offline)');
  return command;
}

function parseRateLimitFlag(value: string): RateLimits {
  try {
    return parseRateLimits(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parseArchiveAfterDays(value: string): number {
  const days = parsePositiveInt(value);
  if (days > MAX_ARCHIVE_AFTER_DAYS) throw new InvalidArgumentError(`"${value}" is more than ${MAX_ARCHIVE_AFTER_DAYS} days`);
  return days;
}

export function parseRegions(value: string | undefined): string[] {
  if (value === undefined) return [];
  const regions = [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ];
  for (const region of regions) {
    if (!REGION_NAME.test(region)) throw new UsageError(`--region: "${region}" is not an AWS region name; write e.g. us-east-1,eu-west-1`);
  }
  return regions;
}

/** The registries a command reads; `capturedAt` (epoch ms) and the recorded images in use are set for snapshots. */
type Sources = Array<{ reader: RegistryReader; writer?: PolicyWriter }> & { capturedAt?: number; inUse?: SnapshotInUseSources };

/** Builds the readers (and writers) a command runs against: a snapshot file or live ECR. */
async function openSources(flags: SourceFlags, counter: CallCounter, env: CliEnvironment): Promise<Sources> {
  const regions = parseRegions(flags.region);
  if (flags.snapshot !== undefined) {
    if (flags.endpoint !== undefined) throw new UsageError('--snapshot and --endpoint cannot be combined: a snapshot is read offline');
    const snapshot = parseSnapshot(await readJsonFile(flags.snapshot, 'snapshot'), flags.snapshot);
    const readers = SnapshotRegistry.fromSnapshot(snapshot, regions);
    if (readers.length === 0)
      throw new UsageError(
        `--region ${regions.join(',')}: the snapshot ${flags.snapshot} holds only ${snapshot.registries.map((r) => r.region).join(', ') || 'no regions'}`,
      );
    return Object.assign(
      readers.map((reader) => ({ reader })),
      { capturedAt: toEpochMs(snapshot.capturedAt), inUse: snapshotInUse(snapshot, regions) },
    );
  }
  const live = regions.length > 0 ? regions : [defaultRegion(env)].filter((r): r is string => r !== undefined);
  if (live.length === 0) throw new UsageError('no region: pass --region us-east-1[,eu-west-1…], set AWS_REGION, or use --snapshot FILE');
  const registryFor = createEcrRegistryPool({
    counter,
    maxAttempts: flags.maxAttempts,
    retryMode: flags.retryMode,
    connectionTimeoutMs: flags.connectTimeout,
    requestTimeoutMs: flags.requestTimeout,
    ...(flags.rateLimit ? { rateLimits: flags.rateLimit } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
  });
  return live.map((region) => {
    const registry = registryFor(region);
    return { reader: registry, writer: registry };
  });
}

async function writeArtifacts(dir: string, report: AuditReport, options: HistoryForReport | Record<string, never> = {}): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw outputError(dir, error);
  }
  const files = [
    ...(['json', 'csv', 'markdown', 'html'] as const).map((format) => ({
      path: join(dir, `report.${REPORT_EXTENSIONS[format]}`),
      content: renderReport(report, format, options),
    })),
    { path: join(dir, 'cost-groups.csv'), content: renderCostGroupsCsv(report) },
  ];
  // Each file is written whole to a temporary name, then all are renamed: no half-written reports.
  await writeFilesAtomically(files);
  return files.map((f) => f.path);
}

/** The progress reporter of a command, at the interval its `--progress-interval` asks for. */
export function progressOf(ctx: CliContext, flags: SourceFlags): ProgressReporter {
  return progressReporter(ctx, { intervalMs: flags.progressInterval * 1000 });
}

/** Help of `--days` for audit and remediate: one text, as it means one thing. */
export const DAYS_HELP = 'the default rule expires untagged images this many days after push (sinceImagePushed)';

/**
 * The line `audit` and `snapshot` print on stderr before exiting 3: how many regions could not be
 * listed, how many repositories could not be read and how many in-use sources could not be read.
 *
 * @example partialFailureLine(report.errors, 'audited', 'the report') // '1 region could not be listed (…); 2 repositories could not be fully audited; see "errors" in the report'
 */
export function partialFailureLine(errors: readonly ReportError[], done: string, where: string): string | undefined {
  const regional = errors.filter((e) => e.repositoryName === undefined);
  const regions = regional.filter((e) => e.source === undefined).length;
  const sources = regional.length - regions;
  const repositories = new Set(errors.filter((e) => e.repositoryName !== undefined).map((e) => `${e.region}/${e.repositoryName}`)).size;
  if (regional.length === 0 && repositories === 0) return undefined;
  const parts = [
    regions > 0
      ? `${regions} region${regions === 1 ? '' : 's'} could not be listed (a region failure: its repositories are all missing)`
      : '',
    repositories > 0 ? `${repositories} repositor${repositories === 1 ? 'y' : 'ies'} could not be fully ${done}` : '',
    sources > 0
      ? `${sources} in-use source${sources === 1 ? '' : 's'} could not be read (writes that could remove an image are held in ${sources === 1 ? 'its region' : 'their regions'})`
      : '',
  ].filter((part) => part !== '');
  return `${parts.join('; ')}; see "errors" in ${where}`;
}

/** Flags of the cost figures (`audit`, `weekly`). */
export interface CostFlags {
  pricePerGbMonth: number;
  groupByTag: string[];
  archiveAfterDays: number;
  archivePricePerGbMonth?: number;
}

/** Adds the flags of the cost figures: the storage price, cost groups by tag, and the archive saving. */
export function addCostOptions(command: Command): Command {
  return command
    .option(
      '--price-per-gb-month <usd>',
      `storage price in USD per GB-month, a decimal number from 0 to ${MAX_PRICE_PER_GB_MONTH}`,
      parsePricePerGbMonth,
      DEFAULT_PRICE_PER_GB_MONTH,
    )
    .option('--group-by-tag <key>', 'also group cost by the value of this repository tag, e.g. team (repeatable)', collectTagKey, [])
    .option(
      '--archive-after-days <n>',
      'count images not pulled for N days (push time when never pulled) as archivable',
      parseArchiveAfterDays,
      DEFAULT_ARCHIVE_AFTER_DAYS,
    )
    .option(
      '--archive-price-per-gb-month <usd>',
      `archive storage price in USD per GB-month, a decimal number from 0 to ${MAX_PRICE_PER_GB_MONTH}, to price the archive saving (none by default: read it on the ECR pricing page)`,
      parsePricePerGbMonth,
    );
}

/**
 * @throws UsageError when the archive price is above the storage price
 */
export function checkArchivePrice(flags: Pick<CostFlags, 'pricePerGbMonth' | 'archivePricePerGbMonth'>): void {
  if (flags.archivePricePerGbMonth !== undefined && flags.archivePricePerGbMonth > flags.pricePerGbMonth)
    throw new UsageError(
      `--archive-price-per-gb-month ${flags.archivePricePerGbMonth} is above --price-per-gb-month ${flags.pricePerGbMonth}: archive storage is never priced above standard storage`,
    );
}

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
  addInUseOptions(addSourceOptions(command, { snapshot: true, selection: true }), { guard: true })
    .option('--days <n>', DAYS_HELP, parseCountNumber, DEFAULT_UNTAGGED_DAYS)
    .option(
      '--max-untagged-days <n>',
      'policies that keep untagged images longer than this many days get an UntaggedRetentionLong finding',
      parseCountNumber,
      DEFAULT_LINT_MAX_UNTAGGED_DAYS,
    )
    .option('--now <iso-8601>', 'evaluate policies at this time (default: now, or the capture time of --snapshot)', parseNow);
  addCostOptions(command)
    .addOption(new Option('--format <format>', 'output on stdout').choices([...REPORT_FORMATS]).default('table'))
    .option('--out <dir>', 'also write report.json, report.csv, cost-groups.csv, report.md and report.html to DIR')
    .option(
      '--history <file>',
      'keep a weekly history in FILE (created if missing): the HTML report then shows the trend and the change per owner',
    )
    .action(
      async (
        opts: SourceFlags &
          SelectionFlags &
          InUseFlags &
          GuardFlags & {
            days: number;
            maxUntaggedDays: number;
            now?: number;
            pricePerGbMonth: number;
            groupByTag: string[];
            archiveAfterDays: number;
            archivePricePerGbMonth?: number;
            format: ReportFormat;
            out?: string;
            history?: string;
          },
      ) => {
        if (opts.out !== undefined) await checkOutputDirectory(opts.out, '--out');
        checkArchivePrice(opts);
        const counter = new CallCounter();
        const sources = await openSources(opts, counter, ctx.env);
        // What is in use, read before the repositories are judged; a source that fails is an error of its region.
        const regions = sources.map((s) => s.reader.region);
        const inUse = await readInUse(opts, { ...(sources.inUse === undefined ? {} : { snapshot: sources.inUse }), counter, regions });
        const progress = progressOf(ctx, opts);
        const report = await audit(
          sources.map((s) => s.reader),
          {
            // A snapshot is judged as it was when captured, so its numbers do not drift as days pass.
            now: opts.now ?? (Number.isNaN(sources.capturedAt ?? Number.NaN) ? ctx.now() : (sources.capturedAt as number)),
            generatedAt: ctx.now(),
            days: opts.days,
            maxUntaggedDays: opts.maxUntaggedDays,
            pricePerGbMonth: opts.pricePerGbMonth,
            selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
            concurrency: opts.concurrency,
            costAllocationTagKeys: opts.groupByTag,
            archiveAfterDays: opts.archiveAfterDays,
            archivePricePerGbMonth: opts.archivePricePerGbMonth ?? null,
            ...(opts.snapshot === undefined ? { counter } : {}),
            onProgress: progress.update,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            ...(inUse === undefined
              ? {}
              : {
                  inUse: {
                    catalogs: inUse.catalogs,
                    errors: inUse.errors,
                    mode: opts.guard,
                    horizonDays: opts.guardHorizonDays,
                    sources: inUse.names,
                  },
                }),
          },
        );
        progress.done();
        const history = opts.history === undefined ? {} : await recordHistory(opts.history, report, (line) => ctx.err(line));
        ctx.out(renderReport(report, opts.format, history).trimEnd());
        if (opts.out !== undefined) {
          const written = await writeArtifacts(opts.out, report, history);
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
      },
    );
  return command;
}

/** Flags of `remediate`. */
type RemediateFlags = SourceFlags &
  SelectionFlags &
  InUseFlags &
  GuardFlags & { days: number; maxUntaggedDays?: number; apply: boolean; format: 'table' | 'json' };

/** `remediate`: merge the default rule into every policy that lacks one (dry run unless --apply). */
export function remediateCommand(ctx: CliContext): Command {
  const command = new Command('remediate').description(
    'merge the default untagged-image rule into every policy that lacks one; dry run unless --apply',
  );
  addInUseOptions(addSourceOptions(command, { snapshot: true, selection: true }), { guard: true })
    .option('--days <n>', DAYS_HELP, parseCountNumber, DEFAULT_UNTAGGED_DAYS)
    .option(
      '--max-untagged-days <n>',
      'also shorten untagged rules that expire images later than this many days after push',
      parseCountNumber,
    )
    .option('--apply', 'write the policies (PutLifecyclePolicy); without it nothing is written', false)
    .addOption(new Option('--format <format>', 'output on stdout').choices(['table', 'json']).default('table'))
    .action(async (opts: RemediateFlags) => {
      checkMaxUntaggedDays(opts.maxUntaggedDays, opts.days);
      if (opts.apply && opts.snapshot !== undefined)
        throw new UsageError('--apply cannot be used with --snapshot: a snapshot is read-only; drop --snapshot to write to ECR');
      const counter = new CallCounter();
      const sources = await openSources(opts, counter, ctx.env);
      // Read per region, only once a write is due there: a compliant account costs no workload scan.
      const inUse = await inUseSourcesOf(opts, { ...(sources.inUse === undefined ? {} : { snapshot: sources.inUse }), counter });
      const provider = inUseProvider(inUse?.sources ?? { scannersFor: () => [] });
      // A snapshot is judged as it was when captured, as audit does.
      const now = Number.isNaN(sources.capturedAt ?? Number.NaN) ? ctx.now() : (sources.capturedAt as number);
      const progress = progressOf(ctx, opts);
      const result = await remediate(sources, {
        days: opts.days,
        maxUntaggedDays: opts.maxUntaggedDays,
        apply: opts.apply,
        concurrency: opts.concurrency,
        selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
        guard: { enabled: opts.guard === 'on', horizonDays: opts.guardHorizonDays, inUse: provider, now: () => now },
        onProgress: progress.update,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      progress.done();
      result.errors.push(...provider.errors());
      if (opts.format === 'json') {
        ctx.out(JSON.stringify({ apply: opts.apply, ...result, apiCalls: counter.snapshot().calls }, null, 2));
      } else {
        ctx.out(renderRemediationPlan(result, opts.apply));
      }
      const problems = remediationProblems(result);
      if (problems.length > 0) {
        for (const line of problems) ctx.err(line);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}

/**
 * One error on stderr, `error: REGION[/REPOSITORY]: CODE: MESSAGE` (a region failure's message says it is one).
 *
 * @example errorLine({ region: 'eu-west-1', repositoryName: 'app', code: 'AccessDeniedException', message: '…' }) // 'error: eu-west-1/app: AccessDeniedException: …'
 */
export function errorLine(e: ReportError): string {
  // One line, control characters made visible: names and messages may come from a snapshot file.
  const where = e.repositoryName === undefined ? '' : `/${e.repositoryName}`;
  const source = e.source === undefined ? '' : ` (in-use source ${e.source})`;
  return oneLine(`error: ${e.region}${where}${source}: ${e.code}: ${e.message}`);
}

/** Outcomes that leave a repository without untagged cleanup although the janitor may change it. */
const NOT_REMEDIATED: ReadonlySet<RemediationOutcome> = new Set<RemediationOutcome>([
  'failed',
  'unmergeable',
  'skipped-changed',
  'not-reached',
]);

/**
 * What `remediate` reports on stderr before exiting 3: one line per region it could not list and
 * per repository it could not bring up to standard (failed, unmergeable, or changed under it), with
 * the reason; empty when every repository was handled.
 *
 * @example remediationProblems(result) // ['unmergeable: us-east-1/app: the policy already has 50 rules, …']
 */
export function remediationProblems(result: RemediationResult): string[] {
  // A repository's own error is also its `failed` action: each is reported once, from the action.
  const regional = result.errors.filter((e) => e.repositoryName === undefined);
  const regions = regional.map(errorLine);
  const unlisted = regional.filter((e) => e.source === undefined).length;
  const unscanned = regional.length - unlisted;
  const repositories = result.actions
    .filter((a) => NOT_REMEDIATED.has(a.outcome))
    .map((a) => oneLine(`${a.outcome}: ${a.region}/${a.repositoryName}${a.message === undefined ? '' : `: ${a.message}`}`));
  if (regions.length === 0 && repositories.length === 0) return [];
  const summary = [
    repositories.length > 0 ? `${repositories.length} repositor${repositories.length === 1 ? 'y was' : 'ies were'} not remediated` : '',
    unlisted > 0 ? `${unlisted} region${unlisted === 1 ? '' : 's'} could not be listed` : '',
    unscanned > 0 ? `${unscanned} in-use source${unscanned === 1 ? '' : 's'} could not be read` : '',
  ].filter((part) => part !== '');
  return [`${summary.join('; ')}:`, ...regions, ...repositories];
}

/** `snapshot`: capture registries into a file that `audit --snapshot` reads offline. */
export function snapshotCommand(ctx: CliContext): Command {
  const command = new Command('snapshot').description(
    'capture repositories, policies, tags, images and manifests into a file for offline audits',
  );
  addInUseOptions(addSourceOptions(command, { snapshot: false, selection: false }), { guard: false })
    .requiredOption('--out <file>', 'snapshot file to write')
    .action(async (opts: SourceFlags & InUseFlags & { out: string }) => {
      await checkOutputFile(opts.out, '--out');
      const counter = new CallCounter();
      const sources = await openSources(opts, counter, ctx.env);
      const inUse = await inUseSourcesOf(opts, { counter });
      const progress = progressOf(ctx, opts);
      const outcome = await captureSnapshot(
        sources.map((s) => s.reader),
        // Written repository by repository: one string of a large account's snapshot could exceed V8's limit.
        {
          write: async (snapshot) => {
            try {
              await new SnapshotFileWriter(opts.out).write(snapshot);
            } catch (error) {
              throw outputError(opts.out, error);
            }
          },
        },
        {
          concurrency: opts.concurrency,
          now: () => ctx.now(),
          ...(inUse === undefined ? {} : { inUse: inUse.sources }),
          onProgress: progress.update,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
      progress.done();
      if (!outcome.written) {
        ctx.err(`interrupted: no snapshot written (${outcome.notReached.length} repositories or regions were not read)`);
        return;
      }
      const { registries } = outcome.snapshot;
      const repositories = registries.reduce((n, r) => n + r.repositories.length, 0);
      const images = registries.reduce((n, r) => n + r.repositories.reduce((m, repo) => m + repo.images.length, 0), 0);
      ctx.err(`wrote ${opts.out}: ${repositories} repositories, ${images} images, ${counter.snapshot().calls.total ?? 0} API calls`);
      const errors = [...outcome.snapshot.errors, ...outcome.inUseErrors];
      for (const e of errors) ctx.err(errorLine(e));
      const partial = partialFailureLine(errors, 'read', `${opts.out} (an audit of it exits 3 and lists them)`);
      if (partial !== undefined) {
        ctx.err(partial);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}
