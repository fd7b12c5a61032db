import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  type GetScheduleOutput,
  type ScheduleSummary,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SCHEDULES_PAGE_SIZE, SchedulerScanner } from '../../../../src/adapters/aws/scheduler-workloads';
import { TaskDefinitionReader } from '../../../../src/adapters/aws/task-definitions';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch`;
const RUN_TASK = 'arn:aws:scheduler:::aws-sdk:ecs:runTask';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const taskDefinitionArn = (family: string, revision: number): string =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

let scheduler = new SchedulerClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecs = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
let schedulerMock = mockClient(scheduler);
let ecsMock = mockClient(ecs);

beforeEach(() => {
  scheduler = new SchedulerClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecs = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
  schedulerMock = mockClient(scheduler);
  ecsMock = mockClient(ecs);
  schedulerMock.on(ListSchedulesCommand).resolves({ Schedules: [] });
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
    taskDefinition: {
      taskDefinitionArn: input.taskDefinition,
      status: 'ACTIVE',
      containerDefinitions: [{ image: `${REGISTRY}/${input.taskDefinition.split('/').pop()?.split(':')[0] ?? ''}:v1` }],
    },
  }));
});

function scanner(): SchedulerScanner {
  return new SchedulerScanner({
    client: scheduler,
    region: REGION,
    taskDefinitions: new TaskDefinitionReader({ client: ecs }),
    now: () => NOW,
  });
}

/** A schedule's summary as ListSchedules gives it. */
const summary = (name: string, target: string, extra: Partial<ScheduleSummary> = {}): ScheduleSummary => ({
  Name: name,
  GroupName: 'default',
  State: 'ENABLED',
  Target: { Arn: target },
  ...extra,
});

/** A schedule as GetSchedule gives it: the ECS target of `taskDefinition`, or the input of the universal target. */
function schedule(name: string, target: { taskDefinition?: string; input?: string; arn?: string }, extra: Partial<GetScheduleOutput> = {}) {
  return {
    Name: name,
    GroupName: 'default',
    State: 'ENABLED' as const,
    ScheduleExpression: 'cron(0 2 * * ? *)',
    Target: {
      Arn: target.arn ?? CLUSTER,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler`,
      ...(target.taskDefinition === undefined ? {} : { EcsParameters: { TaskDefinitionArn: target.taskDefinition } }),
      ...(target.input === undefined ? {} : { Input: target.input }),
    },
    ...extra,
  };
}

describe('SchedulerScanner', () => {
  describe('scan', () => {
    it('names the images of the task definitions enabled schedules start, templated or through RunTask, after the schedule', async () => {
      // Arrange
      schedulerMock.on(ListSchedulesCommand).resolves({
        Schedules: [
          summary('nightly', CLUSTER),
          summary('monthly', RUN_TASK, { GroupName: 'finance' }),
          summary('ping', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ping`),
        ],
      });
      schedulerMock
        .on(GetScheduleCommand, { Name: 'nightly', GroupName: 'default' })
        .resolves(schedule('nightly', { taskDefinition: taskDefinitionArn('report', 3) }));
      schedulerMock
        .on(GetScheduleCommand, { Name: 'monthly', GroupName: 'finance' })
        .resolves(schedule('monthly', { arn: RUN_TASK, input: JSON.stringify({ Cluster: 'batch', TaskDefinition: 'invoice:7' }) }));

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert: a schedule of another target is never read.
      expect(images).toEqual([
        { image: `${REGISTRY}/report:v1`, consumer: 'scheduler:default/nightly' },
        { image: `${REGISTRY}/invoice:v1`, consumer: 'scheduler:finance/monthly' },
      ]);
      expect(warnings).toEqual([]);
      expect(schedulerMock).toHaveReceivedCommandTimes(GetScheduleCommand, 2);
    });

    it('leaves out disabled schedules and those that ran for the last time', async () => {
      // Arrange
      schedulerMock.on(ListSchedulesCommand).resolves({
        Schedules: [
          summary('paused', CLUSTER, { State: 'DISABLED' }),
          summary('ended', CLUSTER),
          summary('once', CLUSTER),
          summary('soon', CLUSTER),
        ],
      });
      schedulerMock
        .on(GetScheduleCommand, { Name: 'ended' })
        .resolves(schedule('ended', { taskDefinition: 'ended:1' }, { EndDate: new Date(NOW - 60_000) }));
      schedulerMock
        .on(GetScheduleCommand, { Name: 'once' })
        .resolves(schedule('once', { taskDefinition: 'once:1' }, { ScheduleExpression: 'at(2026-05-01T00:00:00)' }));
      schedulerMock
        .on(GetScheduleCommand, { Name: 'soon' })
        .resolves(schedule('soon', { taskDefinition: 'soon:1' }, { ScheduleExpression: 'at(2026-06-02T00:00:00)' }));

      // Act
      const { images } = await scanner().scan();

      // Assert
      expect(images.map((i) => i.consumer)).toEqual(['scheduler:default/soon']);
      expect(schedulerMock).not.toHaveReceivedCommandWith(GetScheduleCommand, { Name: 'paused' });
    });

    it('warns of a RunTask schedule whose input names no task definition', async () => {
      // Arrange
      schedulerMock.on(ListSchedulesCommand).resolves({ Schedules: [summary('odd', RUN_TASK)] });
      schedulerMock.on(GetScheduleCommand).resolves(schedule('odd', { arn: RUN_TASK, input: '<aws.scheduler.execution-id>' }));

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert
      expect(images).toEqual([]);
      expect(warnings).toEqual([
        {
          code: 'InUseReferenceUnresolved',
          message:
            'schedule default/odd starts an ECS task whose task definition its input does not name (aws-sdk:ecs:runTask): the images it runs are not seen; list them',
        },
      ]);
    });

    it('reads every page of schedules, 100 a page, and skips a schedule deleted before it is read', async () => {
      // Arrange
      schedulerMock
        .on(ListSchedulesCommand)
        .resolvesOnce({ Schedules: [summary('a', CLUSTER)], NextToken: 'p2' })
        .resolvesOnce({ Schedules: [summary('b', CLUSTER)] });
      schedulerMock.on(GetScheduleCommand, { Name: 'a' }).resolves(schedule('a', { taskDefinition: 'a:1' }));
      schedulerMock
        .on(GetScheduleCommand, { Name: 'b' })
        .rejects(
          new ResourceNotFoundException({ Message: 'Schedule b does not exist.', message: 'Schedule b does not exist.', $metadata: {} }),
        );

      // Act
      const { images } = await scanner().scan();

      // Assert
      expect(images.map((i) => i.consumer)).toEqual(['scheduler:default/a']);
      expect(schedulerMock).toHaveReceivedCommandWith(ListSchedulesCommand, { MaxResults: SCHEDULES_PAGE_SIZE, NextToken: 'p2' });
    });

    it('throws on any other error, so the source fails rather than passing for "nothing in use"', async () => {
      // Arrange
      schedulerMock.on(ListSchedulesCommand).resolves({ Schedules: [summary('a', CLUSTER)] });
      schedulerMock.on(GetScheduleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

      // Act / Assert
      await expect(scanner().scan()).rejects.toThrow('Rate exceeded');
    });
  });
});
