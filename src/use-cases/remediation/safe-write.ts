import { PolicyWriteError, errorCode } from '../../domain/errors';
import type { RepositoryRef } from '../../domain/registry';
import type { RemediationAction } from '../../domain/remediation';
import type { Selection } from '../../domain/selection';
import { isOptedOut } from '../../domain/selection';
import type { RemediationTarget, WritePacing } from './options';

/** What the guard found about a write, carried into the action that records it. */
export type WriteNotes = Pick<RemediationAction, 'inUseAtRisk' | 'referrersAtRisk' | 'message'> & {
  /** Recorded as held although written: a team's own text put back without the default rule. */
  outcome?: 'held-in-use';
};

/** What a round decides from the policy it expects to read: the text to write, or the final outcome. */
export type Decision =
  { write: string; renumbered?: boolean; shortened?: RemediationAction['shortened']; notes?: WriteNotes } | { done: RemediationAction };

/** What a decision to write adds to its action: priorities renumbered, an untagged rule shortened. */
export function changesOf(decision: { renumbered?: boolean; shortened?: RemediationAction['shortened'] }): Partial<RemediationAction> {
  return { ...(decision.renumbered ? { renumbered: true } : {}), ...(decision.shortened ? { shortened: decision.shortened } : {}) };
}

/** What one call of {@link safeWrite} needs. */
export interface SafeWriteInput {
  target: Required<RemediationTarget>;
  ref: RepositoryRef;
  /** The policy text the caller's decision was made from (null: none). */
  base: string | null;
  /**
   * Decides what to write if the re-read finds `expected` (the base of the round); `readAt` is the
   * time taken just before that re-read. Called before the re-read is sent, so that between the
   * re-read's answer and the write there is nothing but the comparison: keep it pure and memoise
   * what is costly (the merge's parse, the guard's judgement) by text.
   */
  decide: (expected: string | null, readAt: number) => Decision;
  /** Tags came from an earlier read: read them again in the first round, so an opt-out added since wins. */
  recheckTags: boolean;
  selection: Selection;
  pacing: WritePacing;
  signal?: AbortSignal | undefined;
}

/**
 * Writes a policy without ever sending a text decided from a stale read. Each round takes the write
 * rate-limit slot, decides from the text it expects, re-reads the policy (and, once, the tags), and
 * compares: when it changed, the decision is void — the new text becomes the base and the next
 * round, after a pause, reads again; only a read that agrees with the one before it is followed by
 * a write, at once, in one attempt. A throttled write waits and goes round again; a write whose
 * outcome is unknown (a 5xx, a timeout) is settled by reading the policy back, never by writing
 * blindly. After a write the policy is read back and what was seen is recorded.
 *
 * ECR has no conditional write, so a team's write that lands in the milliseconds between the re-read
 * and the write can still be lost; the janitor's rule records the time of the read it merged into,
 * and `onPolicyChanged` repairs such a loss from the team's CloudTrail event (see janitor-write.ts).
 *
 * @example const action = await safeWrite({ target, ref, base: text, decide, recheckTags: false, selection, pacing });
 */
export async function safeWrite(input: SafeWriteInput): Promise<RemediationAction> {
  const { target, ref, decide, pacing } = input;
  const name = ref.repositoryName;
  const head = { region: target.reader.region, repositoryName: name };
  let base = input.base;
  let lastFailure: { reason: 'changed' } | { reason: 'failed'; error: unknown } = { reason: 'changed' };
  let throttled = 0;
  for (let round = 1; round <= pacing.rounds; round++) {
    if (round > 1) {
      const ceiling = Math.min(pacing.maxDelayMs, pacing.baseDelayMs * 2 ** (round - 2));
      if (!input.signal?.aborted) await pacing.sleep(Math.floor(pacing.random() * ceiling));
      if (input.signal?.aborted) {
        const message = `the run stopped after ${round - 1} write round(s); nothing more was written`;
        return { ...head, outcome: 'not-reached', before: base, message };
      }
    }
    await target.writer.acquireWriteSlot?.();
    const readAt = pacing.now();
    // Decided before the re-read is sent: its answer is followed by the write and nothing else.
    const decision = decide(base, readAt);
    const [current, tags] = await Promise.all([
      target.reader.getLifecyclePolicy(name).then((text) => text ?? null),
      input.recheckTags && round === 1 ? target.reader.listTags(ref) : Promise.resolve(undefined),
    ]);
    if (tags !== undefined && isOptedOut(tags, input.selection.optOutTag)) {
      return { ...head, outcome: 'skipped-opt-out', before: null, message: `tagged ${input.selection.optOutTag}=true (since it was read)` };
    }
    if (current !== base) {
      base = current;
      lastFailure = { reason: 'changed' };
      continue;
    }
    if ('done' in decision) return decision.done;
    const { outcome = 'applied', message: note, ...notes } = decision.notes ?? {};
    const written = { ...head, before: current, after: decision.write, ...changesOf(decision), ...notes };
    try {
      await target.writer.putLifecyclePolicy(name, decision.write);
    } catch (error) {
      const failure = error instanceof PolicyWriteError ? error.failure : 'unknown';
      if (failure === 'rejected') throw error;
      lastFailure = { reason: 'failed', error };
      if (failure === 'throttled') {
        throttled++;
        continue;
      }
      // The write may have landed: only a read tells. A read that fails too leaves it unknown: throw the write's error.
      const stored = await target.reader.getLifecyclePolicy(name).then(
        (text) => text ?? null,
        () => {
          throw error;
        },
      );
      if (stored === decision.write) {
        return {
          ...written,
          outcome,
          readBack: 'matches',
          writeAttempts: round,
          message: [note, `the write answered ${errorCode(error)}; reading the policy back showed it was applied`]
            .filter(Boolean)
            .join('; '),
        };
      }
      continue;
    }
    let readBack: 'matches' | 'changed' | 'unreadable';
    try {
      readBack = ((await target.reader.getLifecyclePolicy(name)) ?? null) === decision.write ? 'matches' : 'changed';
    } catch {
      readBack = 'unreadable';
    }
    const messages = [
      note ?? '',
      throttled > 0 ? `${throttled} write${throttled === 1 ? ' was' : 's were'} throttled first` : '',
      readBack === 'changed' ? 'another writer replaced the policy right after this write' : '',
      readBack === 'unreadable' ? 'the policy could not be read back after the write' : '',
    ].filter((m) => m !== '');
    return { ...written, outcome, readBack, writeAttempts: round, ...(messages.length > 0 ? { message: messages.join('; ') } : {}) };
  }
  if (lastFailure.reason === 'failed') throw lastFailure.error;
  return {
    ...head,
    outcome: 'skipped-changed',
    before: base,
    message: `the policy kept changing over ${pacing.rounds} reads; not overwritten, the next run decides again`,
  };
}
