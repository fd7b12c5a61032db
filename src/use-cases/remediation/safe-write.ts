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
 * Writes a policy without ever sending a text decided from a stale read, and never a second text
 * while the first may still land. Each round takes the janitor's write pace (its own limiter,
 * which slows on throttling), decides from the text it expects, re-reads the policy (and, once,
 * the tags), and compares: when it changed, the decision is void — the new text becomes the base
 * and the next round, after a pause, reads again; only a read that agrees with the one before it
 * is followed by the write, at once, in one attempt, with nothing computed in between.
 *
 * - Throttled (nothing was written): back to the pace's queue, and decided again from a fresh read.
 * - Refused (4xx): thrown.
 * - Unknown (a 5xx, a timeout, a lost answer): the write may have landed, or may still land. The
 *   policy is read back; holding the text, the write counts as `applied`. Otherwise the outcome is
 *   `unknown-outcome` and nothing more is written to the repository in this run: a second write
 *   could be overtaken by the first, landing late over a newer text. The next run decides.
 *
 * After a write the policy is read back and what was seen is recorded.
 *
 * ECR has no conditional write, so a team's write that lands between the re-read's answer and the
 * write (a network round trip) can still be lost; the janitor's rule records the time of the read
 * it merged into, and `onPolicyChanged` repairs such a loss from the CloudTrail events (see
 * docs/write-safety.md).
 *
 * @example const action = await safeWrite({ target, ref, base: text, decide, recheckTags: false, selection, pacing });
 */
export async function safeWrite(input: SafeWriteInput): Promise<RemediationAction> {
  const { target, ref, decide, pacing } = input;
  const name = ref.repositoryName;
  const head = { region: target.reader.region, repositoryName: name };
  let base = input.base;
  let changed = 0;
  let throttled = 0;
  for (let round = 1; ; round++) {
    if (round > 1) {
      const ceiling = Math.min(pacing.maxDelayMs, pacing.baseDelayMs * 2 ** Math.min(round - 2, 30));
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
      if (++changed >= pacing.rounds) break;
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
      if (failure === 'throttled') {
        if (++throttled >= pacing.throttledRounds) throw error;
        continue;
      }
      return settleUnknown({ ...written, outcome }, note, error, round, () => target.reader.getLifecyclePolicy(name));
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
  return {
    ...head,
    outcome: 'skipped-changed',
    before: base,
    message: `the policy kept changing over ${pacing.rounds} reads; not overwritten, the next run decides again`,
  };
}

/**
 * A write whose answer says nothing of its fate (a 5xx, a timeout, a reset connection): read back,
 * it is `applied` when the policy holds its text; otherwise its outcome is unknown — it may land
 * yet — and the repository is written no more in this run.
 */
async function settleUnknown(
  written: RemediationAction,
  note: string | undefined,
  error: unknown,
  round: number,
  readBack: () => Promise<string | undefined>,
): Promise<RemediationAction> {
  const text = await readBack().then(
    (stored) => stored ?? null,
    () => undefined,
  );
  // An error the writer did not classify (not a PolicyWriteError) and did not land: a failure of the repository.
  if (!(error instanceof PolicyWriteError) && text !== written.after) throw error;
  if (text === written.after) {
    return {
      ...written,
      readBack: 'matches',
      writeAttempts: round,
      message: [note, `the write answered ${errorCode(error)}; reading the policy back showed it was applied`].filter(Boolean).join('; '),
    };
  }
  const seen = text === undefined ? 'the policy could not be read back' : 'reading the policy back did not show it';
  return {
    ...written,
    outcome: 'unknown-outcome',
    ...(text === undefined ? { readBack: 'unreadable' as const } : { readBack: 'changed' as const }),
    writeAttempts: round,
    message: `the write answered ${errorCode(error)} and ${seen}: it may still land, so nothing more is written to this repository in this run; the next run decides`,
  };
}
