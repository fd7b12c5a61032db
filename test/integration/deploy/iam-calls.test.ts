// Every AWS call a deployed function makes is one its own role allows. Each handler runs against moto
// with every feature that calls AWS turned on (the in-use guard with ECS, Lambda and the list object,
// the report e-mail, a repair that reads images); every SDK call is recorded by service and operation
// and looked up in the role's Allow statements of the packaged template. moto does not enforce IAM,
// so without this a missing grant shows up only as AccessDenied in a real account.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BatchClient } from '@aws-sdk/client-batch';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { lambdaHandler as onPolicyChanged } from '../../../src/handlers/on-policy-changed';
import { lambdaHandler as onRepositoryCreated } from '../../../src/handlers/on-repository-created';
import { logger } from '../../../src/handlers/runtime/powertools';
import { loadWeeklyConfig } from '../../../src/config';
import { runKeys } from '../../../src/domain/weekly';
import { makeHandler as weeklyAggregate } from '../../../src/handlers/weekly-aggregate';
import { makeHandler as weeklyPlan } from '../../../src/handlers/weekly-plan';
import { makeHandler as weeklyShard } from '../../../src/handlers/weekly-shard';
import { aggregateDeps, planDeps, shardDeps } from '../../../src/handlers/deps/weekly';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ecrCallEvent } from '../support/cloudtrail';
import { FUNCTION_ENV, restoreLambdaEnv, useLambdaEnv } from '../support/lambda-env';
import { MOTO_ACCOUNT_ID, MOTO_REGION, ecrClientForMoto, motoClientConfig, resetMoto } from '../support/moto';
import { createRepository, imageManifest, pushUntaggedImage } from '../support/seed';
import { createImageFunction, createRuleStartingTask, createScheduleStartingTask, createService, ecrImage } from '../support/workloads';

jest.setTimeout(60_000);

const TEMPLATE_PATH = path.join(__dirname, '..', '..', '..', '.serverless', 'cloudformation-template-update-stack.json');

/** The IAM prefix of each SDK client the functions build. */
const CLIENTS = [
  [ECRClient, 'ecr'],
  [ECSClient, 'ecs'],
  [LambdaClient, 'lambda'],
  [S3Client, 's3'],
  [EventBridgeClient, 'events'],
  [SchedulerClient, 'scheduler'],
  [BatchClient, 'batch'],
  [SNSClient, 'sns'],
] as const;

/** Operations whose IAM action has another name. */
const ACTION_OF_OPERATION: Record<string, string> = { 's3:listobjectsv2': 's3:listbucket' };

interface Statement {
  Effect: string;
  Action: string | string[];
}
interface Resource {
  Type: string;
  Properties?: {
    Policies?: Array<{ PolicyDocument: { Statement: unknown[] } }>;
    PolicyDocument?: { Statement: unknown[] };
    Roles?: Array<{ Ref: string }>;
  };
}

/** The actions each role of the packaged template is allowed, lower-cased (conditional statements included). */
function grantsByRole(): Map<string, Set<string>> {
  if (!existsSync(TEMPLATE_PATH)) throw new Error(`${TEMPLATE_PATH} does not exist: run \`npm run package\` first`);
  const resources = (JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as { Resources: Record<string, Resource> }).Resources;
  const grants = new Map<string, Set<string>>();
  const add = (role: string, statements: unknown[]): void => {
    const set = grants.get(role) ?? new Set<string>();
    for (const raw of statements) {
      // A statement behind a condition ({"Fn::If": [cond, statement, NoValue]}) is granted when its condition holds.
      const statement = (
        typeof raw === 'object' && raw !== null && 'Fn::If' in raw ? (raw as { 'Fn::If': unknown[] })['Fn::If'][1] : raw
      ) as Statement;
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action].flat()) set.add(action.toLowerCase());
    }
    grants.set(role, set);
  };
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::IAM::Role')
      for (const policy of resource.Properties?.Policies ?? []) add(id, policy.PolicyDocument.Statement);
    if (resource.Type === 'AWS::IAM::Policy')
      for (const role of resource.Properties?.Roles ?? []) add(role.Ref, resource.Properties?.PolicyDocument?.Statement ?? []);
  }
  return grants;
}

