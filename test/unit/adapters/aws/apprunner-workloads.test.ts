import { AppRunnerClient, DescribeServiceCommand, ListServicesCommand, ResourceNotFoundException } from '@aws-sdk/client-apprunner';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { APP_RUNNER_PAGE_SIZE, AppRunnerScanner } from '../../../../src/adapters/aws/apprunner-workloads';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { createWorkloadScannerPool } from '../../../../src/adapters/aws/workload-scanners';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const serviceArn = (name: string): string => `arn:aws:apprunner:${REGION}:${ACCOUNT}:service/${name}/0123`;

let client = new AppRunnerClient({ region: REGION, credentials: TEST_CREDENTIALS });
let mock = mockClient(client);

beforeEach(() => {
  client = new AppRunnerClient({ region: REGION, credentials: TEST_CREDENTIALS });
  mock = mockClient(client);
  mock.on(ListServicesCommand).resolves({ ServiceSummaryList: [] });
});

/** A service listed, as ListServices gives it. */
const summary = (name: string, Status = 'RUNNING' as const) => ({ ServiceName: name, ServiceArn: serviceArn(name), Status });

/** A service described, deploying `image` from a repository of `type`. */
function described(name: string, image: string, type: 'ECR' | 'ECR_PUBLIC' = 'ECR', Status: 'RUNNING' | 'PAUSED' | 'DELETED' = 'RUNNING') {
  return {
    Service: {
      ServiceName: name,
      ServiceArn: serviceArn(name),
      ServiceId: '0123',
      ServiceUrl: 'x',
      CreatedAt: new Date(0),
      UpdatedAt: new Date(0),
      Status,
      InstanceConfiguration: {},
      AutoScalingConfigurationSummary: {},
      NetworkConfiguration: {},
      SourceConfiguration: { ImageRepository: { ImageIdentifier: image, ImageRepositoryType: type } },
    },
  };
}

describe('AppRunnerScanner', () => {
  describe('scan', () => {
    it('names the ECR image of every running or paused service, by tag or digest, after the service; reads every page of 20', async () => {
      // Arrange: a service from ECR Public and one whose creation failed add nothing.
      mock
        .on(ListServicesCommand)
        .resolvesOnce({ ServiceSummaryList: [summary('web'), summary('paused', 'PAUSED' as never)], NextToken: 'p2' })
        .resolvesOnce({ ServiceSummaryList: [summary('public'), summary('failed', 'CREATE_FAILED' as never)] });
      mock.on(DescribeServiceCommand, { ServiceArn: serviceArn('web') }).resolves(described('web', `${REGISTRY}/web:prod`));
      mock
        .on(DescribeServiceCommand, { ServiceArn: serviceArn('paused') })
        .resolves(described('paused', `${REGISTRY}/api@sha256:${'b'.repeat(64)}`, 'ECR', 'PAUSED'));
      mock
        .on(DescribeServiceCommand, { ServiceArn: serviceArn('public') })
        .resolves(described('public', 'public.ecr.aws/nginx/nginx:1', 'ECR_PUBLIC'));

      // Act
      const { images } = await new AppRunnerScanner({ client, region: REGION }).scan();

      // Assert
      expect(images).toEqual([
        { image: `${REGISTRY}/web:prod`, consumer: 'apprunner:web' },
        { image: `${REGISTRY}/api@sha256:${'b'.repeat(64)}`, consumer: 'apprunner:paused' },
      ]);
      expect(mock).toHaveReceivedCommandWith(ListServicesCommand, { MaxResults: APP_RUNNER_PAGE_SIZE, NextToken: 'p2' });
      expect(mock).not.toHaveReceivedCommandWith(DescribeServiceCommand, { ServiceArn: serviceArn('failed') });
    });

    it('skips a service deleted before it is described, and throws on any other error', async () => {
      // Arrange
      mock.on(ListServicesCommand).resolves({ ServiceSummaryList: [summary('gone')] });
      mock
        .on(DescribeServiceCommand)
        .rejectsOnce(new ResourceNotFoundException({ Message: 'gone', message: 'gone', $metadata: {} }))
        .rejects(Object.assign(new Error('Internal'), { name: 'InternalServiceErrorException' }));
      const scanner = new AppRunnerScanner({ client, region: REGION });

      // Act / Assert: the first scan finds it gone, the second fails.
      await expect(scanner.scan()).resolves.toEqual({ images: [], warnings: [] });
      await expect(scanner.scan()).rejects.toThrow('Internal');
    });
  });

  describe('throttling, through the real retry stack', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a throttled ListServices and counts the call and its retry', async () => {
      // Arrange
      const { requestHandler, received } = fakeEcrTransport({
        ListServices: [{ status: 400, error: 'ThrottlingException', message: 'Rate exceeded' }, { body: { ServiceSummaryList: [] } }],
      });
      const counter = new CallCounter();
      const [scanner] = createWorkloadScannerPool({ sources: ['apprunner'], counter, credentials: TEST_CREDENTIALS, requestHandler })(
        REGION,
      );

      // Act
      const { images } = await settleWithFakeTimers((scanner as AppRunnerScanner).scan());

      // Assert
      expect(images).toEqual([]);
      expect(received).toHaveLength(2);
      expect(counter.snapshot()).toEqual({ calls: { ListServices: 1, total: 1 }, retries: { ListServices: 1 } });
    });
  });
});
