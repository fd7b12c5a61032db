import { GetFunctionCommand, ResourceNotFoundException, paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import pLimit from 'p-limit';
import { parseImageReference } from '../../domain/image-reference';
import type { WorkloadImage } from '../../domain/in-use-entries';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';

/** The largest page `ListFunctions` returns. */
export const LIST_FUNCTIONS_PAGE_SIZE = 50;
/** `GetFunction` calls in flight at once, by default. */
export const DEFAULT_LAMBDA_CALLS_IN_FLIGHT = 4;

/** What a {@link LambdaWorkloadScanner} needs. */
export interface LambdaWorkloadScannerOptions {
  /** A Lambda client for `region`. */
  client: LambdaClient;
  region: string;
  /** `GetFunction` calls in flight at once. @default 4 */
  callsInFlight?: number;
}

/**
 * Reads which images the Lambda functions of one region run, read-only: `ListFunctions` with
 * `FunctionVersion: ALL` (every published version and `$LATEST`, 50 a page), then for each version
 * of `PackageType: Image` a `GetFunction`, whose `Code.ResolvedImageUri` is the digest the version
 * runs (a version whose image disappears goes `Failed`). The consumer is `lambda:FUNCTION:VERSION`.
 * A function deleted between the listing and its `GetFunction` is skipped; any other error throws.
 *
 * @example const images = await new LambdaWorkloadScanner({ client, region: 'eu-west-1' }).scan();
 */
export class LambdaWorkloadScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'lambda' as const;
  readonly permissions = ['lambda:ListFunctions', 'lambda:GetFunction'] as const;
  private readonly client: LambdaClient;
  private readonly callsInFlight: number;

  constructor(options: LambdaWorkloadScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.callsInFlight = Math.max(1, options.callsInFlight ?? DEFAULT_LAMBDA_CALLS_IN_FLIGHT);
  }

  /** Every image the region's image functions run, one entry per version. */
  async scan(): Promise<WorkloadScan> {
    const versions: Array<{ name: string; version: string }> = [];
    const pages = paginateListFunctions(
      { client: this.client, pageSize: LIST_FUNCTIONS_PAGE_SIZE, stopOnSameToken: true },
      { FunctionVersion: 'ALL' },
    );
    for await (const page of pages) {
      for (const fn of page.Functions ?? []) {
        if (fn.PackageType !== 'Image' || fn.FunctionName === undefined) continue;
        versions.push({ name: fn.FunctionName, version: fn.Version ?? '$LATEST' });
      }
    }
    const limit = pLimit(this.callsInFlight);
    const images = await Promise.all(versions.map(({ name, version }) => limit(() => this.imageOf(name, version))));
    return { images: images.filter((image): image is WorkloadImage => image !== undefined), warnings: [] };
  }

  private async imageOf(name: string, version: string): Promise<WorkloadImage | undefined> {
    let out;
    try {
      out = await this.client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: version }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
    // ResolvedImageUri is what the version runs; ImageUri serves when it is itself pinned by digest
    // and the resolved one is missing or unreadable (a pin is never dropped for want of the other).
    const pinned = (uri: string | undefined): uri is string => uri !== undefined && parseImageReference(uri)?.digest !== undefined;
    const resolved = out.Code?.ResolvedImageUri;
    const configured = out.Code?.ImageUri;
    const image = pinned(resolved) ? resolved : pinned(configured) ? configured : undefined;
    return image === undefined ? undefined : { image, consumer: `lambda:${name}:${version}` };
  }
}
