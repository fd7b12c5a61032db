import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
  type ImageDetail as SdkImageDetail,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { createEcrClient, createEcrRegistryPool } from '../../../../src/adapters/aws/clients';
import { BATCH_GET_IMAGE_LIMIT, DEFAULT_WRITE_RATE_LIMIT, EcrRegistry, PAGE_SIZE } from '../../../../src/adapters/aws/ecr';
import { PolicyWriteError } from '../../../../src/domain/errors';
import { ACCEPTED_MEDIA_TYPES } from '../../../../src/domain/image';
import type { RepositoryRef } from '../../../../src/domain/registry';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

function newClient(): ECRClient {
  return new ECRClient({ region: REGION, credentials: TEST_CREDENTIALS });
}

// The mock is per instance so the clients of the retry-stack tests below keep their real send().
let client = newClient();
let ecrMock = mockClient(client);

function registry(accountId?: string): EcrRegistry {
  return new EcrRegistry(accountId === undefined ? { client, region: REGION } : { client, region: REGION, accountId });
}

function arn(name: string, account = ACCOUNT): string {
  return `arn:aws:ecr:${REGION}:${account}:repository/${name}`;
}

function digest(i: number): string {
  return `sha256:${i.toString(16).padStart(64, '0')}`;
}

function repositoryRef(name: string): RepositoryRef {
  return { accountId: ACCOUNT, region: REGION, repositoryName: name, repositoryArn: arn(name) };
}

/** The inputs BatchGetImage was called with, in order. */
function batchGetImageInputs(): Array<{ ids: string[]; acceptedMediaTypes: string[] | undefined }> {
  return ecrMock.commandCalls(BatchGetImageCommand).map((call) => ({
    ids: (call.args[0].input.imageIds ?? []).map((id) => id.imageDigest ?? ''),
    acceptedMediaTypes: call.args[0].input.acceptedMediaTypes,
  }));
}

beforeEach(() => {
  client = newClient();
  ecrMock = mockClient(client);
});

