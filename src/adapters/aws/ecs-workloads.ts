import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTasks,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import pLimit from 'p-limit';
import { errorCode } from '../../domain/errors';
import type { WorkloadImage } from '../../domain/in-use-entries';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import { TaskDefinitionReader } from './task-definitions';

/** The largest page `ListClusters`, `ListServices` and `ListTasks` accept. */
export const ECS_LIST_PAGE_SIZE = 100;
/** The most services `DescribeServices` describes in one call. */
export const DESCRIBE_SERVICES_LIMIT = 10;
/** The most ARNs `DescribeServiceRevisions` takes in one call. */
export const DESCRIBE_SERVICE_REVISIONS_LIMIT = 20;
/** The most tasks `DescribeTasks` describes in one call. */
export const DESCRIBE_TASKS_LIMIT = 100;
/** Describe calls in flight at once, by default. */
export const DEFAULT_ECS_CALLS_IN_FLIGHT = 4;
/** The IAM actions an ECS scan calls. */
export const ECS_SCAN_PERMISSIONS = [
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:DescribeServiceRevisions',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:DescribeTaskDefinition',
] as const;

/** What an {@link EcsWorkloadScanner} needs. */
export interface EcsWorkloadScannerOptions {
  /** An ECS client for `region` (retries, timeouts and call counting as every client of the run). */
  client: ECSClient;
  region: string;
  /** Describe calls in flight at once. @default 4 */
  callsInFlight?: number;
  /** The region's task definition reader, shared with its other scanners. @default one of its own over `client` */
  taskDefinitions?: TaskDefinitionReader;
}

/** A failure entry ECS returns beside what it could describe. */
interface EcsFailure {
  arn?: string | undefined;
  reason?: string | undefined;
  detail?: string | undefined;
}

/** ECS's way of saying a listed resource is gone by the time it is described (stopped task, deleted service). */
const MISSING = 'MISSING';

/** Errors that say "this revision cannot be described" rather than "you may not" or "try later". */
const UNDESCRIBABLE = new Set(['ClientException', 'InvalidParameterException']);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A service's name: its own, else the last segment of its ARN. */
function serviceName(service: Service): string {
  return service.serviceName ?? lastSegment(service.serviceArn ?? '');
}

/** The consumer a service's images are recorded under, the same whichever way they were read. */
function serviceConsumer(entry: { clusterName: string; service: Service }): string {
  return `ecs:service/${entry.clusterName}/${serviceName(entry.service)}`;
}

/** The last path segment of an ARN (`…:cluster/prod` → `prod`; `…:task/prod/abc` → `abc`). */
function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** An ECS error for failures that are not "missing": the scan must not pass them off as "not in use". */
function failuresError(call: string, failures: readonly EcsFailure[]): Error {
  const first = failures[0];
  const error = new Error(
    `${call} could not describe ${failures.length} resource${failures.length === 1 ? '' : 's'}, e.g. ${first?.arn ?? '?'}: ${first?.reason ?? '?'}${first?.detail ? ` (${first.detail})` : ''}`,
  );
  error.name = 'EcsDescribeFailure';
  return error;
}

/**
 * Reads which images the ECS workloads of one region run, read-only:
 *
 * - services: `ListClusters` → `ListServices` (100 a page) → `DescribeServices` (10 a call) →
 *   `currentServiceRevisions` → `DescribeServiceRevisions` (20 ARNs a call) → `containerImages`, the
 *   digests ECS resolved at deployment. A service whose revisions cannot be described (created before
 *   2024-10-25 and never redeployed) falls back to the images of its deployments' and task sets' task
 *   definitions (`DescribeTaskDefinition`, cached by ARN: task definitions never change) and to the
 *   digests of its running tasks;
 * - what a service starts later: the task definitions' images of a service scaled to zero, and of a
 *   task set at zero (CodeDeploy blue/green, an external controller);
 * - tasks (services', standalone, scheduled, Batch on ECS): `ListTasks` (RUNNING, 100 a page) →
 *   `DescribeTasks` (100 a call) → each container's `imageDigest` (the index digest for a multi-arch
 *   image), else a digest in its `image`.
 *
 * A resource that disappears between listing and describing (`MISSING`) is skipped; any other
 * failure throws, so the region is judged unknown rather than "not in use".
 *
 * @example const images = await new EcsWorkloadScanner({ client, region: 'eu-west-1' }).scan();
 */
