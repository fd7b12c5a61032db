import type { LedgerEvent } from '../domain/ledger';
import {
  decodeLedgerEvent,
  encodeLedgerEvent,
  eventsBetween,
  ledgerEventKey,
  ledgerRepositoryPrefix,
  ledgerStartAfter,
} from '../domain/ledger';
import type { ObjectStore } from '../ports/object-store';

// The ledger in the report bucket: one object per PolicyExecutionEvent, written by the ledger function
// (or `weekly --ledger FILE`), read by the weekly shards repository by repository. See docs/truth.md.

/** What recording one event did. */
export type RecordOutcome = 'recorded' | 'nothing-acted';

/**
 * Records one lifecycle evaluation under its key ({@link ledgerEventKey}): a redelivered event has the
 * same key and the same content, so it is written again and counts once. An evaluation that acted on
 * nothing and failed on nothing is not written.
 *
 * @example await recordLedgerEvent(store, reading.event) // 'recorded'
 */
export async function recordLedgerEvent(store: Pick<ObjectStore, 'put'>, event: LedgerEvent): Promise<RecordOutcome> {
  if (event.actions.length === 0 && event.failures.length === 0) return 'nothing-acted';
  await store.put(ledgerEventKey(event), encodeLedgerEvent(event), 'application/json');
  return 'recorded';
}

/** One repository's ledger over a period, as read from the bucket. */
export interface RepositoryLedger {
  events: LedgerEvent[];
  /** Keys of records that are not ledger records of this format (left out). */
  unreadable: string[];
}

/**
 * The events of one repository whose time is in `[from, to)`: the repository's prefix listed from
 * `from` on (keys sort by time, so older records are not listed), records from `to` on not read.
 *
 * @example const { events } = await readRepositoryLedger(store, 'eu-west-1', 'team/app', { from, to: now });
 */
export async function readRepositoryLedger(
  store: Pick<ObjectStore, 'get' | 'list'>,
  region: string,
  repositoryName: string,
  period: { from: number; to: number },
): Promise<RepositoryLedger> {
  const prefix = ledgerRepositoryPrefix(region, repositoryName);
  // Keys name the event's second: anything after `to`'s second (and `~` after every id) is later.
  const pastEnd = ledgerStartAfter(region, repositoryName, period.to + 1000);
  const keys = (await store.list(prefix, { startAfter: ledgerStartAfter(region, repositoryName, period.from) })).filter(
    (key) => key <= pastEnd,
  );
  const events: LedgerEvent[] = [];
  const unreadable: string[] = [];
  for (const key of keys) {
    const text = await store.get(key);
    if (text === undefined) continue;
    const event = decodeLedgerEvent(text);
    // A record must be of the repository its key names: one that is not is not counted.
    if (event === undefined || event.region !== region || event.repositoryName !== repositoryName) unreadable.push(key);
    else events.push(event);
  }
  return { events: eventsBetween(events, period.from, period.to), unreadable };
}