describe('EcrRegistry', () => {
  describe('listRepositories', () => {
    it('reads every page with maxResults 1000 when DescribeRepositories returns a nextToken', async () => {
      // Arrange
      ecrMock
        .on(DescribeRepositoriesCommand)
        .resolves({ repositories: [{ repositoryName: 'a', repositoryArn: arn('a'), registryId: ACCOUNT }], nextToken: 't1' })
        .on(DescribeRepositoriesCommand, { nextToken: 't1' })
        .resolves({ repositories: [{ repositoryName: 'b', repositoryArn: arn('b'), registryId: ACCOUNT }], nextToken: 't2' })
        .on(DescribeRepositoriesCommand, { nextToken: 't2' })
        .resolves({ repositories: [{ repositoryName: 'c', repositoryArn: arn('c'), registryId: ACCOUNT }] });

      // Act
      const repos = await registry().listRepositories();

      // Assert
      expect(repos.map((r) => r.repositoryName)).toEqual(['a', 'b', 'c']);
      expect(ecrMock).toHaveReceivedCommandTimes(DescribeRepositoriesCommand, 3);
      expect(ecrMock).toHaveReceivedCommandWith(DescribeRepositoriesCommand, { maxResults: PAGE_SIZE });
      expect(PAGE_SIZE).toBe(1000);
    });

    it('returns account, region, name, ARN and an ISO creation time when ECR returns a repository', async () => {
      // Arrange
      ecrMock.on(DescribeRepositoriesCommand).resolves({
        repositories: [
          { repositoryName: 'team/app', repositoryArn: arn('team/app'), registryId: ACCOUNT, createdAt: new Date('2026-03-01T12:00:00Z') },
        ],
      });

      // Act
      const repos = await registry().listRepositories();

      // Assert
      expect(repos).toEqual([
        {
          accountId: ACCOUNT,
          region: REGION,
          repositoryName: 'team/app',
          repositoryArn: arn('team/app'),
          createdAt: '2026-03-01T12:00:00.000Z',
        },
      ]);
    });

    it('takes the account from the ARN when registryId is missing', async () => {
      // Arrange
      ecrMock
        .on(DescribeRepositoriesCommand)
        .resolves({ repositories: [{ repositoryName: 'app', repositoryArn: arn('app', '210987654321') }] });

      // Act
      const repos = await registry().listRepositories();

      // Assert
      expect(repos[0]).toEqual({
        accountId: '210987654321',
        region: REGION,
        repositoryName: 'app',
        repositoryArn: arn('app', '210987654321'),
      });
    });

    it('sends registryId when an account is given', async () => {
      // Arrange
      ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [] });

      // Act
      await registry(ACCOUNT).listRepositories();

      // Assert
      expect(ecrMock).toHaveReceivedCommandWith(DescribeRepositoriesCommand, { registryId: ACCOUNT, maxResults: 1000 });
    });

    it('returns an empty list when the registry has no repositories', async () => {
      // Arrange
      ecrMock.on(DescribeRepositoriesCommand).resolves({});

      // Act
      const repos = await registry().listRepositories();

      // Assert
      expect(repos).toEqual([]);
    });
  });

  describe('describeImages', () => {
    it('reads every page with maxResults 1000 and imageStatus ANY when DescribeImages returns a nextToken', async () => {
      // Arrange
      ecrMock
        .on(DescribeImagesCommand)
        .resolves({ imageDetails: [{ imageDigest: digest(1) }, { imageDigest: digest(2) }], nextToken: 'p2' })
        .on(DescribeImagesCommand, { nextToken: 'p2' })
        .resolves({ imageDetails: [{ imageDigest: digest(3) }], nextToken: 'p3' })
        .on(DescribeImagesCommand, { nextToken: 'p3' })
        .resolves({ imageDetails: [{ imageDigest: digest(4) }] });

      // Act
      const images = await registry().describeImages('app');

      // Assert
      expect(images.map((i) => i.imageDigest)).toEqual([digest(1), digest(2), digest(3), digest(4)]);
      expect(ecrMock).toHaveReceivedCommandTimes(DescribeImagesCommand, 3);
      expect(ecrMock).toHaveReceivedCommandWith(DescribeImagesCommand, {
        repositoryName: 'app',
        maxResults: 1000,
        filter: { imageStatus: 'ANY' },
      });
    });

    it('copies the known fields and keeps Dates when ECR returns an archived image', async () => {
      // Arrange
      const pushed = new Date('2025-01-01T00:00:00Z');
      const pulled = new Date('2025-06-01T00:00:00Z');
      const archived = new Date('2025-09-01T00:00:00Z');
      const activated = new Date('2025-10-01T00:00:00Z');
      const sdkImage: SdkImageDetail = {
        registryId: ACCOUNT,
        repositoryName: 'app',
        imageDigest: digest(7),
        imageTags: ['v1', 'latest'],
        imageSizeInBytes: 1234,
        imagePushedAt: pushed,
        lastRecordedPullTime: pulled,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactMediaType: 'application/vnd.oci.image.config.v1+json',
        subjectManifestDigest: digest(8),
        imageStatus: 'ARCHIVED',
        lastArchivedAt: archived,
        lastActivatedAt: activated,
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindingsSummary: { findingSeverityCounts: { HIGH: 1 } },
      };
      ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [sdkImage] });

      // Act
      const images = await registry().describeImages('app');

      // Assert
      expect(images).toEqual([
        {
          registryId: ACCOUNT,
          repositoryName: 'app',
          imageDigest: digest(7),
          imageTags: ['v1', 'latest'],
          imageSizeInBytes: 1234,
          imagePushedAt: pushed,
          lastRecordedPullTime: pulled,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactMediaType: 'application/vnd.oci.image.config.v1+json',
          subjectManifestDigest: digest(8),
          imageStatus: 'ARCHIVED',
          lastArchivedAt: archived,
          lastActivatedAt: activated,
        },
      ]);
    });

    it('leaves out absent fields when ECR returns an untagged image', async () => {
      // Arrange
      ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest(1), imageSizeInBytes: 10 }] });

      // Act
      const images = await registry().describeImages('app');

      // Assert
      expect(images).toEqual([{ imageDigest: digest(1), imageSizeInBytes: 10 }]);
      expect(Object.keys(images[0] ?? {})).toEqual(['imageDigest', 'imageSizeInBytes']);
    });

    it('propagates the error when the repository does not exist', async () => {
      // Arrange
      ecrMock.on(DescribeImagesCommand).rejects(new RepositoryNotFoundException({ message: 'repository gone', $metadata: {} }));

      // Act
      const act = registry().describeImages('gone');

      // Assert
      await expect(act).rejects.toBeInstanceOf(RepositoryNotFoundException);
    });
  });

  describe('getManifests', () => {
    it('asks BatchGetImage in batches of at most 100 with the accepted media types when given 250 digests', async () => {
      // Arrange
      const digests = Array.from({ length: 250 }, (_, i) => digest(i));
      ecrMock.on(BatchGetImageCommand).callsFake((input: { imageIds?: Array<{ imageDigest?: string }> }) => ({
        images: (input.imageIds ?? []).map((id) => ({ imageId: id, imageManifest: `{"digest":"${id.imageDigest ?? ''}"}` })),
        failures: [],
      }));

      // Act
      const manifests = await registry().getManifests('app', digests);

      // Assert
      expect(BATCH_GET_IMAGE_LIMIT).toBe(100);
      expect(ecrMock).toHaveReceivedCommandTimes(BatchGetImageCommand, 3);
      const inputs = batchGetImageInputs();
      expect(inputs.map((i) => i.ids.length)).toEqual([100, 100, 50]);
      expect(inputs.flatMap((i) => i.ids)).toEqual(digests);
      for (const input of inputs) expect(input.acceptedMediaTypes).toEqual([...ACCEPTED_MEDIA_TYPES]);
      expect(ecrMock).toHaveReceivedCommandWith(BatchGetImageCommand, { repositoryName: 'app' });
      expect(manifests).toHaveLength(250);
    });

    it('leaves out the failed items when BatchGetImage reports failures', async () => {
      // Arrange
      const manifest = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';
      ecrMock.on(BatchGetImageCommand).resolves({
        images: [
          {
            imageId: { imageDigest: digest(1) },
            imageManifest: manifest,
            imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          },
        ],
        failures: [{ imageId: { imageDigest: digest(2) }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }],
      });

      // Act
      const manifests = await registry().getManifests('app', [digest(1), digest(2)]);

      // Assert
      expect(manifests).toEqual([
        { imageDigest: digest(1), imageManifest: manifest, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' },
      ]);
    });

    it.each(['ImageReferencedByManifestList', 'ImageNotFound', 'KmsError', 'UpstreamUnavailable'] as const)(
      'keeps the other manifests of the batch when one item fails with %s',
      async (failureCode) => {
        // Arrange: ECR answers 200 with per-item failures, never an exception, for a batch call.
        const manifest = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';
        ecrMock.on(BatchGetImageCommand).resolves({
          images: [1, 3].map((n) => ({ imageId: { imageDigest: digest(n) }, imageManifest: manifest })),
          failures: [{ imageId: { imageDigest: digest(2) }, failureCode, failureReason: `${failureCode} for this image` }],
        });

        // Act
        const manifests = await registry().getManifests('app', [digest(1), digest(2), digest(3)]);

        // Assert
        expect(manifests.map((m) => m.imageDigest)).toEqual([digest(1), digest(3)]);
      },
    );

    it('sends no call when given no digests', async () => {
      // Arrange
      const reader = registry();

      // Act
      const manifests = await reader.getManifests('app', []);

      // Assert
      expect(manifests).toEqual([]);
      expect(ecrMock).not.toHaveReceivedCommand(BatchGetImageCommand);
    });

    it('asks for a digest once when it is given twice', async () => {
      // Arrange
      ecrMock.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageDigest: digest(1) }, imageManifest: '{}' }] });

      // Act
      const manifests = await registry().getManifests('app', [digest(1), digest(1)]);

      // Assert
      expect(batchGetImageInputs().map((i) => i.ids)).toEqual([[digest(1)]]);
      expect(manifests).toEqual([{ imageDigest: digest(1), imageManifest: '{}' }]);
    });
  });

  describe('getLifecyclePolicy', () => {
    it('returns the policy text when the repository has a policy', async () => {
      // Arrange
      const text = '{"rules":[]}';
      ecrMock.on(GetLifecyclePolicyCommand, { repositoryName: 'app' }).resolves({ repositoryName: 'app', lifecyclePolicyText: text });

      // Act
      const policy = await registry().getLifecyclePolicy('app');

      // Assert
      expect(policy).toBe(text);
    });

    it('returns undefined when ECR answers LifecyclePolicyNotFoundException', async () => {
      // Arrange
      ecrMock.on(GetLifecyclePolicyCommand).rejects(new LifecyclePolicyNotFoundException({ message: 'no policy', $metadata: {} }));

      // Act
      const policy = await registry().getLifecyclePolicy('app');

      // Assert
      expect(policy).toBeUndefined();
    });

    it.each([
      [
        'AccessDeniedException',
        new ECRServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'not authorized' }),
      ],
      ['RepositoryNotFoundException', new RepositoryNotFoundException({ message: 'repository gone', $metadata: {} })],
    ])('re-throws when ECR answers %s', async (_name, error) => {
      // Arrange
      ecrMock.on(GetLifecyclePolicyCommand).rejects(error);

      // Act
      const act = registry().getLifecyclePolicy('app');

      // Assert
      await expect(act).rejects.toBe(error);
    });
  });

  describe('getRepository', () => {
    it('asks DescribeRepositories for that one name and returns its reference', async () => {
      // Arrange
      ecrMock
        .on(DescribeRepositoriesCommand)
        .resolves({ repositories: [{ repositoryName: 'team/web', repositoryArn: arn('team/web'), registryId: ACCOUNT }] });

      // Act
      const ref = await registry(ACCOUNT).getRepository('team/web');

      // Assert
      expect(ref).toEqual(repositoryRef('team/web'));
      expect(ecrMock).toHaveReceivedCommandWith(DescribeRepositoriesCommand, { registryId: ACCOUNT, repositoryNames: ['team/web'] });
    });

    it('returns undefined when ECR answers RepositoryNotFoundException', async () => {
      // Arrange
      ecrMock.on(DescribeRepositoriesCommand).rejects(new RepositoryNotFoundException({ message: 'no such repository', $metadata: {} }));

      // Act / Assert
      await expect(registry().getRepository('gone')).resolves.toBeUndefined();
    });

    it('re-throws any other error', async () => {
      // Arrange
      const error = new ECRServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'not authorized' });
      ecrMock.on(DescribeRepositoriesCommand).rejects(error);

      // Act / Assert
      await expect(registry().getRepository('web')).rejects.toBe(error);
    });
  });

  describe('listTags', () => {
    it('asks with the repository ARN and returns its tags', async () => {
      // Arrange
      ecrMock.on(ListTagsForResourceCommand).resolves({
        tags: [
          { Key: 'team', Value: 'payments' },
          { Key: 'empty', Value: '' },
        ],
      });

      // Act
      const tags = await registry().listTags(repositoryRef('app'));

      // Assert
      expect(ecrMock).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: arn('app') });
      expect(tags).toEqual([
        { Key: 'team', Value: 'payments' },
        { Key: 'empty', Value: '' },
      ]);
    });

    it('returns an empty list when the repository has no tags', async () => {
      // Arrange
      ecrMock.on(ListTagsForResourceCommand).resolves({});

      // Act
      const tags = await registry().listTags(repositoryRef('app'));

      // Assert
      expect(tags).toEqual([]);
    });
  });

  describe('putLifecyclePolicy', () => {
    it('sends the repository name and policy text', async () => {
      // Arrange
      const text =
        '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}';
      ecrMock.on(PutLifecyclePolicyCommand).resolves({ repositoryName: 'app', lifecyclePolicyText: text });

      // Act
      await registry().putLifecyclePolicy('app', text);

      // Assert
      expect(ecrMock).toHaveReceivedCommandTimes(PutLifecyclePolicyCommand, 1);
      expect(ecrMock).toHaveReceivedCommandWith(PutLifecyclePolicyCommand, { repositoryName: 'app', lifecyclePolicyText: text });
    });

    it('sends registryId when an account is given', async () => {
      // Arrange
      ecrMock.on(PutLifecyclePolicyCommand).resolves({});

      // Act
      await registry(ACCOUNT).putLifecyclePolicy('app', '{"rules":[]}');

      // Assert
      expect(ecrMock).toHaveReceivedCommandWith(PutLifecyclePolicyCommand, { registryId: ACCOUNT, repositoryName: 'app' });
    });
  });

  describe('putLifecyclePolicy failures', () => {
    const serviceError = (name: string, fault: 'client' | 'server', httpStatusCode: number) =>
      new ECRServiceException({ name, $fault: fault, $metadata: { httpStatusCode }, message: `${name} from ECR` });

    it.each([
      { name: 'ThrottlingException', fault: 'client' as const, status: 400, failure: 'throttled' },
      { name: 'TooManyRequestsException', fault: 'client' as const, status: 429, failure: 'throttled' },
      { name: 'InvalidParameterException', fault: 'client' as const, status: 400, failure: 'rejected' },
      { name: 'RepositoryNotFoundException', fault: 'client' as const, status: 400, failure: 'rejected' },
      { name: 'ServerException', fault: 'server' as const, status: 500, failure: 'unknown' },
      { name: 'InternalFailure', fault: 'server' as const, status: 503, failure: 'unknown' },
    ])('throws a PolicyWriteError that says $failure when ECR answers $name', async ({ name, fault, status, failure }) => {
      // Arrange
      ecrMock.on(PutLifecyclePolicyCommand).rejects(serviceError(name, fault, status));

      // Act
      const act = registry().putLifecyclePolicy('app', '{"rules":[]}');

      // Assert
      await expect(act).rejects.toBeInstanceOf(PolicyWriteError);
      await expect(act).rejects.toMatchObject({ failure, code: name, message: expect.stringContaining('app') });
    });

    it.each([
      { name: 'a reset connection', error: Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }) },
      {
        name: 'a request timeout',
        error: Object.assign(new Error('exceeded the configured 10000 ms requestTimeout'), { name: 'TimeoutError' }),
      },
    ])('says the outcome is unknown after $name, since the write may have landed', async ({ error }) => {
      // Arrange
      ecrMock.on(PutLifecyclePolicyCommand).rejects(error);

      // Act
      const act = registry().putLifecyclePolicy('app', '{"rules":[]}');

      // Assert
      await expect(act).rejects.toMatchObject({ failure: 'unknown' });
    });
  });

  describe('acquireWriteSlot', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('waits for the PutLifecyclePolicy rate limit before the re-read, so the write itself leaves at once', async () => {
      // Arrange
      jest.useFakeTimers();
      const limited = new EcrRegistry({ client, region: REGION, writeRateLimit: { perSecond: 2, burst: 1 } });
      let slots = 0;

      // Act: the first slot is free, the second is half a second later.
      await limited.acquireWriteSlot();
      slots++;
      const second = limited.acquireWriteSlot().then(() => slots++);
      await jest.advanceTimersByTimeAsync(499);
      const before = slots;
      await jest.advanceTimersByTimeAsync(1);
      await second;

      // Assert
      expect(before).toBe(1);
      expect(slots).toBe(2);
    });

    it('paces writes at the default ceiling when no rate limit is configured', async () => {
      // Arrange
      jest.useFakeTimers();
      const paced = registry();
      let slots = 0;

      // Act: two turns at once (the burst), the third a tenth of a second later (10 a second).
      for (let i = 0; i < 2; i++) await paced.acquireWriteSlot();
      const third = paced.acquireWriteSlot().then(() => slots++);
      await jest.advanceTimersByTimeAsync(99);
      const before = slots;
      await jest.advanceTimersByTimeAsync(1);
      await third;

      // Assert
      expect(DEFAULT_WRITE_RATE_LIMIT).toEqual({ perSecond: 10, burst: 2 });
      expect(before).toBe(0);
      expect(slots).toBe(1);
    });

    it('slows the next turn after a throttled write', async () => {
      // Arrange
      jest.useFakeTimers();
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      ecrMock.on(PutLifecyclePolicyCommand).rejectsOnce(throttled).resolves({});
      const paced = new EcrRegistry({ client, region: REGION, writeRateLimit: { perSecond: 4, burst: 1 } });
      await paced.acquireWriteSlot();

      // Act: the throttle halves the pace to 2 a second; the next turn is half a second away.
      await expect(paced.putLifecyclePolicy('app', '{}')).rejects.toMatchObject({ failure: 'throttled' });
      let granted = false;
      const next = paced.acquireWriteSlot().then(() => (granted = true));
      await jest.advanceTimersByTimeAsync(499);
      const early = granted;
      await jest.advanceTimersByTimeAsync(1);
      await next;

      // Assert
      expect(early).toBe(false);
      expect(granted).toBe(true);
    });
  });

  // aws-sdk-client-mock replaces send() and so skips the SDK's retry stack; these tests run the real
  // stack (the production adaptive client) over a fake HTTP transport.
  describe('over the SDK retry stack', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('succeeds and records 1 call and 2 retries when DescribeImages is throttled twice', async () => {
      // Arrange
      const counter = new CallCounter();
      const throttled = { status: 400, error: 'ThrottlingException', message: 'Rate exceeded' };
      const { requestHandler, received } = fakeEcrTransport({
        DescribeImages: [throttled, throttled, { body: { imageDetails: [{ imageDigest: digest(1), imageStatus: 'ACTIVE' }] } }],
      });
      const client = createEcrClient({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler, counter });
      const reader = new EcrRegistry({ client, region: REGION });
      jest.useFakeTimers();

      // Act
      const images = await settleWithFakeTimers(reader.describeImages('app'));

      // Assert
      expect(images).toEqual([{ imageDigest: digest(1), imageStatus: 'ACTIVE' }]);
      expect(received).toHaveLength(3);
      expect(counter.snapshot()).toEqual({ calls: { DescribeImages: 1, total: 1 }, retries: { DescribeImages: 2 } });
    });

    it('writes in one attempt through a registry of createEcrRegistryPool, while its reads retry', async () => {
      // Arrange: every answer is a 500 at first.
      const counter = new CallCounter();
      const { requestHandler, received } = fakeEcrTransport({
        PutLifecyclePolicy: [{ status: 500, error: 'ServerException', message: 'internal error' }, { body: {} }],
        GetLifecyclePolicy: [
          { status: 500, error: 'ServerException', message: 'internal error' },
          { body: { repositoryName: 'app', lifecyclePolicyText: '{}' } },
        ],
      });
      const pooled = createEcrRegistryPool({ credentials: TEST_CREDENTIALS, requestHandler, counter })(REGION);
      jest.useFakeTimers();

      // Act
      const write = settleWithFakeTimers(
        pooled.putLifecyclePolicy('app', '{"rules":[]}').then(
          () => 'written',
          (e: unknown) => e,
        ),
      );
      const written = await write;
      const read = await settleWithFakeTimers(pooled.getLifecyclePolicy('app'));

      // Assert
      expect(written).toMatchObject({ failure: 'unknown', code: 'ServerException' });
      expect(read).toBe('{}');
      expect(received.map((r) => r.operation)).toEqual(['PutLifecyclePolicy', 'GetLifecyclePolicy', 'GetLifecyclePolicy']);
      expect(counter.snapshot()).toEqual({
        calls: { GetLifecyclePolicy: 1, PutLifecyclePolicy: 1, total: 2 },
        retries: { GetLifecyclePolicy: 1 },
      });
    });

    it('counts calls per operation and sends page tokens on the wire when listing pages', async () => {
      // Arrange
      const counter = new CallCounter();
      const { requestHandler, received } = fakeEcrTransport({
        DescribeRepositories: [
          { body: { repositories: [{ repositoryName: 'app', repositoryArn: arn('app'), registryId: ACCOUNT }], nextToken: 'r2' } },
          { body: { repositories: [] } },
        ],
        DescribeImages: [{ body: { imageDetails: [], nextToken: 'i2' } }, { body: { imageDetails: [] } }],
        GetLifecyclePolicy: [{ status: 400, error: 'LifecyclePolicyNotFoundException', message: 'no policy' }],
      });
      const client = createEcrClient({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler, counter });
      const reader = new EcrRegistry({ client, region: REGION });

      // Act
      const repos = await reader.listRepositories();
      await reader.describeImages('app');
      const policy = await reader.getLifecyclePolicy('app');

      // Assert
      expect(repos).toHaveLength(1);
      expect(policy).toBeUndefined();
      expect(received.map((r) => [r.operation, r.input])).toEqual([
        ['DescribeRepositories', { maxResults: 1000 }],
        ['DescribeRepositories', { maxResults: 1000, nextToken: 'r2' }],
        ['DescribeImages', { repositoryName: 'app', filter: { imageStatus: 'ANY' }, maxResults: 1000 }],
        ['DescribeImages', { repositoryName: 'app', filter: { imageStatus: 'ANY' }, maxResults: 1000, nextToken: 'i2' }],
        ['GetLifecyclePolicy', { repositoryName: 'app' }],
      ]);
      expect(counter.snapshot()).toEqual({
        calls: { DescribeImages: 2, DescribeRepositories: 2, GetLifecyclePolicy: 1, total: 5 },
        retries: {},
      });
    });
  });
});
