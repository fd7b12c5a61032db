import { randomUUID } from 'node:crypto';
import type { InUseEntry, InUseFailure } from '../../domain/in-use';
import type { RepositoryRef, Tag } from '../../domain/registry';
import type { ReportError, ReportWarning } from '../../domain/report-problems';
import { PLAN_FORMAT, runKeys, type WeeklyItem, type WeeklyPlan, type WeeklySettings } from '../../domain/weekly';
import type { ObjectStore } from '../../ports/object-store';
import type { ApiCallCounter, RegistryReader, RepositoryTagIndex } from '../../ports/registry';
import type { RegistrySettingsReader } from '../../ports/registry-settings';
import { auditCreationTemplates } from '../creation-templates';
import { regionFailure, toReportError } from '../errors';
import { collectInUse, type InUseSources } from '../in-use';
import { readBlobMounting } from '../blob-mounting';
import { safeJson } from '../../domain/text';

/** What the Plan step reads from and writes to. */
export interface PlanDeps {
  /** One per configured region: its ECR reader and, where the tagging API answers, its bulk tag reader. */
  registries: ReadonlyArray<{ reader: RegistryReader; tags?: RepositoryTagIndex }>;
  /** Where to look for images in use, and the names the report gives those sources; absent: no guard. */
  inUse?: { sources: InUseSources; names: string[] };
  /** The run's objects (plan, items). */
  store: ObjectStore;
  /** Counts the calls Plan makes, for the report. */
  counter?: ApiCallCounter;
  /** Each region's creation templates, pull-through-cache rules and replication, judged for the report's warnings. @default not read */
  registrySettings?: readonly RegistrySettingsReader[];
}

/** The settings of a run, as Plan is given them (the guard's sources are Plan's to name). */
export type PlanSettings = Omit<WeeklySettings, 'guard'> & { guard?: { mode: 'on' | 'off'; horizonDays: number } };

/** What Plan tells the next steps. */
export interface PlanOutcome {
  runId: string;
  /** The key of the items object (the Distributed Map's ItemReader). */
  itemsKey: string;
  itemCount: number;
  /** The items as written (the local runner batches them without reading them back). */
  items: WeeklyItem[];
  plan: WeeklyPlan;
}

/** Repositories whose own tags are read when the tagging API lists none of a region's. */
export const EMPTY_ANSWER_SAMPLE = 3;

/** The name of the first of `refs` that has tags, read one at a time; undefined when none has. */
async function firstTagged(reader: RegistryReader, refs: readonly RepositoryRef[]): Promise<string | undefined> {
  for (const ref of refs) {
    try {
      if ((await reader.listTags(ref)).length > 0) return ref.repositoryName;
    } catch {
      // A repository that cannot say proves nothing either way.
    }
  }
  return undefined;
}

/** One region's repositories as items, with their tags when the region's bulk tag read answered. */
async function regionItems(
  reader: RegistryReader,
  tagIndex: RepositoryTagIndex | undefined,
): Promise<{ items: WeeklyItem[]; error?: ReportError; warning?: ReportWarning }> {
  const [listing, tags] = await Promise.allSettled([
    reader.listRepositories(),
    tagIndex === undefined ? Promise.resolve(undefined) : tagIndex.repositoryTags(),
  ]);
  if (listing.status === 'rejected') return { items: [], error: regionFailure(reader.region, listing.reason) };
  let byArn: Map<string, Tag[]> | undefined;
  let why: string | undefined;
  if (tags.status === 'fulfilled' && tags.value !== undefined) {
    byArn = tags.value;
    // An answer without a single repository may be a tagging API that does not know ECR here (an
    // emulator does that): a few repositories' own tags tell, before every repository is taken as untagged.
    const tagged = byArn.size === 0 ? await firstTagged(reader, listing.value.slice(0, EMPTY_ANSWER_SAMPLE)) : undefined;
    if (tagged !== undefined) {
      byArn = undefined;
      why = `listed no repository although ${tagged} has tags`;
    }
  } else if (tags.status === 'rejected') {
    const { code, message } = toReportError(reader.region, undefined, tags.reason);
    why = `did not answer (${code}: ${message})`;
  }
  const warning: ReportWarning | undefined =
    why === undefined
      ? undefined
      : {
          region: reader.region,
          repositoryName: '',
          code: 'TagsReadOneByOne',
          message: `the Resource Groups Tagging API ${why}; each repository's tags were read with ListTagsForResource instead`,
        };
  const items = listing.value.map((ref: RepositoryRef): WeeklyItem => {
    // The tagging API returns only repositories that have (or had) tags: one it does not list has none.
    const itemTags = byArn === undefined ? undefined : (byArn.get(ref.repositoryArn) ?? []);
    return {
      accountId: ref.accountId,
      region: ref.region,
      repositoryName: ref.repositoryName,
      repositoryArn: ref.repositoryArn,
      ...(ref.createdAt === undefined ? {} : { createdAt: ref.createdAt }),
      ...(itemTags === undefined ? {} : { tags: itemTags }),
    };
  });
  return { items, ...(warning ? { warning } : {}) };
}

