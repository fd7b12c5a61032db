import { BatchGetImageCommand, ECRClient, ServerException } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DEFAULT_MANIFEST_BATCHES_IN_FLIGHT, EcrRegistry } from '../../../../src/adapters/aws/ecr';
import { ConfigError } from '../../../../src/domain/errors';

const REGION = 'eu-west-1';

function digest(i: number): string {
  return `sha256:${i.toString(16).padStart(64, '0')}`;
}

function setUp(manifestBatchesInFlight?: number): { registry: EcrRegistry; ecrMock: ReturnType<typeof mockClient> } {
  const client = new ECRClient({ region: REGION, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
  const ecrMock = mockClient(client);
  const options = manifestBatchesInFlight === undefined ? { client, region: REGION } : { client, region: REGION, manifestBatchesInFlight };
  return { registry: new EcrRegistry(options), ecrMock };
}

/** Answers each batch after `delays[batch]` ms (by its first id), tracking how many were in flight. */
function answerSlowly(ecrMock: ReturnType<typeof mockClient>, delays: (batch: number) => number): { maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  ecrMock.on(BatchGetImageCommand).callsFake(async (input: { imageIds?: Array<{ imageDigest?: string }> }) => {
    inFlight++;
    max = Math.max(max, inFlight);
    const ids = input.imageIds ?? [];
    const first = parseInt((ids[0]?.imageDigest ?? 'sha256:0').slice('sha256:'.length), 16);
    await new Promise((resolve) => setTimeout(resolve, delays(Math.floor(first / 100))));
    inFlight--;
    return { images: ids.map((id) => ({ imageId: id, imageManifest: `{"d":"${id.imageDigest ?? ''}"}` })), failures: [] };
  });
  return { maxInFlight: () => max };
}

describe('EcrRegistry', () => {
  describe('getManifests', () => {
    it('keeps at most manifestBatchesInFlight calls going and returns the manifests in the order asked when later batches answer first', async () => {
      // Arrange
      const { registry, ecrMock } = setUp(3);
      const digests = Array.from({ length: 1_000 }, (_, i) => digest(i));
      const answers = answerSlowly(ecrMock, (batch) => 30 - batch * 3);

      // Act
      const manifests = await registry.getManifests('app', digests);

      // Assert
      expect(manifests.map((m) => m.imageDigest)).toEqual(digests);
      expect(ecrMock).toHaveReceivedCommandTimes(BatchGetImageCommand, 10);
      expect(answers.maxInFlight()).toBe(3);
    });

    it(`sends ${DEFAULT_MANIFEST_BATCHES_IN_FLIGHT} calls at a time by default`, async () => {
      // Arrange
      const { registry, ecrMock } = setUp();
      const answers = answerSlowly(ecrMock, () => 5);

      // Act
      await registry.getManifests(
        'app',
        Array.from({ length: 950 }, (_, i) => digest(i)),
      );

      // Assert
      expect(DEFAULT_MANIFEST_BATCHES_IN_FLIGHT).toBe(4);
      expect(answers.maxInFlight()).toBe(4);
    });

    it('throws the first failure and starts no further batch when a call fails', async () => {
      // Arrange
      const { registry, ecrMock } = setUp(2);
      const failure = new ServerException({ message: 'boom', $metadata: {} });
      ecrMock.on(BatchGetImageCommand).rejects(failure);

      // Act
      const result = registry.getManifests(
        'app',
        Array.from({ length: 1_000 }, (_, i) => digest(i)),
      );

      // Assert
      await expect(result).rejects.toBe(failure);
      expect(ecrMock.commandCalls(BatchGetImageCommand).length).toBeLessThanOrEqual(2);
    });

    it.each([0, -1, 1.5, Number.NaN])('throws a ConfigError when manifestBatchesInFlight is %p', (manifestBatchesInFlight) => {
      // Act
      const act = (): unknown => setUp(manifestBatchesInFlight);

      // Assert
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/manifestBatchesInFlight/);
    });
  });
});
