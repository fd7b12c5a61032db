import type { AdviceFile, AdviceOptions, AdvisedRepository, RepositoryAdvice } from '../domain/advice';
import { ADVICE_FORMAT, adviceTotals, adviseRepository } from '../domain/advice';
import { costAllocationTagsOf, groupValueOf, ownerGrouping } from '../domain/cost-groups';
import { DEFAULT_ARCHIVE_AFTER_DAYS, DEFAULT_LINT_MAX_UNTAGGED_DAYS as DEFAULT_MAX_UNTAGGED_DAYS } from '../domain/defaults';
import type { RepositoryState } from '../domain/registry';
import type { PolicyAssessment } from '../domain/remediation';
import type { NotReached, ReportError } from '../domain/report-problems';
import type { Selection } from '../domain/selection';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { RegistryReader } from '../ports/registry';
import type { AuditInUse, ScanProgress } from './audit';
import { scanRegistries } from './audit';
import { toReportError } from './errors';

/** What the advisor judges repositories with: the audit's settings (so its figures are the audit's) and its own. */
export interface AdvisorSettings {
  /** Evaluation time, epoch ms. */
  now: number;
  days: number;
  /** The lint's limit on untagged retention. @default 30 */
  lintMaxUntaggedDays?: number;
  /** The enforced maximum untagged age, when remediation enforces one. @default undefined (off) */
  enforcedMaxUntaggedDays?: number;
  pricePerGbMonth: number;
  archiveAfterDays?: number;
  archivePricePerGbMonth: number | null;
  keepPulledDays: number;
  rollbackMargin: number;
  selection: Selection;
  /** Tag keys naming owners (the first one names a repository's owner; the name prefix without one). @default [] */
  costAllocationTagKeys?: readonly string[];
  /** What is in use over every region of the run; absent: nothing known to be in use. */
  inUse?: Pick<AuditInUse, 'catalog' | 'mode' | 'horizonDays'>;
}

/**
 * Advises repositories one at a time, as they are read (the `advise` command, a weekly shard).
 *
 * @example const advisor = repositoryAdvisor(settings); advisor.visit(state); advisor.advised
 */
export function repositoryAdvisor(settings: AdvisorSettings): {
  /** Advises one repository; `assessment`: its policy as the caller assessed it with the same days and enforced maximum. */
  visit: (state: RepositoryState, assessment?: PolicyAssessment) => AdvisedRepository;
  advised: AdvisedRepository[];
} {
  const excluded = excludeMatcher(settings.selection.exclude);
  const tagKeys = [...(settings.costAllocationTagKeys ?? [])];
  const grouping = ownerGrouping(tagKeys);
  const advised: AdvisedRepository[] = [];
  const visit = (state: RepositoryState, assessment?: PolicyAssessment): AdvisedRepository => {
    const catalog = settings.inUse?.catalog;
    const costAllocationTags = costAllocationTagsOf(state.tags, tagKeys);
    const options: AdviceOptions = {
      now: settings.now,
      days: settings.days,
      pricePerGbMonth: settings.pricePerGbMonth,
      optedOut: isOptedOut(state.tags, settings.selection.optOutTag),
      excluded: excluded(state.repositoryName),
      archiveAfterDays: settings.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS,
      costAllocationTags,
      lintMaxUntaggedDays: settings.lintMaxUntaggedDays ?? DEFAULT_MAX_UNTAGGED_DAYS,
      ...(settings.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: settings.enforcedMaxUntaggedDays }),
      keepPulledDays: settings.keepPulledDays,
      rollbackMargin: settings.rollbackMargin,
      archivePricePerGbMonth: settings.archivePricePerGbMonth,
      ...(assessment === undefined ? {} : { assessment }),
      ...(settings.inUse === undefined
        ? {}
        : {
            inUse: {
              referenced: catalog?.referencesOf(state, state.images) ?? new Map(),
              unknown: catalog?.failures() ?? [],
              horizonDays: settings.inUse.horizonDays,
              guard: settings.inUse.mode === 'on',
            },
          }),
    };
    const entry: AdvisedRepository = {
      advice: adviseRepository(state, options),
      owner: groupValueOf({ repositoryName: state.repositoryName, costAllocationTags }, grouping),
    };
    advised.push(entry);
    return entry;
  };
  return { visit, advised };
}

