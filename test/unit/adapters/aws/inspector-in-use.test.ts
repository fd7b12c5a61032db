import { AccessDeniedException, BatchGetAccountStatusCommand, Inspector2Client, ListCoverageCommand } from '@aws-sdk/client-inspector2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { COVERAGE_PAGE_SIZE, InspectorInUseScanner } from '../../../../src/adapters/aws/inspector-in-use';
import { createWorkloadScannerPool } from '../../../../src/adapters/aws/workload-scanners';
import { DAY_MS } from '../../../../src/domain/time';
import { inUseProvider } from '../../../../src/use-cases/in-use';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const imageArn = (repository: string, d: string): string => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}/${d}`;
const ENABLED = {
  accounts: [
    {
      accountId: ACCOUNT,
      state: { status: 'ENABLED' as const },
      resourceState: { ecr: { status: 'ENABLED' as const }, ec2: { status: 'DISABLED' as const } },
    },
  ],
};

let client = new Inspector2Client({ region: REGION, credentials: TEST_CREDENTIALS });
let mock = mockClient(client);

beforeEach(() => {
  client = new Inspector2Client({ region: REGION, credentials: TEST_CREDENTIALS });
  mock = mockClient(client);
  mock.on(BatchGetAccountStatusCommand).resolves(ENABLED as never);
  mock.on(ListCoverageCommand).resolves({ coveredResources: [] });
});

function scanner(): InspectorInUseScanner {
  return new InspectorInUseScanner({ client, region: REGION, now: () => NOW });
}

/** An ECR image Inspector covers, with its in-use record. */
const covered = (repository: string, d: string, ecrImage: { inUseCount?: number; lastInUseAt?: Date }) => ({
  accountId: ACCOUNT,
  resourceId: imageArn(repository, d),
  resourceType: 'AWS_ECR_CONTAINER_IMAGE' as const,
  scanType: 'PACKAGE' as const,
  resourceMetadata: { ecrImage },
});

describe('InspectorInUseScanner', () => {
  describe('scan', () => {
    it('names the images Inspector counts in use now or within 30 days, by digest, each once; pages 200 at a time', async () => {
      // Arrange: pod's image runs now (both queries find it); cron's ran 10 days ago; the queries page.
      const lastWeek = new Date(NOW - 10 * DAY_MS);
      mock
        .on(ListCoverageCommand, { filterCriteria: { ecrImageInUseCount: [{ lowerInclusive: 1 }] } })
        .resolvesOnce({ coveredResources: [covered('pod', digest('a'), { inUseCount: 3, lastInUseAt: new Date(NOW) })], nextToken: 'p2' })
        .resolvesOnce({ coveredResources: [] });
      mock
        .on(ListCoverageCommand, { filterCriteria: { ecrImageLastInUseAt: [{ startInclusive: new Date(NOW - 30 * DAY_MS) }] } })
        .resolves({
          coveredResources: [
            covered('pod', digest('a'), { inUseCount: 3, lastInUseAt: new Date(NOW) }),
            covered('cron', digest('b'), { inUseCount: 0, lastInUseAt: lastWeek }),
          ],
        });

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert
      expect(images).toEqual([
        { image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/pod@${digest('a')}`, consumer: 'inspector:ECS/EKS (3 in use)' },
        { image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/cron@${digest('b')}`, consumer: 'inspector:ECS/EKS (last in use 2026-05-22)' },
      ]);
      expect(warnings).toEqual([]);
      expect(mock).toHaveReceivedCommandWith(ListCoverageCommand, {
        maxResults: COVERAGE_PAGE_SIZE,
        nextToken: 'p2',
        filterCriteria: {
          resourceType: [{ comparison: 'EQUALS', value: 'AWS_ECR_CONTAINER_IMAGE' }],
          ecrImageInUseCount: [{ lowerInclusive: 1 }],
        },
      });
    });

    it('warns, and reads no coverage, where Inspector does not scan ECR', async () => {
      // Arrange
      mock.on(BatchGetAccountStatusCommand).resolves({
        accounts: [
          {
            accountId: ACCOUNT,
            state: { status: 'DISABLED' },
            resourceState: { ecr: { status: 'DISABLED' }, ec2: { status: 'DISABLED' } },
          },
        ],
      } as never);

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert
      expect(images).toEqual([]);
      expect(warnings).toEqual([
        {
          code: 'InUseSourceSkipped',
          message: `Amazon Inspector does not scan ECR in ${REGION} (status DISABLED): it shows no image in use there; enable enhanced scanning to use it`,
        },
      ]);
      expect(mock).not.toHaveReceivedCommand(ListCoverageCommand);
    });

    it('is left out with a warning, never a failure, when the guard is refused Inspector', async () => {
      // Arrange
      mock
        .on(BatchGetAccountStatusCommand)
        .rejects(new AccessDeniedException({ message: 'not authorized to perform: inspector2:BatchGetAccountStatus', $metadata: {} }));
      const provider = inUseProvider([REGION], { scannersFor: () => [scanner()] });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.failures()).toEqual([]);
      expect(provider.errors()).toEqual([]);
      expect(provider.warnings().map((w) => [w.code, w.message])).toEqual([
        [
          'InUseSourceSkipped',
          "in-use source inspector: Amazon Inspector's record of the images ECS tasks and EKS pods run could not be read (AccessDeniedException: not authorized to perform: inspector2:BatchGetAccountStatus); grant inspector2:BatchGetAccountStatus, inspector2:ListCoverage to see it. What only it would show is not protected",
        ],
      ]);
    });
  });

  describe('throttling, through the real retry stack', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a throttled ListCoverage and counts the calls and the retry', async () => {
      // Arrange
      const { requestHandler, received } = fakeEcrTransport({
        '/status/batch/get': [
          {
            body: {
              accounts: [
                {
                  accountId: ACCOUNT,
                  state: { status: 'ENABLED' },
                  resourceState: { ecr: { status: 'ENABLED' }, ec2: { status: 'DISABLED' } },
                },
              ],
            },
          },
        ],
        '/coverage/list': [{ status: 429, error: 'ThrottlingException', message: 'Rate exceeded' }, { body: { coveredResources: [] } }],
      });
      const counter = new CallCounter();
      const [inspector] = createWorkloadScannerPool({ sources: ['inspector'], counter, credentials: TEST_CREDENTIALS, requestHandler })(
        REGION,
      );

      // Act
      const { images } = await settleWithFakeTimers((inspector as InspectorInUseScanner).scan());

      // Assert: one of the two coverage queries was throttled once.
      expect(images).toEqual([]);
      expect(received.map((r) => r.operation).sort()).toEqual(['/coverage/list', '/coverage/list', '/coverage/list', '/status/batch/get']);
      expect(counter.snapshot()).toEqual({
        calls: { BatchGetAccountStatus: 1, ListCoverage: 2, total: 3 },
        retries: { ListCoverage: 1 },
      });
    });
  });
});
