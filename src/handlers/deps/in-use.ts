import { S3Client } from '@aws-sdk/client-s3';
import type { CallCounter } from '../../adapters/aws/call-counter';
import { baseClientConfig } from '../../adapters/aws/clients';
import { S3InUseList } from '../../adapters/aws/s3-in-use-list';
import { createWorkloadScannerPool } from '../../adapters/aws/workload-scanners';
import type { JanitorConfig } from '../../config';
import { FALLBACK_REGION } from '../../domain/defaults';
import { inUseProvider, type InUseProvider, type InUseSources } from '../../use-cases/in-use';

/** What the in-use sources are built from: the container's configuration and call counter (see `EventDependencies`). */
interface Container {
  config: JanitorConfig;
  counter: CallCounter;
}

/**
 * How long `onPolicyChanged` reuses a region's complete in-use answer: a burst of policy events (a
 * Terraform apply over many repositories) scans each region's ECS and Lambda once, not once per
 * event. A region whose answer was incomplete is read again on the next event.
 */
export const IN_USE_CACHE_TTL_MS = 5 * 60_000;

// Keyed by the container's dependencies, so forgetContainer() (new dependencies) also means new scanners and caches.
const sources = new WeakMap<Container, InUseSources>();
const providers = new WeakMap<Container, InUseProvider>();

/**
 * The container's in-use sources: the ECS and Lambda scanners of each region (their calls counted
 * with the rest, with the configured timeouts) and the configured S3 list, if any.
 */
export function inUseSources(deps: Container): InUseSources {
  const existing = sources.get(deps);
  if (existing) return existing;
  const { config } = deps;
  const scannersFor = createWorkloadScannerPool({
    counter: deps.counter,
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  let lists: InUseSources['lists'] = [];
  if (config.inUseListS3Uri !== undefined) {
    // The list's bucket may be in another region: the client follows S3's redirect to it.
    const s3 = new S3Client({
      ...baseClientConfig({
        region: config.deployRegion ?? config.regions[0] ?? FALLBACK_REGION,
        connectionTimeoutMs: config.connectionTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
      }),
      followRegionRedirects: true,
    });
    deps.counter.attach(s3);
    lists = [new S3InUseList(s3, config.inUseListS3Uri)];
  }
  const built = { scannersFor, lists };
  sources.set(deps, built);
  return built;
}

/** What the sources read, for the report: `ecs`, `lambda` and `list:s3://…`. */
export function inUseSourceNames(deps: Container): string[] {
  return ['ecs', 'lambda', ...(deps.config.inUseListS3Uri === undefined ? [] : [`list:${deps.config.inUseListS3Uri}`])];
}

/** The container's cached in-use provider for event handlers (see {@link IN_USE_CACHE_TTL_MS}). */
export function cachedInUseProvider(deps: Container): InUseProvider {
  let provider = providers.get(deps);
  if (!provider) {
    provider = inUseProvider(inUseSources(deps), { ttlMs: IN_USE_CACHE_TTL_MS });
    providers.set(deps, provider);
  }
  return provider;
}
