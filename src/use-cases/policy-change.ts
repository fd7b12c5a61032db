import { RepairPendingError } from '../domain/errors';
import { isLostTeamWrite } from '../domain/policy';
import type { RepositoryRef } from '../domain/registry';
import type { RemediationAction } from '../domain/remediation';
import { excludeMatcher } from '../domain/selection';
import type { PolicyWriter } from '../ports/registry';
import type { NewestTeamWrite, RepairStore, TeamWrite } from '../ports/repair-store';
import { repairKey } from '../ports/repair-store';
import type { RemediateOptions, RemediationTarget } from './remediate';
import { remediateRepository, restoreTeamWrite } from './remediate';

/** A lifecycle policy call, as its CloudTrail event tells it. */
export interface PolicyChange {
  eventName: 'PutLifecyclePolicy' | 'DeleteLifecyclePolicy';
  /** The text put (`PutLifecyclePolicy` only). */
  policyText?: string;
  /** When the call was made (the event's `eventTime`, whole seconds), epoch ms. */
  calledAt: number;
  /** The CloudTrail event's id (a repeated delivery has the same). @default none: the call is not recorded */
  eventId?: string;
  /**
   * The janitor made the call itself. Its own writes are not remediated again; with a repair store,
   * each is a moment to check that it did not replace the newest team write (a write that landed late,
   * after the team's event was handled). @default false
   */
  byJanitor?: boolean;
}

/** What {@link handlePolicyChange} did. */
export interface PolicyChangeResult {
  /** What was done to the repository; absent for a janitor write that replaced no team write. */
  action?: RemediationAction;
  /** A team's call had been overwritten by a janitor write merged from an older read, and was put back. */
  restoredTeamWrite: boolean;
}

