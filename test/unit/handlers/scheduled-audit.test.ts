// The scheduled audit's pull-time exclusion check, at the handler: every SDK client is mocked at its
// class (aws-sdk-client-mock), so the handler runs with its real runtime and adapters but no network.
// The wiring against a real emulator is in test/integration/handlers/scheduled-audit.test.ts.
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListPullTimeUpdateExclusionsCommand,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  AccessDeniedException,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ReportError, ReportWarning } from '../../../src/domain/report';
import { logger, resetRuntime } from '../../../src/handlers/runtime';
import { lambdaHandler } from '../../../src/handlers/scheduled-audit';

const ROLE = 'arn:aws:iam::123456789012:role/ecr-janitor-prod-eu-west-1-audit';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/scanner';
const REGIONS = ['eu-west-1', 'us-east-1'] as const;
type Region = (typeof REGIONS)[number];

const ENV_KEYS = [
  'AWS_REGION',
  'AWS_ENDPOINT_URL',
  'REGIONS',
  'REPORT_BUCKET',
  'REPORT_BUS',
  'AUDIT_ROLE_ARN',
  'RATE_LIMITS',
  'REPORT_TOPIC_ARN',
  'COST_ALLOCATION_TAG_KEYS',
] as const;
const savedEnv = new Map(ENV_KEYS.map((key) => [key, process.env[key]]));

const ecr = mockClient(ECRClient);
const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ecr-janitor-prod-ReportTopic-1A2B';
const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);

/** What ListPullTimeUpdateExclusions answers in a region: the listed principals, or an error. */
type Answer = string[] | Error;

function accessDenied(): ECRServiceException {
  return new ECRServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'not authorized to perform ecr:ListPullTimeUpdateExclusions',
  });
}

/** Sets the function's environment (both regions; the role ARN unless `null`) and forgets the cached runtime. */
function useEnv(roleArn: string | null = ROLE): void {
  for (const key of ENV_KEYS) delete process.env[key];
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    REGIONS: REGIONS.join(','),
    REPORT_BUCKET: 'reports-bucket',
    REPORT_BUS: 'default',
  });
  if (roleArn !== null) process.env.AUDIT_ROLE_ARN = roleArn;
  resetRuntime();
}

/** Scripts ECR per region: empty registries (or a failing listing), and each region's exclusion list. */
function scriptEcr(answers: Record<Region, Answer>, failListingIn?: Region): void {
  ecr.on(DescribeRepositoriesCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    if (region === failListingIn) throw accessDenied();
    return { repositories: [] };
  });
  ecr.on(ListPullTimeUpdateExclusionsCommand).callsFake(async (_input, getClient) => {
    const answer = answers[(await getClient().config.region()) as Region];
    if (answer instanceof Error) throw answer;
    return { pullTimeUpdateExclusions: answer };
  });
}

/** The report.json the handler wrote. */
function writtenReport(): { warnings: ReportWarning[]; errors: ReportError[] } {
  const put = s3.commandCalls(PutObjectCommand).find((call) => call.args[0].input.Key?.endsWith('/report.json'));
  if (put === undefined) throw new Error('the handler wrote no report.json');
  return JSON.parse(String(put.args[0].input.Body)) as { warnings: ReportWarning[]; errors: ReportError[] };
}

const pullTimeWarnings = (): ReportWarning[] => writtenReport().warnings.filter((w) => w.code.startsWith('PullTime'));

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

