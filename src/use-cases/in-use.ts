import type { InUseEntry, InUseFailure } from '../domain/in-use';
import { InUseCatalog, inUseEntryOf, parseInUseList } from '../domain/in-use';
import type { ReportError } from '../domain/report';
import type { InUseListReader, WorkloadScanner } from '../ports/in-use';
import { toReportError } from './errors';

/** Where a run learns which images are in use. */
export interface InUseSources {
  /** The workload scanners of a region (ECS, Lambda); none when scanning is off. */
  scannersFor(region: string): readonly WorkloadScanner[];
  /** Lists read at run time (an S3 object); one that cannot be read or parsed leaves every region unknown. */
  lists?: readonly InUseListReader[];
  /** Entries already read and checked (the CLI's `--in-use` files, a snapshot's own list). */
  entries?: readonly InUseEntry[];
  /** Sources already known to have failed (recorded in a snapshot at capture time). */
  failures?: readonly InUseFailure[];
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

/** The in-use catalogs of a run, read per region when first asked for. */
export interface InUseProvider {
  /** What is in use in `region` (its workloads, plus every list), read once or taken from the cache. */
  forRegion(region: string): Promise<InUseCatalog>;
  /** The sources that could not be read so far, as report errors: one per region and source. */
  errors(): ReportError[];
}

function failureOf(region: string | undefined, source: InUseFailure['source'], error: unknown): InUseFailure {
  const { code, message } = toReportError(region ?? '', undefined, error);
  return { ...(region === undefined ? {} : { region }), source, code, message };
}

async function readLists(sources: InUseSources): Promise<InUseCatalog> {
  const catalog = new InUseCatalog().add(sources.entries ?? []);
  for (const failure of sources.failures ?? []) catalog.fail(failure);
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

/** Reads one region's workloads, every source at the same time; a source that fails is recorded, never taken for "nothing in use". */
async function scanRegion(region: string, scanners: readonly WorkloadScanner[]): Promise<InUseCatalog> {
  const catalog = new InUseCatalog();
  await Promise.all(
    scanners.map(async (scanner) => {
      try {
        const images = await scanner.scan();
        catalog.add(images.map(inUseEntryOf).filter((entry): entry is InUseEntry => entry !== undefined));
      } catch (error) {
        catalog.fail(failureOf(region, scanner.source, error));
      }
    }),
  );
  return catalog;
}

/**
 * Reads what is in use, region by region, when first asked: a run that writes nowhere reads no
 * workload at all, and a region is read once (or once per `ttlMs`). Lists are read with the first
 * region and kept with it.
 *
 * @example
 * const inUse = inUseProvider({ scannersFor, lists: [new S3InUseList(s3, uri)] }, { ttlMs: 300_000 });
 * const catalog = await inUse.forRegion('eu-west-1');
 */
export function inUseProvider(sources: InUseSources, options: InUseProviderOptions = {}): InUseProvider {
  const now = options.now ?? (() => Date.now());
  const cache = new Map<string, { at: number; catalog: Promise<InUseCatalog> }>();
  let lists: { at: number; catalog: Promise<InUseCatalog> } | undefined;
  const fresh = (entry: { at: number } | undefined): boolean =>
    entry !== undefined && (options.ttlMs === undefined || now() - entry.at < options.ttlMs);
  const resolved: Array<{ region: string; catalog: InUseCatalog }> = [];
  const listsCatalog = (): Promise<InUseCatalog> => {
    if (!fresh(lists)) lists = { at: now(), catalog: readLists(sources) };
    return (lists as { catalog: Promise<InUseCatalog> }).catalog;
  };
  return {
    async forRegion(region) {
      const cached = cache.get(region);
      if (fresh(cached)) return (cached as { catalog: Promise<InUseCatalog> }).catalog;
      const catalog = Promise.all([scanRegion(region, sources.scannersFor(region)), listsCatalog()]).then(([workloads, listed]) =>
        new InUseCatalog().merge(workloads).merge(listed),
      );
      cache.set(region, { at: now(), catalog });
      const result = await catalog;
      resolved.push({ region, catalog: result });
      // An incomplete answer is not kept for later lookups (a CLI run, without a ttl, keeps it: one read per run).
      if (options.ttlMs !== undefined && result.failures().length > 0) {
        if (cache.get(region)?.catalog === catalog) cache.delete(region);
        if (result.failures().some((f) => f.region === undefined)) lists = undefined;
      }
      return result;
    },
    errors() {
      return inUseErrors(resolved);
    },
  };
}

/**
 * The report errors of in-use sources that could not be read: one per region and source (a list
 * counts against every region it was read for), sorted by region.
 *
 * @example inUseErrors([{ region: 'eu-west-1', catalog }]) // [{ region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', … }]
 */
export function inUseErrors(catalogs: ReadonlyArray<{ region: string; catalog: InUseCatalog }>): ReportError[] {
  const seen = new Set<string>();
  const out: ReportError[] = [];
  for (const { region, catalog } of catalogs) {
    for (const failure of catalog.failuresIn(region)) {
      const key = `${region}|${failure.source}|${failure.code}|${failure.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        region,
        source: failure.source,
        code: failure.code,
        message: `${SOURCE_NAMES[failure.source]} could not be read, so every write in ${region} that could remove an image is held: ${failure.message}`,
      });
    }
  }
  return out.sort((a, b) => a.region.localeCompare(b.region) || (a.source ?? '').localeCompare(b.source ?? ''));
}

const SOURCE_NAMES: Record<InUseFailure['source'], string> = {
  ecs: 'what ECS services and tasks run',
  lambda: 'what Lambda functions run',
  list: 'the list of images in use',
};

/**
 * Reads what is in use in every region at once (the weekly audit needs it before it judges any
 * repository): each region's catalog, and the sources that could not be read as report errors.
 *
 * @example const { catalogs, errors } = await collectInUse(['eu-west-1', 'us-east-1'], sources);
 */
export async function collectInUse(
  regions: readonly string[],
  sources: InUseSources,
): Promise<{ catalogs: Map<string, InUseCatalog>; errors: ReportError[] }> {
  const provider = inUseProvider(sources);
  const catalogs = await Promise.all(regions.map(async (region) => [region, await provider.forRegion(region)] as const));
  return { catalogs: new Map(catalogs), errors: provider.errors() };
}
