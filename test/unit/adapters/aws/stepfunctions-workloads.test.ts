import { BatchClient, DescribeJobDefinitionsCommand } from '@aws-sdk/client-batch';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeStateMachineCommand,
  ListStateMachineVersionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { JobDefinitionReader } from '../../../../src/adapters/aws/batch-workloads';
import { STATE_MACHINES_PAGE_SIZE, StepFunctionsScanner } from '../../../../src/adapters/aws/stepfunctions-workloads';
import { TaskDefinitionReader } from '../../../../src/adapters/aws/task-definitions';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const machineArn = (name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;

let sfn = new SFNClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecs = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
let batch = new BatchClient({ region: REGION, credentials: TEST_CREDENTIALS });
let sfnMock = mockClient(sfn);
let ecsMock = mockClient(ecs);
let batchMock = mockClient(batch);

beforeEach(() => {
  sfn = new SFNClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecs = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
  batch = new BatchClient({ region: REGION, credentials: TEST_CREDENTIALS });
  sfnMock = mockClient(sfn);
  ecsMock = mockClient(ecs);
  batchMock = mockClient(batch);
  sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
  sfnMock.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
  // Each task definition runs the image of its family's name, tag v1.
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
    taskDefinition: {
      taskDefinitionArn: input.taskDefinition,
      status: 'ACTIVE',
      containerDefinitions: [{ image: `${REGISTRY}/${input.taskDefinition.split('/').pop()?.split(':')[0] ?? ''}:v1` }],
    },
  }));
  batchMock.on(DescribeJobDefinitionsCommand).resolves({
    jobDefinitions: [
      {
        jobDefinitionName: 'etl',
        jobDefinitionArn: 'x',
        revision: 4,
        type: 'container',
        status: 'ACTIVE',
        containerProperties: { image: `${REGISTRY}/etl:v4` },
      },
    ],
  });
});

function scanner(): StepFunctionsScanner {
  return new StepFunctionsScanner({
    client: sfn,
    region: REGION,
    taskDefinitions: new TaskDefinitionReader({ client: ecs }),
    jobDefinitions: new JobDefinitionReader({ client: batch }),
  });
}

/** A state machine listed, as ListStateMachines gives it. */
const listed = (name: string) => ({ name, stateMachineArn: machineArn(name), type: 'STANDARD' as const, creationDate: new Date(0) });

/** A definition whose one Task state `state` runs `resource` with `parameters`. */
const definitionOf = (state: string, resource: string, parameters: Record<string, unknown>): string =>
  JSON.stringify({ StartAt: state, States: { [state]: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } } });

describe('StepFunctionsScanner', () => {
  describe('scan', () => {
    it('names the images of the task and job definitions each state machine and each published version starts, after the machine and state', async () => {
      // Arrange: nightly runs an ECS task now; its version 1 submitted a Batch job. A Lambda-only machine starts no image.
      sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [listed('nightly'), listed('api')] });
      sfnMock
        .on(ListStateMachineVersionsCommand, { stateMachineArn: machineArn('nightly') })
        .resolves({ stateMachineVersions: [{ stateMachineVersionArn: `${machineArn('nightly')}:1`, creationDate: new Date(0) }] });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: machineArn('nightly') }).resolves({
        definition: definitionOf('Report', 'arn:aws:states:::ecs:runTask.sync', { TaskDefinition: 'report:3' }),
        status: 'ACTIVE',
      });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: `${machineArn('nightly')}:1` }).resolves({
        definition: definitionOf('Etl', 'arn:aws:states:::batch:submitJob.sync', { JobDefinition: 'etl:4' }),
        status: 'ACTIVE',
      });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: machineArn('api') }).resolves({
        definition: definitionOf('Call', 'arn:aws:states:::lambda:invoke', { FunctionName: 'f' }),
        status: 'ACTIVE',
      });

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert
      expect(images).toEqual([
        { image: `${REGISTRY}/report:v1`, consumer: 'stepfunctions:nightly/Report' },
        { image: `${REGISTRY}/etl:v4`, consumer: 'stepfunctions:nightly:1/Etl' },
      ]);
      expect(warnings).toEqual([]);
      expect(sfnMock).toHaveReceivedCommandWith(ListStateMachinesCommand, { maxResults: STATE_MACHINES_PAGE_SIZE });
      expect(batchMock).toHaveReceivedCommandWith(DescribeJobDefinitionsCommand, { jobDefinitions: ['etl:4'] });
    });

    it('warns of a state whose definition is chosen at run time, and of a definition that is not JSON', async () => {
      // Arrange
      sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [listed('dynamic'), listed('broken')] });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: machineArn('dynamic') }).resolves({
        definition: definitionOf('Run', 'arn:aws:states:::ecs:runTask', { 'TaskDefinition.$': '$.td' }),
        status: 'ACTIVE',
      });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: machineArn('broken') }).resolves({ definition: '{', status: 'ACTIVE' });

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert
      expect(images).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['InUseReferenceUnresolved', 'InUseReferenceUnresolved']);
      expect(warnings[0]?.message).toBe(
        'state machine dynamic/Run starts an ECS task whose task definition is chosen at run time (TaskDefinition.$: $.td): the images it runs are not seen; list them',
      );
      expect(warnings[1]?.message).toMatch(/^broken: its definition is not valid JSON/);
    });

    it('reads every page of machines, skips one deleted meanwhile or being deleted, and describes a published version once', async () => {
      // Arrange
      sfnMock
        .on(ListStateMachinesCommand)
        .resolvesOnce({ stateMachines: [listed('a'), listed('gone')], nextToken: 'p2' })
        .resolvesOnce({ stateMachines: [listed('dying')] })
        .resolves({ stateMachines: [listed('a')] });
      sfnMock
        .on(ListStateMachineVersionsCommand, { stateMachineArn: machineArn('a') })
        .resolves({ stateMachineVersions: [{ stateMachineVersionArn: `${machineArn('a')}:2`, creationDate: new Date(0) }] });
      const run = definitionOf('Run', 'arn:aws:states:::ecs:runTask', { TaskDefinition: 'a:1' });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: machineArn('a') }).resolves({ definition: run, status: 'ACTIVE' });
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: `${machineArn('a')}:2` }).resolves({ definition: run, status: 'ACTIVE' });
      sfnMock
        .on(ListStateMachineVersionsCommand, { stateMachineArn: machineArn('gone') })
        .rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} }));
      sfnMock.on(DescribeStateMachineCommand, { stateMachineArn: machineArn('dying') }).resolves({ definition: run, status: 'DELETING' });
      const reused = scanner();

      // Act: two scans by the same scanner (a container handling two events).
      const first = await reused.scan();
      await reused.scan();

      // Assert
      expect(first.images.map((i) => i.consumer)).toEqual(['stepfunctions:a/Run', 'stepfunctions:a:2/Run']);
      expect(sfnMock).toHaveReceivedCommandWith(ListStateMachinesCommand, { nextToken: 'p2' });
      expect(sfnMock.commandCalls(DescribeStateMachineCommand, { stateMachineArn: `${machineArn('a')}:2` })).toHaveLength(1);
      expect(sfnMock.commandCalls(DescribeStateMachineCommand, { stateMachineArn: machineArn('a') })).toHaveLength(2);
    });

    it('throws on any other error, so the source fails rather than passing for "nothing in use"', async () => {
      // Arrange
      sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [listed('a')] });
      sfnMock.on(DescribeStateMachineCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

      // Act / Assert
      await expect(scanner().scan()).rejects.toThrow('Rate exceeded');
    });
  });
});
