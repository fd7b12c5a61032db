// The benchmark's bucket on disk: what the weekly run reads back must be what it wrote, and a key
// never names a file outside the store's directory.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileObjectStore } from '../../../../scripts/bench/file-store';

describe('FileObjectStore', () => {
  let root: string;
  let store: FileObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'file-store-test-'));
    store = new FileObjectStore(path.join(root, 'bucket'));
  });

  it('reads back what was written, replaced objects included, and answers undefined for a missing key', async () => {
    await store.put('runs/1/plan.json', '{"a":1}', 'application/json');
    await store.put('runs/1/plan.json', '{"a":2}', 'application/json');

    await expect(store.get('runs/1/plan.json')).resolves.toBe('{"a":2}');
    await expect(store.get('runs/1/missing.json')).resolves.toBeUndefined();
    await expect(store.get('nothing/at/all')).resolves.toBeUndefined();
    expect(store.counts).toEqual({ get: 3, put: 2, list: 0 });
    expect(store.bytesWritten).toBe(14);
  });

  it('lists the keys under a prefix in key order, with keys S3 allows but a file system does not', async () => {
    const keys = [
      'cache/manifests/v1/eu-west-1/team%2Fapp.json',
      'runs/2/shards/b.json',
      'runs/2/shards/a.json',
      'runs/2//x',
      'runs/3/..',
      'runs/3/.hidden',
    ];
    for (const key of keys) await store.put(key, key, 'text/plain');

    await expect(store.list('runs/2/')).resolves.toEqual(['runs/2//x', 'runs/2/shards/a.json', 'runs/2/shards/b.json']);
    await expect(store.list('')).resolves.toEqual([...keys].sort());
    for (const key of keys) await expect(store.get(key)).resolves.toBe(key);
    // Nothing was written beside the store's own directory.
    await expect(readdir(root)).resolves.toEqual(['bucket']);
  });

  it('lists nothing before the first write and nothing after remove()', async () => {
    await expect(store.list('')).resolves.toEqual([]);
    await store.put('a', 'x', 'text/plain');
    await store.remove();
    await expect(store.list('')).resolves.toEqual([]);
    expect(store.linkTo('reports/r.json')).toBe(`file://${path.join(root, 'bucket')}/reports/r.json`);
  });
});
