import pLimit from 'p-limit';
import { analyseRepository } from '../domain/analysis';
import { costAllocationTagsOf, costGroupsOf } from '../domain/cost-groups';
import type { InUseCatalog } from '../domain/in-use';
import type { RepositoryRef, RepositoryState } from '../domain/registry';
import type { PolicyAssessment } from '../domain/remediation';
import type { AuditReport, BlobMountingSetting, GuardSummary, InUseAtRiskImage, RepositoryReport } from '../domain/report';
import type { NotReached, NotReachedReason, ReportError, ReportWarning } from '../domain/report-problems';
import { compareRepositoryReports } from '../domain/report';
import { compareLocations } from '../domain/report-problems';
import { totalsOf } from '../domain/report-totals';
import { accountReportOf, type AccountIdentity } from '../domain/accounts';
import type { Selection } from '../domain/selection';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { ApiCallCounter, RegistryReader } from '../ports/registry';
import { readRepositoryState } from './read-repository';
import { regionFailure, toReportError } from './errors';
import { DEFAULT_ARCHIVE_AFTER_DAYS, DEFAULT_LINT_MAX_UNTAGGED_DAYS } from '../domain/defaults';
import { sumPrediction } from '../domain/forecast';
import type { LedgerPeriod } from '../domain/report';
import { truthOf, type TruthLookup } from './truth';
import { blobMountingAudit } from './blob-mounting';

/** Progress of a scan, for progress bars. */
export interface ScanProgress {
  region: string;
  done: number;
  total: number;
  /** Set (with `total` 0) when the region's repositories could not be listed: a region failure, not an empty region. */
  listingError?: ReportError;
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
  /** Tag keys to group costs by, besides the name prefix (checked by the caller). @default [] */
  costAllocationTagKeys?: readonly string[];
  /** Days without a pull after which an image counts as archivable. @default 90 */
  archiveAfterDays?: number;
  /** USD per GB-month of archive storage; without it no archive saving is priced. @default null */
  archivePricePerGbMonth?: number | null;
  /** The lint's limit: untagged images kept longer than this many days get an `UntaggedRetentionLong` finding. @default 30 */
  lintMaxUntaggedDays?: number;
  /** When set, the effective policy counts remediation shortening longer untagged age rules to this many days. @default undefined (off) */
  enforcedMaxUntaggedDays?: number;
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
  /** Stops the audit early (see {@link ScanOptions.signal}); the report is then marked incomplete. @default never */
  signal?: AbortSignal;
  /** What is in use, to judge the repositories with (the in-use guard). @default none: no in-use figures */
  inUse?: AuditInUse;
  /** What the ledger and the last forecast say of each repository (realized savings, prediction). @default none */
  truth?: TruthLookup;
  /** The period the ledger covers, recorded in the report. @default none */
  ledger?: LedgerPeriod;
  /** The account read (its id and name), for the report's `accounts`. @default the account of its repositories */
  account?: AccountIdentity;
}

/** The in-use knowledge an audit judges repositories with. */
export interface AuditInUse extends GuardSummary {
  /** What is in use over every audited region (see `collectInUse`): every repository is judged against all of it. */
  catalog: InUseCatalog;
  /** The in-use sources that could not be read, for the report's `errors`. */
  errors: readonly ReportError[];
  /** What the in-use sources could not see, for the report's `warnings`. @default none */
  warnings?: readonly ReportWarning[];
}

/** How {@link scanRegistries} reads. */
export interface ScanOptions {
  /** Repositories read at the same time, over all regions. */
  concurrency: number;
  /** Called with each repository read whole. */
  visit: (state: RepositoryState, reader: RegistryReader) => void;
  /** Where read failures go, one entry per repository (or region whose listing failed). */
  errors: ReportError[];
  onProgress?: (progress: ScanProgress) => void;
  /** Called with each listed repository that could not be read. */
  onFailed?: (ref: RepositoryRef) => void;
  /**
   * Stops the scan: no repository (or region listing) starts after it fires, and those in flight are
   * no longer waited for; all of them are returned as not reached, with the signal's reason
   * (`deadline` unless the reason says `interrupted`). @default never
   */
  signal?: AbortSignal;
  /**
   * Timeouts in a row after which a region's endpoint counts as unresponsive and its remaining
   * repositories are not tried (each would wait out its own timeouts). @default 3
   */
  unresponsiveAfter?: number;
  /** The repositories of a region, when already known (a weekly shard's batch). @default the region's listing */
  refsOf?: (reader: RegistryReader) => Promise<RepositoryRef[]>;
  /** Reads one repository whole (a weekly shard passes its tags and cached manifests). @default readRepositoryState */
  read?: (reader: RegistryReader, ref: RepositoryRef) => Promise<RepositoryState>;
}