describe('IAM grants every call the functions make (moto)', () => {
  const BUCKET = 'ecr-janitor-prod-reportbucket-iam';
  const LISTS = 'ops-lists-iam';
  let calls: Set<string>;
  let grants: Map<string, Set<string>>;
  let topicArn: string;

  /** Records `service:operation` for every send of the functions' clients. */
  function recordCalls(): void {
    for (const [Client, prefix] of CLIENTS) {
      const original = Client.prototype.send;
      jest.spyOn(Client.prototype, 'send').mockImplementation(function (this: InstanceType<typeof Client>, ...args: unknown[]) {
        const operation = (args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
        const action = `${prefix}:${operation}`.toLowerCase();
        calls.add(ACTION_OF_OPERATION[action] ?? action);
        return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
      });
    }
  }

  /** Runs `work` without recording its calls (the test's own reads). */
  async function unrecorded<T>(work: () => Promise<T>): Promise<T> {
    const kept = calls;
    calls = new Set();
    try {
      return await work();
    } finally {
      calls = kept;
    }
  }

  /** The calls recorded that none of `roles` is allowed. */
  function missing(...roles: string[]): string[] {
    const granted = new Set(roles.flatMap((role) => [...(grants.get(role) ?? [])]));
    return [...calls].filter((action) => !granted.has(action)).sort();
  }

  beforeAll(async () => {
    await resetMoto();
    logger.setLogLevel('SILENT');
    grants = grantsByRole();
    const ecr = ecrClientForMoto();
    const s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    const sns = new SNSClient(motoClientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: LISTS }));
    await s3.send(new PutObjectCommand({ Bucket: LISTS, Key: 'in-use.txt', Body: 'batch@sha256:' + 'e'.repeat(64) + '\n' }));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'ecr-janitor-report' }))).TopicArn ?? '';
    for (const name of ['web', 'batch']) await createRepository(ecr, name);
    const web = await pushUntaggedImage(ecr, 'web', imageManifest({ layers: [2_000] }));
    await pushUntaggedImage(ecr, 'batch', imageManifest({ layers: [3_000] }));
    await createService('prod', 'web', ecrImage('web', web.digest));
    await createImageFunction('api', ecrImage('web', web.digest), 1);
    // What starts workloads later: a rule that starts a task.
    await createRuleStartingTask('nightly', ecrImage('batch', `sha256:${'f'.repeat(64)}`), { bus: 'jobs' });
    await createScheduleStartingTask('monthly', ecrImage('batch', `sha256:${'e'.repeat(64)}`));
    ecr.destroy();
    s3.destroy();
    sns.destroy();
  });

  /** The functions' environment against moto, the test's bucket, topic and list. */
  function functionEnv(): Record<string, string> {
    return {
      ...FUNCTION_ENV,
      REGIONS: MOTO_REGION,
      REPORT_BUCKET: BUCKET,
      REPORT_TOPIC_ARN: topicArn,
      IN_USE_LIST_S3_URI: `s3://${LISTS}/in-use.txt`,
    };
  }

  beforeEach(() => {
    calls = new Set();
    useLambdaEnv(functionEnv());
    recordCalls();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(() => {
    restoreLambdaEnv();
    logger.setLogLevel('INFO');
  });

  it('the weekly run: each step makes only calls granted to its own role', async () => {
    // Arrange: tags in bulk (moto's tagging API answers with no repository, so Plan samples a few
    // repositories' own tags and falls back: every path of Plan's tag reading runs).
    useLambdaEnv({
      ...functionEnv(),
      BULK_TAGS: 'true',
      AUDIT_ROLE_ARN: 'arn:aws:iam::123456789012:role/ecr-janitor-prod-us-east-1-shard',
    });
    const config = loadWeeklyConfig(process.env);
    const byStep: Record<string, string[]> = {};
    const step = async <T>(role: string, work: () => Promise<T>): Promise<T> => {
      calls = new Set();
      const out = await work();
      byStep[role] = missing(role);
      return out;
    };

    // Act
    const planned = await step('WeeklyPlanRole', () => weeklyPlan({ ...planDeps(config), bucket: BUCKET })({ runId: 'iam-1' }));
    const items = await unrecorded(async () => {
      const s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
      const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: planned.itemsKey }))).Body?.transformToString();
      s3.destroy();
      return JSON.parse(body ?? '[]') as unknown[];
    });
    await step('WeeklyShardRole', () => weeklyShard(shardDeps(config))({ Items: items, BatchInput: { runId: 'iam-1' } }));
    const shardCalls = [...calls];
    const detail = await step('WeeklyAggregateRole', () => weeklyAggregate(aggregateDeps(config))({ ...planned }));

    // Assert: the whole job was done — read, guarded, wrote, stored, published, mailed — and every call granted.
    expect(planned.itemsKey).toBe(runKeys('iam-1').items);
    expect(detail.remediation).toMatchObject({ 'held-in-use': 1, applied: 1 });
    expect(shardCalls).toEqual(
      expect.arrayContaining(['ecr:describeimages', 'ecr:batchgetimage', 'ecr:putlifecyclepolicy', 's3:getobject', 's3:putobject']),
    );
    expect([...calls]).toEqual(
      expect.arrayContaining(['s3:listbucket', 's3:putobject', 'events:putevents', 'sns:publish', 'ecr:listpulltimeupdateexclusions']),
    );
    expect(byStep).toEqual({ WeeklyPlanRole: [], WeeklyShardRole: [], WeeklyAggregateRole: [] });
  });

  it('onPolicyChanged: a guarded repair makes only calls granted to OnPolicyChangedRole', async () => {
    const result = await onPolicyChanged(ecrCallEvent('DeleteLifecyclePolicy', 'web'));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'held-in-use' } });
    expect([...calls]).toEqual(
      expect.arrayContaining([
        'ecr:describeimages',
        'ecs:listclusters',
        'lambda:listfunctions',
        's3:getobject',
        'events:listeventbuses',
        'events:listrules',
        'events:listtargetsbyrule',
        'scheduler:listschedules',
        'scheduler:getschedule',
        'ecs:describetaskdefinition',
        'batch:describejobdefinitions',
      ]),
    );
    expect(missing('OnPolicyChangedRole')).toEqual([]);
  });

  it('onRepositoryCreated: makes only calls granted to OnRepositoryCreatedRole', async () => {
    // The new repository, created by the test, not recorded.
    jest.restoreAllMocks();
    const ecr = ecrClientForMoto();
    await createRepository(ecr, 'fresh');
    ecr.destroy();
    recordCalls();
    const event = ecrCallEvent('CreateRepository', 'fresh');
    event.detail.responseElements = {
      repository: {
        repositoryName: 'fresh',
        registryId: MOTO_ACCOUNT_ID,
        repositoryArn: `arn:aws:ecr:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:repository/fresh`,
      },
    };

    const result = await onRepositoryCreated(event);

    expect(result).toMatchObject({ status: 'done' });
    expect([...calls]).toContain('ecr:putlifecyclepolicy');
    expect(missing('OnRepositoryCreatedRole')).toEqual([]);
  });

  it('catches a call the role lacks (the check itself)', () => {
    calls = new Set(['ecr:describeimages', 'ecr:deleterepository']);
    expect(missing('OnRepositoryCreatedRole')).toEqual(['ecr:deleterepository', 'ecr:describeimages']);
  });
});
