import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readPolicyExecutionEvent } from '../adapters/events/policy-execution';
import { loadWeeklyConfig } from '../config';
import { recordLedgerEvent, type RecordOutcome } from '../use-cases/ledger-store';
import type { ObjectStore } from '../ports/object-store';
import { lazily, logger, metrics, withPowertools } from './runtime';
import { ledgerDeps } from './weekly-runtime';

/** What the function did with one event: recorded, nothing to record, or ignored (why). */
export type PolicyExecutedResult = { status: RecordOutcome; actions: number } | { status: 'ignored'; reason: string };

/** `PolicyExecutionEvent` (see `recordLedgerEvent`): records what a lifecycle evaluation did in the report bucket, once per event. */
export function makeHandler(deps: { store: Pick<ObjectStore, 'put'>; regions: readonly string[] }) {
  return async (input: unknown): Promise<PolicyExecutedResult> => {
    const reading = readPolicyExecutionEvent(input);
    if (!reading.ok || !deps.regions.includes(reading.event.region)) {
      const reason = reading.ok ? `${reading.event.region} is not a configured region` : reading.reason;
      logger.warn('ignoring an event that is not a PolicyExecutionEvent of a configured region', { reason });
      return { status: 'ignored', reason };
    }
    const { event } = reading;
    logger.appendKeys({ eventId: event.eventId, region: event.region, repositoryName: event.repositoryName });
    // An S3 failure throws: Lambda retries the event, and a retry writes the same object again.
    const status = await recordLedgerEvent(deps.store, event);
    metrics.addMetric('LifecycleActionsRecorded', MetricUnit.Count, event.actions.length);
    return { status, actions: event.actions.length };
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(ledgerDeps(loadWeeklyConfig(process.env)))));
