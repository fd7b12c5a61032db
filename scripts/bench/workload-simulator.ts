// The ECS and Lambda answers of the in-process simulator (see ecr-simulator.ts): clusters with
// services (with describable current revisions, or old services without any) and running tasks, and
// image functions with published versions, all pinning images of the simulated registry. Served with
// the services' limits (ListClusters/ListServices/ListTasks 100 a page, DescribeServices 10,
// DescribeServiceRevisions 20, DescribeTasks 100, ListFunctions 50 a page).
import {
  page,
  registrySourceOf,
  ServiceError,
  type Json,
  type RegistrySource,
  type SimulatedRegistry,
  type WorkloadAnswers,
} from './ecr-simulator';

/** The ECS and Lambda operations the simulator answers. */
export const WORKLOAD_OPERATIONS = [
  'ListClusters',
  'ListServices',
  'DescribeServices',
  'DescribeServiceRevisions',
  'DescribeTaskDefinition',
  'ListTasks',
  'DescribeTasks',
  'ListFunctions',
  'GetFunction',
] as const;

/** One of {@link WORKLOAD_OPERATIONS}. */
export type WorkloadOperation = (typeof WORKLOAD_OPERATIONS)[number];

/** A container of a revision or a task: the image as configured and the digest it runs. */
export interface SimulatedContainer {
  image: string;
  digest: string;
}

/** A service: current revisions ECS can describe, or none (created before 2024-10-25). */
export interface SimulatedService {
  name: string;
  /** Empty for an old service: the scanner then reads its task definition. */
  revisions: Array<{ id: number; containers: SimulatedContainer[] }>;
  /** The ARN of the task definition its deployment runs; its image is pinned by digest. */
  taskDefinition: string;
}

/** A running task. */
export interface SimulatedTask {
  id: string;
  /** `service:NAME` or `family:NAME`. */
  group: string;
  containers: SimulatedContainer[];
}

/** A cluster of services and running tasks. */
export interface SimulatedCluster {
  name: string;
  services: SimulatedService[];
  tasks: SimulatedTask[];
}

/** A Lambda function with its versions (`$LATEST` and published ones), all on one image. */
export interface SimulatedFunction {
  name: string;
  packageType: 'Image' | 'Zip';
  versions: string[];
  /** `repo@sha256:…` for image functions. */
  image?: string;
}

/** Every workload of the simulated region. */
export interface SimulatedWorkloads {
  clusters: SimulatedCluster[];
  /** Task definition ARN → its images (digest-pinned). */
  taskDefinitions: Map<string, string[]>;
  functions: SimulatedFunction[];
}

/** How many workloads to generate. */
export interface WorkloadSpec {
  clusters: number;
  /** Services over all clusters. */
  services: number;
  /** Running tasks over all clusters (a service's tasks among them). */
  tasks: number;
  /** Image functions; each has `$LATEST` and `versionsPerFunction` published versions. */
  imageFunctions: number;
  /** Zip functions (listed, never read further). @default imageFunctions */
  zipFunctions?: number;
  /** @default 2 */
  versionsPerFunction?: number;
  /** Share of services without describable revisions. @default 0.2 */
  oldServiceShare?: number;
}

/**
 * Workloads over the images of `registry`: each service, task and function runs an image of a
 * repository (more often an untagged one, as after a re-push of `latest`, which is what the guard is
 * for), deterministically from `random`.
 */
