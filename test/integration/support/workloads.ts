// Workloads in moto that pin images by digest: ECS services whose task definitions name an image by
// digest, and Lambda image functions. moto answers the calls the in-use scanners make, but not every
// field real AWS does (no service revisions, no task image digests, a malformed ResolvedImageUri):
// the scanners' handling of those fields is covered with client mocks in the unit tests.
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { BatchClient, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { WORKLOAD_SOURCES } from '../../../src/domain/in-use';
import { MOTO_ACCOUNT_ID, MOTO_REGION, motoClientConfig, motoEndpoint } from './moto';

/** The in-use sources moto cannot answer, covered by client-mock tests instead. */
const NOT_IN_MOTO: ReadonlySet<string> = new Set([
  // moto does not emulate App Runner (it answers with an HTML error page, which the guard rightly takes for a failure);
  'apprunner',
  // nor Step Functions' ListStateMachineVersions;
  'stepfunctions',
  // nor Inspector's ListCoverage (and its BatchGetAccountStatus names no ECR state, which reads as "not enabled").
  'inspector',
]);

/** The in-use sources a run against moto scans (`--in-use-scan`, `IN_USE_SCAN`): every one moto can answer. */
export const MOTO_IN_USE_SCAN = WORKLOAD_SOURCES.filter((source: string) => !NOT_IN_MOTO.has(source)).join(',');

/** The image reference of `digest` in `repository` of moto's account and `region`. */
export function ecrImage(repository: string, digest: string, region: string = MOTO_REGION): string {
  return `${MOTO_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}`;
}

/**
 * Creates `cluster` (if needed) and a service `name` in it whose task definition runs `image`.
 *
 * @example await createService('prod', 'web', ecrImage('web', pushed.digest));
 */
export async function createService(cluster: string, name: string, image: string, region: string = MOTO_REGION): Promise<void> {
  const ecs = new ECSClient(motoClientConfig(region));
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: name, containerDefinitions: [{ name: 'app', image, memory: 128 }] }));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: name, taskDefinition: name, desiredCount: 1 }));
  } finally {
    ecs.destroy();
  }
}

/** Creates the IAM role Lambda functions run as (moto checks it exists), with a raw IAM query call. */
async function createLambdaRole(name: string): Promise<string> {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const response = await fetch(`${motoEndpoint()}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes by the credential scope's service; it checks no signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: name, AssumeRolePolicyDocument: trust }),
  });
  const text = await response.text();
  if (!response.ok && !text.includes('EntityAlreadyExists')) throw new Error(`CreateRole answered ${response.status}: ${text}`);
  return `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${name}`;
}

/**
 * Creates an image function `name` running `image`, and publishes `versions` versions of it.
 *
 * @example await createImageFunction('api', ecrImage('api', pushed.digest), 1);
 */
export async function createImageFunction(name: string, image: string, versions = 0, region: string = MOTO_REGION): Promise<void> {
  const lambda = new LambdaClient(motoClientConfig(region));
  try {
    const role = await createLambdaRole('ecr-janitor-test-function');
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, PackageType: 'Image', Code: { ImageUri: image }, Role: role }));
    for (let i = 0; i < versions; i++) await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  } finally {
    lambda.destroy();
  }
}

/** Registers a task definition `family` whose one container runs `image`, and returns its ARN. */
export async function registerTaskDefinition(family: string, image: string, region: string = MOTO_REGION): Promise<string> {
  const ecs = new ECSClient(motoClientConfig(region));
  try {
    const out = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image, memory: 128 }] }));
    return out.taskDefinition?.taskDefinitionArn ?? '';
  } finally {
    ecs.destroy();
  }
}

/**
 * Creates an EventBridge rule `name` on `bus` (created when it is not the default one) that starts a
 * task of a new task definition (family `name`) running `image` on the `batch` cluster: once a day on
 * the default bus, on each `com.example.jobs` event on another.
 * (moto fails a PutEvents to a bus with such a rule: tests that publish put it on a bus of its own.)
 *
 * @example await createRuleStartingTask('nightly', ecrImage('report', pushed.digest));
 */
export async function createRuleStartingTask(name: string, image: string, options: { bus?: string; region?: string } = {}): Promise<void> {
  const { bus = 'default', region = MOTO_REGION } = options;
  const taskDefinition = await registerTaskDefinition(name, image, region);
  const events = new EventBridgeClient(motoClientConfig(region));
  try {
    if (bus !== 'default') await events.send(new CreateEventBusCommand({ Name: bus }));
    // Schedules live on the default bus only; elsewhere the rule matches the jobs' own events.
    const trigger =
      bus === 'default' ? { ScheduleExpression: 'rate(1 day)' } : { EventPattern: JSON.stringify({ source: ['com.example.jobs'] }) };
    await events.send(new PutRuleCommand({ Name: name, EventBusName: bus, ...trigger }));
    await events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: bus,
        Targets: [
          {
            Id: 'task',
            Arn: `arn:aws:ecs:${region}:${MOTO_ACCOUNT_ID}:cluster/batch`,
            RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/ecr-janitor-test-events`,
            EcsParameters: { TaskDefinitionArn: taskDefinition, TaskCount: 1 },
          },
        ],
      }),
    );
  } finally {
    events.destroy();
  }
}

/**
 * Creates an EventBridge Scheduler schedule `name` (default group) that starts a task of a new task
 * definition (family `name`) running `image` on the `batch` cluster, once a day.
 *
 * @example await createScheduleStartingTask('monthly', ecrImage('worker', pushed.digest));
 */
export async function createScheduleStartingTask(name: string, image: string, region: string = MOTO_REGION): Promise<void> {
  const taskDefinition = await registerTaskDefinition(name, image, region);
  const scheduler = new SchedulerClient(motoClientConfig(region));
  try {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: `arn:aws:ecs:${region}:${MOTO_ACCOUNT_ID}:cluster/batch`,
          RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/ecr-janitor-test-scheduler`,
          EcsParameters: { TaskDefinitionArn: taskDefinition },
        },
      }),
    );
  } finally {
    scheduler.destroy();
  }
}

/**
 * Registers an AWS Batch container job definition `name` whose container runs `image`, and returns
 * its ARN (with its revision).
 *
 * @example await registerJobDefinition('etl', ecrImage('etl', pushed.digest));
 */
export async function registerJobDefinition(name: string, image: string, region: string = MOTO_REGION): Promise<string> {
  const batch = new BatchClient(motoClientConfig(region));
  try {
    const out = await batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: name,
        type: 'container',
        containerProperties: {
          image,
          resourceRequirements: [
            { type: 'VCPU', value: '1' },
            { type: 'MEMORY', value: '512' },
          ],
        },
      }),
    );
    return out.jobDefinitionArn ?? '';
  } finally {
    batch.destroy();
  }
}
