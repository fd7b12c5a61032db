import type { Tag } from './registry';
import type { CostGroup, CostGroupBy, RepositoryReport } from './report';
import { sumRealized } from './realized';
import { monthlyUsd } from './report';
import { MAX_TAG_KEY_LENGTH } from './defaults';

/** The value of a tag grouping for a repository that does not carry the tag (or carries it empty). */
export const UNTAGGED = '(untagged)';

/** What AWS accepts in a tag key: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;

/**
 * Sets `record[key]` as an own property, whatever the key: a tag key or value such as `__proto__`
 * must be data, not change the object's prototype.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What grouping needs of a repository report. */
export type GroupedRepository = Pick<
  RepositoryReport,
  'accountId' | 'repositoryName' | 'storedBytes' | 'reclaimableBytes' | 'costAllocationTags'
> &
  Partial<Pick<RepositoryReport, 'realized'>>;

/**
 * The first path segment of a repository name, its owner by convention: `team-a/svc` → `team-a`;
 * a name without `/` is its own value.
 *
 * @example namePrefixOf('team-a/web/api') // 'team-a'
 */
export function namePrefixOf(repositoryName: string): string {
  const slash = repositoryName.indexOf('/');
  return slash < 0 ? repositoryName : repositoryName.slice(0, slash);
}

/**
 * Checks cost-allocation tag keys and returns them once each, in the order given.
 *
 * @returns the problem with the first bad key, or the keys
 * @example checkCostAllocationTagKeys(['team', 'team', 'cost-center']) // { ok: true, keys: ['team', 'cost-center'] }
 */
export function checkCostAllocationTagKeys(keys: readonly string[]): { ok: true; keys: string[] } | { ok: false; problem: string } {
  const out: string[] = [];
  for (const raw of keys) {
    const key = raw.trim();
    if (key === '') return { ok: false, problem: 'a tag key is empty; write e.g. team,cost-center' };
    if (key.length > MAX_TAG_KEY_LENGTH)
      return { ok: false, problem: `tag key "${key.slice(0, 40)}…" is longer than ${MAX_TAG_KEY_LENGTH} characters` };
    if (!TAG_KEY.test(key))
      return { ok: false, problem: `"${key}" is not an AWS tag key (letters, digits, spaces and _ . : / = + - @ only)` };
    if (!out.includes(key)) out.push(key);
  }
  return { ok: true, keys: out };
}

/**
 * The values of the cost-allocation tag keys a repository carries; keys it does not carry (or
 * carries with an empty value) are left out.
 *
 * @example costAllocationTagsOf([{ Key: 'team', Value: 'a' }, { Key: 'x', Value: 'y' }], ['team']) // { team: 'a' }
 */
export function costAllocationTagsOf(tags: readonly Tag[], keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = tags.find((t) => t.Key === key)?.Value?.trim();
    if (value !== undefined && value !== '') setOwn(out, key, value);
  }
  return out;
}

/** Which groupings a report has besides the name prefix. */
export interface GroupingOptions {
  /** Group by account too (a report of several accounts). @default false */
  byAccount?: boolean;
}

/**
 * The groupings a report has: by account when it covers several, by name prefix, then by each tag
 * key in the order given.
 *
 * @example groupingsOf(['team'], { byAccount: true }) // ['account', 'name-prefix', 'tag:team']
 */
export function groupingsOf(tagKeys: readonly string[], options: GroupingOptions = {}): CostGroupBy[] {
  return [...(options.byAccount === true ? ['account' as const] : []), 'name-prefix', ...tagKeys.map((key): CostGroupBy => `tag:${key}`)];
}

/**
 * The groupings of a report: by account only when it covers several accounts.
 *
 * @example for (const by of reportGroupings(report)) render(report.costGroups.filter((g) => g.by === by));
 */
export function reportGroupings(report: { costAllocationTagKeys: readonly string[]; accounts: readonly unknown[] }): CostGroupBy[] {
  return groupingsOf(report.costAllocationTagKeys, { byAccount: report.accounts.length > 1 });
}

