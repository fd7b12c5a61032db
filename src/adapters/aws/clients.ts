import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ConfigError } from '../../domain/errors';
import type { CallCounter } from './call-counter';
import { EcrRegistry, SETTING_READ_MAX_ATTEMPTS } from './ecr';
import { attachRateLimits, type RateLimits } from './rate-limiter';
import {
  PROCESS_ENDPOINTS,
  WatchedTransport,
  budgetedRetryStrategy,
  nodeTransport,
  type SilentEndpoints,
  type Transport,
} from './timeout-budget';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY_MODE } from '../../domain/defaults';

export { worstCaseCallMs } from './timeouts';

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
  /** Milliseconds a connection may take to open. @default 3000 */
  connectionTimeoutMs?: number;
  /** Milliseconds an attempt may wait for its answer before it fails with `TimeoutError`. @default 10000 */
  requestTimeoutMs?: number;
  /**
   * What the run knows of its endpoints' silence (see timeout-budget.ts); tests pass their own.
   * @default the process's, shared by every client
   */
  endpoints?: SilentEndpoints;
}

function checkTimeout(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 100 || value > 600_000) {
    throw new ConfigError(`${name} must be a whole number of milliseconds from 100 to 600000 (got ${String(value)})`);
  }
  return value;
}

/** The settings every AWS client of a run shares, checked: region, retries, timeouts, endpoint and credentials. */
export interface BaseClientConfig {
  region: string;
  retryMode: 'adaptive' | 'standard';
  maxAttempts: number;
  retryStrategy: NonNullable<ECRClientConfig['retryStrategy']>;
  requestHandler: NonNullable<ECRClientConfig['requestHandler']>;
  endpoint?: string;
  credentials?: ECRClientConfig['credentials'];
}

/**
 * Checks the options shared by every client (ECR, ECS, Lambda, the tagging API) and turns them into
 * the SDK's configuration: timeouts that throw, the retry mode and attempts with the timeout budget
 * (a timed-out attempt retried once, an endpoint that went silent not tried again for a while: see
 * timeout-budget.ts), the endpoint and credentials, and the transport when given.
 *
 * @example new S3Client(baseClientConfig({ region: 'eu-west-1', maxAttempts: 3 }))
 * @throws ConfigError naming the setting that is out of range
 */
