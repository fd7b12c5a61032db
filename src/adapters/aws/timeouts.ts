// How long one AWS call can take at worst, from its timeouts and attempts (the defaults are in
// src/domain/defaults.ts). With the SDK's retry delays (at most 0.1 s × 2^n, capped at 20 s), an
// endpoint that accepts connections and never answers fails a call with the defaults in at most
// 8 × 10 s + 25.4 s ≈ 105 s.

/** The SDK's base retry delay and its cap (ms): retry n waits at most min(cap, base × 2^n). */
const SDK_RETRY_DELAY_BASE_MS = 100;
const SDK_MAX_RETRY_DELAY_MS = 20_000;

/**
 * The longest one call can take when no attempt is ever answered: every attempt runs into the
 * request timeout, and every retry waits the longest delay the SDK may choose.
 *
 * @example worstCaseCallMs({ maxAttempts: 8, connectionTimeoutMs: 3000, requestTimeoutMs: 10000 }) // 105400
 */
export function worstCaseCallMs(options: { maxAttempts: number; connectionTimeoutMs: number; requestTimeoutMs: number }): number {
  let delays = 0;
  for (let retry = 1; retry < options.maxAttempts; retry++) {
    delays += Math.min(SDK_MAX_RETRY_DELAY_MS, SDK_RETRY_DELAY_BASE_MS * 2 ** retry);
  }
  // The connection timeout runs inside the request timeout: an attempt never takes longer than the latter.
  return options.maxAttempts * Math.max(options.requestTimeoutMs, options.connectionTimeoutMs) + delays;
}
