import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  createEcrRegistryPool,
} from '../../adapters/aws/clients';
import { parseRateLimits, type RateLimits } from '../../adapters/aws/rate-limiter';
import { REPORT_EXTENSIONS, REPORT_FORMATS, renderReport, type ReportFormat } from '../../adapters/render';
import { renderRemediationPlan } from '../../adapters/render/remediation';
import { parseSnapshot } from '../../adapters/snapshot/schema';
import { snapshotInUse, type SnapshotInUseSources } from '../../adapters/snapshot/snapshot-in-use';
import { SnapshotRegistry } from '../../adapters/snapshot/snapshot-registry';
import { writeSnapshotFile } from '../../adapters/snapshot/snapshot-writer';
import { inUseRecordOf } from '../../domain/in-use';
import { DEFAULT_UNTAGGED_DAYS } from '../../domain/policy';
import type { RepositoryState, SnapshotFile } from '../../domain/registry';
import { SNAPSHOT_FORMAT } from '../../domain/registry';
import type { AuditReport } from '../../domain/report';
import { REGION_NAME } from '../../domain/region';
import { DEFAULT_OPT_OUT_TAG } from '../../domain/selection';
import type { PolicyWriter, RegistryReader } from '../../ports/registry';
import { audit, scanRegistries } from '../../use-cases/audit';
import { inUseProvider } from '../../use-cases/in-use';
import { remediate, type RemediationOutcome, type RemediationResult } from '../../use-cases/remediate';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import { readJsonFile } from '../io';
import { parseNonNegative, parseNow, parsePositiveInt } from '../options';
import { progressReporter } from '../progress';
import { addInUseOptions, inUseSourcesOf, readInUse, type GuardFlags, type InUseFlags } from './in-use';

/** Flags shared by the commands that read a registry. */
interface SourceFlags {
  region?: string;
  endpoint?: string;
  rateLimit?: RateLimits;
  maxAttempts: number;
  retryMode: 'adaptive' | 'standard';
  connectTimeout: number;
  requestTimeout: number;
  snapshot?: string;
  concurrency: number;
}

