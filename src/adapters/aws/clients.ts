import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';
import { ConfigError } from '../../domain/errors';
import type { CallCounter } from './call-counter';

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
  /** Counts every call and retry the client makes. @default no counting */
  counter?: CallCounter;
  /** Credentials; set for emulators and tests. @default the SDK's default provider chain */
  credentials?: ECRClientConfig['credentials'];
  /** The HTTP transport; set only by tests that fake ECR's HTTP answers. @default the SDK's Node handler */
  requestHandler?: ECRClientConfig['requestHandler'];
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
  const config: ECRClientConfig = { region: options.region, retryMode: 'adaptive', maxAttempts };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.requestHandler !== undefined) config.requestHandler = options.requestHandler;
  const client = new ECRClient(config);
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
