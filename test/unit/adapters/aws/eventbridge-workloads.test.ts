import {
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EVENTS_PAGE_SIZE, EventBridgeRuleScanner } from '../../../../src/adapters/aws/eventbridge-workloads';
import { TaskDefinitionReader } from '../../../../src/adapters/aws/task-definitions';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch`;
const taskDefinitionArn = (family: string, revision: number): string =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

let events = new EventBridgeClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecs = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
let eventsMock = mockClient(events);
let ecsMock = mockClient(ecs);

beforeEach(() => {
  events = new EventBridgeClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecs = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
  eventsMock = mockClient(events);
  ecsMock = mockClient(ecs);
  eventsMock.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default' }] });
  eventsMock.on(ListRulesCommand).resolves({ Rules: [] });
  eventsMock.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
    taskDefinition: {
      taskDefinitionArn: input.taskDefinition,
      status: input.taskDefinition.includes('retired') ? 'INACTIVE' : 'ACTIVE',
      containerDefinitions: [{ name: 'app', image: `${REGISTRY}/${input.taskDefinition.split('/').pop()?.split(':')[0] ?? ''}:v1` }],
    },
  }));
});

function scanner(): EventBridgeRuleScanner {
  return new EventBridgeRuleScanner({ client: events, region: REGION, taskDefinitions: new TaskDefinitionReader({ client: ecs }) });
}

/** An ECS target of a rule, starting `taskDefinition` on the batch cluster. */
const ecsTarget = (id: string, taskDefinition: string) => ({ Id: id, Arn: CLUSTER, EcsParameters: { TaskDefinitionArn: taskDefinition } });

describe('EventBridgeRuleScanner', () => {
  describe('scan', () => {
    it('names the images of the task definitions every enabled rule of every bus starts, after the rule', async () => {
      // Arrange: two buses; a nightly rule on default, a rule on "orders" with an ECS and a Lambda target.
      eventsMock.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default' }, { Name: 'orders' }] });
      eventsMock.on(ListRulesCommand, { EventBusName: 'default' }).resolves({ Rules: [{ Name: 'nightly', State: 'ENABLED' }] });
      eventsMock
        .on(ListRulesCommand, { EventBusName: 'orders' })
        .resolves({ Rules: [{ Name: 'on-order', State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventBusName: 'orders' }] });
      eventsMock
        .on(ListTargetsByRuleCommand, { Rule: 'nightly', EventBusName: 'default' })
        .resolves({ Targets: [ecsTarget('1', taskDefinitionArn('report', 3))] });
      eventsMock.on(ListTargetsByRuleCommand, { Rule: 'on-order', EventBusName: 'orders' }).resolves({
        Targets: [ecsTarget('1', 'invoice'), { Id: '2', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notify` }],
      });

      // Act
      const { images, warnings } = await scanner().scan();

      // Assert: a family alone starts its latest revision.
      expect(images).toEqual([
        { image: `${REGISTRY}/report:v1`, consumer: 'events:rule/default/nightly' },
        { image: `${REGISTRY}/invoice:v1`, consumer: 'events:rule/orders/on-order' },
      ]);
      expect(warnings).toEqual([]);
      expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: 'invoice' });
    });

    it('leaves out disabled rules, and definitions that start nothing (deregistered or gone)', async () => {
      // Arrange
      eventsMock.on(ListRulesCommand).resolves({
        Rules: [
          { Name: 'paused', State: 'DISABLED' },
          { Name: 'broken', State: 'ENABLED' },
        ],
      });
      eventsMock.on(ListTargetsByRuleCommand, { Rule: 'paused' }).resolves({ Targets: [ecsTarget('1', taskDefinitionArn('paused', 1))] });
      eventsMock.on(ListTargetsByRuleCommand, { Rule: 'broken' }).resolves({ Targets: [ecsTarget('1', taskDefinitionArn('retired', 1))] });

      // Act
      const { images } = await scanner().scan();

      // Assert
      expect(images).toEqual([]);
      expect(eventsMock).not.toHaveReceivedCommandWith(ListTargetsByRuleCommand, { Rule: 'paused' });
    });

    it('reads every page of buses, rules and targets, 100 a page', async () => {
      // Arrange
      eventsMock
        .on(ListEventBusesCommand)
        .resolvesOnce({ EventBuses: [{ Name: 'default' }], NextToken: 'b2' })
        .resolvesOnce({ EventBuses: [{ Name: 'other' }] });
      eventsMock.on(ListRulesCommand, { EventBusName: 'other' }).resolves({ Rules: [] });
      eventsMock
        .on(ListRulesCommand, { EventBusName: 'default' })
        .resolvesOnce({ Rules: [{ Name: 'a', State: 'ENABLED' }], NextToken: 'r2' })
        .resolvesOnce({ Rules: [{ Name: 'b', State: 'ENABLED' }] });
      eventsMock.on(ListTargetsByRuleCommand, { Rule: 'a' }).resolves({ Targets: [ecsTarget('1', taskDefinitionArn('a', 1))] });
      eventsMock
        .on(ListTargetsByRuleCommand, { Rule: 'b' })
        .resolvesOnce({ Targets: [], NextToken: 't2' })
        .resolvesOnce({ Targets: [ecsTarget('9', taskDefinitionArn('b', 1))] });

      // Act
      const { images } = await scanner().scan();

      // Assert
      expect(images.map((i) => i.consumer)).toEqual(['events:rule/default/a', 'events:rule/default/b']);
      expect(eventsMock).toHaveReceivedCommandWith(ListEventBusesCommand, { Limit: EVENTS_PAGE_SIZE, NextToken: 'b2' });
      expect(eventsMock).toHaveReceivedCommandWith(ListRulesCommand, { EventBusName: 'default', Limit: EVENTS_PAGE_SIZE, NextToken: 'r2' });
      expect(eventsMock).toHaveReceivedCommandWith(ListTargetsByRuleCommand, {
        Rule: 'b',
        EventBusName: 'default',
        Limit: EVENTS_PAGE_SIZE,
        NextToken: 't2',
      });
    });

    it('describes a task definition once however many rules start it', async () => {
      // Arrange
      eventsMock.on(ListRulesCommand).resolves({ Rules: ['a', 'b', 'c'].map((Name) => ({ Name, State: 'ENABLED' })) });
      eventsMock.on(ListTargetsByRuleCommand).resolves({ Targets: [ecsTarget('1', taskDefinitionArn('shared', 2))] });

      // Act
      const { images } = await scanner().scan();

      // Assert
      expect(images).toHaveLength(3);
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
    });

    it('skips a rule deleted between the listing and its targets, and throws on any other error', async () => {
      // Arrange
      eventsMock.on(ListRulesCommand).resolves({ Rules: [{ Name: 'gone', State: 'ENABLED' }] });
      eventsMock
        .on(ListTargetsByRuleCommand)
        .rejectsOnce(new ResourceNotFoundException({ message: 'Rule gone does not exist.', $metadata: {} }));

      // Act / Assert
      await expect(scanner().scan()).resolves.toEqual({ images: [], warnings: [] });
      eventsMock.on(ListTargetsByRuleCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
      await expect(scanner().scan()).rejects.toThrow('Rate exceeded');
    });

    it('throws when a page hands on the token it was asked with, rather than reading part of a list', async () => {
      // Arrange
      eventsMock.on(ListRulesCommand).resolves({ Rules: [], NextToken: 'same' });

      // Act / Assert
      await expect(scanner().scan()).rejects.toThrow('paging repeated the token same');
    });
  });
});
