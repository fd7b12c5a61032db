import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { ConfigError } from '../../domain/errors';
import type { InstrumentableClient } from './call-counter';
import { MAX_RATE_LIMIT } from '../../domain/defaults';

/** A client-side limit for one operation: a sustained rate and the burst allowed after a quiet spell. */
export interface RateLimit {
  /** Calls per second, sustained. */
  perSecond: number;
  /** Calls that may go at once after a quiet spell. @default 1 */
  burst?: number;
}

/** Client-side limits by operation name (`DescribeImages`, `GetLifecyclePolicy` …); operations not named are not limited. */
export type RateLimits = Readonly<Partial<Record<string, RateLimit>>>;

const RATE_LIMIT_MIDDLEWARE = 'ecrJanitorRateLimit';
/** The SDK's retry middleware; the limit sits inside it so every attempt, retries included, takes a token. */
const RETRY_MIDDLEWARE = 'retryMiddleware';

/**
 * A token bucket that queues rather than refuses: each caller reserves the next token and waits
 * until it is due, so calls leave in arrival order at `perSecond` on average, with at most `burst`
 * at once. (Reservations may run the bucket into debt; the debt is what later callers wait out.)
 *
 * @example
 * const bucket = new TokenBucket({ perSecond: 20, burst: 5 });
 * await bucket.take(); // then send
 */
export class TokenBucket {
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly clock: () => number;
  private tokens: number;
  private last: number;

  /** Starts full. `clock` returns milliseconds. @default performance.now */
  constructor(limit: RateLimit, clock: () => number = () => performance.now()) {
    const checked = checkRateLimit('limit', limit);
    this.perSecond = checked.perSecond;
    this.burst = checked.burst;
    this.clock = clock;
    this.tokens = this.burst;
    this.last = clock();
  }

  /** Reserves a token; returns how many milliseconds to wait before using it (0 when one is free now). */
  reserve(): number {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.perSecond) * 1000;
  }

  /** Waits for a token. */
  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function checkRateLimit(operation: string, limit: RateLimit): Required<RateLimit> {
  const burst = limit.burst ?? 1;
  if (!Number.isFinite(limit.perSecond) || limit.perSecond <= 0 || limit.perSecond > MAX_RATE_LIMIT) {
    throw new ConfigError(
      `rate limit of ${operation}: perSecond must be a positive number of calls per second up to ${MAX_RATE_LIMIT} (got ${String(limit.perSecond)}); leave the operation out to not limit it`,
    );
  }
  if (!Number.isInteger(burst) || burst < 1 || burst > MAX_RATE_LIMIT) {
    throw new ConfigError(`rate limit of ${operation}: burst must be a whole number from 1 to ${MAX_RATE_LIMIT} (got ${String(burst)})`);
  }
  return { perSecond: limit.perSecond, burst };
}

/**
 * Limits the calls `client` sends, per operation, with one {@link TokenBucket} each. ECR throttles
 * each API at its own (mostly unpublished) rate, while the SDK's adaptive retry keeps a single
 * limiter per client: once one operation is throttled, it slows every operation. Limits just under
 * the account's rates keep throttling — and that client-wide slow-down — from happening at all;
 * the adaptive retry remains the safety net when they are set too high.
 *
 * @example attachRateLimits(client, { DescribeImages: { perSecond: 18, burst: 5 } });
 * @throws ConfigError when a limit is not a positive rate or its burst is not a whole number ≥ 1
 */
export function attachRateLimits(client: InstrumentableClient, limits: RateLimits, clock?: () => number): void {
  const buckets = new Map<string, TokenBucket>();
  for (const [operation, limit] of Object.entries(limits)) {
    if (limit !== undefined) buckets.set(operation, new TokenBucket(checkRateLimit(operation, limit), clock));
  }
  if (buckets.size === 0) return;
  const limit: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    await buckets.get(operation)?.take();
    return next(args);
  };
  // Inside the retry loop and before signing: each attempt waits its turn, then is signed fresh.
  client.middlewareStack.addRelativeTo(limit, {
    relation: 'after',
    toMiddleware: RETRY_MIDDLEWARE,
    name: RATE_LIMIT_MIDDLEWARE,
    override: true,
  });
}

/** The ECR operations the janitor calls, the only ones a limit may name. */
export const LIMITABLE_OPERATIONS = [
  'DescribeRepositories',
  'DescribeImages',
  'BatchGetImage',
  'GetLifecyclePolicy',
  'ListTagsForResource',
  'PutLifecyclePolicy',
] as const;

