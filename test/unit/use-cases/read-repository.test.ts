import type { ImageDetail } from '../../../src/domain/image';
import type { ManifestText } from '../../../src/ports/registry';
import { readGuardImages, readRepositoryState } from '../../../src/use-cases/read-repository';
import { FakeRegistry, awsError } from '../support/fake-registry';
import { imageOf } from '../support/images';
import { MEDIA, blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import { UNTAGGED_30_DAYS } from '../support/policies';

const base = blob('alpine-3.22', 3_000_000);

/** An app image with `ownBytes` of its own (config + code) on a shared base. */
function app(name: string, ownBytes: number) {
  return imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(`${name}-code`, ownBytes - 1_000)] });
}

/** The image as `DescribeImages` may return it: without the media type ECR did not report. */
function withoutMediaType(image: ImageDetail): ImageDetail {
  const { imageManifestMediaType: _mediaType, ...rest } = image;
  return rest;
}

/** A fake registry whose `BatchGetImage` answers every manifest with `mediaType`. */
class RelabellingRegistry extends FakeRegistry {
  constructor(
    region: string,
    images: ImageDetail[],
    private readonly mediaType: string,
  ) {
    super(region, [{ name: 'api', images }]);
  }

  override async getManifests(repositoryName: string, imageDigests: readonly string[]): Promise<ManifestText[]> {
    return (await super.getManifests(repositoryName, imageDigests)).map((m) => ({ ...m, imageManifestMediaType: this.mediaType }));
  }
}