/** What a scan left out: repositories (or whole regions) it never read. */
export interface ScanResult {
  notReached: NotReached[];
}

// EndpointUnresponsiveError: a call not even sent, because its endpoint left the calls before it unanswered.
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'EndpointUnresponsiveError',
]);

/** The reason an aborted signal gives: `interrupted` for SIGINT/SIGTERM, `deadline` otherwise. */
function notReachedReasonOf(signal: AbortSignal | undefined): NotReachedReason {
  return signal?.reason === 'interrupted' ? 'interrupted' : 'deadline';
}

/** Resolves when `signal` fires (never when there is none). */
function whenAborted(signal: AbortSignal | undefined): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

/**
 * Reads repositories of every region, repository by repository; one failure never stops the others.
 * A region whose listing fails is one error; a region whose endpoint times out several times in a
 * row is given up (its remaining repositories are not reached); an aborted signal stops the scan.
 */
export async function scanRegistries(readers: readonly RegistryReader[], options: ScanOptions): Promise<ScanResult> {
  const { errors, signal } = options;
  const limit = pLimit(Math.max(1, options.concurrency));
  const notReached: NotReached[] = [];
  const aborted = whenAborted(signal);
  const listed = await Promise.all(
    readers.map(async (reader) => {
      try {
        const listing = options.refsOf ? options.refsOf(reader) : reader.listRepositories();
        const refs = signal?.aborted ? 'aborted' : await Promise.race([listing, aborted]);
        if (refs === 'aborted') {
          notReached.push({ region: reader.region, reason: notReachedReasonOf(signal) });
          return { reader, refs: [] as RepositoryRef[] };
        }
        return { reader, refs };
      } catch (error) {
        const listingError = regionFailure(reader.region, error);
        errors.push(listingError);
        return { reader, refs: [] as RepositoryRef[], listingError };
      }
    }),
  );
  const unresponsiveAfter = options.unresponsiveAfter ?? 3;
  await Promise.all(
    listed.map(async ({ reader, refs, listingError }) => {
      let done = 0;
      let timeoutsInARow = 0;
      options.onProgress?.({ region: reader.region, done, total: refs.length, ...(listingError === undefined ? {} : { listingError }) });
      await Promise.all(
        refs.map((ref) =>
          limit(async () => {
            const skip = (reason: NotReachedReason): void => {
              notReached.push({ region: reader.region, repositoryName: ref.repositoryName, reason });
            };
            try {
              if (signal?.aborted) return skip(notReachedReasonOf(signal));
              if (timeoutsInARow >= unresponsiveAfter) return skip('region-unresponsive');
              const state = await Promise.race([(options.read ?? readRepositoryState)(reader, ref), aborted]);
              if (state === 'aborted') return skip(notReachedReasonOf(signal));
              timeoutsInARow = 0;
              options.visit(state, reader);
            } catch (error) {
              const entry = toReportError(reader.region, ref.repositoryName, error);
              timeoutsInARow = TIMEOUT_CODES.has(entry.code) ? timeoutsInARow + 1 : 0;
              errors.push(entry);
              options.onFailed?.(ref);
            } finally {
              done++;
              options.onProgress?.({ region: reader.region, done, total: refs.length });
            }
          }),
        ),
      );
    }),
  );
  notReached.sort(compareLocations);
  return { notReached };
}

export { compareRepositoryReports } from '../domain/report';

