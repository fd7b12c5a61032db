import { S3Client } from '@aws-sdk/client-s3';
import type { CallCounter } from '../../adapters/aws/call-counter';
import { baseClientConfig } from '../../adapters/aws/clients';
import { S3InUseList } from '../../adapters/aws/s3-in-use-list';
import { createWorkloadScannerPool } from '../../adapters/aws/workload-scanners';
import type { JanitorConfig } from '../../config';
import { FALLBACK_REGION } from '../../domain/defaults';
import { inUseProvider, type InUseProvider, type InUseSources } from '../../use-cases/in-use';
import { logger } from '../runtime/powertools';

/** What the in-use sources are built from: the container's configuration and call counter (see `EventDependencies`). */
interface Container {
  config: JanitorConfig;
  counter: CallCounter;
}

/**
 * How long `onPolicyChanged` reuses a region's complete in-use answer: a burst of policy events (a
 * Terraform apply over many repositories) scans each region's workloads once, not once per event. A
 * region whose answer was incomplete is read again on the next event.
 */
export const IN_USE_CACHE_TTL_MS = 5 * 60_000;

/** What a deployed function reads to learn what is in use, and the names the report gives those sources. */
export interface DeployedInUse {
  sources: InUseSources;
  /** The configured workload sources, then `list:s3://…` when a list is configured. */
  names: string[];
}

/**
 * The in-use sources of a deployed function, from its configuration: the configured workload
 * scanners of each region (their calls counted with the rest, with the configured timeouts) and the
 * configured S3 list, if any, read through `s3`. The weekly run's Plan and the event handlers build
 * theirs here, so they read the same sources.
 *
 * @example const { sources, names } = deployedInUse(config, counter, s3);
 */
export function deployedInUse(
  config: Pick<JanitorConfig, 'inUseScan' | 'inUseListS3Uri' | 'connectionTimeoutMs' | 'requestTimeoutMs'>,
  counter: CallCounter,
  s3: () => S3Client,
): DeployedInUse {
  const scannersFor = createWorkloadScannerPool({
    sources: config.inUseScan,
    counter,
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const list = config.inUseListS3Uri;
  return {
    sources: { scannersFor, lists: list === undefined ? [] : [new S3InUseList(s3(), list)] },
    names: [...config.inUseScan, ...(list === undefined ? [] : [`list:${list}`])],
  };
}

// Keyed by the container's dependencies, so forgetContainer() (new dependencies) also means new scanners and caches.
const built = new WeakMap<Container, DeployedInUse>();
const providers = new WeakMap<Container, InUseProvider>();

/** The container's in-use sources (see {@link deployedInUse}), built once per container. */
export function inUseSources(deps: Container): InUseSources {
  return deployedInUseOf(deps).sources;
}

/** What the sources read, for the report: the configured workload sources and `list:s3://…`. */
export function inUseSourceNames(deps: Container): string[] {
  return deployedInUseOf(deps).names;
}

function deployedInUseOf(deps: Container): DeployedInUse {
  let existing = built.get(deps);
  if (existing) return existing;
  const { config } = deps;
  existing = deployedInUse(config, deps.counter, () => {
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
    return s3;
  });
  built.set(deps, existing);
  return existing;
}

/**
 * The container's cached in-use provider for event handlers, over every configured region (see
 * {@link IN_USE_CACHE_TTL_MS}). What the sources could not see is logged as a warning, once per container.
 */
export function cachedInUseProvider(deps: Container): InUseProvider {
  let provider = providers.get(deps);
  if (!provider) {
    const inner = inUseProvider(deps.config.regions, inUseSources(deps), { ttlMs: IN_USE_CACHE_TTL_MS });
    const logged = new Set<string>();
    provider = {
      ...inner,
      async catalog() {
        const catalog = await inner.catalog();
        const warnings = inner.warnings().filter((w) => !logged.has(JSON.stringify(w)));
        for (const w of warnings) logged.add(JSON.stringify(w));
        if (warnings.length > 0) logger.warn('the in-use guard could not see everything', { warnings });
        return catalog;
      },
    };
    providers.set(deps, provider);
  }
  return provider;
}
