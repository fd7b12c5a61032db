import pLimit from 'p-limit';

/**
 * Every page of a call paged by a next token, to its end: `fetch(undefined)`, then `fetch(token)` with
 * each token a page hands on, until a page hands on none (or an empty one). A token handed on twice
 * throws: the endpoint would loop, and a list read in part must never pass for the whole.
 *
 * @example const pages = await allPages((NextToken) => client.send(new ListRulesCommand({ NextToken })), (page) => page.NextToken);
 */
export async function allPages<P>(fetch: (token: string | undefined) => Promise<P>, nextOf: (page: P) => string | undefined): Promise<P[]> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    const next = nextOf(page);
    token = next === undefined || next === '' ? undefined : next;
    if (token !== undefined && seen.has(token))
      throw new Error(`paging repeated the token ${token.slice(0, 40)}: the list cannot be read whole`);
    if (token !== undefined) seen.add(token);
  } while (token !== undefined);
  return pages;
}

/** A list read by a next token: how to call one page, the token it hands on, and its items. */
export interface PagedList<P, T> {
  /** One page: the first with `undefined`, each next with the token the page before handed on. */
  page: (token: string | undefined) => Promise<P>;
  /** The token a page hands on; none (or empty) at the end. */
  next: (page: P) => string | undefined;
  /** The items of a page. */
  items: (page: P) => readonly T[] | undefined;
}

/**
 * The token of a paged request under the field name the API gives it (`NextToken`, `nextToken`),
 * or no field for the first page.
 *
 * @example new ListRulesCommand({ Limit: 100, ...pageToken('NextToken', token) })
 */
export function pageToken<K extends string>(field: K, token: string | undefined): Partial<Record<K, string>> {
  return (token === undefined ? {} : { [field]: token }) as Partial<Record<K, string>>;
}

/**
 * Every item of a paged list, read to its end by {@link allPages}, page after page, in order.
 *
 * @example const rules = await allItems({ page: (t) => client.send(new ListRulesCommand(pageToken('NextToken', t))), next: (p) => p.NextToken, items: (p) => p.Rules });
 */
export async function allItems<P, T>(list: PagedList<P, T>): Promise<T[]> {
  return (await allPages(list.page, list.next)).flatMap((page) => list.items(page) ?? []);
}

/**
 * `describe` of each item, at most `inFlight` calls at once, the answers in the items' order: the
 * second half of a list-then-describe read. The first failure rejects the whole.
 *
 * @example const services = await describeEach(summaries, 4, (s) => client.send(new DescribeServiceCommand({ ServiceArn: s.ServiceArn })));
 */
export async function describeEach<T, R>(items: readonly T[], inFlight: number, describe: (item: T) => Promise<R>): Promise<R[]> {
  const limit = pLimit(Math.max(1, inFlight));
  return Promise.all(items.map((item) => limit(() => describe(item))));
}

/**
 * A list-then-describe read: every item of `list` to its end, those `keep` accepts, then `describe`
 * of each, at most `inFlight` at once, in the list's order.
 *
 * @example const images = await listThenDescribe({ page, next, items }, { inFlight: 4, keep: running, describe: imageOf });
 */
export async function listThenDescribe<P, T, R>(
  list: PagedList<P, T>,
  options: { inFlight: number; keep?: (item: T) => boolean; describe: (item: T) => Promise<R> },
): Promise<R[]> {
  const { keep } = options;
  const items = await allItems(list);
  return describeEach(keep === undefined ? items : items.filter((item) => keep(item)), options.inFlight, options.describe);
}