export function generateWorkloads(
  registry: SimulatedRegistry | RegistrySource,
  spec: WorkloadSpec,
  random: () => number,
): SimulatedWorkloads {
  const source = registrySourceOf(registry);
  const host = `${source.accountId}.dkr.ecr.${source.region}.amazonaws.com`;
  const candidates: number[] = [];
  for (let i = 0; i < source.size; i++) if (source.imageCountAt(i) > 0) candidates.push(i);
  const pickImage = (): SimulatedContainer => {
    const index = candidates[Math.floor(random() * candidates.length)];
    if (index === undefined) throw new Error('the registry has no images to run');
    const images = source.imagesAt(index);
    const untagged = images.filter((i) => i.tags.length === 0 && i.status === 'ACTIVE');
    const pool = untagged.length > 0 && random() < 0.6 ? untagged : images;
    const image = pool[Math.floor(random() * pool.length)] ?? images[0];
    if (image === undefined) throw new Error('unreachable');
    return { image: `${host}/${source.repositoryAt(index).name}:latest`, digest: image.digest };
  };
  const arnOf = (kind: string, path: string): string => `arn:aws:ecs:${source.region}:${source.accountId}:${kind}/${path}`;
  const clusters: SimulatedCluster[] = Array.from({ length: spec.clusters }, (_, i) => ({ name: `cluster-${i}`, services: [], tasks: [] }));
  const taskDefinitions = new Map<string, string[]>();
  const oldShare = spec.oldServiceShare ?? 0.2;
  for (let s = 0; s < spec.services; s++) {
    const cluster = clusters[s % clusters.length] as SimulatedCluster;
    const container = pickImage();
    const name = `service-${s}`;
    const taskDefinition = arnOf('task-definition', `${name}:1`);
    taskDefinitions.set(taskDefinition, [`${container.image.replace(/:latest$/, '')}@${container.digest}`]);
    const revisions = random() < oldShare ? [] : [{ id: s, containers: [container] }];
    cluster.services.push({ name, revisions, taskDefinition });
  }
  for (let t = 0; t < spec.tasks; t++) {
    const cluster = clusters[t % clusters.length] as SimulatedCluster;
    const service = cluster.services[t % Math.max(1, cluster.services.length)];
    const container = service?.revisions[0]?.containers[0] ?? pickImage();
    cluster.tasks.push({
      id: `task${String(t).padStart(8, '0')}`,
      group: service ? `service:${service.name}` : 'family:batch',
      containers: [container],
    });
  }
  const versions = spec.versionsPerFunction ?? 2;
  const functions: SimulatedFunction[] = [];
  for (let f = 0; f < spec.imageFunctions; f++) {
    const container = pickImage();
    functions.push({
      name: `function-${f}`,
      packageType: 'Image',
      versions: ['$LATEST', ...Array.from({ length: versions }, (_, v) => String(v + 1))],
      image: `${container.image.replace(/:latest$/, '')}@${container.digest}`,
    });
  }
  for (let z = 0; z < (spec.zipFunctions ?? spec.imageFunctions); z++) {
    functions.push({
      name: `zip-${z}`,
      packageType: 'Zip',
      versions: ['$LATEST', ...Array.from({ length: versions }, (_, v) => String(v + 1))],
    });
  }
  return { clusters, taskDefinitions, functions };
}

/**
 * The fewest calls a complete scan of the workloads can make: one ListClusters page per 100
 * clusters; per cluster one ListServices and one ListTasks page per 100 (at least one each), one
 * DescribeServices per 10 services and one DescribeTasks per 100 tasks; one DescribeServiceRevisions
 * per 20 current revisions of the region; one DescribeTaskDefinition per task definition of an old
 * service; one ListFunctions page per 50 function versions; one GetFunction per image version.
 */
export function minimumWorkloadCalls(workloads: SimulatedWorkloads): Record<WorkloadOperation, number> & { total: number } {
  const pages = (n: number, size: number): number => Math.max(1, Math.ceil(n / size));
  let revisions = 0;
  const oldDefinitions = new Set<string>();
  const counts: Record<WorkloadOperation, number> = {
    ListClusters: pages(workloads.clusters.length, 100),
    ListServices: 0,
    DescribeServices: 0,
    DescribeServiceRevisions: 0,
    DescribeTaskDefinition: 0,
    ListTasks: 0,
    DescribeTasks: 0,
    ListFunctions: pages(
      workloads.functions.reduce((n, f) => n + f.versions.length, 0),
      50,
    ),
    GetFunction: workloads.functions.filter((f) => f.packageType === 'Image').reduce((n, f) => n + f.versions.length, 0),
  };
  for (const cluster of workloads.clusters) {
    counts.ListServices += pages(cluster.services.length, 100);
    counts.DescribeServices += Math.ceil(cluster.services.length / 10);
    counts.ListTasks += pages(cluster.tasks.length, 100);
    counts.DescribeTasks += Math.ceil(cluster.tasks.length / 100);
    for (const service of cluster.services) {
      revisions += service.revisions.length;
      if (service.revisions.length === 0) oldDefinitions.add(service.taskDefinition);
    }
  }
  counts.DescribeServiceRevisions = Math.ceil(revisions / 20);
  counts.DescribeTaskDefinition = oldDefinitions.size;
  return { ...counts, total: Object.values(counts).reduce((s, n) => s + n, 0) };
}

