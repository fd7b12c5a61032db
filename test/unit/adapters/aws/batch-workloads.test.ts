import { BatchClient, DescribeJobDefinitionsCommand, type JobDefinition } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  BatchJobDefinitionScanner,
  JOB_DEFINITIONS_PAGE_SIZE,
  JobDefinitionReader,
  imagesOfJobDefinition,
} from '../../../../src/adapters/aws/batch-workloads';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { createWorkloadScannerPool } from '../../../../src/adapters/aws/workload-scanners';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const DESCRIBE = '/v1/describejobdefinitions';

let batch = new BatchClient({ region: REGION, credentials: TEST_CREDENTIALS });
let batchMock = mockClient(batch);

beforeEach(() => {
  batch = new BatchClient({ region: REGION, credentials: TEST_CREDENTIALS });
  batchMock = mockClient(batch);
  batchMock.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
});

/** A single-container job definition of `image`. */
const definition = (name: string, revision: number, image: string, extra: Partial<JobDefinition> = {}): JobDefinition => ({
  jobDefinitionName: name,
  jobDefinitionArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/${name}:${revision}`,
  revision,
  type: 'container',
  status: 'ACTIVE',
  containerProperties: { image },
  ...extra,
});

describe('imagesOfJobDefinition', () => {
  it('names the images of every kind of job definition: container, multi-node ranges, ECS tasks, EKS pods with init containers', () => {
    // Arrange
    const multi: JobDefinition = {
      jobDefinitionName: 'mpi',
      jobDefinitionArn: 'x',
      revision: 1,
      type: 'multinode',
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [
          { targetNodes: '0', container: { image: `${REGISTRY}/mpi-main:1` } },
          { targetNodes: '1:', ecsProperties: { taskProperties: [{ containers: [{ image: `${REGISTRY}/mpi-worker:1` }] }] } },
        ],
      },
    };
    const ecs: JobDefinition = {
      jobDefinitionName: 'ecs',
      jobDefinitionArn: 'x',
      revision: 1,
      type: 'container',
      ecsProperties: { taskProperties: [{ containers: [{ image: `${REGISTRY}/app:2` }, { image: `${REGISTRY}/sidecar:3` }] }] },
    };
    const eks: JobDefinition = {
      jobDefinitionName: 'eks',
      jobDefinitionArn: 'x',
      revision: 1,
      type: 'container',
      eksProperties: {
        podProperties: { containers: [{ image: `${REGISTRY}/pod:1` }], initContainers: [{ image: `${REGISTRY}/init:1` }] },
      },
    };

    // Act / Assert
    expect(imagesOfJobDefinition(multi)).toEqual([`${REGISTRY}/mpi-main:1`, `${REGISTRY}/mpi-worker:1`]);
    expect(imagesOfJobDefinition(ecs)).toEqual([`${REGISTRY}/app:2`, `${REGISTRY}/sidecar:3`]);
    expect(imagesOfJobDefinition(eks)).toEqual([`${REGISTRY}/pod:1`, `${REGISTRY}/init:1`]);
  });
});

describe('BatchJobDefinitionScanner', () => {
  describe('scan', () => {
    it('names the images of every active revision, after the definition and its revision, reading every page of 100', async () => {
      // Arrange: two pages; etl has two active revisions, one inactive (answered despite the filter).
      batchMock
        .on(DescribeJobDefinitionsCommand)
        .resolvesOnce({
          jobDefinitions: [definition('etl', 3, `${REGISTRY}/etl:v3`), definition('etl', 4, `${REGISTRY}/etl@sha256:${'a'.repeat(64)}`)],
          nextToken: 'p2',
        })
        .resolvesOnce({
          jobDefinitions: [
            definition('etl', 2, `${REGISTRY}/etl:v2`, { status: 'INACTIVE' }),
            definition('docker-hub', 1, 'public.ecr.aws/amazonlinux/amazonlinux:2023'),
          ],
        });
      const scanner = new BatchJobDefinitionScanner({ client: batch, region: REGION });

      // Act
      const { images, warnings } = await scanner.scan();

      // Assert
      expect(images).toEqual([
        { image: `${REGISTRY}/etl:v3`, consumer: 'batch:etl:3' },
        { image: `${REGISTRY}/etl@sha256:${'a'.repeat(64)}`, consumer: 'batch:etl:4' },
        { image: 'public.ecr.aws/amazonlinux/amazonlinux:2023', consumer: 'batch:docker-hub:1' },
      ]);
      expect(warnings).toEqual([]);
      expect(batchMock).toHaveReceivedCommandWith(DescribeJobDefinitionsCommand, {
        status: 'ACTIVE',
        maxResults: JOB_DEFINITIONS_PAGE_SIZE,
        nextToken: 'p2',
      });
      expect(batchMock).toHaveReceivedCommandTimes(DescribeJobDefinitionsCommand, 2);
    });

    it('throws when the definitions cannot be read, so the source fails rather than passing for "nothing in use"', async () => {
      // Arrange
      batchMock
        .on(DescribeJobDefinitionsCommand)
        .resolvesOnce({ jobDefinitions: [definition('etl', 1, `${REGISTRY}/etl:v1`)], nextToken: 'p2' })
        .rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'ServerException' }));

      // Act / Assert
      await expect(new BatchJobDefinitionScanner({ client: batch, region: REGION }).scan()).rejects.toThrow('Service unavailable');
    });
  });

  describe('throttling, through the real retry stack', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a throttled DescribeJobDefinitions and counts the call and its retry', async () => {
      // Arrange: the pool's Batch client over a fake transport that throttles once.
      const { requestHandler, received } = fakeEcrTransport({
        [DESCRIBE]: [
          { status: 429, error: 'TooManyRequestsException', message: 'Too Many Requests' },
          { body: { jobDefinitions: [definition('etl', 1, `${REGISTRY}/etl:v1`)] } },
        ],
      });
      const counter = new CallCounter();
      const [scanner] = createWorkloadScannerPool({ sources: ['batch'], counter, credentials: TEST_CREDENTIALS, requestHandler })(REGION);

      // Act
      const { images } = await settleWithFakeTimers((scanner as BatchJobDefinitionScanner).scan());

      // Assert
      expect(images).toEqual([{ image: `${REGISTRY}/etl:v1`, consumer: 'batch:etl:1' }]);
      expect(received).toHaveLength(2);
      expect(counter.snapshot()).toEqual({ calls: { DescribeJobDefinitions: 1, total: 1 }, retries: { DescribeJobDefinitions: 1 } });
    });
  });
});

describe('JobDefinitionReader', () => {
  it('reads a definition with its revision once, and a name alone as its latest active revision on every read', async () => {
    // Arrange
    batchMock.on(DescribeJobDefinitionsCommand, { jobDefinitions: ['etl:3'] }).resolves({
      jobDefinitions: [definition('etl', 3, `${REGISTRY}/etl:v3`)],
    });
    batchMock.on(DescribeJobDefinitionsCommand, { jobDefinitionName: 'etl', status: 'ACTIVE' }).resolves({
      jobDefinitions: [definition('etl', 3, `${REGISTRY}/etl:v3`), definition('etl', 5, `${REGISTRY}/etl:v5`)],
    });
    const reader = new JobDefinitionReader({ client: batch });

    // Act
    const pinned = [await reader.read('etl:3'), await reader.read('etl:3')];
    const latest = [await reader.read('etl'), await reader.read(`arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/etl`)];

    // Assert
    expect(pinned).toEqual([[`${REGISTRY}/etl:v3`], [`${REGISTRY}/etl:v3`]]);
    expect(latest).toEqual([[`${REGISTRY}/etl:v5`], [`${REGISTRY}/etl:v5`]]);
    expect(batchMock).toHaveReceivedCommandWith(DescribeJobDefinitionsCommand, { jobDefinitions: ['etl:3'] });
    expect(batchMock.commandCalls(DescribeJobDefinitionsCommand, { jobDefinitions: ['etl:3'] })).toHaveLength(1);
    expect(batchMock.commandCalls(DescribeJobDefinitionsCommand, { jobDefinitionName: 'etl' })).toHaveLength(2);
  });

  it('answers undefined for a definition that does not exist or is no longer active', async () => {
    // Arrange
    batchMock.on(DescribeJobDefinitionsCommand, { jobDefinitions: ['old:1'] }).resolves({
      jobDefinitions: [definition('old', 1, `${REGISTRY}/old:v1`, { status: 'INACTIVE' })],
    });
    const reader = new JobDefinitionReader({ client: batch });

    // Act / Assert
    await expect(reader.read('old:1')).resolves.toBeUndefined();
    await expect(reader.read('missing')).resolves.toBeUndefined();
  });
});
