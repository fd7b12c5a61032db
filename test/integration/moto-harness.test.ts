// Proves the integration harness: moto is up, the SDK reaches it, and the seed helpers store what
// they claim (true digests, untagged images, an index with its children, policies, tags).
import {
  BatchGetImageCommand,
  DeleteLifecyclePolicyCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  RepositoryNotFoundException,
  TagResourceCommand,
  type ECRClient,
  type ImageDetail,
  type Repository,
} from '@aws-sdk/client-ecr';
import { ecrClientForMoto, MOTO_ACCOUNT_ID, resetMoto } from './support/moto';
import {
  blobDigest,
  createRepository,
  getPolicy,
  imageManifest,
  MediaTypes,
  pushImage,
  pushIndex,
  pushUntaggedImage,
  putPolicy,
  sha256Digest,
  type ImageIndex,
  type PushedImage,
  type PushedIndex,
} from './support/seed';

const REPO = 'team/api';

const untaggedOnlyPolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images',
      selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    },
  ],
};

describe('moto harness', () => {
  let ecr: ECRClient;
  let repository: Repository;
  let tagged: PushedImage;
  let untagged: PushedImage;
  let multiArch: PushedIndex;

  beforeAll(async () => {
    await resetMoto();
    ecr = ecrClientForMoto();
    repository = await createRepository(ecr, REPO, { tags: { team: 'api' } });
    const sharedBase = { size: 28_000_000, digest: blobDigest('debian-base') };
    tagged = await pushImage(ecr, REPO, {
      manifest: imageManifest({ format: 'docker', config: 7_000, layers: [sharedBase, 4_000_000] }),
      tag: 'v1',
    });
    untagged = await pushUntaggedImage(ecr, REPO, imageManifest({ config: 6_000, layers: [sharedBase, 3_000_000] }));
    multiArch = await pushIndex(ecr, REPO, {
      tag: 'v2',
      children: [
        { manifest: imageManifest({ config: 5_000, layers: [sharedBase, 2_000_000] }) },
        { manifest: imageManifest({ config: 5_100, layers: [27_000_000, 2_100_000] }) },
      ],
    });
  });

  afterAll(() => {
    ecr.destroy();
  });

  describe('createRepository', () => {
    it('creates the repository in the moto account', async () => {
      const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [REPO] }));

      expect(repositories).toHaveLength(1);
      expect(repository.registryId).toBe(MOTO_ACCOUNT_ID);
      expect(repository.repositoryArn).toBe(`arn:aws:ecr:us-east-1:${MOTO_ACCOUNT_ID}:repository/${REPO}`);
    });
  });

  describe('pushImage and pushIndex', () => {
    let details: Map<string, ImageDetail>;

    beforeAll(async () => {
      const { imageDetails = [] } = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO }));
      details = new Map(imageDetails.map((detail) => [detail.imageDigest ?? '', detail]));
    });

    it('stores every image under the sha256 of its exact manifest bytes', () => {
      const pushed = [tagged, untagged, multiArch.index, ...multiArch.children];

      expect([...details.keys()].sort()).toEqual(pushed.map((image) => image.digest).sort());
      for (const image of pushed) expect(image.digest).toBe(sha256Digest(image.manifestText));
    });

    it.each([
      ['a tagged image', () => tagged, ['v1'], MediaTypes.dockerManifest],
      ['an untagged image', () => untagged, undefined, MediaTypes.ociManifest],
      ['an index', () => multiArch.index, ['v2'], MediaTypes.ociIndex],
      ['an index child', () => multiArch.children[0], undefined, MediaTypes.ociManifest],
    ])('describes %s with its tags and media type', (_name, image, tags, mediaType) => {
      const detail = details.get(image()?.digest ?? '');

      expect(detail?.imageTags).toEqual(tags);
      expect(detail?.imageManifestMediaType).toBe(mediaType);
    });

    it('returns the exact manifest bytes from BatchGetImage', async () => {
      const pushed = [tagged, untagged, multiArch.index, ...multiArch.children];

      const { images = [], failures = [] } = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPO,
          imageIds: pushed.map((image) => ({ imageDigest: image.digest })),
        }),
      );

      expect(failures).toEqual([]);
      const manifests = new Map(images.map((image) => [image.imageId?.imageDigest, image.imageManifest]));
      for (const image of pushed) {
        expect(manifests.get(image.digest)).toBe(image.manifestText);
        expect(sha256Digest(manifests.get(image.digest) ?? '')).toBe(image.digest);
      }
    });

    it('makes the index reference its children by digest, size and platform', async () => {
      const { images = [] } = await ecr.send(new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v2' }] }));

      const index = JSON.parse(images[0]?.imageManifest ?? '{}') as ImageIndex;
      expect(index.mediaType).toBe(MediaTypes.ociIndex);
      expect(index.manifests).toEqual(
        multiArch.children.map((child, i) => ({
          mediaType: MediaTypes.ociManifest,
          digest: child.digest,
          size: child.manifestSize,
          platform: { os: 'linux', architecture: ['amd64', 'arm64'][i] },
        })),
      );
    });
  });

  describe('putPolicy and getPolicy', () => {
    it('puts, reads and deletes a lifecycle policy', async () => {
      await putPolicy(ecr, REPO, untaggedOnlyPolicy);
      const stored = await getPolicy(ecr, REPO);
      await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: REPO }));

      expect(JSON.parse(stored ?? 'null')).toEqual(untaggedOnlyPolicy);
      await expect(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }))).rejects.toBeInstanceOf(
        LifecyclePolicyNotFoundException,
      );
      expect(await getPolicy(ecr, REPO)).toBeUndefined();
    });

    it('puts the policy given to createRepository', async () => {
      await createRepository(ecr, 'team/with-policy', { policyText: untaggedOnlyPolicy });

      expect(JSON.parse((await getPolicy(ecr, 'team/with-policy')) ?? 'null')).toEqual(untaggedOnlyPolicy);
    });
  });

  describe('repository tags', () => {
    it('lists the tags given at creation and added later', async () => {
      await ecr.send(new TagResourceCommand({ resourceArn: repository.repositoryArn, tags: [{ Key: 'cost-centre', Value: '42' }] }));

      const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }));

      expect(tags).toEqual(
        expect.arrayContaining([
          { Key: 'team', Value: 'api' },
          { Key: 'cost-centre', Value: '42' },
        ]),
      );
      expect(tags).toHaveLength(2);
    });
  });

  describe('resetMoto', () => {
    // Last, as it wipes the state the tests above share.
    it('clears every repository', async () => {
      await resetMoto();

      await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [REPO] }))).rejects.toBeInstanceOf(
        RepositoryNotFoundException,
      );
    });
  });
});