function strings(value: unknown, what: string, limit: number): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > limit || !value.every((v) => typeof v === 'string')) {
    throw new ServiceError('InvalidParameterException', `${what} must hold 1 to ${limit} strings`);
  }
  return value as string[];
}

/** Answers the ECS and Lambda calls of one simulated region. */
export class WorkloadServer implements WorkloadAnswers {
  private readonly region: string;
  private readonly accountId: string;
  private readonly byCluster: Map<string, SimulatedCluster>;
  private readonly revisions = new Map<string, { cluster: string; service: string; containers: SimulatedContainer[] }>();
  private readonly functions: Map<string, SimulatedFunction>;
  private readonly versions: Array<{ fn: SimulatedFunction; version: string }>;

  constructor(
    private readonly workloads: SimulatedWorkloads,
    registry: Pick<SimulatedRegistry, 'region' | 'accountId'>,
  ) {
    this.region = registry.region;
    this.accountId = registry.accountId;
    this.byCluster = new Map(workloads.clusters.map((c) => [this.arn('cluster', c.name), c]));
    for (const c of workloads.clusters) {
      for (const s of c.services) {
        for (const r of s.revisions)
          this.revisions.set(this.arn('service-revision', `${c.name}/${s.name}/${r.id}`), {
            cluster: c.name,
            service: s.name,
            containers: r.containers,
          });
      }
    }
    this.functions = new Map(workloads.functions.map((f) => [f.name, f]));
    this.versions = workloads.functions.flatMap((fn) => fn.versions.map((version) => ({ fn, version })));
  }

