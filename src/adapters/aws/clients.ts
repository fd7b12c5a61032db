import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';
import { ConfigError } from '../../domain/errors';
import type { CallCounter } from './call-counter';
import { attachRateLimits, type RateLimits } from './rate-limiter';

/** The default number of attempts per call (first try plus retries) with adaptive retry. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/** How to build an ECR client. */
export interface EcrClientOptions {
  /** The region the client talks to, e.g. `eu-west-1`. */
  region: string;
  /** A custom endpoint, for emulators such as moto (`http://127.0.0.1:5000`). @default AWS's regional endpoint */
  endpoint?: string;
  /** Attempts per call including the first; throttling (`ThrottlingException`) is retried. @default 8 */
  maxAttempts?: number;
  /**
   * `adaptive` adds the SDK's client-side limiter, which learns from throttling but keeps one rate for
   * the whole client, so throttling of one operation slows all of them; `standard` retries the same
   * way without it, for when {@link EcrClientOptions.rateLimits} already keep each operation under its
   * rate. @default 'adaptive'
   */
  retryMode?: 'adaptive' | 'standard';
  /** Counts every call and retry the client makes. @default no counting */
  counter?: CallCounter;
  /** Credentials; set for emulators and tests. @default the SDK's default provider chain */
  credentials?: ECRClientConfig['credentials'];
  /** The HTTP transport; set only by tests and benchmarks that fake ECR's HTTP answers. @default the SDK's Node handler */
  requestHandler?: ECRClientConfig['requestHandler'];
  /**
   * Client-side limits per operation (e.g. `{ DescribeImages: { perSecond: 18, burst: 5 } }`), each
   * attempt waiting its turn. Set them just under the account's rates, which ECR does not publish for
   * its read calls. @default none: only the SDK's adaptive retry limits the rate, after throttling
   */
  rateLimits?: RateLimits;
}

/**
 * Builds an ECR client with adaptive retry (client-side rate limiting after throttling, since most
 * ECR control-plane rates are unpublished) and, when given, the call counter attached. Build one per
 * region and reuse it: the adaptive rate limiter learns per client.
 *
 * @example
 * const counter = new CallCounter();
 * const client = createEcrClient({ region: 'eu-west-1', counter });
 */
export function createEcrClient(options: EcrClientOptions): ECRClient {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ConfigError(`maxAttempts must be a whole number of at least 1 (got ${String(maxAttempts)}); use 1 to disable retries`);
  }
  if (options.region.trim() === '') {
    throw new ConfigError('region must not be empty: pass an AWS region such as eu-west-1');
  }
  const retryMode = options.retryMode ?? 'adaptive';
  if (retryMode !== 'adaptive' && retryMode !== 'standard') {
    throw new ConfigError(`retryMode must be adaptive or standard (got ${String(retryMode)})`);
  }
  const config: ECRClientConfig = { region: options.region, retryMode, maxAttempts };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.requestHandler !== undefined) config.requestHandler = options.requestHandler;
  const client = new ECRClient(config);
  if (options.rateLimits !== undefined) attachRateLimits(client, options.rateLimits);
  options.counter?.attach(client);
  return client;
}

/**
 * A memoising factory: the first request for a region builds its client with `options`, later ones
 * reuse it.
 *
 * @example
 * const clientFor = createEcrClientPool({ counter });
 * const reader = new EcrRegistry({ client: clientFor('us-east-1'), region: 'us-east-1' });
 */
export function createEcrClientPool(options: Omit<EcrClientOptions, 'region'> = {}): (region: string) => ECRClient {
  const clients = new Map<string, ECRClient>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = createEcrClient({ ...options, region });
      clients.set(region, client);
    }
    return client;
  };
}