describe('read-repository', () => {
  describe('readRepositoryState', () => {
    it('attaches each manifest to its image and leaves images without a readable manifest bare', async () => {
      // Arrange
      const amd64 = app('amd64', 2_000);
      const list = indexManifest([amd64]);
      const unread = imageOf(app('unread', 3_000), { withoutManifest: true });
      const { imageManifestMediaType: _mediaType, ...listWithoutMediaType } = imageOf(list, { tags: ['v1'] });
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [listWithoutMediaType, imageOf(amd64), unread] }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const state = await readRepositoryState(registry, ref);

      // Assert
      expect(state.lifecyclePolicyText).toBeNull();
      expect(state.images[0]).toMatchObject({ imageDigest: list.digest, imageManifest: list.text });
      expect(state.images[1]).toMatchObject({
        imageDigest: amd64.digest,
        imageManifest: amd64.text,
        imageManifestMediaType: amd64.mediaType,
      });
      expect(state.images[2]?.imageManifest).toBeUndefined();
    });

    it('fetches only the manifests it does not know, and lists no tags when they are given', async () => {
      // Arrange: the cache knows the index; the child is new since.
      const amd64 = app('amd64', 2_000);
      const list = indexManifest([amd64]);
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [imageOf(list, { tags: ['v1'] }), imageOf(amd64)] }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');
      const cached = new Map([[list.digest, { kind: 'index' as const, children: [amd64.digest], blobs: [] }]]);
      const getManifests = jest.spyOn(registry, 'getManifests');

      // Act
      const state = await readRepositoryState(registry, ref, { tags: [{ Key: 'team', Value: 'a' }], manifests: cached });

      // Assert
      expect(getManifests).toHaveBeenCalledWith('api', [amd64.digest]);
      expect(registry.callsOf('listTags')).toEqual([]);
      expect(state.tags).toEqual([{ Key: 'team', Value: 'a' }]);
      expect(state.images[0]).toMatchObject({ imageDigest: list.digest, parsedManifest: cached.get(list.digest) });
      expect(state.images[0]?.imageManifest).toBeUndefined();
      expect(state.images[1]).toMatchObject({ imageDigest: amd64.digest, imageManifest: amd64.text });
    });

    it('calls BatchGetImage not at all when every manifest is known', async () => {
      // Arrange
      const amd64 = app('amd64', 2_000);
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [imageOf(amd64, { tags: ['v1'] })] }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      await readRepositoryState(registry, ref, { manifests: new Map([[amd64.digest, { kind: 'manifest', children: [], blobs: [] }]]) });

      // Assert
      expect(registry.callsOf('getManifests')).toEqual([]);
    });

    it('reads the policy text, lists the tags when none are given, and keeps the reference', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'web', policy: UNTAGGED_30_DAYS, tags: [{ Key: 'team', Value: 'web' }], images: [] },
      ]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const state = await readRepositoryState(registry, ref);

      // Assert
      expect(state).toEqual({ ...ref, tags: [{ Key: 'team', Value: 'web' }], lifecyclePolicyText: UNTAGGED_30_DAYS, images: [] });
      expect(registry.callsOf('listTags', 'web')).toHaveLength(1);
      expect(registry.callsOf('getManifests')).toEqual([]);
    });

    it('keeps the media type DescribeImages reported over the one BatchGetImage gives', async () => {
      // Arrange
      const amd64 = app('amd64', 2_000);
      const registry = new RelabellingRegistry('eu-west-1', [imageOf(amd64, { tags: ['v1'] })], MEDIA.dockerManifest);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const state = await readRepositoryState(registry, ref);

      // Assert
      expect(state.images[0]).toMatchObject({ imageManifest: amd64.text, imageManifestMediaType: MEDIA.ociManifest });
    });

    it('takes the media type from BatchGetImage when DescribeImages reported none', async () => {
      // Arrange
      const amd64 = app('amd64', 2_000);
      const registry = new RelabellingRegistry('eu-west-1', [withoutMediaType(imageOf(amd64, { tags: ['v1'] }))], MEDIA.dockerManifest);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const state = await readRepositoryState(registry, ref);

      // Assert
      expect(state.images[0]?.imageManifestMediaType).toBe(MEDIA.dockerManifest);
    });

    it('fails with the registry error when a read fails, so the caller can record it for this repository', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [imageOf(app('a', 2_000))] }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');
      registry.failRepository('api', awsError('AccessDeniedException', 'not authorized to perform: ecr:BatchGetImage'), 'getManifests');

      // Act / Assert
      await expect(readRepositoryState(registry, ref)).rejects.toThrow('ecr:BatchGetImage');
    });
  });

  describe('readGuardImages', () => {
    it('fetches the manifests of indexes and of images of unreported type only, and attaches them', async () => {
      // Arrange
      const amd64 = app('amd64', 2_000);
      const arm64 = app('arm64', 2_500);
      const list = indexManifest([amd64, arm64]);
      const dockerList = indexManifest([arm64], { format: 'docker' });
      const unlabelled = app('unlabelled', 4_000);
      const signature = signatureOf(amd64);
      const registry = new FakeRegistry('eu-west-1', [
        {
          name: 'api',
          images: [
            imageOf(list, { tags: ['v1'] }),
            imageOf(dockerList, { tags: ['v0'] }),
            imageOf(amd64),
            imageOf(arm64),
            withoutMediaType(imageOf(unlabelled, { tags: ['old'] })),
            imageOf(signature),
          ],
        },
      ]);
      const getManifests = jest.spyOn(registry, 'getManifests');

      // Act
      const images = await readGuardImages(registry, 'api');

      // Assert
      expect(getManifests).toHaveBeenCalledTimes(1);
      expect(getManifests).toHaveBeenCalledWith('api', [list.digest, dockerList.digest, unlabelled.digest]);
      expect(images.map((i) => i.imageDigest)).toEqual([list, dockerList, amd64, arm64, unlabelled, signature].map((m) => m.digest));
      expect(images[0]?.imageManifest).toBe(list.text);
      expect(images[1]?.imageManifest).toBe(dockerList.text);
      expect(images[4]?.imageManifest).toBe(unlabelled.text);
      expect(images[2]?.imageManifest).toBeUndefined();
      expect(images[5]).toMatchObject({ subjectManifestDigest: amd64.digest });
      expect(images[5]?.imageManifest).toBeUndefined();
    });

    it('calls BatchGetImage not at all when no image is an index', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [imageOf(app('a', 2_000), { tags: ['v1'] })] }]);

      // Act
      const images = await readGuardImages(registry, 'api');

      // Assert
      expect(images).toHaveLength(1);
      expect(registry.callsOf('getManifests')).toEqual([]);
    });

    it('leaves an index bare when ECR could not return its manifest', async () => {
      // Arrange
      const list = indexManifest([app('a', 2_000)]);
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [imageOf(list, { tags: ['v1'], withoutManifest: true })] }]);

      // Act
      const images = await readGuardImages(registry, 'api');

      // Assert
      expect(registry.callsOf('getManifests', 'api')).toHaveLength(1);
      expect(images[0]).toMatchObject({ imageDigest: list.digest, imageManifestMediaType: list.mediaType });
      expect(images[0]?.imageManifest).toBeUndefined();
    });

    it('fails with the registry error when DescribeImages fails', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: [] }]);
      registry.failRepository('api', awsError('ThrottlingException', 'Rate exceeded'), 'describeImages');

      // Act / Assert
      await expect(readGuardImages(registry, 'api')).rejects.toThrow('Rate exceeded');
    });
  });
});
