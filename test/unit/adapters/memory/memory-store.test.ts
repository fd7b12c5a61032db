import { MemoryEventPublisher, MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';

describe('memory-store', () => {
  describe('MemoryObjectStore', () => {
    it('reads back what it was given, the latest put of a key with its content type, and a key never put as undefined', async () => {
      // Arrange
      const store = new MemoryObjectStore();

      // Act
      await store.put('runs/1/plan.json', '{"v":1}', 'application/json');
      await store.put('runs/1/plan.json', '{"v":2}', 'text/plain');

      // Assert
      await expect(store.get('runs/1/plan.json')).resolves.toBe('{"v":2}');
      expect(store.objects.get('runs/1/plan.json')).toEqual({ body: '{"v":2}', contentType: 'text/plain' });
      await expect(store.get('runs/1/items.json')).resolves.toBeUndefined();
    });

    it('lists only the keys under the prefix, in byte order, whatever order they were put in', async () => {
      // Arrange: "B" (0x42) sorts before "a" (0x61), "-" before "0", "~" after every letter.
      const store = new MemoryObjectStore();
      for (const key of ['runs/1/~last', 'runs/1/b', 'runs/1/B', 'runs/1/a-0', 'runs/10/a', 'runs/1/a0', 'other/runs/1/a']) {
        await store.put(key, '', 'text/plain');
      }

      // Act
      const keys = await store.list('runs/1/');

      // Assert
      expect(keys).toEqual(['runs/1/B', 'runs/1/a-0', 'runs/1/a0', 'runs/1/b', 'runs/1/~last']);
    });

    it('orders keys past U+FFFF by their UTF-8 bytes as S3 does, where UTF-16 order differs', async () => {
      // Arrange: U+FF5E is EF BD 9E in UTF-8 and 0xFF5E in UTF-16; U+1F600 is F0 9F 98 80 but 0xD83D first.
      const store = new MemoryObjectStore();
      for (const key of ['k/\u{1F600}', 'k/\uFF5E']) await store.put(key, '', 'text/plain');

      // Act
      const keys = await store.list('k/');
      const after = await store.list('k/', { startAfter: 'k/\uFF5E' });

      // Assert
      expect(keys).toEqual(['k/\uFF5E', 'k/\u{1F600}']);
      expect(after).toEqual(['k/\u{1F600}']);
    });

    it('lists from the key after startAfter, which itself is left out, as S3 does', async () => {
      // Arrange: ledger keys named by time; "~" after a time sorts after every key of that time.
      const store = new MemoryObjectStore();
      const keys = ['l/2026-03-01T000000Z_a.json', 'l/2026-03-01T120000Z_b.json', 'l/2026-03-02T000000Z_c.json'];
      for (const key of keys) await store.put(key, '', 'application/json');

      // Act
      const fromKey = await store.list('l/', { startAfter: 'l/2026-03-01T120000Z_b.json' });
      const fromTime = await store.list('l/', { startAfter: 'l/2026-03-01T000000Z~' });
      const pastAll = await store.list('l/', { startAfter: 'l/~' });

      // Assert
      expect(fromKey).toEqual(['l/2026-03-02T000000Z_c.json']);
      expect(fromTime).toEqual(keys.slice(1));
      expect(pastAll).toEqual([]);
    });

    it('counts its gets, puts and lists, for the tests and benchmarks that weigh a run by them', async () => {
      // Arrange
      const store = new MemoryObjectStore();

      // Act
      await store.put('a', '1', 'text/plain');
      await store.get('a');
      await store.get('missing');
      await store.list('');

      // Assert
      expect(store.counts).toEqual({ get: 2, put: 1, list: 1 });
    });

    it('names its location after the bucket it stands for, and links an artifact under it', () => {
      expect(new MemoryObjectStore().location).toBe('memory://memory');
      expect(new MemoryObjectStore('reports').linkTo('reports/2026-06-01/report.html')).toBe(
        'memory://reports/reports/2026-06-01/report.html',
      );
    });
  });

  describe('MemoryEventPublisher', () => {
    it('keeps every event published, in order, as it was given', async () => {
      // Arrange
      const publisher = new MemoryEventPublisher();
      const first = { source: 'ecr-janitor', detailType: 'ECR Janitor Report', detail: { runId: 'run-1' } };
      const second = { source: 'ecr-janitor', detailType: 'ECR Janitor Report', detail: { runId: 'run-2' } };

      // Act
      await publisher.publish(first);
      await publisher.publish(second);

      // Assert
      expect(publisher.events).toEqual([first, second]);
    });
  });
});
