import {
  AccessDeniedException,
  ClientException,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import {
  DESCRIBE_SERVICES_LIMIT,
  DESCRIBE_SERVICE_REVISIONS_LIMIT,
  DESCRIBE_TASKS_LIMIT,
  ECS_LIST_PAGE_SIZE,
  EcsWorkloadScanner,
} from '../../../../src/adapters/aws/ecs-workloads';
import { createWorkloadScannerPool } from '../../../../src/adapters/aws/workload-scanners';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

function digest(i: number): string {
  return `sha256:${i.toString(16).padStart(64, '0')}`;
}

const clusterArn = (name: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
const serviceArn = (cluster: string, name: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
const revisionArn = (cluster: string, name: string, id: string | number): string =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/${cluster}/${name}/${id}`;
const taskArn = (cluster: string, id: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${id}`;
const taskDefinitionArn = (family: string, revision: number): string =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

let client = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecsMock = mockClient(client);

beforeEach(() => {
  client = new ECSClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecsMock = mockClient(client);
  ecsMock.on(ListClustersCommand).resolves({ clusterArns: [] });
  ecsMock.on(ListServicesCommand).resolves({ serviceArns: [] });
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
});

function scanner(): EcsWorkloadScanner {
  return new EcsWorkloadScanner({ client, region: REGION });
}

/** A service as DescribeServices returns it, with current revisions (none: an old service). */
function service(cluster: string, name: string, revisions: string[], extra: Partial<Service> = {}): Service {
  return {
    serviceName: name,
    serviceArn: serviceArn(cluster, name),
    clusterArn: clusterArn(cluster),
    ...(revisions.length === 0 ? {} : { currentServiceRevisions: revisions.map((arn) => ({ arn, runningTaskCount: 1 })) }),
    ...extra,
  };
}

describe('EcsWorkloadScanner', () => {
  describe('scan', () => {
    it('reads every page of clusters, services and running tasks at 100 a page', async () => {
      // Arrange: two pages of clusters, two pages of services in the first, two pages of tasks.
      ecsMock
        .on(ListClustersCommand)
        .resolvesOnce({ clusterArns: [clusterArn('a')], nextToken: 'c2' })
        .resolvesOnce({ clusterArns: [clusterArn('b')] });
      ecsMock
        .on(ListServicesCommand, { cluster: clusterArn('a') })
        .resolvesOnce({ serviceArns: [serviceArn('a', 's1')], nextToken: 's2' })
        .resolvesOnce({ serviceArns: [serviceArn('a', 's2')] });
      ecsMock.on(ListServicesCommand, { cluster: clusterArn('b') }).resolves({ serviceArns: [] });
      ecsMock
        .on(ListTasksCommand, { cluster: clusterArn('b') })
        .resolvesOnce({ taskArns: [taskArn('b', 't1')], nextToken: 't2' })
        .resolvesOnce({ taskArns: [taskArn('b', 't2')] });
      ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
        services: input.services.map((arn) => service('a', arn.split('/').pop() ?? '', [revisionArn('a', arn.split('/').pop() ?? '', 1)])),
      }));
      ecsMock.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [] });
      ecsMock.on(DescribeTasksCommand).resolves({ tasks: [] });

      // Act
      await scanner().scan();

      // Assert
      expect(ecsMock).toHaveReceivedCommandTimes(ListClustersCommand, 2);
      expect(ecsMock).toHaveReceivedNthCommandWith(2, ListClustersCommand, { maxResults: ECS_LIST_PAGE_SIZE, nextToken: 'c2' });
      expect(ecsMock).toHaveReceivedCommandWith(ListServicesCommand, { cluster: clusterArn('a'), maxResults: 100, nextToken: 's2' });
      expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
        cluster: clusterArn('b'),
        desiredStatus: 'RUNNING',
        maxResults: 100,
        nextToken: 't2',
      });
      expect(ecsMock).toHaveReceivedCommandWith(DescribeServicesCommand, {
        cluster: clusterArn('a'),
        services: [serviceArn('a', 's1'), serviceArn('a', 's2')],
      });
      expect(ecsMock).toHaveReceivedCommandWith(DescribeTasksCommand, {
        cluster: clusterArn('b'),
        tasks: [taskArn('b', 't1'), taskArn('b', 't2')],
      });
    });

    it('describes services 10, revisions 20 and tasks 100 at a time when a cluster holds more', async () => {
      // Arrange: 25 services, each with two current revisions (a deployment in progress), 250 tasks.
      const names = Array.from({ length: 25 }, (_, i) => `svc-${i}`);
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: names.map((n) => serviceArn('prod', n)) });
      ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
        services: input.services.map((arn) => {
          const name = arn.split('/').pop() ?? '';
          return service('prod', name, [revisionArn('prod', name, 1), revisionArn('prod', name, 2)]);
        }),
      }));
      ecsMock.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => ({
        serviceRevisions: input.serviceRevisionArns.map((arn) => ({
          serviceRevisionArn: arn,
          containerImages: [{ containerName: 'app', image: `${REGISTRY}/web:latest`, imageDigest: digest(Number(arn.split('/').pop())) }],
        })),
      }));
      ecsMock.on(ListTasksCommand).resolves({ taskArns: Array.from({ length: 250 }, (_, i) => taskArn('prod', `t${i}`)) });
      ecsMock
        .on(DescribeTasksCommand)
        .callsFake((input: { tasks: string[] }) => ({ tasks: input.tasks.map((arn) => ({ taskArn: arn, containers: [] })) }));

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      const services = ecsMock.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services?.length);
      const revisions = ecsMock.commandCalls(DescribeServiceRevisionsCommand).map((c) => c.args[0].input.serviceRevisionArns?.length ?? 0);
      const tasks = ecsMock.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length);
      expect(services).toEqual([10, 10, 5]);
      expect(Math.max(...revisions)).toBe(DESCRIBE_SERVICE_REVISIONS_LIMIT);
      expect(revisions.reduce((a, b) => a + b, 0)).toBe(50);
      expect(revisions).toHaveLength(3);
      expect(tasks).toEqual([100, 100, 50]);
      expect(DESCRIBE_SERVICES_LIMIT).toBe(10);
      expect(DESCRIBE_TASKS_LIMIT).toBe(100);
      // Both revisions of a service in deployment count.
      expect(
        images
          .filter((i) => i.consumer === 'ecs:service/prod/svc-3')
          .map((i) => i.imageDigest)
          .sort(),
      ).toEqual([digest(1), digest(2)]);
    });

    it('names each service image by the digest its current revision resolved', async () => {
      // Arrange
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'web')] });
      ecsMock.on(DescribeServicesCommand).resolves({ services: [service('prod', 'web', [revisionArn('prod', 'web', 7)])] });
      ecsMock.on(DescribeServiceRevisionsCommand).resolves({
        serviceRevisions: [
          {
            serviceRevisionArn: revisionArn('prod', 'web', 7),
            containerImages: [
              { containerName: 'app', image: `${REGISTRY}/web:latest`, imageDigest: digest(1) },
              { containerName: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest', imageDigest: digest(2) },
            ],
          },
        ],
      });

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      expect(images).toEqual([
        { image: `${REGISTRY}/web:latest`, imageDigest: digest(1), consumer: 'ecs:service/prod/web' },
        { image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest', imageDigest: digest(2), consumer: 'ecs:service/prod/web' },
      ]);
      expect(ecsMock).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand);
    });

    it('falls back to the images of the task definitions, by digest or tag, and the running tasks when a service has no describable revision', async () => {
      // Arrange: an old service (no current revisions) deployed from two task definitions, one pinned by digest.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'legacy')] });
      ecsMock.on(DescribeServicesCommand).resolves({
        services: [
          service('prod', 'legacy', [], {
            deployments: [
              { status: 'PRIMARY', taskDefinition: taskDefinitionArn('legacy', 3) },
              { status: 'ACTIVE', taskDefinition: taskDefinitionArn('legacy', 2) },
              { status: 'INACTIVE', taskDefinition: taskDefinitionArn('legacy', 1) },
            ],
          }),
        ],
      });
      ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('legacy', 3) }).resolves({
        taskDefinition: { containerDefinitions: [{ name: 'app', image: `${REGISTRY}/legacy@${digest(3)}` }] },
      });
      ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('legacy', 2) }).resolves({
        taskDefinition: { containerDefinitions: [{ name: 'app', image: `${REGISTRY}/legacy:stable` }] },
      });
      ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn('prod', 'abc')] });
      ecsMock.on(DescribeTasksCommand).resolves({
        tasks: [
          {
            taskArn: taskArn('prod', 'abc'),
            group: 'service:legacy',
            containers: [{ image: `${REGISTRY}/legacy:stable`, imageDigest: digest(2) }],
          },
        ],
      });

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      expect(images).toEqual(
        expect.arrayContaining([
          { image: `${REGISTRY}/legacy@${digest(3)}`, consumer: 'ecs:service/prod/legacy' },
          // A scale-out pulls whatever the tag names then.
          { image: `${REGISTRY}/legacy:stable`, consumer: 'ecs:service/prod/legacy' },
          { image: `${REGISTRY}/legacy:stable`, imageDigest: digest(2), consumer: 'ecs:service/prod/legacy' },
          { image: `${REGISTRY}/legacy:stable`, imageDigest: digest(2), consumer: 'ecs:task/prod/abc' },
        ]),
      );
      expect(images).toHaveLength(4);
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 2);
      expect(ecsMock).not.toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('legacy', 1) });
    });

    it('falls back for the services whose revisions ECS reports as failures, and for a batch ECS refuses to describe', async () => {
      // Arrange: revision of "old" is reported as a failure; the batch of "older" is refused with ClientException.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      const names = ['new', 'old', ...Array.from({ length: 19 }, (_, i) => `pad-${i}`), 'older'];
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: names.map((n) => serviceArn('prod', n)) });
      ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
        services: input.services.map((arn) => {
          const name = arn.split('/').pop() ?? '';
          return service('prod', name, [revisionArn('prod', name, 1)], {
            deployments: [{ status: 'PRIMARY', taskDefinition: taskDefinitionArn(name, 1) }],
          });
        }),
      }));
      ecsMock.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => {
        if (input.serviceRevisionArns.includes(revisionArn('prod', 'older', 1)))
          throw new ClientException({ message: 'revision cannot be described', $metadata: {} });
        return {
          serviceRevisions: input.serviceRevisionArns
            .filter((arn) => !arn.includes('/old/'))
            .map((arn) => ({ serviceRevisionArn: arn, containerImages: [{ image: `${REGISTRY}/x:1`, imageDigest: digest(1) }] })),
          failures: [{ arn: revisionArn('prod', 'old', 1), reason: 'MISSING' }],
        };
      });
      ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
        taskDefinition: {
          containerDefinitions: [{ image: `${REGISTRY}/${input.taskDefinition.split('/').pop()?.split(':')[0] ?? ''}@${digest(9)}` }],
        },
      }));

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      expect(images.filter((i) => i.consumer === 'ecs:service/prod/old')).toEqual([
        { image: `${REGISTRY}/old@${digest(9)}`, consumer: 'ecs:service/prod/old' },
      ]);
      expect(images.filter((i) => i.consumer === 'ecs:service/prod/older')).toEqual([
        { image: `${REGISTRY}/older@${digest(9)}`, consumer: 'ecs:service/prod/older' },
      ]);
      expect(images.filter((i) => i.consumer === 'ecs:service/prod/new')).toEqual([
        { image: `${REGISTRY}/x:1`, imageDigest: digest(1), consumer: 'ecs:service/prod/new' },
      ]);
    });

    it('falls back to the task sets of a service deployed by CodeDeploy or an external controller', async () => {
      // Arrange: no deployments list, two task sets (blue and green), named only by ARN.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'bluegreen')] });
      ecsMock.on(DescribeServicesCommand).resolves({
        services: [
          {
            serviceArn: serviceArn('prod', 'bluegreen'),
            taskSets: [{ taskDefinition: taskDefinitionArn('bg', 1) }, { taskDefinition: taskDefinitionArn('bg', 2) }],
          },
        ],
      });
      ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
        taskDefinition: {
          containerDefinitions: [{ image: `${REGISTRY}/bg@${digest(Number(input.taskDefinition.slice(-1)))}` }, { name: 'no-image' }],
        },
      }));

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      expect(images.map((i) => [i.image, i.consumer])).toEqual([
        [`${REGISTRY}/bg@${digest(1)}`, 'ecs:service/prod/bluegreen'],
        [`${REGISTRY}/bg@${digest(2)}`, 'ecs:service/prod/bluegreen'],
      ]);
    });

    it('adds the task definitions of a service scaled to zero, beside the digests its revision resolved', async () => {
      // Arrange: "nightly" runs no task; its revision resolved a digest, its task definition names a tag.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'nightly'), serviceArn('prod', 'web')] });
      ecsMock.on(DescribeServicesCommand).resolves({
        services: [
          service('prod', 'nightly', [revisionArn('prod', 'nightly', 1)], {
            desiredCount: 0,
            deployments: [{ status: 'PRIMARY', taskDefinition: taskDefinitionArn('nightly', 4) }],
          }),
          service('prod', 'web', [revisionArn('prod', 'web', 1)], {
            desiredCount: 2,
            deployments: [{ status: 'PRIMARY', taskDefinition: taskDefinitionArn('web', 9) }],
          }),
        ],
      });
      ecsMock.on(DescribeServiceRevisionsCommand).resolves({
        serviceRevisions: [
          {
            serviceRevisionArn: revisionArn('prod', 'nightly', 1),
            containerImages: [{ image: `${REGISTRY}/nightly:v2`, imageDigest: digest(5) }],
          },
          { serviceRevisionArn: revisionArn('prod', 'web', 1), containerImages: [{ image: `${REGISTRY}/web:v1`, imageDigest: digest(6) }] },
        ],
      });
      ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('nightly', 4) }).resolves({
        taskDefinition: { taskDefinitionArn: taskDefinitionArn('nightly', 4), containerDefinitions: [{ image: `${REGISTRY}/nightly:v2` }] },
      });

      // Act
      const images = (await scanner().scan()).images;

      // Assert: a service that runs tasks is known by its revision alone.
      expect(images).toEqual([
        { image: `${REGISTRY}/nightly:v2`, imageDigest: digest(5), consumer: 'ecs:service/prod/nightly' },
        { image: `${REGISTRY}/web:v1`, imageDigest: digest(6), consumer: 'ecs:service/prod/web' },
        { image: `${REGISTRY}/nightly:v2`, consumer: 'ecs:service/prod/nightly' },
      ]);
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
    });

    it('adds the task definition of a task set at zero, and only of that one, for a service that has revisions', async () => {
      // Arrange: a blue/green service; green runs, blue is scaled to zero and may take traffic back.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'shop')] });
      ecsMock.on(DescribeServicesCommand).resolves({
        services: [
          service('prod', 'shop', [revisionArn('prod', 'shop', 2)], {
            desiredCount: 2,
            taskSets: [
              {
                id: 'ecs-svc/green',
                status: 'PRIMARY',
                computedDesiredCount: 2,
                scale: { value: 100 },
                taskDefinition: taskDefinitionArn('shop', 2),
              },
              {
                id: 'ecs-svc/blue',
                status: 'ACTIVE',
                computedDesiredCount: 0,
                scale: { value: 0 },
                taskDefinition: taskDefinitionArn('shop', 1),
              },
            ],
          }),
        ],
      });
      ecsMock.on(DescribeServiceRevisionsCommand).resolves({
        serviceRevisions: [
          { serviceRevisionArn: revisionArn('prod', 'shop', 2), containerImages: [{ image: `${REGISTRY}/shop@${digest(2)}` }] },
        ],
      });
      ecsMock
        .on(DescribeTaskDefinitionCommand)
        .resolves({ taskDefinition: { containerDefinitions: [{ image: `${REGISTRY}/shop@${digest(1)}` }] } });

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      expect(images.map((i) => i.image)).toEqual([`${REGISTRY}/shop@${digest(2)}`, `${REGISTRY}/shop@${digest(1)}`]);
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
      expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('shop', 1) });
    });

    it('throws when the task definition of a service cannot be described, rather than taking it for unused', async () => {
      // Arrange
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'idle')] });
      ecsMock
        .on(DescribeServicesCommand)
        .resolves({ services: [service('prod', 'idle', [], { desiredCount: 0, taskDefinition: taskDefinitionArn('idle', 1) })] });
      ecsMock
        .on(DescribeTaskDefinitionCommand)
        .rejects(new ClientException({ message: 'Unable to describe task definition.', $metadata: {} }));

      // Act / Assert
      await expect(scanner().scan()).rejects.toThrow(
        `DescribeTaskDefinition could not describe ${taskDefinitionArn('idle', 1)}, which service idle runs`,
      );
    });

    it('tolerates answers without the optional fields: no ARNs, names, images or revisions', async () => {
      // Arrange
      ecsMock.on(ListClustersCommand).resolves({});
      const empty = (await scanner().scan()).images;
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'odd')] });
      ecsMock.on(DescribeServicesCommand).resolves({
        services: [{ serviceArn: serviceArn('prod', 'odd'), currentServiceRevisions: [{}], taskDefinition: taskDefinitionArn('odd', 1) }],
      });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves({});
      ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn('prod', 'a'), taskArn('prod', 'b')] });
      ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{}, { taskArn: taskArn('prod', 'b'), containers: [{ name: 'no-image' }] }] });

      // Act / Assert
      expect(empty).toEqual([]);
      await expect(scanner().scan()).resolves.toEqual({ images: [], warnings: [] });
      expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('odd', 1) });
    });

    it('describes a task definition once however many services and scans use it', async () => {
      // Arrange: two old services on the same task definition, scanned twice.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'a'), serviceArn('prod', 'b')] });
      ecsMock.on(DescribeServicesCommand).resolves({
        services: ['a', 'b'].map((n) =>
          service('prod', n, [], { deployments: [{ status: 'PRIMARY', taskDefinition: taskDefinitionArn('shared', 1) }] }),
        ),
      });
      ecsMock
        .on(DescribeTaskDefinitionCommand)
        .resolves({ taskDefinition: { containerDefinitions: [{ image: `${REGISTRY}/shared@${digest(4)}` }] } });
      const ecs = scanner();

      // Act
      await ecs.scan();
      const second = (await ecs.scan()).images;

      // Assert
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
      expect(second.map((i) => i.consumer).sort()).toEqual(['ecs:service/prod/a', 'ecs:service/prod/b']);
    });

    it("keeps a multi-arch task's index digest and names it after the task", async () => {
      // Arrange: ECS reports the index digest of a multi-arch image in containers[].imageDigest.
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('batch')] });
      ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn('batch', 'f00d')] });
      const task: Task = {
        taskArn: taskArn('batch', 'f00d'),
        group: 'family:nightly',
        containers: [
          { name: 'job', image: `${REGISTRY}/jobs:2026.03`, imageDigest: digest(0xabc) },
          { name: 'pending', image: `${REGISTRY}/jobs:next` },
        ],
      };
      ecsMock.on(DescribeTasksCommand).resolves({ tasks: [task] });

      // Act
      const images = (await scanner().scan()).images;

      // Assert
      expect(images).toEqual([
        { image: `${REGISTRY}/jobs:2026.03`, imageDigest: digest(0xabc), consumer: 'ecs:task/batch/f00d' },
        { image: `${REGISTRY}/jobs:next`, consumer: 'ecs:task/batch/f00d' },
      ]);
    });

    it('skips a task that stopped between ListTasks and DescribeTasks, and throws on any other failure', async () => {
      // Arrange
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn('prod', 'gone'), taskArn('prod', 'odd')] });
      ecsMock
        .on(DescribeTasksCommand)
        .resolvesOnce({ tasks: [], failures: [{ arn: taskArn('prod', 'gone'), reason: 'MISSING' }] })
        .resolves({ tasks: [], failures: [{ arn: taskArn('prod', 'odd'), reason: 'INTERNAL_ERROR' }] });

      // Act / Assert
      await expect(scanner().scan()).resolves.toEqual({ images: [], warnings: [] });
      await expect(scanner().scan()).rejects.toThrow(/DescribeTasks could not describe 1 resource, e.g. .*odd: INTERNAL_ERROR/);
    });

    it("throws when ECS denies access, so that the region is judged unknown and not 'not in use'", async () => {
      // Arrange
      ecsMock
        .on(ListClustersCommand)
        .rejects(new AccessDeniedException({ message: 'not authorized to perform ecs:ListClusters', $metadata: {} }));

      // Act / Assert
      await expect(scanner().scan()).rejects.toBeInstanceOf(AccessDeniedException);
    });

    it('throws when DescribeServiceRevisions is denied rather than falling back', async () => {
      // Arrange
      ecsMock.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
      ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'web')] });
      ecsMock.on(DescribeServicesCommand).resolves({ services: [service('prod', 'web', [revisionArn('prod', 'web', 1)])] });
      ecsMock.on(DescribeServiceRevisionsCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} }));

      // Act / Assert
      await expect(scanner().scan()).rejects.toThrow('denied');
      expect(ecsMock).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand);
    });
  });

  describe('throttling, through the real retry stack', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a throttled call and counts the retry when ECS throttles and then answers', async () => {
      // Arrange: the pool's client, with a fake transport that throttles ListClusters once.
      const { requestHandler, received } = fakeEcrTransport({
        ListClusters: [{ status: 400, error: 'ThrottlingException', message: 'Rate exceeded' }, { body: { clusterArns: [] } }],
      });
      const counter = new CallCounter();
      const [ecs] = createWorkloadScannerPool({ sources: ['ecs'], counter, credentials: TEST_CREDENTIALS, requestHandler })(REGION);

      // Act
      const images = (await settleWithFakeTimers((ecs as EcsWorkloadScanner).scan())).images;

      // Assert
      expect(images).toEqual([]);
      expect(received.map((r) => r.operation)).toEqual(['ListClusters', 'ListClusters']);
      expect(counter.snapshot()).toEqual({ calls: { ListClusters: 1, total: 1 }, retries: { ListClusters: 1 } });
    });

    it('throws the throttling error when every attempt is throttled', async () => {
      // Arrange
      const { requestHandler, received } = fakeEcrTransport({
        ListClusters: [{ status: 400, error: 'ThrottlingException', message: 'Rate exceeded' }],
      });
      const [ecs] = createWorkloadScannerPool({ sources: ['ecs'], credentials: TEST_CREDENTIALS, requestHandler, maxAttempts: 3 })(REGION);

      // Act / Assert
      await expect(settleWithFakeTimers((ecs as EcsWorkloadScanner).scan())).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(received).toHaveLength(3);
    });
  });
});
