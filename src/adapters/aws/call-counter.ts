import type {
  FinalizeHandlerArguments,
  FinalizeRequestMiddleware,
  InitializeMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import type { ApiCallCounter, CallCounts } from '../../ports/registry';

/** Any AWS SDK v3 client: all the counter needs is its middleware stack. */
export interface InstrumentableClient {
  middlewareStack: MiddlewareStack<object, MetadataBearer>;
}

const CALL_MIDDLEWARE = 'ecrJanitorCallCounter';
const ATTEMPT_MIDDLEWARE = 'ecrJanitorAttemptCounter';
/** The SDK's retry middleware; attempts happen inside it, one `next()` each. */
const RETRY_MIDDLEWARE = 'retryMiddleware';

/** `DescribeImagesCommand` → `DescribeImages`; unknown commands are counted as `Unknown`. */
function operationName(commandName: string | undefined): string {
  if (commandName === undefined || commandName === '') return 'Unknown';
  return commandName.endsWith('Command') ? commandName.slice(0, -'Command'.length) : commandName;
}

function sorted(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** `now - earlier` by key, keeping only the keys that grew (counts never shrink). */
function difference(now: Readonly<Record<string, number>>, earlier: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(now)) {
    const grown = n - (earlier[key] ?? 0);
    if (grown > 0) out[key] = grown;
  }
  return out;
}

/**
 * Counts AWS API calls by operation, and the retries among them, for any SDK v3 client it is
 * attached to. A call is one `client.send()`; a retry is every HTTP attempt after the first, whatever
 * its cause (throttling, 5xx, network), counted by a middleware that sits inside the SDK's retry loop
 * so it sees each attempt rather than trusting the strategy's own bookkeeping.
 *
 * Note: `aws-sdk-client-mock` replaces `send()` and so bypasses the middleware stack; counts are
 * only made by real (or fake-transport) clients.
 *
 * @example
 * const counter = new CallCounter();
 * counter.attach(new ECRClient({ region: 'eu-west-1' }));
 * // … later
 * counter.snapshot(); // { calls: { DescribeImages: 3, total: 3 }, retries: {} }
 */
export class CallCounter implements ApiCallCounter {
  private readonly calls = new Map<string, number>();
  private readonly retries = new Map<string, number>();
  private readonly clients = new WeakSet<object>();

  /** Adds the counting middlewares to `client`; attaching the same client twice is a no-op. */
  attach(client: InstrumentableClient): void {
    if (this.clients.has(client)) return;
    this.clients.add(client);

    const countCall: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      this.bump(this.calls, operationName(context.commandName));
      return next(args);
    };
    client.middlewareStack.add(countCall, { step: 'initialize', priority: 'high', name: CALL_MIDDLEWARE, override: true });

    // The retry middleware passes the same args object to every attempt of one call, so keying on
    // it stays exact even when the client caches resolved handlers (`cacheMiddleware: true`).
    const attempts = new WeakMap<FinalizeHandlerArguments<object>, number>();
    const countAttempt: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      const attempt = (attempts.get(args) ?? 0) + 1;
      attempts.set(args, attempt);
      if (attempt > 1) this.bump(this.retries, operationName(context.commandName));
      return next(args);
    };
    client.middlewareStack.addRelativeTo(countAttempt, {
      relation: 'after',
      toMiddleware: RETRY_MIDDLEWARE,
      name: ATTEMPT_MIDDLEWARE,
      override: true,
    });
  }

  /** Calls and retries by operation so far, keys sorted; `calls.total` is the number of calls. */
  snapshot(): CallCounts {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return { calls: { ...sorted(this.calls), total }, retries: sorted(this.retries) };
  }

  /**
   * The calls and retries made since `mark`, an earlier {@link snapshot} of this counter: a counter
   * lives as long as the Lambda container, so a warm invocation reports its own calls by taking a
   * snapshot when it starts and asking for what came after. Operations without a new call are left
   * out; `calls.total` is always present.
   *
   * @example
   * const start = counter.snapshot();
   * await audit(…);
   * counter.since(start); // only the audit's calls
   */
  since(mark: CallCounts): CallCounts {
    const now = this.snapshot();
    const calls = difference(now.calls, mark.calls);
    delete calls.total;
    let total = 0;
    for (const n of Object.values(calls)) total += n;
    return { calls: { ...calls, total }, retries: difference(now.retries, mark.retries) };
  }

  private bump(counts: Map<string, number>, operation: string): void {
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  }
}
