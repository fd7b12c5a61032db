import {
  BatchGetAccountStatusCommand,
  ListCoverageCommand,
  type CoverageFilterCriteria,
  type CoveredResource,
  type Inspector2Client,
} from '@aws-sdk/client-inspector2';
import { DAY_MS } from '../../domain/time';
import type { WorkloadImage } from '../../domain/in-use-entries';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import { allItems, pageToken } from './pages';

/** The largest page `ListCoverage` returns. */
export const COVERAGE_PAGE_SIZE = 200;
/** How recent Inspector's `lastInUseAt` must be for an image to count as in use, by default: a monthly job's image counts. */
export const DEFAULT_INSPECTOR_RECENT_USE_DAYS = 30;
/** The IAM actions an Amazon Inspector scan calls. */
export const INSPECTOR_SCAN_PERMISSIONS = ['inspector2:BatchGetAccountStatus', 'inspector2:ListCoverage'] as const;

/** The resource ID Inspector gives an ECR image: `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME/sha256:HEX`. */
const IMAGE_ARN = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)\/(sha256:[0-9a-f]{64})$/;

/** What an {@link InspectorInUseScanner} needs. */
export interface InspectorInUseScannerOptions {
  /** An Amazon Inspector client for `region`. */
  client: Inspector2Client;
  region: string;
  /** An image last in use within this many days counts. @default 30 */
  recentUseDays?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

/**
 * Reads which ECR images Amazon Inspector saw in use in one region, read-only: `BatchGetAccountStatus`
 * (is ECR scanning enabled?), then `ListCoverage` of ECR container images (200 a page, to the end)
 * twice — those with `inUseCount` ≥ 1 and those with `lastInUseAt` within `recentUseDays` — each image
 * by the digest Inspector names. Inspector counts the images ECS tasks and EKS pods run, so EKS is seen
 * without kubectl. The consumer is `inspector:ECS/EKS (N in use)` or `inspector:ECS/EKS (last in use DATE)`.
 * Where ECR scanning is not enabled the scan sees nothing and says so in a warning; a refusal
 * (`AccessDenied`, Inspector not enabled for the account) throws, and the guard leaves the source out
 * with a warning.
 *
 * @example const { images, warnings } = await new InspectorInUseScanner({ client, region: 'eu-west-1' }).scan();
 */
export class InspectorInUseScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'inspector' as const;
  readonly permissions = INSPECTOR_SCAN_PERMISSIONS;
  private readonly client: Inspector2Client;
  private readonly recentUseDays: number;
  private readonly now: () => number;

  constructor(options: InspectorInUseScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.recentUseDays = options.recentUseDays ?? DEFAULT_INSPECTOR_RECENT_USE_DAYS;
    this.now = options.now ?? Date.now;
  }

  /** The images Inspector counts as in use now or lately; none, with a warning, where it does not scan ECR. */
  async scan(): Promise<WorkloadScan> {
    const status = await this.client.send(new BatchGetAccountStatusCommand({}));
    const ecr = status.accounts?.[0]?.resourceState?.ecr;
    if (ecr?.status !== 'ENABLED') {
      return {
        images: [],
        warnings: [
          {
            code: 'InUseSourceSkipped',
            message: `Amazon Inspector does not scan ECR in ${this.region} (status ${ecr?.status ?? 'unknown'}${ecr?.errorCode === undefined ? '' : `, ${ecr.errorCode}`}): it shows no image in use there; enable enhanced scanning to use it`,
          },
        ],
      };
    }
    const type = { resourceType: [{ comparison: 'EQUALS' as const, value: 'AWS_ECR_CONTAINER_IMAGE' }] };
    const since = new Date(this.now() - this.recentUseDays * DAY_MS);
    const [running, recent] = await Promise.all([
      this.coverage({ ...type, ecrImageInUseCount: [{ lowerInclusive: 1 }] }),
      this.coverage({ ...type, ecrImageLastInUseAt: [{ startInclusive: since }] }),
    ]);
    const byId = new Map<string, WorkloadImage>();
    for (const resource of [...running, ...recent]) {
      const image = imageOf(resource);
      if (image !== undefined && !byId.has(resource.resourceId ?? '')) byId.set(resource.resourceId ?? '', image);
    }
    return { images: [...byId.values()], warnings: [] };
  }

  private async coverage(filterCriteria: CoverageFilterCriteria): Promise<CoveredResource[]> {
    return allItems({
      page: (token) =>
        this.client.send(new ListCoverageCommand({ filterCriteria, maxResults: COVERAGE_PAGE_SIZE, ...pageToken('nextToken', token) })),
      next: (page) => page.nextToken,
      items: (page) => page.coveredResources,
    });
  }
}

/** The in-use image of a covered ECR image, or undefined when its ID is no image ARN. */
function imageOf(resource: CoveredResource): WorkloadImage | undefined {
  const match = IMAGE_ARN.exec(resource.resourceId ?? '');
  if (match === null) return undefined;
  const [region, account, repository, digest] = [match[1], match[2], match[3], match[4]];
  const metadata = resource.resourceMetadata?.ecrImage;
  const count = metadata?.inUseCount ?? 0;
  const consumer =
    count > 0
      ? `inspector:ECS/EKS (${count} in use)`
      : `inspector:ECS/EKS (last in use ${metadata?.lastInUseAt?.toISOString().slice(0, 10) ?? 'lately'})`;
  return { image: `${account}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}`, consumer };
}
