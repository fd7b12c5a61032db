// The registry settings adapter over the documented API shapes (moto answers 500 to creation templates
// and pull-through-cache rules): the SDK mock for what is read and written, a fake HTTP transport for
// the retries the real SDK stack makes.
import {
  DescribePullThroughCacheRulesCommand,
  DescribeRegistryCommand,
  DescribeRepositoryCreationTemplatesCommand,
  ECRClient,
  ECRServiceException,
  UpdateRepositoryCreationTemplateCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { EcrRegistrySettings, createRegistrySettings, throttlingRetries } from '../../../../src/adapters/aws/ecr-registry-settings';
import { PolicyWriteError } from '../../../../src/domain/errors';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const POLICY =
  '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}';

/** A template as DescribeRepositoryCreationTemplates returns it (API Reference, RepositoryCreationTemplate). */
const TEMPLATE = {
  prefix: 'docker-hub',
  description: 'pull-through cache of Docker Hub',
  encryptionConfiguration: { encryptionType: 'AES256' as const },
  resourceTags: [{ Key: 'team', Value: 'platform' }],
  imageTagMutability: 'MUTABLE' as const,
  repositoryPolicy: '{"Version":"2012-10-17","Statement":[]}',
  lifecyclePolicy: POLICY,
  appliedFor: ['PULL_THROUGH_CACHE' as const],
  customRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecr-templates`,
  createdAt: new Date('2025-06-01T10:00:00Z'),
  updatedAt: new Date('2025-06-02T10:00:00Z'),
};

let client = new ECRClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecr = mockClient(client);

beforeEach(() => {
  client = new ECRClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecr = mockClient(client);
});

afterEach(() => {
  ecr.restore();
  jest.useRealTimers();
});

const settings = () => new EcrRegistrySettings({ client, region: REGION });

describe('EcrRegistrySettings', () => {
  describe('creationTemplates', () => {
    it('reads every page, the largest the API allows, into prefix, appliedFor and lifecycle policy', async () => {
      // Arrange
      ecr
        .on(DescribeRepositoryCreationTemplatesCommand)
        .resolvesOnce({ registryId: ACCOUNT, repositoryCreationTemplates: [TEMPLATE], nextToken: 'page-2' })
        .resolvesOnce({
          registryId: ACCOUNT,
          repositoryCreationTemplates: [{ prefix: 'ROOT', appliedFor: ['REPLICATION', 'CREATE_ON_PUSH'] }],
        });

      // Act
      const templates = await settings().creationTemplates();

      // Assert
      expect(templates).toEqual([
        { prefix: 'docker-hub', appliedFor: ['PULL_THROUGH_CACHE'], lifecyclePolicy: POLICY },
        { prefix: 'ROOT', appliedFor: ['REPLICATION', 'CREATE_ON_PUSH'] },
      ]);
      expect(ecr).toHaveReceivedCommandTimes(DescribeRepositoryCreationTemplatesCommand, 2);
      const inputs = ecr.commandCalls(DescribeRepositoryCreationTemplatesCommand).map((call) => call.args[0].input);
      expect(inputs.map((input) => input.maxResults)).toEqual([1000, 1000]);
      expect(inputs[1]?.nextToken).toBe('page-2');
    });
  });

  describe('pullThroughCacheRules', () => {
    it('reads every page of rules', async () => {
      // Arrange
      ecr
        .on(DescribePullThroughCacheRulesCommand)
        .resolvesOnce({
          pullThroughCacheRules: [{ ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io' }],
          nextToken: 'next',
        })
        .resolvesOnce({ pullThroughCacheRules: [{ ecrRepositoryPrefix: 'quay' }] });

      // Act
      const rules = await settings().pullThroughCacheRules();

      // Assert
      expect(rules).toEqual([
        { ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io' },
        { ecrRepositoryPrefix: 'quay' },
      ]);
      const inputs = ecr.commandCalls(DescribePullThroughCacheRulesCommand).map((call) => call.args[0].input);
      expect(inputs.map((input) => input.maxResults)).toEqual([1000, 1000]);
      expect(inputs[1]?.nextToken).toBe('next');
    });
  });

  describe('replication', () => {
    it("reads the registry's account and its replication rules", async () => {
      // Arrange
      ecr.on(DescribeRegistryCommand).resolves({
        registryId: ACCOUNT,
        replicationConfiguration: {
          rules: [
            {
              destinations: [{ region: 'us-east-1', registryId: ACCOUNT }],
              repositoryFilters: [{ filter: 'team-a/', filterType: 'PREFIX_MATCH' }],
            },
            { destinations: [{ region: 'ap-south-1', registryId: '210987654321' }] },
          ],
        },
      });

      // Act
      const replication = await settings().replication();

      // Assert
      expect(replication).toEqual({
        accountId: ACCOUNT,
        rules: [
          {
            destinations: [{ region: 'us-east-1', registryId: ACCOUNT }],
            repositoryFilters: [{ filter: 'team-a/', filterType: 'PREFIX_MATCH' }],
          },
          { destinations: [{ region: 'ap-south-1', registryId: '210987654321' }], repositoryFilters: [] },
        ],
      });
    });

    it('has no rules when the registry replicates nothing', async () => {
      ecr.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT });
      expect(await settings().replication()).toEqual({ accountId: ACCOUNT, rules: [] });
    });
  });

  describe('putCreationTemplateLifecyclePolicy', () => {
    it('writes the new lifecycle policy with every other setting as it stands, appliedFor unchanged', async () => {
      // Arrange
      ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({ repositoryCreationTemplates: [TEMPLATE] });
      ecr.on(UpdateRepositoryCreationTemplateCommand).resolves({});
      const merged = '{"rules":[{"rulePriority":1},{"rulePriority":2}]}';

      // Act
      await settings().putCreationTemplateLifecyclePolicy('docker-hub', merged);

      // Assert
      expect(ecr).toHaveReceivedCommandWith(DescribeRepositoryCreationTemplatesCommand, { prefixes: ['docker-hub'] });
      const { createdAt: _c, updatedAt: _u, ...asRead } = TEMPLATE;
      expect(ecr.commandCalls(UpdateRepositoryCreationTemplateCommand).map((call) => call.args[0].input)).toEqual([
        { ...asRead, lifecyclePolicy: merged },
      ]);
    });

    it('never adds a scenario: a template for replication only stays so', async () => {
      ecr
        .on(DescribeRepositoryCreationTemplatesCommand)
        .resolves({ repositoryCreationTemplates: [{ prefix: 'ROOT', appliedFor: ['REPLICATION'] }] });
      ecr.on(UpdateRepositoryCreationTemplateCommand).resolves({});

      await settings().putCreationTemplateLifecyclePolicy('ROOT', POLICY);

      expect(ecr).toHaveReceivedCommandWith(UpdateRepositoryCreationTemplateCommand, { prefix: 'ROOT', appliedFor: ['REPLICATION'] });
    });

    it('writes nothing when the template is gone, as a refused write', async () => {
      ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({ repositoryCreationTemplates: [] });

      const write = settings().putCreationTemplateLifecyclePolicy('docker-hub', POLICY);

      await expect(write).rejects.toMatchObject({ failure: 'rejected', code: 'TemplateNotFoundException' });
      expect(ecr).not.toHaveReceivedCommand(UpdateRepositoryCreationTemplateCommand);
    });

    it('says a refused update was refused, naming the template', async () => {
      ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({ repositoryCreationTemplates: [TEMPLATE] });
      const refused = new ECRServiceException({
        name: 'InvalidParameterException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Invalid lifecycle policy',
      });
      ecr.on(UpdateRepositoryCreationTemplateCommand).rejects(refused);

      const write = settings().putCreationTemplateLifecyclePolicy('docker-hub', POLICY);

      await expect(write).rejects.toBeInstanceOf(PolicyWriteError);
      await expect(write).rejects.toMatchObject({
        failure: 'rejected',
        code: 'InvalidParameterException',
      });
      await expect(write).rejects.toThrow('UpdateRepositoryCreationTemplate on docker-hub failed (InvalidParameterException)');
    });
  });
});

describe('createRegistrySettings', () => {
  it('retries a throttled read and counts every call', async () => {
    // Arrange
    const counter = new CallCounter();
    const throttled = { status: 400, error: 'ThrottlingException', message: 'Rate exceeded' };
    const { requestHandler, received } = fakeEcrTransport({
      DescribeRegistry: [throttled, throttled, { body: { registryId: ACCOUNT, replicationConfiguration: { rules: [] } } }],
    });
    const reader = createRegistrySettings({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler, counter });
    jest.useFakeTimers();

    // Act
    const replication = await settleWithFakeTimers(reader.replication());

    // Assert
    expect(replication).toEqual({ accountId: ACCOUNT, rules: [] });
    expect(received).toHaveLength(3);
    expect(counter.snapshot().calls).toEqual({ DescribeRegistry: 1, total: 1 });
  });

  it('reads once when the server fails (an emulator without the API): the caller reports it', async () => {
    // Arrange
    const counter = new CallCounter();
    const { requestHandler, received } = fakeEcrTransport({
      DescribeRepositoryCreationTemplates: [{ status: 500, error: 'InternalFailure', message: 'not implemented' }],
    });
    const reader = createRegistrySettings({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler, counter, maxAttempts: 8 });

    // Act
    const read = reader.creationTemplates();

    // Assert
    await expect(read).rejects.toMatchObject({ name: 'InternalFailure' });
    expect(received).toHaveLength(1);
  });

  it('updates a template in one attempt, even when throttled', async () => {
    // Arrange
    const { requestHandler, received } = fakeEcrTransport({
      DescribeRepositoryCreationTemplates: [{ body: { repositoryCreationTemplates: [{ prefix: 'ROOT', appliedFor: ['REPLICATION'] }] } }],
      UpdateRepositoryCreationTemplate: [{ status: 400, error: 'ThrottlingException', message: 'Rate exceeded' }, { body: {} }],
    });
    const writer = createRegistrySettings({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler });

    // Act
    const write = writer.putCreationTemplateLifecyclePolicy('ROOT', POLICY);

    // Assert
    await expect(write).rejects.toMatchObject({ failure: 'throttled', code: 'ThrottlingException' });
    expect(received.filter((r) => r.operation === 'UpdateRepositoryCreationTemplate')).toHaveLength(1);
  });
});

describe('throttlingRetries', () => {
  const info = (errorType: 'THROTTLING' | 'SERVER_ERROR' | 'TRANSIENT' | 'CLIENT_ERROR') => ({ errorType });

  it('retries throttling, waiting longer each time (full jitter, at most 20 s), up to the attempts given', async () => {
    const strategy = throttlingRetries(3, () => 0.5);
    const first = await strategy.acquireInitialRetryToken('ecr');
    const second = await strategy.refreshRetryTokenForRetry(first, info('THROTTLING'));
    const third = await strategy.refreshRetryTokenForRetry(second, info('THROTTLING'));

    expect([second.getRetryCount(), second.getRetryDelay()]).toEqual([1, 100]);
    expect([third.getRetryCount(), third.getRetryDelay()]).toEqual([2, 200]);
    await expect(strategy.refreshRetryTokenForRetry(third, info('THROTTLING'))).rejects.toThrow();
    const late = await throttlingRetries(20, () => 1).refreshRetryTokenForRetry(
      { getRetryCount: () => 14, getRetryDelay: () => 0 },
      info('THROTTLING'),
    );
    expect(late.getRetryDelay()).toBe(20_000);
  });

  it.each(['SERVER_ERROR', 'TRANSIENT', 'CLIENT_ERROR'] as const)('does not retry a %s', async (errorType) => {
    const strategy = throttlingRetries(8);
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken('ecr'), info(errorType))).rejects.toThrow();
  });
});
