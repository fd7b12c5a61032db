import { errorCode } from '../domain/errors';
import type { InUseEntry, InUseFailure, InUseSource, InUseWarning, WorkloadSource } from '../domain/in-use';
import { ESSENTIAL_SOURCES, InUseCatalog } from '../domain/in-use';
import { inUseEntryOf, parseInUseList } from '../domain/in-use-entries';
import type { ReportError, ReportWarning } from '../domain/report-problems';
import type { InUseListReader, WorkloadScanner } from '../ports/in-use';
import { toReportError } from './errors';

/** Where a run learns which images are in use. */
export interface InUseSources {
  /** The workload scanners of a region; none when scanning is off. */
  scannersFor(region: string): readonly WorkloadScanner[];
  /** Lists read at run time (an S3 object); one that cannot be read or parsed leaves every region unknown. */
  lists?: readonly InUseListReader[];
  /** Entries already read and checked (the CLI's `--in-use` files, a snapshot's own list). */
  entries?: readonly InUseEntry[];
  /** Sources already known to have failed (recorded in a snapshot at capture time). */
  failures?: readonly InUseFailure[];
  /** What sources could not see, already known (recorded in a snapshot at capture time). */
  warnings?: readonly InUseWarning[];
}

/** Options of {@link inUseProvider}. */
export interface InUseProviderOptions {
  /**
   * How long a region's complete answer is reused, in ms (a Lambda container handling one event after
   * another). A region whose sources could not all be read is never reused: the next lookup reads
   * again. @default forever (one CLI run reads each region once)
   */
  ttlMs?: number;
  /** The clock for the cache. @default Date.now */
  now?: () => number;
}

/** What is in use over every region of a run, read when first asked for. */
export interface InUseProvider {
  /**
   * What is in use: the workloads of every region of the run and every list, read once (or once per
   * ttl) and taken from the cache after. A repository of any region is judged against all of it, as a
   * workload in one region may run an image of another region's registry.
   */
  catalog(): Promise<InUseCatalog>;
  /** The sources that could not be read in the latest reads, as report errors: one per region and source. */
  errors(): ReportError[];
  /** What the sources could not see in the latest reads, as report warnings of their regions. */
  warnings(): ReportWarning[];
}

function failureOf(region: string | undefined, source: InUseSource, error: unknown): InUseFailure {
  const { code, message } = toReportError(region ?? '', undefined, error);
  return { ...(region === undefined ? {} : { region }), source, code, message };
}

async function readLists(sources: InUseSources): Promise<InUseCatalog> {
  const catalog = new InUseCatalog().add(sources.entries ?? []);
  for (const failure of sources.failures ?? []) catalog.fail(failure);
  for (const warning of sources.warnings ?? []) catalog.warn(warning);
  await Promise.all(
    (sources.lists ?? []).map(async (list) => {
      try {
        catalog.add(parseInUseList(await list.read(), list.location).entries);
      } catch (error) {
        // A list the janitor cannot read names images in any region: every region is unknown.
        catalog.fail(failureOf(undefined, 'list', error));
      }
    }),
  );
  return catalog;
}

/** The codes of a refusal: the principal may not make the call. */
const DENIED: ReadonlySet<string> = new Set(['AccessDeniedException', 'AccessDenied']);

/**
 * Why a source beyond ECS and Lambda is left out rather than failed: it was refused, or the service
 * has no endpoint in the region (the SDK's DNS lookup finds none); undefined for any other failure.
 */
function skippedBecause(scanner: WorkloadScanner, error: unknown): string | undefined {
  if (ESSENTIAL_SOURCES.has(scanner.source)) return undefined;
  const { code, message } = toReportError(scanner.region, undefined, error);
  if (DENIED.has(code)) {
    return `${SOURCE_NAMES[scanner.source]} could not be read (${code}: ${message}); grant ${scanner.permissions.join(', ')} to see it. What only it would show is not protected`;
  }
  if ((error as { code?: unknown } | null)?.code === 'ENOTFOUND' || errorCode(error) === 'ENOTFOUND') {
    return `${SOURCE_NAMES[scanner.source]} has no endpoint in ${scanner.region} (the service is not offered there): nothing of it runs there`;
  }
  return undefined;
}

/**
 * Reads one region's workloads, every source at the same time. A source that fails is recorded,
 * never taken for "nothing in use" — except a source beyond ECS and Lambda that is refused or not
 * offered in the region, which is left out with a warning that names the missing permission.
 */
async function scanRegion(region: string, scanners: readonly WorkloadScanner[]): Promise<InUseCatalog> {
  const catalog = new InUseCatalog();
  await Promise.all(
    scanners.map(async (scanner) => {
      const source: WorkloadSource = scanner.source;
      try {
        const { images, warnings } = await scanner.scan();
        catalog.add(images.map(inUseEntryOf).filter((entry): entry is InUseEntry => entry !== undefined));
        for (const { code, message } of warnings) catalog.warn({ region, source, code, message });
      } catch (error) {
        const skipped = skippedBecause(scanner, error);
        if (skipped === undefined) catalog.fail(failureOf(region, source, error));
        else catalog.warn({ region, source, code: 'InUseSourceSkipped', message: skipped });
      }
    }),
  );
  return catalog;
}

/**
 * Reads what is in use, over every region of the run, when first asked: a run that writes nowhere
 * reads no workload at all, and each region is read once (or once per `ttlMs`). This is the one way
 * every entry point learns what is in use — the CLI's audit, remediate and snapshot, the event
 * handlers and the weekly run — so a repository is always judged against the workloads of every
 * configured region.
 *
 * @example
 * const inUse = inUseProvider(['eu-west-1', 'us-east-1'], { scannersFor, lists: [new S3InUseList(s3, uri)] }, { ttlMs: 300_000 });
 * const catalog = await inUse.catalog();
 */
