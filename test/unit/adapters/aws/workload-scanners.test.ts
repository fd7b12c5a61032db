import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createWorkloadScannerPool } from '../../../../src/adapters/aws/workload-scanners';
import { ConfigError } from '../../../../src/domain/errors';
import { WORKLOAD_SOURCES } from '../../../../src/domain/in-use';
import type { WorkloadScanner } from '../../../../src/ports/in-use';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const ACCOUNT = '123456789012';
const credentials = TEST_CREDENTIALS;

describe('createWorkloadScannerPool', () => {
  describe('the scanners of a region', () => {
    it('gives a scanner of every workload source by default, in the order of WORKLOAD_SOURCES, each of the region asked', () => {
      // Act
      const scanners = createWorkloadScannerPool({ credentials })('eu-west-1');

      // Assert
      expect(scanners.map((s) => s.source)).toEqual([...WORKLOAD_SOURCES]);
      expect(scanners.every((s) => s.region === 'eu-west-1')).toBe(true);
    });

    it('gives the sources asked for in the order of WORKLOAD_SOURCES, ignoring the list (no workload), and none for none', () => {
      // Act
      const some = createWorkloadScannerPool({ credentials, sources: ['inspector', 'list', 'ecs', 'batch'] })('eu-west-1');
      const listOnly = createWorkloadScannerPool({ credentials, sources: ['list'] })('eu-west-1');
      const none = createWorkloadScannerPool({ credentials, sources: [] })('eu-west-1');

      // Assert
      expect(some.map((s) => s.source)).toEqual(['ecs', 'batch', 'inspector']);
      expect(listOnly).toEqual([]);
      expect(none).toEqual([]);
    });

    it('builds the scanners of a region once, and those of each other region apart', () => {
      // Arrange
      const scannersFor = createWorkloadScannerPool({ credentials, sources: ['ecs', 'lambda'] });

      // Act
      const first = scannersFor('eu-west-1');
      const again = scannersFor('eu-west-1');
      const other = scannersFor('us-east-1');

      // Assert
      expect(again).toBe(first);
      expect(other).not.toBe(first);
      expect(other.map((s) => s.region)).toEqual(['us-east-1', 'us-east-1']);
    });

    it.each([
      ['an empty region', {}, '', /region must not be empty/],
      ['no attempt at all', { maxAttempts: 0 }, 'eu-west-1', /maxAttempts must be a whole number of at least 1/],
      ['a request timeout out of range', { requestTimeoutMs: 5 }, 'eu-west-1', /requestTimeoutMs must be a whole number of milliseconds/],
    ])('refuses %s with a ConfigError naming the setting, when the region is first asked for', (_case, options, region, message) => {
      // Arrange
      const scannersFor = createWorkloadScannerPool({ credentials, ...options });

      // Act / Assert
      expect(() => scannersFor(region)).toThrow(message);
      expect(() => scannersFor(region)).toThrow(ConfigError);
    });
  });

  describe('task definitions', () => {
    const ecsMock = mockClient(ECSClient);
    const eventsMock = mockClient(EventBridgeClient);
    const schedulerMock = mockClient(SchedulerClient);
    const taskDefinition = (region: string) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/nightly:3`;

    beforeEach(() => {
      ecsMock.reset();
      eventsMock.reset();
      schedulerMock.reset();
      // In each region one EventBridge rule and one schedule start the same task definition.
      eventsMock.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default' }] });
      eventsMock.on(ListRulesCommand).resolves({ Rules: [{ Name: 'nightly', State: 'ENABLED' }] });
      eventsMock.on(ListTargetsByRuleCommand).callsFake(() => ({
        Targets: [{ Id: '1', Arn: 'cluster', EcsParameters: { TaskDefinitionArn: taskDefinition(currentRegion) } }],
      }));
      schedulerMock.on(ListSchedulesCommand).resolves({
        Schedules: [{ Name: 'nightly', GroupName: 'default', State: 'ENABLED', Target: { Arn: `arn:aws:ecs:x:${ACCOUNT}:cluster/batch` } }],
      });
      schedulerMock.on(GetScheduleCommand).callsFake(() => ({
        Name: 'nightly',
        GroupName: 'default',
        State: 'ENABLED',
        Target: {
          Arn: `arn:aws:ecs:x:${ACCOUNT}:cluster/batch`,
          RoleArn: 'role',
          EcsParameters: { TaskDefinitionArn: taskDefinition(currentRegion) },
        },
      }));
      ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
        taskDefinition: {
          taskDefinitionArn: input.taskDefinition,
          status: 'ACTIVE',
          containerDefinitions: [{ image: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/nightly:v3` }],
        },
      }));
    });
    afterAll(() => {
      ecsMock.restore();
      eventsMock.restore();
      schedulerMock.restore();
    });

    let currentRegion = 'eu-west-1';
    async function scanAll(scanners: WorkloadScanner[], region: string) {
      currentRegion = region;
      return Promise.all(scanners.map((s) => s.scan()));
    }

    it('describes a task definition once per region, whichever of its scanners asks, and again in another region', async () => {
      // Arrange
      const scannersFor = createWorkloadScannerPool({ credentials, sources: ['events', 'scheduler'] });

      // Act
      const ireland = await scanAll(scannersFor('eu-west-1'), 'eu-west-1');
      const virginia = await scanAll(scannersFor('us-east-1'), 'us-east-1');

      // Assert: both consumers of each region name the image; one description per region.
      expect(ireland.flatMap((scan) => scan.images.map((i) => i.consumer)).sort()).toEqual([
        'events:rule/default/nightly',
        'scheduler:default/nightly',
      ]);
      expect(virginia.flatMap((scan) => scan.images)).toHaveLength(2);
      expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input.taskDefinition)).toEqual([
        taskDefinition('eu-west-1'),
        taskDefinition('us-east-1'),
      ]);
    });
  });
});