/** What {@link repositoryAnalyser} judges repositories with: the audit's settings, without how it reads. */
export type AnalysisSettings = Pick<
  AuditOptions,
  | 'now'
  | 'days'
  | 'pricePerGbMonth'
  | 'selection'
  | 'costAllocationTagKeys'
  | 'archiveAfterDays'
  | 'lintMaxUntaggedDays'
  | 'enforcedMaxUntaggedDays'
  | 'truth'
> & {
  /** Each region's catalog and how the guard runs; absent: no in-use figures. */
  inUse?: Pick<AuditInUse, 'catalog' | 'mode' | 'horizonDays'>;
};

/** The rows of a report, as collected repository by repository (in any order). */
export interface ReportParts {
  repositories: RepositoryReport[];
  warnings: ReportWarning[];
  errors: ReportError[];
  notReached: NotReached[];
  inUseAtRiskImages: InUseAtRiskImage[];
}

/**
 * Analyses repositories one at a time into report rows: the audit does it as it reads, a weekly
 * shard for its batch. `visit` takes one repository's full state; `parts` holds what was found.
 *
 * @example const analyser = repositoryAnalyser(settings); analyser.visit(state); analyser.parts.repositories
 */
export function repositoryAnalyser(settings: AnalysisSettings): {
  visit: (state: RepositoryState, assessment?: PolicyAssessment) => void;
  parts: Pick<ReportParts, 'repositories' | 'warnings' | 'inUseAtRiskImages'>;
} {
  const parts = { repositories: [] as RepositoryReport[], warnings: [] as ReportWarning[], inUseAtRiskImages: [] as InUseAtRiskImage[] };
  const excluded = excludeMatcher(settings.selection.exclude);
  const inUse = settings.inUse;
  const tagKeys = [...(settings.costAllocationTagKeys ?? [])];
  const archiveAfterDays = settings.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS;
  const visit = (state: RepositoryState, assessment?: PolicyAssessment): void => {
    const analysis = analyseRepository(state, {
      now: settings.now,
      days: settings.days,
      pricePerGbMonth: settings.pricePerGbMonth,
      optedOut: isOptedOut(state.tags, settings.selection.optOutTag),
      excluded: excluded(state.repositoryName),
      archiveAfterDays,
      costAllocationTags: costAllocationTagsOf(state.tags, tagKeys),
      lintMaxUntaggedDays: settings.lintMaxUntaggedDays ?? DEFAULT_LINT_MAX_UNTAGGED_DAYS,
      enforcedMaxUntaggedDays: settings.enforcedMaxUntaggedDays,
      ...(assessment === undefined ? {} : { assessment }),
      ...(inUse === undefined
        ? {}
        : {
            inUse: {
              referenced: inUse.catalog.referencesOf(state, state.images),
              unknown: inUse.catalog.failures(),
              horizonDays: inUse.horizonDays,
              guard: inUse.mode === 'on',
            },
          }),
    });
    const truth = settings.truth?.(state);
    parts.repositories.push(
      truth === undefined
        ? analysis.report
        : { ...analysis.report, ...truthOf(state, truth, { now: settings.now, pricePerGbMonth: settings.pricePerGbMonth }) },
    );
    for (const warning of analysis.warnings)
      parts.warnings.push({ region: state.region, repositoryName: state.repositoryName, ...warning });
    for (const image of analysis.atRisk ?? [])
      parts.inUseAtRiskImages.push({ region: state.region, repositoryName: state.repositoryName, ...image });
  };
  return { visit, parts };
}

/** The report-wide settings {@link assembleReport} records. */
export interface ReportSettings {
  generatedAt: number;
  now: number;
  days: number;
  pricePerGbMonth: number;
  archiveAfterDays?: number;
  archivePricePerGbMonth?: number | null;
  costAllocationTagKeys?: readonly string[];
  apiCalls: Record<string, number>;
  apiRetries: Record<string, number>;
  /** How the in-use guard ran; absent when no in-use source was read. */
  guard?: GuardSummary;
  /** The period the ledger covered; absent without a ledger. */
  ledger?: LedgerPeriod;
  /** Each registry's `BLOB_MOUNTING` setting; absent when none was read. */
  blobMounting?: BlobMountingSetting[];
  /** The account read, for the report's `accounts`. @default the account of the first repository (none: '') */
  account?: AccountIdentity;
  /** The regions read, for the report's `accounts`. @default the regions of the rows, errors and repositories not reached */
  regions?: readonly string[];
}

