// How long a run keeps waiting on an endpoint that does not answer. Throttling keeps the SDK's whole
// retry schedule (ECR asks for it), but a timeout is no throttle: waiting out eight request timeouts
// per call, call after call, kept a run on a silent endpoint busy for almost three minutes. So:
// - a call retries a timed-out attempt at most TIMEOUT_RETRIES times (then fails with the timeout);
// - an endpoint (host and port) whose attempts time out SILENT_AFTER_TIMEOUTS times in a row, with no
//   answer in between, counts as silent for SILENT_HOLD_MS: every call to it fails at once with
//   EndpointUnresponsiveError instead of waiting out its own timeouts, and a call already retrying
//   there stops. An answer of any kind (an error response too) ends the silence.
// With the defaults a silent endpoint ends a call in two request timeouts (2 × 10 s), and a whole run
// in about that, however many calls it would have made.
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest, HttpResponse, RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { SILENT_AFTER_TIMEOUTS, SILENT_HOLD_MS, TIMEOUT_RETRIES } from '../../domain/defaults';
import { JanitorError } from '../../domain/errors';

/** A call that was not sent because its endpoint left the calls before it without an answer. */
export class EndpointUnresponsiveError extends JanitorError {
  override readonly name: string = 'EndpointUnresponsiveError';
}

/** Whether `error` is an attempt that got no answer in time (the request or the connection timed out). */
export function isTimeout(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'TimeoutError' || code === 'ETIMEDOUT';
}

/** Options of {@link SilentEndpoints}. */
export interface SilentEndpointsOptions {
  /** Timed-out attempts in a row, with no answer in between, after which an endpoint is silent. @default SILENT_AFTER_TIMEOUTS */
  after?: number;
  /** How long an endpoint stays silent before calls try it again, ms. @default SILENT_HOLD_MS */
  holdMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

/**
 * What the clients of a process know about their endpoints: the timed-out attempts in a row of each
 * (host and port), and which are silent until when. One is shared by every client the process
 * builds (a CLI run, a Lambda container), so that the ECR, ECS and Lambda clients of an emulator's
 * one endpoint learn from each other; real AWS endpoints differ by service and region.
 */
export class SilentEndpoints {
  private readonly timeouts = new Map<string, number>();
  private readonly silentUntil = new Map<string, number>();
  private readonly after: number;
  private readonly holdMs: number;
  private readonly now: () => number;

  constructor(options: SilentEndpointsOptions = {}) {
    this.after = options.after ?? SILENT_AFTER_TIMEOUTS;
    this.holdMs = options.holdMs ?? SILENT_HOLD_MS;
    this.now = options.now ?? Date.now;
  }

  /** Whether calls to `endpoint` should fail at once. */
  isSilent(endpoint: string): boolean {
    const until = this.silentUntil.get(endpoint);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    // The hold is over: the next calls try again, and count their timeouts afresh.
    this.silentUntil.delete(endpoint);
    this.timeouts.delete(endpoint);
    return false;
  }

  /** Records an attempt at `endpoint` that timed out; returns whether the endpoint is now silent. */
  timedOut(endpoint: string): boolean {
    const n = (this.timeouts.get(endpoint) ?? 0) + 1;
    this.timeouts.set(endpoint, n);
    if (n >= this.after && !this.silentUntil.has(endpoint)) this.silentUntil.set(endpoint, this.now() + this.holdMs);
    return this.isSilent(endpoint);
  }

  /** Records an answer from `endpoint`: it is not silent, and its timeouts in a row start again. */
  answered(endpoint: string): void {
    this.timeouts.delete(endpoint);
    this.silentUntil.delete(endpoint);
  }
}

/** The endpoints of this process: every client built by `baseClientConfig` shares it. */
export const PROCESS_ENDPOINTS = new SilentEndpoints();

/** Marks a timeout after which the call must not retry: its budget is spent, or its endpoint went silent. */
const BUDGET_SPENT = Symbol('ecrJanitorTimeoutBudgetSpent');

function spend(error: unknown): void {
  if (typeof error === 'object' && error !== null) Object.defineProperty(error, BUDGET_SPENT, { value: true });
}

function spent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && BUDGET_SPENT in error;
}