export class EcsWorkloadScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'ecs' as const;
  readonly permissions = ECS_SCAN_PERMISSIONS;
  private readonly client: ECSClient;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Task definitions are immutable: each is described once per container (shared with the region's other scanners). */
  private readonly taskDefinitions: TaskDefinitionReader;

  constructor(options: EcsWorkloadScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.limit = pLimit(Math.max(1, options.callsInFlight ?? DEFAULT_ECS_CALLS_IN_FLIGHT));
    this.taskDefinitions = options.taskDefinitions ?? new TaskDefinitionReader({ client: this.client });
  }

  /** Every image the region's services and running tasks pin. */
  async scan(): Promise<WorkloadScan> {
    const clusters: string[] = [];
    for await (const page of paginateListClusters({ client: this.client, pageSize: ECS_LIST_PAGE_SIZE, stopOnSameToken: true }, {})) {
      clusters.push(...(page.clusterArns ?? []));
    }
    const perCluster = await Promise.all(clusters.map((cluster) => this.scanCluster(cluster)));
    const services = perCluster.flatMap((c) => c.services);
    const images = perCluster.flatMap((c) => c.tasks);
    const fallback = await this.serviceImages(services, images);
    return { images: [...images.map(({ group: _group, ...image }) => image), ...fallback], warnings: [] };
  }

  private async scanCluster(
    clusterArn: string,
  ): Promise<{ services: Array<{ clusterName: string; service: Service }>; tasks: Array<WorkloadImage & { group?: string }> }> {
    const clusterName = lastSegment(clusterArn);
    const [services, tasks] = await Promise.all([this.describeServices(clusterArn), this.runningTaskImages(clusterArn, clusterName)]);
    return { services: services.map((service) => ({ clusterName, service })), tasks };
  }

  private async describeServices(cluster: string): Promise<Service[]> {
    const arns: string[] = [];
    for await (const page of paginateListServices(
      { client: this.client, pageSize: ECS_LIST_PAGE_SIZE, stopOnSameToken: true },
      { cluster },
    )) {
      arns.push(...(page.serviceArns ?? []));
    }
    return this.describeAll('DescribeServices', arns, DESCRIBE_SERVICES_LIMIT, async (services) => {
      const out = await this.client.send(new DescribeServicesCommand({ cluster, services }));
      return { items: out.services ?? [], failures: out.failures ?? [] };
    });
  }

  /**
   * Describes `arns` in batches of `limit`, a few calls in flight; skips what ECS reports `MISSING`
   * (gone since it was listed) and throws on any other failure.
   */
  private async describeAll<T>(
    call: string,
    arns: readonly string[],
    limit: number,
    describe: (batch: string[]) => Promise<{ items: T[]; failures: EcsFailure[] }>,
  ): Promise<T[]> {
    const answers = await Promise.all(
      chunks(arns, limit).map((batch) =>
        this.limit(async () => {
          const { items, failures } = await describe(batch);
          const real = failures.filter((f) => f.reason !== MISSING);
          if (real.length > 0) throw failuresError(call, real);
          return items;
        }),
      ),
    );
    return answers.flat();
  }

  /** The images of a cluster's running tasks, named `ecs:task/CLUSTER/ID` (tagged with the task's service group for the fallback). */
  private async runningTaskImages(cluster: string, clusterName: string): Promise<Array<WorkloadImage & { group?: string }>> {
    const arns: string[] = [];
    const pages = paginateListTasks(
      { client: this.client, pageSize: ECS_LIST_PAGE_SIZE, stopOnSameToken: true },
      { cluster, desiredStatus: 'RUNNING' },
    );
    for await (const page of pages) arns.push(...(page.taskArns ?? []));
    const tasks = await this.describeAll('DescribeTasks', arns, DESCRIBE_TASKS_LIMIT, async (batch) => {
      const out = await this.client.send(new DescribeTasksCommand({ cluster, tasks: batch }));
      return { items: out.tasks ?? [], failures: out.failures ?? [] };
    });
    const images: Array<WorkloadImage & { group?: string }> = [];
    for (const task of tasks) {
      if (task.taskArn === undefined) continue;
      const consumer = `ecs:task/${clusterName}/${lastSegment(task.taskArn)}`;
      for (const container of task.containers ?? []) {
        if (container.image === undefined) continue;
        images.push({
          image: container.image,
          ...(container.imageDigest === undefined ? {} : { imageDigest: container.imageDigest }),
          consumer,
          ...(task.group === undefined ? {} : { group: `${clusterName}/${task.group}` }),
        });
      }
    }
    return images;
  }

  /**
   * The images of every service: from its current revisions where ECS can describe them, else from
   * its task definitions and running tasks.
   */
  private async serviceImages(
    services: ReadonlyArray<{ clusterName: string; service: Service }>,
    tasks: ReadonlyArray<WorkloadImage & { group?: string }>,
  ): Promise<WorkloadImage[]> {
    const consumerOf = new Map<string, string>();
    const fallback = new Set<{ clusterName: string; service: Service }>();
    const revisionArns: string[] = [];
    for (const entry of services) {
      const consumer = serviceConsumer(entry);
      const arns = (entry.service.currentServiceRevisions ?? []).map((r) => r.arn).filter((arn): arn is string => arn !== undefined);
      if (arns.length === 0) fallback.add(entry);
      for (const arn of arns) {
        consumerOf.set(arn, consumer);
        revisionArns.push(arn);
      }
    }
    const byRevision = new Map(
      services.flatMap((entry) => (entry.service.currentServiceRevisions ?? []).map((r) => [r.arn ?? '', entry] as const)),
    );
    const images: WorkloadImage[] = [];
    await Promise.all(
      chunks(revisionArns, DESCRIBE_SERVICE_REVISIONS_LIMIT).map((batch) =>
        this.limit(async () => {
          let out;
          try {
            out = await this.client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }));
          } catch (error) {
            // Revisions ECS cannot describe (created before 2024-10-25): their services fall back.
            if (!UNDESCRIBABLE.has(errorCode(error))) throw error;
            for (const arn of batch) {
              const entry = byRevision.get(arn);
              if (entry) fallback.add(entry);
            }
            return;
          }
          for (const revision of out.serviceRevisions ?? []) {
            const consumer = consumerOf.get(revision.serviceRevisionArn ?? '');
            if (consumer === undefined) continue;
            for (const container of revision.containerImages ?? []) {
              if (container.image === undefined) continue;
              images.push({
                image: container.image,
                ...(container.imageDigest === undefined ? {} : { imageDigest: container.imageDigest }),
                consumer,
              });
            }
          }
          for (const failure of out.failures ?? []) {
            const entry = byRevision.get(failure.arn ?? '');
            if (entry) fallback.add(entry);
          }
        }),
      ),
    );
    const fromDefinitions = await Promise.all(services.map((entry) => this.definitionImages(entry, fallback.has(entry), tasks)));
    return [...images, ...fromDefinitions.flat()];
  }

  /**
   * The images of a service's task definitions: those of its deployments and task sets when its
   * revisions cannot be described (then its running tasks' digests too), those of its deployments when
   * it is scaled to zero (a scale-out starts them), and those of its task sets at zero (CodeDeploy or
   * an external controller shifts traffic back to them). Images named by tag are kept: what starts
   * next pulls whatever the tag names then.
   */
  private async definitionImages(
    entry: { clusterName: string; service: Service },
    fallback: boolean,
    tasks: ReadonlyArray<WorkloadImage & { group?: string }>,
  ): Promise<WorkloadImage[]> {
    const { service } = entry;
    const name = serviceName(service);
    const consumer = serviceConsumer(entry);
    const definitions = new Set<string>();
    if (fallback || service.desiredCount === 0) {
      for (const deployment of service.deployments ?? []) {
        if (deployment.status !== 'INACTIVE' && deployment.taskDefinition !== undefined) definitions.add(deployment.taskDefinition);
      }
    }
    for (const taskSet of service.taskSets ?? []) {
      const atZero = taskSet.computedDesiredCount === 0 || taskSet.scale?.value === 0;
      if ((fallback || atZero) && taskSet.taskDefinition !== undefined) definitions.add(taskSet.taskDefinition);
    }
    if ((fallback || service.desiredCount === 0) && definitions.size === 0 && service.taskDefinition !== undefined)
      definitions.add(service.taskDefinition);
    const described = await Promise.all(
      [...definitions].map(async (arn) => {
        const definition = await this.taskDefinitions.read(arn);
        // A service's own definition always exists (a deregistered one is still described): this is no "not in use".
        if (definition === undefined) throw new Error(`DescribeTaskDefinition could not describe ${arn}, which service ${name} runs`);
        return definition.images;
      }),
    );
    const group = `${entry.clusterName}/service:${name}`;
    return [
      ...described.flat().map((image) => ({ image, consumer })),
      ...(fallback ? tasks : [])
        .filter((t) => t.group === group)
        .map((t) => ({ image: t.image, ...(t.imageDigest === undefined ? {} : { imageDigest: t.imageDigest }), consumer })),
    ];
  }
}