beforeEach(() => {
  ecr.reset();
  s3.reset();
  events.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  ecs.reset();
  lambda.reset();
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
  s3.on(PutObjectCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  useEnv();
});

afterAll(() => {
  ecr.restore();
  s3.restore();
  events.restore();
  sns.restore();
  ecs.restore();
  lambda.restore();
  for (const [key, value] of savedEnv) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetRuntime();
  logger.setLogLevel('INFO');
});

describe('scheduledAudit handler', () => {
  describe('pull-time update exclusion of the audit role', () => {
    it('warns of nothing when the role is excluded in every region', async () => {
      scriptEcr({ 'eu-west-1': [OTHER_ROLE, ROLE], 'us-east-1': [ROLE] });

      await lambdaHandler({});

      expect(writtenReport().warnings).toEqual([]);
      expect(ecr).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 2);
      expect(ecr).toHaveReceivedCommandWith(ListPullTimeUpdateExclusionsCommand, { maxResults: 1000 });
    });

    it('warns PullTimesRecorded in a region whose list lacks the role, with the command that fixes it', async () => {
      scriptEcr({ 'eu-west-1': [OTHER_ROLE], 'us-east-1': [ROLE] });

      await lambdaHandler({});

      const warnings = pullTimeWarnings();
      expect(warnings).toEqual([{ region: 'eu-west-1', repositoryName: '', code: 'PullTimesRecorded', message: expect.any(String) }]);
      const message = warnings[0]?.message ?? '';
      expect(message).toContain(ROLE);
      expect(message).toContain('sinceImagePulled');
      expect(message).toContain(`aws ecr register-pull-time-update-exclusion --principal-arn ${ROLE} --region eu-west-1`);
    });

    it('warns in each region that lacks the role, ordered by region', async () => {
      scriptEcr({ 'eu-west-1': [], 'us-east-1': [OTHER_ROLE] });

      await lambdaHandler({});

      expect(pullTimeWarnings().map((w) => [w.region, w.code])).toEqual([
        ['eu-west-1', 'PullTimesRecorded'],
        ['us-east-1', 'PullTimesRecorded'],
      ]);
    });

    it('warns PullTimeExclusionUnknown where the list cannot be read, saying why and what to verify', async () => {
      scriptEcr({ 'eu-west-1': [ROLE], 'us-east-1': accessDenied() });

      const detail = await lambdaHandler({});

      const warnings = pullTimeWarnings();
      expect(warnings.map((w) => [w.region, w.code])).toEqual([['us-east-1', 'PullTimeExclusionUnknown']]);
      const message = warnings[0]?.message ?? '';
      expect(message).toContain('AccessDeniedException');
      expect(message).toContain('aws ecr list-pull-time-update-exclusions --region us-east-1');
      expect(message).toContain(`aws ecr register-pull-time-update-exclusion --principal-arn ${ROLE} --region us-east-1`);
      expect(detail.errorCount).toBe(0);
    });

    it('still publishes the report when the check fails in an unexpected way', async () => {
      scriptEcr({ 'eu-west-1': new TypeError('socket hang up'), 'us-east-1': [ROLE] });

      const detail = await lambdaHandler({});

      expect(pullTimeWarnings().map((w) => [w.region, w.code])).toEqual([['eu-west-1', 'PullTimeExclusionUnknown']]);
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
      expect(detail.errorCount).toBe(0);
    });

    it('leaves the errors as they are: a warning is no error', async () => {
      scriptEcr({ 'eu-west-1': [], 'us-east-1': [] }, 'us-east-1');

      const detail = await lambdaHandler({});

      expect(writtenReport().errors).toEqual([expect.objectContaining({ region: 'us-east-1', code: 'AccessDeniedException' })]);
      expect(detail.errorCount).toBe(1);
      expect(pullTimeWarnings()).toHaveLength(2);
    });

    it('checks nothing without AUDIT_ROLE_ARN', async () => {
      useEnv(null);
      scriptEcr({ 'eu-west-1': [], 'us-east-1': [] });

      await lambdaHandler({});

      expect(ecr).not.toHaveReceivedCommand(ListPullTimeUpdateExclusionsCommand);
      expect(writtenReport().warnings).toEqual([]);
    });
  });

  describe('the time budget', () => {
    it('stops reading before the invocation times out, and still publishes the report marked incomplete', async () => {
      // Arrange: Ireland lists two repositories; one's images never come. The invocation has 1 s left.
      useEnv(null);
      ecr.on(DescribeRepositoriesCommand).callsFake(async (_input, getClient) => {
        if ((await getClient().config.region()) !== 'eu-west-1') return { repositories: [] };
        return {
          repositories: ['quick', 'stuck'].map((name) => ({
            repositoryName: name,
            repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`,
            registryId: '123456789012',
          })),
        };
      });
      ecr.on(GetLifecyclePolicyCommand).rejects(new LifecyclePolicyNotFoundException({ message: 'none', $metadata: {} }));
      ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
      ecr
        .on(DescribeImagesCommand)
        .callsFake((input: { repositoryName?: string }) =>
          input.repositoryName === 'stuck' ? new Promise(() => undefined) : Promise.resolve({ imageDetails: [] }),
        );
      ecr.on(PutLifecyclePolicyCommand).resolves({});
      const context = { getRemainingTimeInMillis: () => 1_000 };

      // Act
      const detail = await lambdaHandler({}, context);

      // Assert
      const report = writtenReport() as unknown as {
        complete: boolean;
        notReached: unknown[];
        repositories: Array<{ repositoryName: string }>;
      };
      expect(report.complete).toBe(false);
      expect(report.notReached).toEqual([{ region: 'eu-west-1', repositoryName: 'stuck', reason: 'deadline' }]);
      expect(report.repositories.map((r) => r.repositoryName)).toEqual(['quick']);
      expect(detail).toMatchObject({ complete: false, notReachedCount: 1, remediation: { applied: 1 } });
      expect(detail.summary).toMatch(/^INCOMPLETE \(1 not reached\): /);
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    });
  });

  describe('weekly e-mail', () => {
    it('sends the summary to the stack topic with a link into the stack bucket, after the event', async () => {
      useEnv();
      process.env.REPORT_TOPIC_ARN = TOPIC;
      process.env.COST_ALLOCATION_TAG_KEYS = 'team';
      resetRuntime();
      scriptEcr({ 'eu-west-1': [ROLE], 'us-east-1': [ROLE] });

      await lambdaHandler({});

      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
      expect(input?.TopicArn).toBe(TOPIC);
      expect(input?.Subject).toMatch(/^ECR storage \d{4}-\d{2}-\d{2}: \$0\.00\/month, \$0\.00\/month reclaimable$/);
      const link = (input?.Message ?? '').trimEnd().split('\n').at(-1) ?? '';
      const url = new URL(link);
      expect(url.origin).toBe('https://s3.console.aws.amazon.com');
      expect(url.pathname).toBe('/s3/object/reports-bucket');
      expect(url.searchParams.get('region')).toBe('eu-west-1');
      expect(url.searchParams.get('prefix')).toMatch(/^reports\/\d{4}-\d{2}-\d{2}\/report\.html$/);
      expect(input?.Message).toContain('Top owners by monthly cost (tag team):');
      expect(writtenReport()).toMatchObject({ costAllocationTagKeys: ['team'] });
    });

    it('sends nothing without a report topic', async () => {
      scriptEcr({ 'eu-west-1': [ROLE], 'us-east-1': [ROLE] });

      await lambdaHandler({});

      expect(sns).not.toHaveReceivedCommand(PublishCommand);
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    });
  });

  describe('in-use guard', () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const repositoryArn = 'arn:aws:ecr:eu-west-1:123456789012:repository/web';

    /** One repository in eu-west-1 without a policy, holding one untagged image pushed 30 days ago; us-east-1 empty. */
    function scriptRegistryWithOneOldImage(): void {
      useEnv(null);
      ecr
        .on(DescribeRepositoriesCommand)
        .callsFake(async (_input, getClient) =>
          (await getClient().config.region()) === 'eu-west-1'
            ? { repositories: [{ repositoryName: 'web', repositoryArn, registryId: '123456789012' }] }
            : { repositories: [] },
        );
      ecr.on(GetLifecyclePolicyCommand).rejects(new LifecyclePolicyNotFoundException({ message: 'none', $metadata: {} }));
      ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
      ecr.on(DescribeImagesCommand).resolves({
        imageDetails: [
          {
            imageDigest: digest,
            imagePushedAt: new Date(Date.now() - 30 * 86_400_000),
            imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          },
        ],
      });
      ecr.on(BatchGetImageCommand).resolves({ images: [] });
      ecr.on(PutLifecyclePolicyCommand).resolves({});
    }

    it('holds the write where a running task pulls an untagged image the default rule would remove, and names it in the event', async () => {
      // Arrange
      scriptRegistryWithOneOldImage();
      const cluster = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';
      ecs
        .on(ListClustersCommand)
        .callsFake(async (_input, getClient) => ({ clusterArns: (await getClient().config.region()) === 'eu-west-1' ? [cluster] : [] }));
      ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
      ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/prod/abc'] });
      ecs.on(DescribeTasksCommand).resolves({
        tasks: [
          {
            taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc',
            containers: [{ image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:latest', imageDigest: digest }],
          },
        ],
      });

      // Act
      const detail = await lambdaHandler({});

      // Assert
      expect(ecr).not.toHaveReceivedCommand(PutLifecyclePolicyCommand);
      expect(detail.remediation).toEqual({ 'held-in-use': 1 });
      expect(detail.totals).toMatchObject({ inUseImages: 1, inUseAtRisk: 1, repositoriesHeld: 1 });
      expect(detail.heldRepositories).toEqual([
        { region: 'eu-west-1', repositoryName: 'web', inUseAtRisk: 1, consumers: ['ecs:task/prod/abc'] },
      ]);
      // (The scripted image has no manifest, which its own warning says.)
      expect(writtenReport().warnings.map((w) => w.code)).toEqual(['ManifestMissing', 'InUseImageAtRisk']);
      expect(detail.errorCount).toBe(0);
    });

    it("holds every write in a region whose ECS could not be read, and reports the region's error", async () => {
      // Arrange
      scriptRegistryWithOneOldImage();
      ecs.on(ListClustersCommand).callsFake(async (_input, getClient) => {
        if ((await getClient().config.region()) === 'eu-west-1')
          throw new AccessDeniedException({ message: 'not authorized to perform ecs:ListClusters', $metadata: {} });
        return { clusterArns: [] };
      });

      // Act
      const detail = await lambdaHandler({});

      // Assert
      expect(ecr).not.toHaveReceivedCommand(PutLifecyclePolicyCommand);
      expect(detail.remediation).toEqual({ 'held-in-use': 1 });
      expect(writtenReport().errors).toEqual([
        expect.objectContaining({ region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException' }),
      ]);
      expect(detail.errorCount).toBe(1);
    });

    it('writes the default rule when nothing runs the old image', async () => {
      // Arrange
      scriptRegistryWithOneOldImage();

      // Act
      const detail = await lambdaHandler({});

      // Assert
      expect(ecr).toHaveReceivedCommandTimes(PutLifecyclePolicyCommand, 1);
      expect(detail.remediation).toEqual({ applied: 1 });
      expect(detail.heldRepositories).toEqual([]);
    });
  });
});
