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

/** A shard stops reading when a minute (or a tenth of its time) is left, and remediating at 20 seconds: its result is always written. */
export const SHARD_READ_MARGIN = { marginMs: 60_000, share: 0.1 };
export const SHARD_WRITE_MARGIN = { marginMs: 20_000, share: 0.03 };

/**
 * A shard's two stop signals, as `auditShard` takes them (`signal` stops reading, `remediationSignal`
 * stops writing; none without a context), and how to clear both timers when the shard is done.
 *
 * @example const deadlines = shardDeadlines(context); await auditShard(deps, runId, items, { ...deadlines.signals }).finally(deadlines.clear);
 */
export function shardDeadlines(context: RemainingTime | undefined): {
  signals: { signal?: AbortSignal; remediationSignal?: AbortSignal };
  clear(): void;
} {
  const [read, write] = [deadlineBefore(context, SHARD_READ_MARGIN), deadlineBefore(context, SHARD_WRITE_MARGIN)];
  return {
    signals: { ...(read.signal ? { signal: read.signal } : {}), ...(write.signal ? { remediationSignal: write.signal } : {}) },
    clear: () => {
      read.clear();
      write.clear();
    },
  };
}
