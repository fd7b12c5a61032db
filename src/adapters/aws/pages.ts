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
