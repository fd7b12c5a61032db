import { DescribeServicesCommand, ECSClient, ListServicesCommand } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import {
  EcrSimulator,
  SIMULATED_OPERATIONS,
  auditAgainstSimulator,
  generateRegistry,
  type OperationLimits,
} from '../../../../scripts/bench/ecr-simulator';
import {
  WorkloadServer,
  generateWorkloads,
  minimumWorkloadCalls,
  type SimulatedWorkloads,
} from '../../../../scripts/bench/workload-simulator';
import { rng } from '../../../../scripts/lib/random';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const OPEN = Object.fromEntries(SIMULATED_OPERATIONS.map((op) => [op, { ratePerSecond: 1e6, burst: 1e6 }])) as OperationLimits;
const FAST = { minMs: 0, maxMs: 1 };

function setup(spec = { clusters: 3, services: 25, tasks: 120, imageFunctions: 30 }): {
  registry: ReturnType<typeof generateRegistry>;
  workloads: SimulatedWorkloads;
  simulator: EcrSimulator;
} {
  const registry = generateRegistry({ repositories: 30, images: 1_500, seed: 3 });
  const workloads = generateWorkloads(registry, spec, rng(11));
  const simulator = new EcrSimulator({ registry, limits: OPEN, latency: FAST, workloads: new WorkloadServer(workloads, registry) });
  return { registry, workloads, simulator };
}

describe('workload-simulator', () => {
  describe('generateWorkloads', () => {
    it('spreads the services and tasks over the clusters and pins images of the registry', () => {
      const { registry, workloads } = setup();
      expect(workloads.clusters).toHaveLength(3);
      expect(workloads.clusters.reduce((n, c) => n + c.services.length, 0)).toBe(25);
      expect(workloads.clusters.reduce((n, c) => n + c.tasks.length, 0)).toBe(120);
      const digests = new Set(registry.repositories.flatMap((r) => r.images.map((i) => i.digest)));
      const pinned = workloads.clusters.flatMap((c) => c.tasks.flatMap((t) => t.containers.map((x) => x.digest)));
      expect(pinned.every((d) => digests.has(d))).toBe(true);
      expect(workloads.functions.filter((f) => f.packageType === 'Image')).toHaveLength(30);
    });
  });

  describe('WorkloadServer through the SDK', () => {
    it('refuses more than 10 services in one DescribeServices and more than 100 a ListServices page, as ECS does', async () => {
      // Arrange
      const { simulator } = setup();
      const ecs = new ECSClient({ region: 'eu-west-1', credentials: CREDENTIALS, requestHandler: simulator, maxAttempts: 1 });
      const cluster = 'arn:aws:ecs:eu-west-1:123456789012:cluster/cluster-0';

      // Act / Assert
      await expect(
        ecs.send(new DescribeServicesCommand({ cluster, services: Array.from({ length: 11 }, (_, i) => `s${i}`) })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      await expect(ecs.send(new ListServicesCommand({ cluster, maxResults: 101 }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    });

    it('answers GetFunction with the resolved image, and ResourceNotFoundException for an unknown version', async () => {
      // Arrange
      const { simulator, workloads } = setup();
      const lambda = new LambdaClient({ region: 'eu-west-1', credentials: CREDENTIALS, requestHandler: simulator, maxAttempts: 1 });
      const fn = workloads.functions.find((f) => f.packageType === 'Image');
      if (fn === undefined) throw new Error('no image function');

      // Act
      const out = await lambda.send(new GetFunctionCommand({ FunctionName: fn.name, Qualifier: '1' }));

      // Assert
      expect(out.Code?.ResolvedImageUri).toBe(fn.image);
      await expect(lambda.send(new GetFunctionCommand({ FunctionName: fn.name, Qualifier: '99' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    });
  });

  describe('minimumWorkloadCalls and the guarded run', () => {
    it('makes exactly the minimum calls of every ECS and Lambda operation, and reads no image twice', async () => {
      // Arrange
      const { registry, workloads } = setup();

      // Act
      const result = await auditAgainstSimulator({
        registry,
        limits: OPEN,
        latency: FAST,
        concurrency: 8,
        workloads: new WorkloadServer(workloads, registry),
        guard: true,
      });

      // Assert
      const minimum = minimumWorkloadCalls(workloads);
      for (const [operation, n] of Object.entries(minimum))
        if (operation !== 'total') expect([operation, result.calls[operation] ?? 0]).toEqual([operation, n]);
      expect(minimum.GetFunction).toBe(90);
      expect(result.report.errors).toEqual([]);
      expect(result.guard?.outcomes['held-in-use']).toBeGreaterThan(0);
      expect(result.report.totals.repositoriesHeld).toBe(result.guard?.outcomes['held-in-use']);
      expect(result.calls.DescribeImages).toBe(
        registry.repositories.reduce((n, r) => n + Math.max(1, Math.ceil(r.images.length / 1000)), 0),
      );
    });
  });
});