  private arn(kind: string, path: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:${kind}/${path}`;
  }

  private cluster(input: Json): SimulatedCluster {
    const cluster = this.byCluster.get(String(input.cluster ?? ''));
    if (cluster === undefined) throw new ServiceError('ClusterNotFoundException', `Cluster not found: ${String(input.cluster)}`);
    return cluster;
  }

  /** Answers one ECS operation (awsJson1_1: the operation is the target's last part). */
  serveEcs(operation: string, input: Json): Json {
    switch (operation) {
      case 'ListClusters': {
        const { items, nextToken } = page([...this.byCluster.keys()], input, 'ListClusters', 100);
        return { clusterArns: items, ...(nextToken === undefined ? {} : { nextToken }) };
      }
      case 'ListServices': {
        const cluster = this.cluster(input);
        const { items, nextToken } = page(cluster.services, input, `ListServices:${cluster.name}`, 100);
        return {
          serviceArns: items.map((s) => this.arn('service', `${cluster.name}/${s.name}`)),
          ...(nextToken === undefined ? {} : { nextToken }),
        };
      }
      case 'DescribeServices': {
        const cluster = this.cluster(input);
        const wanted = new Set(strings(input.services, 'services', 10));
        return {
          services: cluster.services
            .filter((s) => wanted.has(this.arn('service', `${cluster.name}/${s.name}`)))
            .map((s) => ({
              serviceName: s.name,
              serviceArn: this.arn('service', `${cluster.name}/${s.name}`),
              clusterArn: this.arn('cluster', cluster.name),
              taskDefinition: s.taskDefinition,
              deployments: [{ status: 'PRIMARY', taskDefinition: s.taskDefinition }],
              ...(s.revisions.length === 0
                ? {}
                : {
                    currentServiceRevisions: s.revisions.map((r) => ({
                      arn: this.arn('service-revision', `${cluster.name}/${s.name}/${r.id}`),
                      runningTaskCount: 1,
                    })),
                  }),
            })),
          failures: [],
        };
      }
      case 'DescribeServiceRevisions': {
        const arns = strings(input.serviceRevisionArns, 'serviceRevisionArns', 20);
        return {
          serviceRevisions: arns.flatMap((arn) => {
            const revision = this.revisions.get(arn);
            return revision === undefined
              ? []
              : [
                  {
                    serviceRevisionArn: arn,
                    containerImages: revision.containers.map((c) => ({ containerName: 'app', image: c.image, imageDigest: c.digest })),
                  },
                ];
          }),
          failures: arns.filter((arn) => !this.revisions.has(arn)).map((arn) => ({ arn, reason: 'MISSING' })),
        };
      }
      case 'DescribeTaskDefinition': {
        const images = this.workloads.taskDefinitions.get(String(input.taskDefinition ?? ''));
        if (images === undefined) throw new ServiceError('ClientException', 'Unable to describe task definition.');
        return {
          taskDefinition: {
            taskDefinitionArn: input.taskDefinition,
            containerDefinitions: images.map((image) => ({ name: 'app', image })),
          },
        };
      }
      case 'ListTasks': {
        const cluster = this.cluster(input);
        const { items, nextToken } = page(cluster.tasks, input, `ListTasks:${cluster.name}`, 100);
        return {
          taskArns: items.map((t) => this.arn('task', `${cluster.name}/${t.id}`)),
          ...(nextToken === undefined ? {} : { nextToken }),
        };
      }
      case 'DescribeTasks': {
        const cluster = this.cluster(input);
        const wanted = new Set(strings(input.tasks, 'tasks', 100));
        return {
          tasks: cluster.tasks
            .filter((t) => wanted.has(this.arn('task', `${cluster.name}/${t.id}`)))
            .map((t) => ({
              taskArn: this.arn('task', `${cluster.name}/${t.id}`),
              group: t.group,
              containers: t.containers.map((c) => ({ image: c.image, imageDigest: c.digest })),
            })),
          failures: [],
        };
      }
      default:
        throw new ServiceError('UnknownOperationException', `The simulator does not implement ${operation}`);
    }
  }

  /**
   * Answers one Lambda call (restJson1): `GET /2015-03-31/functions/` is ListFunctions, and
   * `GET /2015-03-31/functions/NAME` is GetFunction. Returns the operation's name and its answer.
   */
  serveLambda(path: string, query: Record<string, unknown>): { operation: WorkloadOperation; body: Json } {
    const name = decodeURIComponent(path.replace(/^\/2015-03-31\/functions\/?/, ''));
    if (name === '') {
      const size = Math.min(50, Number(query.MaxItems ?? 50));
      const offset = query.Marker === undefined ? 0 : Number(query.Marker);
      const slice = this.versions.slice(offset, offset + size);
      const next = offset + size < this.versions.length ? String(offset + size) : undefined;
      return {
        operation: 'ListFunctions',
        body: {
          Functions: slice.map(({ fn, version }) => ({ FunctionName: fn.name, Version: version, PackageType: fn.packageType })),
          ...(next === undefined ? {} : { NextMarker: next }),
        },
      };
    }
    const fn = this.functions.get(name);
    const version = String(query.Qualifier ?? '$LATEST');
    if (fn === undefined || !fn.versions.includes(version))
      throw new ServiceError('ResourceNotFoundException', `Function not found: ${name}:${version}`, 404);
    return {
      operation: 'GetFunction',
      body: {
        Configuration: { FunctionName: fn.name, Version: version, PackageType: fn.packageType },
        Code: fn.image === undefined ? {} : { ImageUri: fn.image, ResolvedImageUri: fn.image },
      },
    };
  }
}