/** Flags of the commands that judge repositories (audit, remediate): which ones the janitor may change. */
interface SelectionFlags {
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
function addSourceOptions(command: Command, { snapshot, selection }: { snapshot: boolean; selection: boolean }): Command {
  command
    .option('--region <regions>', "comma-separated AWS regions (default: AWS_REGION, else the snapshot's regions)")
    .option('--endpoint <url>', 'AWS endpoint URL for ECR (and ECS and Lambda when scanning for images in use), e.g. a local emulator')
    .option('--concurrency <n>', 'repositories read at the same time', parsePositiveInt, 8)
    .option(
      '--rate-limit <limits>',
      'client-side limits per ECR operation, e.g. DescribeImages=18/5,GetLifecyclePolicy=18 (calls per second/burst)',
      parseRateLimitFlag,
    )
    .option('--max-attempts <n>', 'attempts per AWS call, retries of throttling included', parsePositiveInt, DEFAULT_MAX_ATTEMPTS)
    .addOption(new Option('--retry-mode <mode>', 'SDK retry mode').choices(['adaptive', 'standard']).default('adaptive'))
    .option('--connect-timeout <ms>', 'milliseconds a connection to AWS may take to open', parsePositiveInt, DEFAULT_CONNECTION_TIMEOUT_MS)
    .option(
      '--request-timeout <ms>',
      'milliseconds an attempt of an AWS call may wait for its answer (with the retries, a silent endpoint fails a call in under 2 minutes)',
      parsePositiveInt,
      DEFAULT_REQUEST_TIMEOUT_MS,
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

function parseRegions(value: string | undefined): string[] {
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
async function openSources(flags: SourceFlags, counter: CallCounter): Promise<Sources> {
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
      { capturedAt: Date.parse(snapshot.capturedAt), inUse: snapshotInUse(snapshot, regions) },
    );
  }
  const live =
    regions.length > 0
      ? regions
      : [process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION].filter((r): r is string => r !== undefined && r !== '');
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

async function writeArtifacts(dir: string, report: AuditReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  // Each file is written whole to a temporary name, then renamed: no half-written reports.
  for (const format of ['json', 'csv', 'markdown', 'html'] as const) {
    const target = join(dir, `report.${REPORT_EXTENSIONS[format]}`);
    await writeFile(`${target}.tmp`, renderReport(report, format));
    await rename(`${target}.tmp`, target);
    written.push(target);
  }
  return written;
}

/** `audit`: policy status, de-duplicated storage cost and what the policy will reclaim. */
export function auditCommand(ctx: CliContext): Command {
  const command = new Command('audit').description(
    'audit every repository: lifecycle policy status, storage cost (de-duplicated as ECR bills it), what the policy will reclaim',
  );
  addInUseOptions(addSourceOptions(command, { snapshot: true, selection: true }), { guard: true })
    .option('--days <n>', 'age in days of the default untagged-image rule', parsePositiveInt, DEFAULT_UNTAGGED_DAYS)
    .option('--now <iso-8601>', 'evaluate policies at this time (default: now, or the capture time of --snapshot)', parseNow)
    .option('--price-per-gb-month <usd>', 'storage price in USD per GB-month', parseNonNegative, 0.1)
    .addOption(new Option('--format <format>', 'output on stdout').choices([...REPORT_FORMATS]).default('table'))
    .option('--out <dir>', 'also write report.json, report.csv, report.md and report.html to DIR')
    .action(
      async (
        opts: SourceFlags &
          SelectionFlags &
          InUseFlags &
          GuardFlags & { days: number; now?: number; pricePerGbMonth: number; format: ReportFormat; out?: string },
      ) => {
        const counter = new CallCounter();
        const sources = await openSources(opts, counter);
        // What is in use, read before the repositories are judged; a source that fails is an error of its region.
        const regions = sources.map((s) => s.reader.region);
        const inUse = await readInUse(opts, { ...(sources.inUse === undefined ? {} : { snapshot: sources.inUse }), counter, regions });
        const progress = progressReporter(ctx);
        const report = await audit(
          sources.map((s) => s.reader),
          {
            // A snapshot is judged as it was when captured, so its numbers do not drift as days pass.
            now: opts.now ?? (Number.isNaN(sources.capturedAt ?? Number.NaN) ? ctx.now() : (sources.capturedAt as number)),
            generatedAt: ctx.now(),
            days: opts.days,
            pricePerGbMonth: opts.pricePerGbMonth,
            selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
            concurrency: opts.concurrency,
            ...(opts.snapshot === undefined ? { counter } : {}),
            onProgress: progress.update,
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
        ctx.out(renderReport(report, opts.format).trimEnd());
        if (opts.out !== undefined) {
          const written = await writeArtifacts(opts.out, report);
          ctx.err(`wrote ${written.join(', ')}`);
        }
        if (report.errors.length > 0) {
          ctx.err(
            `${report.errors.length} repositor${report.errors.length === 1 ? 'y' : 'ies'} could not be fully audited; see "errors" in the report`,
          );
          ctx.exitCode = EXIT.partial;
        }
      },
    );
  return command;
}

/** `remediate`: merge the default rule into every policy that lacks one (dry run unless --apply). */
export function remediateCommand(ctx: CliContext): Command {
  const command = new Command('remediate').description(
    'merge the default untagged-image rule into every policy that lacks one; dry run unless --apply',
  );
  addInUseOptions(addSourceOptions(command, { snapshot: true, selection: true }), { guard: true })
    .option('--days <n>', 'expire untagged images this many days after push', parsePositiveInt, DEFAULT_UNTAGGED_DAYS)
    .option('--apply', 'write the policies (PutLifecyclePolicy); without it nothing is written', false)
    .addOption(new Option('--format <format>', 'output on stdout').choices(['table', 'json']).default('table'))
    .action(
      async (opts: SourceFlags & SelectionFlags & InUseFlags & GuardFlags & { days: number; apply: boolean; format: 'table' | 'json' }) => {
        if (opts.apply && opts.snapshot !== undefined)
          throw new UsageError('--apply cannot be used with --snapshot: a snapshot is read-only; drop --snapshot to write to ECR');
        const counter = new CallCounter();
        const sources = await openSources(opts, counter);
        // Read per region, only once a write is due there: a compliant account costs no workload scan.
        const inUse = await inUseSourcesOf(opts, { ...(sources.inUse === undefined ? {} : { snapshot: sources.inUse }), counter });
        const provider = inUseProvider(inUse?.sources ?? { scannersFor: () => [] });
        const now = Number.isNaN(sources.capturedAt ?? Number.NaN) ? ctx.now() : (sources.capturedAt as number);
        const result = await remediate(sources, {
          days: opts.days,
          apply: opts.apply,
          concurrency: opts.concurrency,
          selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
          guard: { enabled: opts.guard === 'on', horizonDays: opts.guardHorizonDays, inUse: provider, now: () => now },
        });
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
      },
    );
  return command;
}

/** Outcomes that leave a repository without untagged cleanup although the janitor may change it. */
const NOT_REMEDIATED: ReadonlySet<RemediationOutcome> = new Set<RemediationOutcome>(['failed', 'unmergeable', 'skipped-changed']);

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
  const regions = regional.map(
    (e) => `error: ${e.region}${e.source === undefined ? '' : ` (in-use source ${e.source})`}: ${e.code}: ${e.message}`,
  );
  const unlisted = regional.filter((e) => e.source === undefined).length;
  const unscanned = regional.length - unlisted;
  const repositories = result.actions
    .filter((a) => NOT_REMEDIATED.has(a.outcome))
    .map((a) => `${a.outcome}: ${a.region}/${a.repositoryName}${a.message === undefined ? '' : `: ${a.message}`}`);
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
      const counter = new CallCounter();
      const sources = await openSources(opts, counter);
      const collected = await readInUse(opts, { counter, regions: sources.map((s) => s.reader.region) });
      const progress = progressReporter(ctx);
      const byRegion = new Map<string, RepositoryState[]>(sources.map((s) => [s.reader.region, []]));
      // The registry's images in use and the sources that failed, when the capture looked.
      const inUseRecord = (region: string, states: readonly RepositoryState[]): Partial<SnapshotFile['registries'][number]> => {
        const catalog = collected?.catalogs.get(region);
        if (catalog === undefined) return {};
        const failures = catalog.failuresIn(region).map(({ source, code, message }) => ({ source, code, message }));
        return { inUse: inUseRecordOf(states, catalog), ...(failures.length > 0 ? { inUseErrors: failures } : {}) };
      };
      const errors: AuditReport['errors'] = [];
      await scanRegistries(
        sources.map((s) => s.reader),
        opts.concurrency,
        (state) => byRegion.get(state.region)?.push(state),
        errors,
        progress.update,
      );
      progress.done();
      const file: SnapshotFile = {
        format: SNAPSHOT_FORMAT,
        capturedAt: new Date(ctx.now()).toISOString(),
        registries: [...byRegion].map(([region, states]) => ({
          accountId: states[0]?.accountId ?? '',
          region,
          // Before the repositories: the writer streams the repositories array last.
          ...inUseRecord(region, states),
          repositories: states
            .sort((a, b) => a.repositoryName.localeCompare(b.repositoryName))
            .map((s) => ({
              repositoryName: s.repositoryName,
              repositoryArn: s.repositoryArn,
              createdAt: s.createdAt ?? null,
              tags: s.tags,
              lifecyclePolicyText: s.lifecyclePolicyText,
              images: s.images,
            })),
        })),
      };
      for (const e of collected?.errors ?? []) errors.push(e);
      // Written repository by repository: one string of a large account's snapshot could exceed V8's limit.
      await writeSnapshotFile(opts.out, file);
      const repositories = file.registries.reduce((n, r) => n + r.repositories.length, 0);
      const images = file.registries.reduce((n, r) => n + r.repositories.reduce((m, repo) => m + repo.images.length, 0), 0);
      ctx.err(`wrote ${opts.out}: ${repositories} repositories, ${images} images, ${counter.snapshot().calls.total ?? 0} API calls`);
      for (const e of errors) ctx.err(`error: ${e.region}${e.repositoryName ? `/${e.repositoryName}` : ''}: ${e.code}: ${e.message}`);
      if (errors.length > 0) ctx.exitCode = EXIT.partial;
    });
  return command;
}
