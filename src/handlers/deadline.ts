/** What a deadline needs from the Lambda context. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** A signal that fires `marginMs` before the invocation's time runs out, and how to cancel its timer. */
export interface Deadline {
  signal: AbortSignal | undefined;
  /** Clears the timer (call when the work is done). */
  clear(): void;
}

/**
 * The stop signal of one step of an invocation: it fires when no more than `margin` of the
 * invocation's time is left, where `margin` is the given milliseconds, or `share` of the time left
 * now when that is less (a short test timeout must still leave the step some time). Without a
 * context (tests, scripts) there is no deadline.
 *
 * @example const audit = deadlineBefore(context, { marginMs: 180_000, share: 0.2 }); …; audit.clear();
 */
export function deadlineBefore(context: RemainingTime | undefined, margin: { marginMs: number; share: number }): Deadline {
  if (context === undefined) return { signal: undefined, clear: () => undefined };
  const remaining = context.getRemainingTimeInMillis();
  const keep = Math.min(margin.marginMs, remaining * margin.share);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort('deadline'), Math.max(0, remaining - keep));
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
