import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { BatchClient, DescribeJobDefinitionsCommand } from '@aws-sdk/client-batch';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { AppRunnerClient, ListServicesCommand } from '@aws-sdk/client-apprunner';
import { BatchGetAccountStatusCommand, Inspector2Client } from '@aws-sdk/client-inspector2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { eventDependencies } from '../../../../src/handlers/deps/event';
import { cachedInUseProvider, inUseSourceNames, inUseSources } from '../../../../src/handlers/deps/in-use';
import { forgetContainer } from '../../../../src/handlers/runtime/container';
import { WORKLOAD_SOURCES } from '../../../../src/domain/in-use';

const KEYS = ['AWS_REGION', 'REGIONS', 'IN_USE_LIST_S3_URI', 'IN_USE_SCAN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const saved = new Map(KEYS.map((key) => [key, process.env[key]]));
const s3 = mockClient(S3Client);
const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);
// Every source's client answers from a mock: nothing here may reach AWS.
const events = mockClient(EventBridgeClient);
const scheduler = mockClient(SchedulerClient);
const batch = mockClient(BatchClient);
const sfn = mockClient(SFNClient);
const appRunner = mockClient(AppRunnerClient);
const inspector = mockClient(Inspector2Client);

function useEnv(listUri?: string, more: Record<string, string> = {}): void {
  for (const key of KEYS) delete process.env[key];
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', ...more });
  if (listUri !== undefined) process.env.IN_USE_LIST_S3_URI = listUri;
  forgetContainer();
}

beforeEach(() => {
  s3.reset();
  ecs.reset();
  lambda.reset();
  events.reset();
  scheduler.reset();
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
  batch.reset();
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  sfn.reset();
  sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
  appRunner.reset();
  appRunner.on(ListServicesCommand).resolves({ ServiceSummaryList: [] });
  inspector.reset();
  inspector.on(BatchGetAccountStatusCommand).resolves({ accounts: [] });
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  events.on(ListEventBusesCommand).resolves({ EventBuses: [] });
});

afterAll(() => {
  s3.restore();
  ecs.restore();
  lambda.restore();
  events.restore();
  scheduler.restore();
  batch.restore();
  sfn.restore();
  appRunner.restore();
  inspector.restore();
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  forgetContainer();
});

describe('in-use dependencies', () => {
  it('scans every workload source and reads no list when none is configured', () => {
    useEnv();
    const rt = eventDependencies();
    expect(inUseSources(rt).lists).toEqual([]);
    expect(
      inUseSources(rt)
        .scannersFor('eu-west-1')
        .map((s) => s.source),
    ).toEqual([...WORKLOAD_SOURCES]);
    expect(inUseSourceNames(rt)).toEqual([...WORKLOAD_SOURCES]);
  });

  it('scans only the sources inUseScan names', () => {
    useEnv(undefined, { IN_USE_SCAN: 'lambda' });
    const rt = eventDependencies();
    expect(
      inUseSources(rt)
        .scannersFor('eu-west-1')
        .map((s) => s.source),
    ).toEqual(['lambda']);
    expect(inUseSourceNames(rt)).toEqual(['lambda']);
  });

  it('reads the workloads of every configured region, whichever region an event is about', async () => {
    // Arrange
    useEnv(undefined, { REGIONS: 'eu-west-1,us-east-1', IN_USE_SCAN: 'ecs' });

    // Act
    await cachedInUseProvider(eventDependencies()).catalog();

    // Assert: one ListClusters per region, each through its region's client.
    const regions = await Promise.all(ecs.commandCalls(ListClustersCommand).map((call) => call.thisValue.config.region()));
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('reads the configured S3 list, named by its URI', async () => {
    // Arrange
    useEnv('s3://ops-lists/ecr/in-use.txt');
    const body = { transformToString: async () => `web@sha256:${'f'.repeat(64)}\n` };
    s3.on(GetObjectCommand).resolves({ Body: body as unknown as GetObjectCommandOutput['Body'] });

    // Act
    const catalog = await cachedInUseProvider(eventDependencies()).catalog();

    // Assert
    expect(inUseSourceNames(eventDependencies())).toEqual([...WORKLOAD_SOURCES, 'list:s3://ops-lists/ecr/in-use.txt']);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'ops-lists', Key: 'ecr/in-use.txt' });
    expect(catalog.referencesOf({ accountId: '123456789012', region: 'eu-west-1', repositoryName: 'web' }, []).size).toBe(1);
  });

  it('keeps one cached provider per container, so events within five minutes scan a region once', async () => {
    // Arrange
    useEnv();
    const rt = eventDependencies();

    // Act
    await cachedInUseProvider(rt).catalog();
    await cachedInUseProvider(rt).catalog();

    // Assert
    expect(cachedInUseProvider(rt)).toBe(cachedInUseProvider(rt));
    expect(ecs).toHaveReceivedCommandTimes(ListClustersCommand, 1);
  });
});
