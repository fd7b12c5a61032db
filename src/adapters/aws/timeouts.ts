// How long one AWS call can take at worst, from its timeouts and attempts (the defaults are in
// src/domain/defaults.ts). A timed-out attempt is retried at most TIMEOUT_RETRIES times whatever
// the attempts allowed (timeout-budget.ts), so with the SDK's retry delays (at most 0.1 s × 2^n,
// capped at 20 s) an endpoint that accepts connections and never answers fails a call with the
// defaults in at most 2 × 10 s + 0.2 s ≈ 20 s.
import { TIMEOUT_RETRIES } from '../../domain/defaults';

/** The SDK's base retry delay and its cap (ms): retry n waits at most min(cap, base × 2^n). */
const SDK_RETRY_DELAY_BASE_MS = 100;
const SDK_MAX_RETRY_DELAY_MS = 20_000;

/**
 * The longest one call can take when no attempt is ever answered: every attempt it may make runs
 * into the request timeout (the first and {@link TIMEOUT_RETRIES} retries, fewer when fewer attempts
 * are allowed), and every retry waits the longest delay the SDK may choose.
 *
 * @example worstCaseCallMs({ maxAttempts: 8, connectionTimeoutMs: 3000, requestTimeoutMs: 10000 }) // 20200
 */
export function worstCaseCallMs(options: {
  maxAttempts: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  timeoutRetries?: number;
}): number {
  const attempts = Math.min(options.maxAttempts, (options.timeoutRetries ?? TIMEOUT_RETRIES) + 1);
  let delays = 0;
  for (let retry = 1; retry < attempts; retry++) {
    delays += Math.min(SDK_MAX_RETRY_DELAY_MS, SDK_RETRY_DELAY_BASE_MS * 2 ** retry);
  }
  // The connection timeout runs inside the request timeout: an attempt never takes longer than the latter.
  return attempts * Math.max(options.requestTimeoutMs, options.connectionTimeoutMs) + delays;
}
