import { S3Client } from '@aws-sdk/client-s3';
import { S3InUseList } from '../adapters/aws/s3-in-use-list';
import { baseClientConfig } from '../adapters/aws/clients';
import { createWorkloadScannerPool } from '../adapters/aws/workload-scanners';
import { FALLBACK_REGION } from '../domain/defaults';
import type { InUseProvider, InUseSources } from '../use-cases/in-use';
import { inUseProvider } from '../use-cases/in-use';
import type { Runtime } from './runtime';

/**
 * How long `onPolicyChanged` reuses a region's complete in-use answer: a burst of policy events (a
 * Terraform apply over many repositories) scans each region's ECS and Lambda once, not once per
 * event. A region whose answer was incomplete is read again on the next event.
 */
export const IN_USE_CACHE_TTL_MS = 5 * 60_000;

// Keyed by the runtime, so resetRuntime() (a new runtime) also means new scanners and caches.
const sources = new WeakMap<Runtime, InUseSources>();
const providers = new WeakMap<Runtime, InUseProvider>();

/**
 * The container's in-use sources: the ECS and Lambda scanners of each region (their calls counted
 * with the rest, with the configured timeouts) and the configured S3 list, if any.
 */
export function inUseSources(rt: Runtime): InUseSources {
  const existing = sources.get(rt);
  if (existing) return existing;
  const { config } = rt;
  const scannersFor = createWorkloadScannerPool({
    counter: rt.counter,
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
    rt.counter.attach(s3);
    lists = [new S3InUseList(s3, config.inUseListS3Uri)];
  }
  const built = { scannersFor, lists };
  sources.set(rt, built);
  return built;
}

/** What the sources read, for the report: `ecs`, `lambda` and `list:s3://…`. */
export function inUseSourceNames(rt: Runtime): string[] {
  return ['ecs', 'lambda', ...(rt.config.inUseListS3Uri === undefined ? [] : [`list:${rt.config.inUseListS3Uri}`])];
}

/** The container's cached in-use provider for event handlers (see {@link IN_USE_CACHE_TTL_MS}). */
export function cachedInUseProvider(rt: Runtime): InUseProvider {
  let provider = providers.get(rt);
  if (!provider) {
    provider = inUseProvider(inUseSources(rt), { ttlMs: IN_USE_CACHE_TTL_MS });
    providers.set(rt, provider);
  }
  return provider;
}
