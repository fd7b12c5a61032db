import { allItems, allPages, describeEach, listThenDescribe, pageToken } from '../../../../src/adapters/aws/pages';

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

describe('pageToken', () => {
  it('gives no field for the first page and the token under the field name of the API after', () => {
    expect(pageToken('NextToken', undefined)).toEqual({});
    expect(pageToken('nextToken', 't1')).toEqual({ nextToken: 't1' });
  });
});

describe('allItems', () => {
  it('gives the items of every page in order, a page without items adding none', async () => {
    // Arrange
    const { asked, fetch } = paged([['a'], [], ['b', 'c']], ['t1', 't2', undefined]);

    // Act
    const items = await allItems({
      page: fetch,
      next: (page) => page.next,
      items: (page) => (page.items.length === 0 ? undefined : page.items),
    });

    // Assert
    expect(items).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 't1', 't2']);
  });
});

describe('describeEach', () => {
  it('keeps at most inFlight calls running and gives the answers in the order of the items', async () => {
    // Arrange: each call waits a little, the first ones longest
    let running = 0;
    let most = 0;
    const describe = async (n: number): Promise<string> => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 10 - n));
      running--;
      return `d${n}`;
    };

    // Act
    const answers = await describeEach([1, 2, 3, 4, 5, 6], 2, describe);

    // Assert
    expect(answers).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(most).toBe(2);
  });

  it('rejects with the first failure', async () => {
    await expect(describeEach([1, 2], 1, async (n) => (n === 2 ? Promise.reject(new Error('Throttled')) : n))).rejects.toThrow('Throttled');
  });
});

describe('listThenDescribe', () => {
  it('describes only the items kept, after reading the whole list', async () => {
    // Arrange
    const { fetch } = paged([['a', 'skip'], ['b']], ['t1', undefined]);
    const described: string[] = [];

    // Act
    const answers = await listThenDescribe(
      { page: fetch, next: (page) => page.next, items: (page) => page.items },
      {
        inFlight: 4,
        keep: (item) => item !== 'skip',
        describe: async (item) => {
          described.push(item);
          return item.toUpperCase();
        },
      },
    );

    // Assert
    expect(answers).toEqual(['A', 'B']);
    expect(described).toEqual(['a', 'b']);
  });
});