/** `host:port` of a request, the key of its endpoint. */
function endpointOf(request: Pick<HttpRequest, 'hostname' | 'port'>): string {
  return request.port === undefined ? request.hostname : `${request.hostname}:${request.port}`;
}

/** The HTTP transport a client sends with: the SDK's Node handler, or a test's fake (only `handle` is required). */
export interface Transport {
  handle(request: HttpRequest, options?: object): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): object;
  destroy?(): void;
}

/**
 * The transport with the endpoint watch: an attempt at a silent endpoint fails at once, a timeout is
 * counted against its endpoint (and marks the call as spent once its endpoint went silent), any
 * answer ends the silence. `transport` is kept as `inner`.
 */
export class WatchedTransport {
  /** The transport that sends. */
  readonly inner: Transport;
  private readonly endpoints: SilentEndpoints;
  private readonly requestTimeoutMs: number | undefined;

  constructor(inner: Transport, endpoints: SilentEndpoints, requestTimeoutMs?: number) {
    this.inner = inner;
    this.endpoints = endpoints;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  /** Sends `request` through the inner transport unless its endpoint is silent. */
  async handle(request: HttpRequest, options?: object): Promise<{ response: HttpResponse }> {
    const endpoint = endpointOf(request);
    if (this.endpoints.isSilent(endpoint)) {
      throw new EndpointUnresponsiveError(
        `not sent: ${endpoint} left the calls before it without an answer (${SILENT_AFTER_TIMEOUTS} timeouts in a row${
          this.requestTimeoutMs === undefined ? '' : ` of ${this.requestTimeoutMs} ms`
        }); check the endpoint and the network, or raise --request-timeout`,
      );
    }
    try {
      const answer = await this.inner.handle(request, options);
      this.endpoints.answered(endpoint);
      return answer;
    } catch (error) {
      if (isTimeout(error) && this.endpoints.timedOut(endpoint)) spend(error);
      throw error;
    }
  }

  /** The inner transport's settings (the SDK reads them). */
  httpHandlerConfigs(): object {
    return this.inner.httpHandlerConfigs?.() ?? {};
  }

  /** Changes a setting of the inner transport (the SDK's extensions do). */
  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig?.(key, value);
  }

  /** Closes the inner transport's connections. */
  destroy(): void {
    this.inner.destroy?.();
  }
}

/**
 * The SDK's retry strategy (`adaptive` or `standard`, `maxAttempts` attempts) with the per-call
 * timeout budget: a timeout is retried at most `timeoutRetries` times, and not at all once its
 * endpoint went silent; every other error (throttling above all) is retried as the SDK would.
 */
export function budgetedRetryStrategy(
  mode: 'adaptive' | 'standard',
  maxAttempts: number,
  timeoutRetries: number = TIMEOUT_RETRIES,
): RetryStrategyV2 & { mode: 'adaptive' | 'standard' } {
  const inner: RetryStrategyV2 = mode === 'adaptive' ? new AdaptiveRetryStrategy(maxAttempts) : new StandardRetryStrategy(maxAttempts);
  const timeouts = new WeakMap<RetryToken, number>();
  return {
    // The SDK's name of the retry mode, which it reports in its user agent.
    mode,
    acquireInitialRetryToken: (scope: string) => inner.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
      const seen = (timeouts.get(token) ?? 0) + (isTimeout(info.error) ? 1 : 0);
      // Throwing ends the call with its last error: the timeout itself, as the caller knows it.
      if (isTimeout(info.error) && (seen > timeoutRetries || spent(info.error))) throw info.error;
      const next = await inner.refreshRetryTokenForRetry(token, info);
      timeouts.set(next, seen);
      return next;
    },
    recordSuccess: (token: RetryToken) => inner.recordSuccess(token),
  };
}

/**
 * The SDK's Node HTTP transport with these timeouts, throwing on a request timeout (without that
 * option it only logs a warning and waits on).
 */
export function nodeTransport(timeouts: { connectionTimeoutMs: number; requestTimeoutMs: number }): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    throwOnRequestTimeout: true,
  });
}