export function baseClientConfig(options: EcrClientOptions): BaseClientConfig {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ConfigError(`maxAttempts must be a whole number of at least 1 (got ${String(maxAttempts)}); use 1 to disable retries`);
  }
  if (options.region.trim() === '') {
    throw new ConfigError('region must not be empty: pass an AWS region such as eu-west-1');
  }
  const retryMode = options.retryMode ?? DEFAULT_RETRY_MODE;
  if (retryMode !== 'adaptive' && retryMode !== 'standard') {
    throw new ConfigError(`retryMode must be adaptive or standard (got ${String(retryMode)})`);
  }
  const connectionTimeout = checkTimeout('connectionTimeoutMs', options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS);
  const requestTimeout = checkTimeout('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const given = options.requestHandler as Partial<Transport> | undefined;
  const transport: Transport =
    given === undefined
      ? nodeTransport({ connectionTimeoutMs: connectionTimeout, requestTimeoutMs: requestTimeout })
      : (given as Transport);
  const config: BaseClientConfig = {
    region: options.region,
    retryMode,
    maxAttempts,
    retryStrategy: budgetedRetryStrategy(retryMode, maxAttempts),
    // A transport given as settings rather than a handler (no `handle`) is the SDK's to build.
    requestHandler:
      given !== undefined && typeof given.handle !== 'function'
        ? (options.requestHandler as NonNullable<ECRClientConfig['requestHandler']>)
        : new WatchedTransport(transport, options.endpoints ?? PROCESS_ENDPOINTS, requestTimeout),
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return config;
}

/**
 * Builds an ECR client with connection and request timeouts, adaptive retry (client-side rate
 * limiting after throttling, since most ECR control-plane rates are unpublished) and, when given,
 * the call counter attached. Build one per region and reuse it: the adaptive rate limiter learns per client.
 *
 * @example
 * const counter = new CallCounter();
 * const client = createEcrClient({ region: 'eu-west-1', counter });
 */
export function createEcrClient(options: EcrClientOptions): ECRClient {
  const client = new ECRClient(baseClientConfig(options));
  if (options.rateLimits !== undefined) attachRateLimits(client, options.rateLimits);
  options.counter?.attach(client);
  return client;
}

/**
 * A Resource Groups Tagging API client with the same retries, timeouts and counting as the ECR
 * clients (its calls go in the report's `apiCalls` as `GetResources`).
 *
 * @example const tags = new TaggingApiTagIndex({ client: createTaggingClient({ region, counter }), region });
 */
export function createTaggingClient(options: EcrClientOptions): ResourceGroupsTaggingAPIClient {
  const client = new ResourceGroupsTaggingAPIClient(baseClientConfig(options));
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
  return perRegion((region) => createEcrClient({ ...options, region }));
}

/**
 * `build` memoised by region: the first request for a region builds its value, later ones reuse it
 * (clients, and the adapters over them, are built once per region and container).
 *
 * @example const scannersFor = perRegion((region) => [new EcsWorkloadScanner({ client: ecs(region), region })]);
 */
export function perRegion<T>(build: (region: string) => T): (region: string) => T {
  const built = new Map<string, T>();
  return (region) => {
    let value = built.get(region);
    if (value === undefined) {
      value = build(region);
      built.set(region, value);
    }
    return value;
  };
}

/** How to build the ECR registries of a run: the options of its clients, and the account to read. */
export type EcrRegistryPoolOptions = Omit<EcrClientOptions, 'region'> & {
  /** The registry (account) to read; sent as `registryId`. @default the caller's own account */
  accountId?: string;
};

/**
 * A memoising factory of {@link EcrRegistry} adapters, one per region. Each registry reads through
 * a client with the given retries and limits, and writes through a second client that sends each
 * `PutLifecyclePolicy` at once, in one attempt: standard retry mode (whose first attempt takes no
 * client-side token; the adaptive mode's limiter, once throttled, would delay a write *after* the
 * re-read that decided it, up to a minute, long enough for a team's write to land in between) with
 * `maxAttempts: 1` (a retry would resend a text merged from an earlier read). The write pace is the
 * registry's own limiter, taken before that re-read (see EcrRegistry.acquireWriteSlot); a configured
 * `PutLifecyclePolicy` rate limit is its ceiling.
 *
 * @example
 * const registryFor = createEcrRegistryPool({ counter, rateLimits });
 * const registry = registryFor('eu-west-1'); // a RegistryReader and PolicyWriter
 */
export function createEcrRegistryPool(options: EcrRegistryPoolOptions = {}): (region: string) => EcrRegistry {
  const { accountId, rateLimits = {}, ...clientOptions } = options;
  const { PutLifecyclePolicy: writeRateLimit, ...readRateLimits } = rateLimits;
  const readClientFor = createEcrClientPool({ ...clientOptions, rateLimits: readRateLimits });
  const writeClientFor = createEcrClientPool({ ...clientOptions, retryMode: 'standard', maxAttempts: 1 });
  const settingsClientFor = createEcrClientPool({ ...clientOptions, maxAttempts: SETTING_READ_MAX_ATTEMPTS });
  return perRegion(
    (region) =>
      new EcrRegistry({
        client: readClientFor(region),
        writeClient: writeClientFor(region),
        settingsClient: settingsClientFor(region),
        region,
        ...(accountId === undefined ? {} : { accountId }),
        ...(writeRateLimit === undefined ? {} : { writeRateLimit }),
      }),
  );
}