/** Entries that are the same image, consumer and place, once (a list names every region alike). */
function distinctEntries(entries: Iterable<InUseEntry>): InUseEntry[] {
  const seen = new Map<string, InUseEntry>();
  for (const e of entries) seen.set(JSON.stringify([e.accountId, e.region, e.repositoryName, e.imageDigest, e.tag, e.consumer]), e);
  return [...seen.values()];
}

function distinctFailures(failures: Iterable<InUseFailure>): InUseFailure[] {
  const seen = new Map<string, InUseFailure>();
  for (const f of failures) seen.set(JSON.stringify([f.region, f.source, f.code]), f);
  return [...seen.values()];
}

/**
 * The weekly run's first step: lists the repositories of every configured region (a region whose
 * listing fails is one error, the others go on), reads their tags in bulk where the tagging API
 * answers, reads what is in use and each registry's BLOB_MOUNTING setting, and writes the plan
 * (settings, errors, in-use images, settings read) and the items
 * (one per repository, in region and name order) for the shards. Nothing is read per repository.
 *
 * @example const { itemsKey, itemCount } = await planWeeklyRun(deps, 'run-2026-12-07', settings, Date.now());
 */
export async function planWeeklyRun(deps: PlanDeps, runId: string, settings: PlanSettings, startedAt: number): Promise<PlanOutcome> {
  const keys = runKeys(runId);
  const regions = deps.registries.map((r) => r.reader.region);
  const mark = deps.counter?.snapshot();
  const [listed, inUse, templates, mounting] = await Promise.all([
    Promise.all(deps.registries.map((r) => regionItems(r.reader, r.tags))),
    deps.inUse === undefined ? undefined : collectInUse(regions, deps.inUse.sources),
    deps.registrySettings === undefined ? undefined : auditCreationTemplates(deps.registrySettings),
    // Each registry's BLOB_MOUNTING setting, read once for the whole run.
    Promise.all(deps.registries.map(async (r) => ({ region: r.reader.region, reading: await readBlobMounting(r.reader) }))),
  ]);
  const items = listed
    .flatMap((r) => r.items)
    .sort((a, b) => a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName));
  const errors = [...listed.flatMap((r) => (r.error ? [r.error] : [])), ...(inUse?.errors ?? [])];
  const spent = mark && deps.counter?.since(mark);
  const plan: WeeklyPlan = {
    format: PLAN_FORMAT,
    runId,
    planId: randomUUID(),
    startedAt: new Date(startedAt).toISOString(),
    regions,
    settings: settingsOf(settings, deps.inUse?.names),
    itemCount: items.length,
    errors,
    warnings: [...listed.flatMap((r) => (r.warning ? [r.warning] : [])), ...(inUse?.warnings ?? []), ...(templates?.warnings ?? [])],
    ...(inUse === undefined
      ? {}
      : {
          inUse: {
            entries: distinctEntries(inUse.catalog.entries()),
            failures: distinctFailures(inUse.catalog.failures()),
          },
        }),
    blobMounting: mounting.flatMap(({ region, reading }) => (reading === undefined ? [] : [{ region, ...reading }])),
    apiCalls: spent?.calls ?? {},
    apiRetries: spent?.retries ?? {},
  };
  // The items first: a plan is only ever read next to its items.
  await deps.store.put(keys.items, safeJson(items), 'application/json');
  await deps.store.put(keys.plan, safeJson(plan), 'application/json');
  return { runId, itemsKey: keys.items, itemCount: items.length, items, plan };
}

/** The run's settings as recorded: the guard with the sources read, or no guard when nothing is read. */
function settingsOf(settings: PlanSettings, sources: string[] | undefined): WeeklySettings {
  const { guard, ...rest } = settings;
  return guard === undefined || sources === undefined ? rest : { ...rest, guard: { ...guard, sources } };
}
