import {
  DescribeJobDefinitionsCommand,
  type BatchClient,
  type EcsProperties,
  type EksProperties,
  type JobDefinition,
} from '@aws-sdk/client-batch';
import type { WorkloadImage } from '../../domain/in-use-entries';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import { allPages } from './pages';

/** The largest page `DescribeJobDefinitions` returns. */
export const JOB_DEFINITIONS_PAGE_SIZE = 100;
/** The IAM actions an AWS Batch scan calls. */
export const BATCH_SCAN_PERMISSIONS = ['batch:DescribeJobDefinitions'] as const;

/** The images of the containers of ECS task properties (a job definition's, or a node range's). */
function ecsImages(properties: EcsProperties | undefined): Array<string | undefined> {
  return (properties?.taskProperties ?? []).flatMap((task) => (task.containers ?? []).map((c) => c.image));
}

/** The images of the containers and init containers of an EKS pod (a job definition's, or a node range's). */
function eksImages(properties: EksProperties | undefined): Array<string | undefined> {
  const pod = properties?.podProperties;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].map((c) => c.image);
}

/**
 * Every image a job definition runs: its container's, each node range's (container, ECS tasks, EKS
 * pod), its ECS tasks' and its EKS pod's containers and init containers, as the definition names them.
 *
 * @example imagesOfJobDefinition(definition) // ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/etl:v4']
 */
export function imagesOfJobDefinition(definition: JobDefinition): string[] {
  const ranges = definition.nodeProperties?.nodeRangeProperties ?? [];
  return [
    definition.containerProperties?.image,
    ...ranges.flatMap((range) => [range.container?.image, ...ecsImages(range.ecsProperties), ...eksImages(range.eksProperties)]),
    ...ecsImages(definition.ecsProperties),
    ...eksImages(definition.eksProperties),
  ].filter((image): image is string => image !== undefined && image !== '');
}

/** The consumer of a job definition's images: `batch:NAME:REVISION`. */
function consumerOf(definition: JobDefinition): string {
  return `batch:${definition.jobDefinitionName ?? '?'}:${definition.revision ?? '?'}`;
}

/** What a {@link BatchJobDefinitionScanner} needs. */
export interface BatchJobDefinitionScannerOptions {
  /** An AWS Batch client for `region`. */
  client: BatchClient;
  region: string;
}

/**
 * Reads which images the AWS Batch job definitions of one region run, read-only:
 * `DescribeJobDefinitions` with status `ACTIVE` (100 a page, to the end) → every image of each
 * revision (container, multi-node ranges, ECS tasks, EKS pods with their init containers), named by tag
 * or digest as the definition names it. Every active revision counts: a job can be submitted to any of
 * them. The consumer is `batch:NAME:REVISION`. Any error throws.
 *
 * @example const { images } = await new BatchJobDefinitionScanner({ client, region: 'eu-west-1' }).scan();
 */
export class BatchJobDefinitionScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'batch' as const;
  readonly permissions = BATCH_SCAN_PERMISSIONS;
  private readonly client: BatchClient;

  constructor(options: BatchJobDefinitionScannerOptions) {
    this.client = options.client;
    this.region = options.region;
  }

  /** Every image an active job definition of the region runs. */
  async scan(): Promise<WorkloadScan> {
    const pages = await allPages(
      (nextToken) =>
        this.client.send(
          new DescribeJobDefinitionsCommand({
            status: 'ACTIVE',
            maxResults: JOB_DEFINITIONS_PAGE_SIZE,
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
        ),
      (page) => page.nextToken,
    );
    const images: WorkloadImage[] = pages
      .flatMap((page) => page.jobDefinitions ?? [])
      .filter((definition) => definition.status === undefined || definition.status === 'ACTIVE')
      .flatMap((definition) => imagesOfJobDefinition(definition).map((image) => ({ image, consumer: consumerOf(definition) })));
    return { images, warnings: [] };
  }
}

/**
 * The images of job definitions named as `SubmitJob` takes them (a name, `name:revision` or an ARN),
 * for what starts Batch jobs (Step Functions): a name alone is its latest `ACTIVE` revision. A revision
 * is described once per reader (job definitions never change); a definition that does not exist, or
 * has no active revision, starts nothing.
 *
 * @example const images = await new JobDefinitionReader({ client }).read('etl:4');
 */
export class JobDefinitionReader {
  private readonly client: BatchClient;
  private readonly known = new Map<string, Promise<string[] | undefined>>();

  constructor(options: { client: BatchClient }) {
    this.client = options.client;
  }

  /** The images the job definition runs, or undefined when nothing can be submitted to it. */
  read(jobDefinition: string): Promise<string[] | undefined> {
    let cached = this.known.get(jobDefinition);
    if (cached === undefined) {
      cached = this.describe(jobDefinition);
      this.known.set(jobDefinition, cached);
      const forget = (): void => void this.known.delete(jobDefinition);
      // A name alone moves with each new revision: read again on the next scan; a failure, always.
      if (/:\d+$/.test(jobDefinition)) cached.catch(forget);
      else cached.then(forget, forget);
    }
    return cached;
  }

  private async describe(jobDefinition: string): Promise<string[] | undefined> {
    const revisioned = /:\d+$/.test(jobDefinition);
    const pages = await allPages(
      (nextToken) =>
        this.client.send(
          new DescribeJobDefinitionsCommand({
            ...(revisioned
              ? { jobDefinitions: [jobDefinition] }
              : { jobDefinitionName: jobDefinition.replace(/^.*:job-definition\//, ''), status: 'ACTIVE' }),
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
        ),
      (page) => page.nextToken,
    );
    const active = pages.flatMap((page) => page.jobDefinitions ?? []).filter((d) => d.status === undefined || d.status === 'ACTIVE');
    const latest = active.reduce<JobDefinition | undefined>(
      (best, d) => ((d.revision ?? 0) > (best?.revision ?? -1) ? d : best),
      undefined,
    );
    return latest === undefined ? undefined : imagesOfJobDefinition(latest);
  }
}