/**
 * Parses limits written as `Operation=PER_SECOND[/BURST]`, comma-separated, as the CLI flag and the
 * deployed parameter take them. An empty text means no limits.
 *
 * @example parseRateLimits('DescribeImages=18/5,GetLifecyclePolicy=18') // { DescribeImages: { perSecond: 18, burst: 5 }, … }
 * @throws ConfigError naming the entry and what is wrong with it
 */
export function parseRateLimits(text: string): RateLimits {
  const limits: Record<string, RateLimit> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const match = /^([A-Za-z]+)=(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(entry);
    if (!match)
      throw new ConfigError(
        `rate limit "${entry}" must look like Operation=PER_SECOND or Operation=PER_SECOND/BURST, e.g. DescribeImages=18/5`,
      );
    const [, operation = '', perSecond = '', burst] = match;
    if (!(LIMITABLE_OPERATIONS as readonly string[]).includes(operation)) {
      throw new ConfigError(
        `rate limit "${entry}": ${operation} is not an operation ecr-janitor calls (${LIMITABLE_OPERATIONS.join(', ')})`,
      );
    }
    limits[operation] = checkRateLimit(operation, {
      perSecond: Number(perSecond),
      ...(burst === undefined ? {} : { burst: Number(burst) }),
    });
  }
  return limits;
}

/** How an {@link AdaptiveRateLimit} learns. */
export interface AdaptiveRateLimitOptions {
  /** The highest rate (and the burst after a quiet spell), where it starts and to which it recovers. */
  ceiling: RateLimit;
  /** The lowest rate it slows to, calls per second. @default 0.5 */
  floorPerSecond?: number;
  /** Milliseconds now. @default performance.now */
  clock?: () => number;
}

/**
 * A client-side pace that learns from throttling, for the janitor's writes: callers take a turn
 * (in arrival order, as from a {@link TokenBucket}) before they do anything that leads to a write;
 * a throttled call halves the rate (and pushes the next turn back by one new interval), a call that
 * went through raises it by a tenth of the ceiling, up to the ceiling. It is taken before the re-read
 * that precedes a write, never between that re-read and the write, so a slowed pace lengthens the
 * time between writes and never the time a decision waits to be sent.
 *
 * @example
 * const pace = new AdaptiveRateLimit({ ceiling: { perSecond: 10, burst: 2 } });
 * await pace.take(); // re-read, then write; then pace.succeeded() or pace.throttled()
 */
export class AdaptiveRateLimit {
  private readonly ceiling: Required<RateLimit>;
  private readonly floor: number;
  private readonly clock: () => number;
  private rate: number;
  private nextAt: number;

  constructor(options: AdaptiveRateLimitOptions) {
    this.ceiling = checkRateLimit('PutLifecyclePolicy', options.ceiling);
    this.floor = Math.min(options.floorPerSecond ?? 0.5, this.ceiling.perSecond);
    if (!(this.floor > 0))
      throw new ConfigError(`floorPerSecond must be a positive number of calls per second (got ${String(options.floorPerSecond)})`);
    this.clock = options.clock ?? (() => performance.now());
    this.rate = this.ceiling.perSecond;
    // Starts with its burst free.
    this.nextAt = Number.NEGATIVE_INFINITY;
  }

  /** The current rate, calls per second. */
  get perSecond(): number {
    return this.rate;
  }

  /** Reserves the next turn; returns how many milliseconds to wait for it (0 when it is now). */
  reserve(): number {
    const now = this.clock();
    const interval = 1000 / this.rate;
    // Up to `burst` turns may have built up while nobody called.
    const at = Math.max(this.nextAt, now - (this.ceiling.burst - 1) * interval);
    this.nextAt = at + interval;
    return Math.max(0, at - now);
  }

  /** Waits for the next turn. */
  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** A call was throttled: halve the rate, and let no turn come sooner than one new interval from now. */
  throttled(): void {
    this.rate = Math.max(this.floor, this.rate / 2);
    this.nextAt = Math.max(this.nextAt, this.clock() + 1000 / this.rate);
  }

  /** A call went through: recover a tenth of the ceiling's rate. */
  succeeded(): void {
    this.rate = Math.min(this.ceiling.perSecond, this.rate + this.ceiling.perSecond / 10);
  }
}