/** The value a repository has in a grouping. */
export function groupValueOf(
  repository: Pick<GroupedRepository, 'repositoryName' | 'costAllocationTags'> & { accountId?: string },
  by: CostGroupBy,
): string {
  if (by === 'account') return repository.accountId ?? '';
  if (by === 'name-prefix') return namePrefixOf(repository.repositoryName);
  const key = by.slice('tag:'.length);
  return Object.prototype.hasOwnProperty.call(repository.costAllocationTags, key)
    ? (repository.costAllocationTags[key] ?? UNTAGGED)
    : UNTAGGED;
}

/** Orders groups of one grouping: most stored bytes (so most cost) first, then by value. */
function byCost(a: CostGroup, b: CostGroup): number {
  return b.storedBytes - a.storedBytes || b.reclaimableBytes - a.reclaimableBytes || a.value.localeCompare(b.value);
}

/**
 * Adds up storage, cost and savings per owner: by account (with `byAccount`), by the first segment
 * of the repository name, then by each tag key's value (`(untagged)` where a repository lacks it).
 * Repositories of every region and every account with the same value form one group. Within each
 * grouping the largest cost comes first; the cost of a group is priced from its bytes, as the
 * report's totals are, and the bytes and repositories of one grouping's groups add up to the totals.
 *
 * @example costGroupsOf(report.repositories, ['team'], 0.1).filter((g) => g.by === 'tag:team')
 */
export function costGroupsOf(
  repositories: readonly GroupedRepository[],
  tagKeys: readonly string[],
  pricePerGbMonth: number,
  options: GroupingOptions = {},
): CostGroup[] {
  const out: CostGroup[] = [];
  for (const by of groupingsOf(tagKeys, options)) {
    const groups = new Map<string, CostGroup>();
    const realizedOf = new Map<string, GroupedRepository['realized'][]>();
    for (const r of repositories) {
      const value = groupValueOf(r, by);
      let group = groups.get(value);
      if (group === undefined) {
        group = { by, value, repositories: 0, storedBytes: 0, reclaimableBytes: 0, monthlyCostUsd: 0, monthlySavingsUsd: 0 };
        groups.set(value, group);
      }
      group.repositories++;
      group.storedBytes += r.storedBytes;
      group.reclaimableBytes += r.reclaimableBytes;
      if (r.realized !== undefined) realizedOf.set(value, [...(realizedOf.get(value) ?? []), r.realized]);
    }
    const sorted = [...groups.values()].sort(byCost);
    for (const g of sorted) {
      g.monthlyCostUsd = monthlyUsd(g.storedBytes, pricePerGbMonth);
      g.monthlySavingsUsd = monthlyUsd(g.reclaimableBytes, pricePerGbMonth);
      const realized = realizedOf.get(g.value);
      if (realized !== undefined) g.realized = sumRealized(realized, pricePerGbMonth);
      out.push(g);
    }
  }
  return out;
}

/**
 * The groups of each grouping cut to the `limit` largest, groupings in report order.
 *
 * @example topCostGroups(report.costGroups, 10)
 */
export function topCostGroups(groups: readonly CostGroup[], limit: number): CostGroup[] {
  const seen = new Map<CostGroupBy, number>();
  return groups.filter((g) => {
    const n = seen.get(g.by) ?? 0;
    seen.set(g.by, n + 1);
    return n < limit;
  });
}

/**
 * The grouping that names owners in short summaries (the e-mail): the first tag key when the
 * report groups by tags, else the name prefix.
 */
export function ownerGrouping(tagKeys: readonly string[]): CostGroupBy {
  const first = tagKeys[0];
  return first === undefined ? 'name-prefix' : `tag:${first}`;
}

/** How a grouping is called in reports: `account`, `name prefix` or `tag team`. */
export function groupingLabel(by: CostGroupBy): string {
  if (by === 'account') return 'account';
  return by === 'name-prefix' ? 'name prefix' : `tag ${by.slice('tag:'.length)}`;
}