export function inUseProvider(regions: readonly string[], sources: InUseSources, options: InUseProviderOptions = {}): InUseProvider {
  const now = options.now ?? (() => Date.now());
  type Cached = { at: number; catalog: Promise<InUseCatalog> };
  const cache = new Map<string, Cached>();
  let lists: Cached | undefined;
  const fresh = (entry: Cached | undefined): entry is Cached =>
    entry !== undefined && (options.ttlMs === undefined || now() - entry.at < options.ttlMs);
  // The latest answer of each region ('' for the lists), for errors() and warnings().
  const seen = new Map<string, InUseCatalog>();
  let merged: { parts: Array<Promise<InUseCatalog>>; catalog: Promise<InUseCatalog> } | undefined;

  /** The cached read of `key`, or a new one; an incomplete answer is forgotten once read under a ttl. */
  const cached = (key: string | undefined, read: () => Promise<InUseCatalog>): Promise<InUseCatalog> => {
    const existing = key === undefined ? lists : cache.get(key);
    if (fresh(existing)) return existing.catalog;
    const entry: Cached = { at: now(), catalog: read() };
    if (key === undefined) lists = entry;
    else cache.set(key, entry);
    void entry.catalog.then((result) => {
      seen.set(key ?? '', result);
      // An incomplete answer is not kept for later lookups (a CLI run, without a ttl, keeps it: one read per run).
      if (options.ttlMs === undefined || result.failures().length === 0) return;
      if (key === undefined && lists === entry) lists = undefined;
      if (key !== undefined && cache.get(key) === entry) cache.delete(key);
    });
    return entry.catalog;
  };

  return {
    catalog() {
      const parts = [
        ...regions.map((region) => cached(region, () => scanRegion(region, sources.scannersFor(region)))),
        cached(undefined, () => readLists(sources)),
      ];
      // The same parts as last time: the same catalog (a burst of events merges once).
      if (merged !== undefined && merged.parts.length === parts.length && merged.parts.every((p, i) => p === parts[i]))
        return merged.catalog;
      const catalog = Promise.all(parts).then((read) => read.reduce((all, part) => all.merge(part), new InUseCatalog()));
      merged = { parts, catalog };
      return catalog;
    },
    errors() {
      return inUseErrors(seen.values(), regions);
    },
    warnings() {
      return inUseWarnings(seen.values());
    },
  };
}

const SOURCE_NAMES: Record<InUseSource, string> = {
  ecs: 'what ECS services and tasks run',
  lambda: 'what Lambda functions run',
  events: 'which ECS tasks EventBridge rules start',
  scheduler: 'which ECS tasks EventBridge Scheduler schedules start',
  batch: 'what AWS Batch job definitions run',
  stepfunctions: 'which ECS tasks and Batch jobs Step Functions state machines start',
  apprunner: 'what App Runner services run',
  inspector: "Amazon Inspector's record of the images ECS tasks and EKS pods run",
  list: 'the list of images in use',
};

/**
 * The report errors of in-use sources that could not be read: one per region and source (a list
 * counts against every region of the run), sorted by region. Each holds every write that could remove
 * an image, in every region: a workload of one region may run another region's images.
 *
 * @example inUseErrors([catalog], ['eu-west-1']) // [{ region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', … }]
 */
export function inUseErrors(catalogs: Iterable<InUseCatalog>, regions: readonly string[]): ReportError[] {
  const out = new Map<string, ReportError>();
  for (const catalog of catalogs) {
    for (const failure of catalog.failures()) {
      for (const region of failure.region === undefined ? regions : [failure.region]) {
        const key = JSON.stringify([region, failure.source, failure.code, failure.message]);
        const where = failure.region === undefined ? '' : ` in ${region}`;
        out.set(key, {
          region,
          source: failure.source,
          code: failure.code,
          message: `${SOURCE_NAMES[failure.source]}${where} could not be read, so every write that could remove an image is held, in every region: ${failure.message}`,
        });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.region.localeCompare(b.region) || (a.source ?? '').localeCompare(b.source ?? ''));
}

/** The report warnings of what in-use sources could not see: once each, sorted by region and source. */
export function inUseWarnings(catalogs: Iterable<InUseCatalog>): ReportWarning[] {
  const out = new Map<string, ReportWarning>();
  for (const catalog of catalogs) {
    for (const w of catalog.warnings()) {
      out.set(JSON.stringify([w.region, w.source, w.code, w.message]), {
        region: w.region,
        repositoryName: '',
        code: w.code,
        message: `in-use source ${w.source}: ${w.message}`,
      });
    }
  }
  return [...out.values()].sort((a, b) => a.region.localeCompare(b.region) || a.message.localeCompare(b.message));
}

/**
 * Reads what is in use over every region at once (the audit and the weekly run need it before they
 * judge any repository): one catalog for all regions, the sources that could not be read as report
 * errors, and what they could not see as report warnings.
 *
 * @example const { catalog, errors, warnings } = await collectInUse(['eu-west-1', 'us-east-1'], sources);
 */
export async function collectInUse(
  regions: readonly string[],
  sources: InUseSources,
): Promise<{ catalog: InUseCatalog; errors: ReportError[]; warnings: ReportWarning[] }> {
  const provider = inUseProvider(regions, sources);
  const catalog = await provider.catalog();
  return { catalog, errors: provider.errors(), warnings: provider.warnings() };
}
