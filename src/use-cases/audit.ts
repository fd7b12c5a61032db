import pLimit from 'p-limit';
import { analyseRepository } from '../domain/analysis';
import type { InUseCatalog } from '../domain/in-use';
import type { RepositoryRef, RepositoryState } from '../domain/registry';
import type { AuditReport, GuardSummary, InUseAtRiskImage, ReportError, ReportWarning, RepositoryReport } from '../domain/report';
import { totalsOf } from '../domain/report';
import type { Selection } from '../domain/selection';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { ApiCallCounter, RegistryReader } from '../ports/registry';
import { readRepositoryState } from './read-repository';
import { toReportError } from './errors';

/** Progress of a scan, for progress bars. */
export interface ScanProgress {
  region: string;
  done: number;
  total: number;
}

/** Settings of an audit. */
export interface AuditOptions {
  /** Evaluation time, epoch milliseconds. */
  now: number;
  /** Age in days of the default untagged-image rule. @default 7 */
  days: number;
  /** USD per GB-month of storage. @default 0.10 */
  pricePerGbMonth: number;
  /** Opt-out tag and exclude globs. */
  selection: Selection;
  /** Repositories read at the same time, per run. @default 8 */
  concurrency: number;
  /** The time the report is generated, epoch milliseconds. */
  generatedAt: number;
  /** Counts the AWS calls made, for the report. */
  counter?: ApiCallCounter;
  /** Called after each repository (and once per region with done = 0). */
  onProgress?: (progress: ScanProgress) => void;
  /** Called with each repository's full state (snapshots use it). */
  onRepositoryState?: (state: RepositoryState) => void;
  /** Called with each listed repository that could not be read or analysed (it is in `errors`). */
  onRepositoryFailed?: (ref: RepositoryRef) => void;
  /** What is in use, to judge the repositories with (the in-use guard). @default none: no in-use figures */
  inUse?: AuditInUse;
}

/** The in-use knowledge an audit judges repositories with. */
export interface AuditInUse extends GuardSummary {
  /** Each audited region's catalog (see `collectInUse`); a region without one is judged with nothing in use. */
  catalogs: ReadonlyMap<string, InUseCatalog>;
  /** The in-use sources that could not be read, for the report's `errors`. */
  errors: readonly ReportError[];
}

/** Reads repositories of every region, repository by repository; one failure never stops the others. */
export async function scanRegistries(
  readers: readonly RegistryReader[],
  concurrency: number,
  visit: (state: RepositoryState, reader: RegistryReader) => void,
  errors: ReportError[],
  onProgress?: (progress: ScanProgress) => void,
  onFailed?: (ref: RepositoryRef) => void,
): Promise<void> {
  const limit = pLimit(Math.max(1, concurrency));
  const listed = await Promise.all(
    readers.map(async (reader) => {
      try {
        return { reader, refs: await reader.listRepositories() };
      } catch (error) {
        errors.push(toReportError(reader.region, undefined, error));
        return { reader, refs: [] as RepositoryRef[] };
      }
    }),
  );
  await Promise.all(
    listed.map(async ({ reader, refs }) => {
      let done = 0;
      onProgress?.({ region: reader.region, done, total: refs.length });
      await Promise.all(
        refs.map((ref) =>
          limit(async () => {
            try {
              visit(await readRepositoryState(reader, ref), reader);
            } catch (error) {
              errors.push(toReportError(reader.region, ref.repositoryName, error));
              onFailed?.(ref);
            } finally {
              done++;
              onProgress?.({ region: reader.region, done, total: refs.length });
            }
          }),
        ),
      );
    }),
  );
}

/** Orders report rows: most reclaimable first, then most stored, then by region and name. */
export function compareRepositoryReports(a: RepositoryReport, b: RepositoryReport): number {
  return (
    b.reclaimableBytes - a.reclaimableBytes ||
    b.storedBytes - a.storedBytes ||
    a.region.localeCompare(b.region) ||
    a.repositoryName.localeCompare(b.repositoryName)
  );
}

/** Orders errors and warnings by region, then repository (a region's listing first). */
function byLocation(a: Pick<ReportError, 'region' | 'repositoryName'>, b: Pick<ReportError, 'region' | 'repositoryName'>): number {
  return a.region.localeCompare(b.region) || (a.repositoryName ?? '').localeCompare(b.repositoryName ?? '');
}

/**
 * Audits every repository of every region: policy status, de-duplicated storage and cost, and
 * what the effective policy will reclaim. Read failures are recorded per repository in `errors`
 * (those repositories are missing from the totals); policies that could not be evaluated or
 * merged into go to `warnings` (those repositories are in the totals).
 *
 * @example const report = await audit([reader], { now: Date.now(), days: 7, … });
 */
export async function audit(readers: readonly RegistryReader[], options: AuditOptions): Promise<AuditReport> {
  const errors: ReportError[] = [];
  const warnings: ReportWarning[] = [];
  const repositories: RepositoryReport[] = [];
  const atRisk: InUseAtRiskImage[] = [];
  const excluded = excludeMatcher(options.selection.exclude);
  const inUse = options.inUse;
  await scanRegistries(
    readers,
    options.concurrency,
    (state) => {
      const catalog = inUse?.catalogs.get(state.region);
      const analysis = analyseRepository(state, {
        now: options.now,
        days: options.days,
        pricePerGbMonth: options.pricePerGbMonth,
        optedOut: isOptedOut(state.tags, options.selection.optOutTag),
        excluded: excluded(state.repositoryName),
        ...(inUse === undefined
          ? {}
          : {
              inUse: {
                referenced: catalog?.referencesOf(state) ?? new Map(),
                unknown: catalog?.failuresIn(state.region) ?? [],
                horizonDays: inUse.horizonDays,
                guard: inUse.mode === 'on',
              },
            }),
      });
      repositories.push(analysis.report);
      if (analysis.warning !== undefined) {
        warnings.push({ region: state.region, repositoryName: state.repositoryName, ...analysis.warning });
      }
      for (const warning of analysis.inUseWarnings ?? [])
        warnings.push({ region: state.region, repositoryName: state.repositoryName, ...warning });
      for (const image of analysis.atRisk ?? []) atRisk.push({ region: state.region, repositoryName: state.repositoryName, ...image });
      // Only a repository that was read and analysed whole is handed on (a failure lands in errors).
      options.onRepositoryState?.(state);
    },
    errors,
    options.onProgress,
    options.onRepositoryFailed,
  );
  repositories.sort(compareRepositoryReports);
  errors.push(...(inUse?.errors ?? []));
  errors.sort(byLocation);
  warnings.sort(byLocation);
  const counts = options.counter?.snapshot();
  return {
    generatedAt: new Date(options.generatedAt).toISOString(),
    now: new Date(options.now).toISOString(),
    days: options.days,
    pricePerGbMonth: options.pricePerGbMonth,
    totals: totalsOf(repositories, options.pricePerGbMonth),
    repositories,
    apiCalls: counts?.calls ?? {},
    apiRetries: counts?.retries ?? {},
    errors,
    warnings,
    ...(inUse === undefined
      ? {}
      : {
          guard: { mode: inUse.mode, horizonDays: inUse.horizonDays, sources: inUse.sources },
          inUseAtRiskImages: atRisk.sort(
            (a, b) =>
              a.region.localeCompare(b.region) ||
              a.repositoryName.localeCompare(b.repositoryName) ||
              a.imageDigest.localeCompare(b.imageDigest),
          ),
        }),
  };
}
