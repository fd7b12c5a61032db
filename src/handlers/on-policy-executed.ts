import { readPolicyExecutionEvent } from '../adapters/events/policy-execution';
import { loadWeeklyConfig } from '../config';
import type { ObjectStore } from '../ports/object-store';
import { recordLedgerEvent, type RecordOutcome } from '../use-cases/ledger-store';
import { ledgerDeps } from './deps/weekly';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { logger } from './runtime/powertools';
import { recordLedger } from './runtime/telemetry';

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
    logger.appendKeys({ eventId: reading.event.eventId, region: reading.event.region, repositoryName: reading.event.repositoryName });
    // An S3 failure throws: Lambda retries the event, and a retry writes the same object again.
    return recordLedger(await recordLedgerEvent(deps.store, reading.event), reading.event);
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(ledgerDeps(loadWeeklyConfig(process.env)))));