/** How the repair keeps what it knows and serialises its restores (see docs/write-safety.md). */
export interface RepairOptions {
  /** The newest team write per repository and the repair lease. */
  store: RepairStore;
  /** Who takes the lease (an invocation's id). */
  holder: string;
  /** How long a lease lasts, ms; a restore stops starting writes well before it ends. @default 120000 */
  leaseMs?: number;
  /** How long to wait for another restore's lease before giving the event back for a retry, ms. @default 20000 */
  waitMs?: number;
  /** The clock of leases, epoch ms. @default Date.now */
  now?: () => number;
  /** Waits between tries for the lease. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** Lease length by default: longer than a restore's write rounds take, with their request timeouts. */
const DEFAULT_LEASE_MS = 120_000;
/** A restore starts no write round in the last part of its lease (two request timeouts and a margin). */
const LEASE_MARGIN_MS = 30_000;

/** The team write this event tells of (none for the janitor's own call). */
function teamWriteOf(change: PolicyChange): TeamWrite | undefined {
  if (change.byJanitor) return undefined;
  return {
    eventId: change.eventId ?? '',
    eventName: change.eventName,
    calledAt: change.calledAt,
    ...(change.eventName === 'PutLifecyclePolicy' && change.policyText !== undefined ? { policyText: change.policyText } : {}),
  };
}

/** Whether `newest`'s text was lost under the stored janitor write (and may be restored: known, not ambiguous). */
function lostUnder(stored: string | null, newest: NewestTeamWrite | undefined): newest is NewestTeamWrite {
  if (stored === null || newest === undefined || newest.ambiguous) return false;
  const teamText = newest.write.eventName === 'PutLifecyclePolicy' ? newest.write.policyText : undefined;
  return isLostTeamWrite(stored, teamText, newest.write.calledAt);
}

/** Fails the invocation so the event is retried, when the write's outcome is unknown. */
function settled(result: PolicyChangeResult, ref: RepositoryRef): PolicyChangeResult {
  if (result.action?.outcome === 'unknown-outcome') {
    throw new RepairPendingError(
      `${ref.region}/${ref.repositoryName}: ${result.action.message ?? 'the write may still land'}; the event is retried and decided again from a fresh read`,
    );
  }
  return result;
}

/**
 * Reacts to a `PutLifecyclePolicy` or `DeleteLifecyclePolicy`. The event is a hint: the policy stored
 * now is read, and
 * - when it is a janitor write merged from a policy read before the newest team call the handler
 *   knows of, and lacks that call's rules, that team write was lost (overwritten in the janitor's
 *   read-to-write window, or by a janitor write that landed late): the team's text (with the
 *   default rule merged in) is written back — unless the repository is excluded or opted out, or
 *   the policy changes again meanwhile (with the in-use guard, without the rule when it would
 *   remove an image in use);
 * - otherwise a team's call is remediated from the stored policy, like every other repository; a
 *   janitor's own call needs nothing more.
 *
 * With `repair`, the newest team call is the newest recorded in the store (this event's, unless a
 * newer one was seen first — events come late, out of order, and twice), and restores of one
 * repository hold its lease, one at a time, re-checking the newest call and the stored policy
 * inside it. Without it, the event's own call is taken as the newest and restores are not
 * serialised (tests, local runs). A write whose outcome is unknown throws {@link RepairPendingError}
 * so that the event is retried.
 *
 * @example const { action, restoredTeamWrite } = await handlePolicyChange(target, ref, { eventName, policyText, calledAt, eventId }, options, repair);
 */
export async function handlePolicyChange(
  target: RemediationTarget,
  ref: RepositoryRef,
  change: PolicyChange,
  options: RemediateOptions,
  repair?: RepairOptions,
): Promise<PolicyChangeResult> {
  // An excluded repository is never read nor changed.
  if (excludeMatcher(options.selection.exclude)(ref.repositoryName)) {
    return { action: await remediateRepository(target, ref, options), restoredTeamWrite: false };
  }
  const key = repairKey(ref);
  const team = teamWriteOf(change);
  let newest: NewestTeamWrite | undefined;
  if (repair !== undefined)
    newest = team === undefined ? await repair.store.newestTeamWrite(key) : await repair.store.recordTeamWrite(key, team);
  else if (team !== undefined) newest = { write: team, ambiguous: false };
  const stored = (await target.reader.getLifecyclePolicy(ref.repositoryName)) ?? null;
  const writer = target.writer;
  if (options.apply && writer && lostUnder(stored, newest)) {
    const restored =
      repair === undefined
        ? await restore({ reader: target.reader, writer }, ref, options, stored as string, newest)
        : await restoreUnderLease({ reader: target.reader, writer }, ref, options, repair, key);
    if (restored !== undefined) return settled(restored, ref);
  }
  if (change.byJanitor) return { restoredTeamWrite: false };
  const action = await remediateRepository(target, ref, options, { policyText: stored });
  return settled({ action, restoredTeamWrite: false }, ref);
}

/** Writes `newest`'s text back over the stored janitor write. */
async function restore(
  target: Required<RemediationTarget>,
  ref: RepositoryRef,
  options: RemediateOptions,
  stored: string,
  newest: NewestTeamWrite,
): Promise<PolicyChangeResult> {
  const { write } = newest;
  const action = await restoreTeamWrite(target, ref, options, stored, {
    policyText: write.eventName === 'PutLifecyclePolicy' ? write.policyText : undefined,
    calledAt: write.calledAt,
  });
  // Held by the in-use guard, the team's text may still have gone back (without the default rule).
  const written = action.outcome === 'applied' || (action.outcome === 'held-in-use' && action.after !== undefined);
  return { action, restoredTeamWrite: written };
}

/**
 * The restore, one at a time per repository: takes the lease (waiting for another restore to end,
 * up to `waitMs`), then reads the newest team write and the stored policy again and restores only
 * if that write is still lost. Returns undefined when, inside the lease, nothing was lost any more.
 */
async function restoreUnderLease(
  target: Required<RemediationTarget> & { writer: PolicyWriter },
  ref: RepositoryRef,
  options: RemediateOptions,
  repair: RepairOptions,
  key: string,
): Promise<PolicyChangeResult | undefined> {
  const now = repair.now ?? Date.now;
  const sleep = repair.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const leaseMs = repair.leaseMs ?? DEFAULT_LEASE_MS;
  const waitMs = repair.waitMs ?? 20_000;
  const start = now();
  let pause = 50;
  while (!(await repair.store.acquireLease(key, repair.holder, now(), leaseMs))) {
    if (now() - start >= waitMs) {
      throw new RepairPendingError(
        `${ref.region}/${ref.repositoryName}: another restore of this repository is under way; the event is retried once it is done`,
      );
    }
    await sleep(pause);
    pause = Math.min(1_000, pause * 2);
  }
  // No write round starts once the lease nears its end: another holder may take it then.
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort('deadline'), Math.max(0, leaseMs - LEASE_MARGIN_MS));
  try {
    const newest = await repair.store.newestTeamWrite(key);
    const stored = (await target.reader.getLifecyclePolicy(ref.repositoryName)) ?? null;
    if (!lostUnder(stored, newest)) return undefined;
    const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
    return await restore(target, ref, { ...options, signal }, stored as string, newest);
  } finally {
    clearTimeout(timer);
    await repair.store.releaseLease(key, repair.holder);
  }
}
