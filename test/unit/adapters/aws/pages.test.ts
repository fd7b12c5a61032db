import { allPages } from '../../../../src/adapters/aws/pages';

/** A paged list: page i answers `items[i]` and hands on `tokens[i]`; records the tokens asked for. */
function paged(items: string[][], tokens: Array<string | undefined>) {
  const asked: Array<string | undefined> = [];
  const fetch = async (token: string | undefined) => {
    asked.push(token);
    const i = token === undefined ? 0 : Number(token.replace('t', ''));
    return { items: items[i] ?? [], next: tokens[i] };
  };
  return { asked, fetch };
}

describe('allPages', () => {
  it('reads every page to the end, each with the token the one before handed on', async () => {
    // Arrange
    const { asked, fetch } = paged([['a'], ['b', 'c'], ['d']], ['t1', 't2', undefined]);

    // Act
    const pages = await allPages(fetch, (page) => page.next);

    // Assert
    expect(pages.flatMap((p) => p.items)).toEqual(['a', 'b', 'c', 'd']);
    expect(asked).toEqual([undefined, 't1', 't2']);
  });

  it('takes an empty token for the end of the list', async () => {
    // Arrange
    const { asked, fetch } = paged([['a'], ['b']], ['', 't1']);

    // Act
    const pages = await allPages(fetch, (page) => page.next);

    // Assert
    expect(pages).toHaveLength(1);
    expect(asked).toEqual([undefined]);
  });

  it('throws when a token comes back, rather than loop or pass a partial list for the whole', async () => {
    // Arrange: page 2 hands on t1 again.
    const { fetch } = paged([['a'], ['b']], ['t1', 't1']);

    // Act / Assert
    await expect(allPages(fetch, (page) => page.next)).rejects.toThrow('paging repeated the token t1: the list cannot be read whole');
  });

  it('passes on the error of a page', async () => {
    // Act / Assert
    await expect(
      allPages(
        async () => Promise.reject(new Error('Rate exceeded')),
        () => undefined,
      ),
    ).rejects.toThrow('Rate exceeded');
  });
});