/**
 * Builds the report from its rows, sorted as every report is (rows by reclaimable bytes, errors and
 * warnings by place), with the totals and cost groups computed from the rows.
 */
export function assembleReport(parts: ReportParts, settings: ReportSettings): AuditReport {
  const tagKeys = [...(settings.costAllocationTagKeys ?? [])];
  const archivePricePerGbMonth = settings.archivePricePerGbMonth ?? null;
  const repositories = [...parts.repositories].sort(compareRepositoryReports);
  const totals = totalsOf(repositories, settings.pricePerGbMonth, { archivePricePerGbMonth });
  const errors = [...parts.errors].sort(compareLocations);
  const complete = parts.notReached.length === 0;
  const regions = settings.regions ?? [...repositories, ...parts.errors, ...parts.notReached].map((r) => r.region);
  const account = settings.account ?? { accountId: repositories.find((r) => r.accountId !== '')?.accountId ?? '' };
  return {
    generatedAt: new Date(settings.generatedAt).toISOString(),
    now: new Date(settings.now).toISOString(),
    days: settings.days,
    pricePerGbMonth: settings.pricePerGbMonth,
    archiveAfterDays: settings.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS,
    archivePricePerGbMonth,
    costAllocationTagKeys: tagKeys,
    accounts: [accountReportOf({ totals, errors, complete }, { ...account, regions })],
    totals,
    costGroups: costGroupsOf(repositories, tagKeys, settings.pricePerGbMonth),
    repositories,
    apiCalls: settings.apiCalls,
    apiRetries: settings.apiRetries,
    errors,
    complete,
    notReached: [...parts.notReached].sort(compareLocations),
    warnings: [...parts.warnings].sort(compareLocations),
    ...(settings.ledger === undefined ? {} : { ledger: settings.ledger }),
    ...(settings.blobMounting === undefined || settings.blobMounting.length === 0 ? {} : { blobMounting: settings.blobMounting }),
    ...(repositories.some((r) => r.prediction !== undefined) ? { prediction: sumPrediction(repositories.map((r) => r.prediction)) } : {}),
    ...(settings.guard === undefined
      ? {}
      : {
          guard: settings.guard,
          inUseAtRiskImages: [...parts.inUseAtRiskImages].sort(
            (a, b) =>
              a.region.localeCompare(b.region) ||
              a.repositoryName.localeCompare(b.repositoryName) ||
              a.imageDigest.localeCompare(b.imageDigest),
          ),
        }),
  };
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
  const analyser = repositoryAnalyser(options);
  const inUse = options.inUse;
  // Each registry's BLOB_MOUNTING setting, read once before its repositories (their blobs are added up where it is on).
  const mounting = blobMountingAudit();
  await mounting.read(readers);
  const { notReached } = await scanRegistries(readers, {
    concurrency: options.concurrency,
    visit: (state) => {
      analyser.visit(state);
      mounting.visit(state);
      // Only a repository that was read and analysed whole is handed on (a failure lands in errors).
      options.onRepositoryState?.(state);
    },
    errors,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onRepositoryFailed ? { onFailed: options.onRepositoryFailed } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  errors.push(...(inUse?.errors ?? []));
  const counts = options.counter?.snapshot();
  const blobMounting = mounting.result(analyser.parts.repositories);
  return assembleReport(
    { ...analyser.parts, warnings: [...analyser.parts.warnings, ...(inUse?.warnings ?? []), ...blobMounting.warnings], errors, notReached },
    {
      ...options,
      blobMounting: blobMounting.settings,
      apiCalls: counts?.calls ?? {},
      apiRetries: counts?.retries ?? {},
      regions: readers.map((r) => r.region),
      ...(inUse === undefined ? {} : { guard: { mode: inUse.mode, horizonDays: inUse.horizonDays, sources: inUse.sources } }),
    },
  );
}
