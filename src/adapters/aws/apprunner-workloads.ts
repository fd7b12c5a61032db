import { DescribeServiceCommand, ListServicesCommand, type AppRunnerClient, type ServiceSummary } from '@aws-sdk/client-apprunner';
import { errorCode } from '../../domain/errors';
import type { WorkloadImage } from '../../domain/in-use-entries';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import { listThenDescribe, pageToken } from './pages';

/** The largest page `ListServices` returns. */
export const APP_RUNNER_PAGE_SIZE = 20;
/** `DescribeService` calls in flight at once, by default. */
export const DEFAULT_APP_RUNNER_CALLS_IN_FLIGHT = 4;
/** The IAM actions an App Runner scan calls. */
export const APP_RUNNER_SCAN_PERMISSIONS = ['apprunner:ListServices', 'apprunner:DescribeService'] as const;

/** Services that run nothing and never will again: creation failed, or deleted. */
const GONE_STATUSES: ReadonlySet<string> = new Set(['CREATE_FAILED', 'DELETED']);

/** What an {@link AppRunnerScanner} needs. */
export interface AppRunnerScannerOptions {
  /** An App Runner client for `region`. */
  client: AppRunnerClient;
  region: string;
  /** `DescribeService` calls in flight at once. @default 4 */
  callsInFlight?: number;
}

/**
 * Reads which images the App Runner services of one region run, read-only: `ListServices` (20 a
 * page) → `DescribeService` for each service that was created and not deleted (a paused service
 * resumes on the same image) → the image of a service whose source is an ECR repository
 * (`SourceConfiguration.ImageRepository`, by tag or digest as the service names it; App Runner pulls a
 * tag again on each deployment). The consumer is `apprunner:SERVICE`. A service deleted between the
 * listing and its description is skipped; any other error throws.
 *
 * @example const { images } = await new AppRunnerScanner({ client, region: 'eu-west-1' }).scan();
 */
export class AppRunnerScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'apprunner' as const;
  readonly permissions = APP_RUNNER_SCAN_PERMISSIONS;
  private readonly client: AppRunnerClient;
  private readonly callsInFlight: number;

  constructor(options: AppRunnerScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.callsInFlight = Math.max(1, options.callsInFlight ?? DEFAULT_APP_RUNNER_CALLS_IN_FLIGHT);
  }

  /** The image of every App Runner service of the region that deploys from ECR. */
  async scan(): Promise<WorkloadScan> {
    const images = await listThenDescribe(
      {
        page: (token) => this.client.send(new ListServicesCommand({ MaxResults: APP_RUNNER_PAGE_SIZE, ...pageToken('NextToken', token) })),
        next: (page) => page.NextToken,
        items: (page) => page.ServiceSummaryList,
      },
      { inFlight: this.callsInFlight, keep: (s) => !GONE_STATUSES.has(s.Status ?? ''), describe: (summary) => this.imageOf(summary) },
    );
    return { images: images.flat(), warnings: [] };
  }

  private async imageOf(summary: ServiceSummary): Promise<WorkloadImage[]> {
    let out;
    try {
      out = await this.client.send(new DescribeServiceCommand({ ServiceArn: summary.ServiceArn }));
    } catch (error) {
      if (errorCode(error) === 'ResourceNotFoundException') return [];
      throw error;
    }
    const service = out.Service;
    const repository = service?.SourceConfiguration?.ImageRepository;
    if (service === undefined || GONE_STATUSES.has(service.Status ?? '') || repository?.ImageRepositoryType !== 'ECR') return [];
    const image = repository.ImageIdentifier;
    return image === undefined || image === ''
      ? []
      : [{ image, consumer: `apprunner:${service.ServiceName ?? summary.ServiceName ?? ''}` }];
  }
}