/**
 * Orders advice as every report orders rows: largest extra saving first, then by region and name.
 */
export function compareAdvice(a: RepositoryAdvice, b: RepositoryAdvice): number {
  return (
    b.monthlyExtraSavingsUsd - a.monthlyExtraSavingsUsd ||
    a.region.localeCompare(b.region) ||
    a.repositoryName.localeCompare(b.repositoryName)
  );
}

/** Builds the advice file from the advised repositories and the failures of the run. */
export function adviceFileOf(
  advised: readonly RepositoryAdvice[],
  settings: AdvisorSettings & { generatedAt: number },
  errors: readonly ReportError[],
): AdviceFile {
  const repositories = [...advised].sort(compareAdvice);
  return {
    format: ADVICE_FORMAT,
    generatedAt: new Date(settings.generatedAt).toISOString(),
    now: new Date(settings.now).toISOString(),
    settings: {
      keepPulledDays: settings.keepPulledDays,
      rollbackMargin: settings.rollbackMargin,
      days: settings.days,
      maxUntaggedDays: settings.lintMaxUntaggedDays ?? DEFAULT_MAX_UNTAGGED_DAYS,
      pricePerGbMonth: settings.pricePerGbMonth,
      archiveAfterDays: settings.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS,
      archivePricePerGbMonth: settings.archivePricePerGbMonth,
    },
    repositories,
    totals: adviceTotals(repositories),
    errors: [...errors].sort((a, b) => a.region.localeCompare(b.region) || (a.repositoryName ?? '').localeCompare(b.repositoryName ?? '')),
  };
}

/** Settings of {@link advise}: the advisor's, and how to read. */
export interface AdviseOptions extends AdvisorSettings {
  generatedAt: number;
  /** Only these repositories (every region is searched for each); all when absent or empty. */
  repositories?: readonly string[];
  /** Repositories read at the same time. */
  concurrency: number;
  /** In-use sources that could not be read, for the file's errors. */
  inUseErrors?: readonly ReportError[];
  onProgress?: (progress: ScanProgress) => void;
  signal?: AbortSignal;
}

/** What {@link advise} found: the advice file, each repository's owner, and what was not read. */
export interface AdviseResult {
  file: AdviceFile;
  /** The owner of each advised repository, by `region/name`. */
  owners: Map<string, string>;
  notReached: NotReached[];
}

/**
 * Reads every repository of every region (or only those named) and advises a lifecycle policy for
 * each; a repository that cannot be read is an error of the file and never stops the others.
 *
 * @example const { file } = await advise(readers, { now, generatedAt: now, days: 7, …, keepPulledDays: 90, rollbackMargin: 3 });
 */
export async function advise(readers: readonly RegistryReader[], options: AdviseOptions): Promise<AdviseResult> {
  const advisor = repositoryAdvisor(options);
  const errors: ReportError[] = [...(options.inUseErrors ?? [])];
  const wanted = new Set(options.repositories ?? []);
  const found = new Set<string>();
  const { notReached } = await scanRegistries(readers, {
    concurrency: options.concurrency,
    ...(wanted.size === 0
      ? {}
      : {
          refsOf: async (reader) => {
            const refs = (await reader.listRepositories()).filter((ref) => wanted.has(ref.repositoryName));
            for (const ref of refs) found.add(ref.repositoryName);
            return refs;
          },
        }),
    visit: (state) => {
      try {
        advisor.visit(state);
      } catch (error) {
        errors.push(toReportError(state.region, state.repositoryName, error));
      }
    },
    errors,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const regions = readers.map((r) => r.region);
  const listed = new Set(errors.filter((e) => e.repositoryName === undefined).map((e) => e.region));
  for (const name of wanted) {
    // A name not found in a region whose listing failed may be there: that region's error says so.
    if (!found.has(name) && listed.size === 0)
      errors.push({
        region: regions.join(','),
        repositoryName: name,
        code: 'RepositoryNotFoundException',
        message: `no repository of this name in ${regions.join(', ')}; check the name and --region`,
      });
  }
  const owners = new Map(advisor.advised.map(({ advice, owner }) => [`${advice.region}/${advice.repositoryName}`, owner]));
  return {
    file: adviceFileOf(
      advisor.advised.map((a) => a.advice),
      options,
      errors,
    ),
    owners,
    notReached,
  };
}
