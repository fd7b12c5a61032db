import { BLOB_PARTITIONS, RegistryBlobs, blobMountingSettingOf, blobsOfImages, compactBlobKey } from '../../../src/domain/blob-mounting';
import type { ImageDetail } from '../../../src/domain/image';
import { imageOf } from '../support/images';
import { blob, imageManifest, indexManifest } from '../support/manifests';

const base = blob('base', 3_000_000);
const app = (name: string, bytes: number) => imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(name, bytes)] });
const images = (name: string): ImageDetail[] => [
  imageOf(app(`${name}-current`, 10_000), { tags: ['latest'] }),
  imageOf(app(`${name}-old`, 500_000), { pushedDaysAgo: 30 }),
];
/** Each repository: its own blobs 2 × 1,000 (configs) + 10,000 + 500,000; the base once. */
const OWN = 512_000;

describe('domain/blob-mounting', () => {
  it("lists an image's blobs, none for an index, and its reported size for an image whose manifest was not read", () => {
    const manifest = app('a', 10);
    const unread: ImageDetail = { ...imageOf(app('b', 20)), imageManifest: undefined, imageSizeInBytes: 77 };
    const index = imageOf(indexManifest([manifest]));
    const blobs = blobsOfImages('repo', [imageOf(manifest), unread, index]);
    expect(blobs).toEqual([
      [blob('a-config', 1_000).digest, 1_000],
      [base.digest, 3_000_000],
      [blob('a', 10).digest, 10],
      [`image:repo:${unread.imageDigest}`, 77],
    ]);
  });

  it('adds each blob once, however many repositories hold it', () => {
    const all = new RegistryBlobs();
    all.add(blobsOfImages('api', images('api')));
    all.add(blobsOfImages('web', images('web')));
    expect(all.bytes).toBe(3_000_000 + 2 * OWN);
  });

  it('keys a blob by 24 hex digits of its digest, partitioned by the first', () => {
    const digest = `sha256:f${'0'.repeat(62)}1`;
    expect(compactBlobKey(digest)).toEqual({ key: `f${'0'.repeat(23)}`, partition: 15 % BLOB_PARTITIONS });
    const other = compactBlobKey('image:repo:sha256:abc');
    expect(other.key).toMatch(/^[0-9a-f]{24}$/);
    expect(compactBlobKey('image:repo:sha256:abc')).toEqual(other);
  });
});

describe('blobMountingSettingOf', () => {
  const input = { accountId: '123456789012', region: 'eu-west-1', perRepositoryBytes: 300 };
  it('holds the bill to the registry-wide figure wherever blob mounting is on, even when it could not be added up', () => {
    expect(blobMountingSettingOf({ ...input, reading: { status: 'ENABLED' }, registryUniqueBytes: 120 })).toMatchObject({
      registryUniqueBytes: 120,
      billShouldMatch: 'registry-unique',
    });
    expect(blobMountingSettingOf({ ...input, reading: { status: 'ENABLED' } })).toEqual({
      ...input,
      status: 'ENABLED',
      billShouldMatch: 'registry-unique',
    });
  });

  it('holds it to the per-repository sum where it is off or unknown, and gives no registry figure there', () => {
    expect(blobMountingSettingOf({ ...input, reading: { status: 'DISABLED' }, registryUniqueBytes: 120 })).toEqual({
      ...input,
      status: 'DISABLED',
      billShouldMatch: 'per-repository',
    });
    expect(blobMountingSettingOf({ ...input, reading: { status: 'unknown', reason: 'denied' } }).billShouldMatch).toBe('per-repository');
  });
});
