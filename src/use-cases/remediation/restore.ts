import { JanitorError } from '../../domain/errors';
import type { RepositoryRef } from '../../domain/registry';
import type { RemediatedPolicy } from '../../domain/policy';
import type { RemediationAction } from '../../domain/remediation';
import { assessPolicy, stampedWrite } from '../../domain/remediation';
import { guardOf, heldDecision, heldMessage, notesOf } from './guard';
import type { RemediateOptions, RemediationTarget } from './options';
import { pacingOf, ruleOf } from './options';
import type { Decision } from './safe-write';
import { changesOf, safeWrite } from './safe-write';

/**
 * Puts back a team's policy that a janitor write replaced (see `isLostTeamWrite`): writes the team's
 * text with the default rule merged in, through the same checks as every write — but only while the
 * janitor's write is still what is stored. A policy that changed again since is left alone (the
 * newer write stands) as `skipped-changed`. The rule is stamped with the team's call time, not the
 * read time: the text merged into is as of that call, so a second team call that the same janitor
 * write replaced, handled after this one, is still recognised as lost and put back in turn.
 *
 * With `options.guard`, the team's text with the default rule is judged like any write; when the rule
 * would remove an image in use, the team's text goes back as written, without the rule
 * (`held-in-use`) — or, when the team had deleted the policy, nothing is written (the janitor never
 * deletes) and the action says so.
 *
 * @param stored the janitor's write that replaced the team's text, as just read
 * @param team the team's text from its CloudTrail event (undefined: the team deleted the policy) and the call's time
 * @example const action = await restoreTeamWrite(target, ref, options, stored, { policyText, calledAt });
 */
export async function restoreTeamWrite(
  target: Required<RemediationTarget>,
  ref: RepositoryRef,
  options: RemediateOptions,
  stored: string,
  team: { policyText: string | undefined; calledAt: number },
): Promise<RemediationAction> {
  const head = { region: target.reader.region, repositoryName: ref.repositoryName };
  const guard = options.guard;
  const judge = guard === undefined ? undefined : await guardOf(target.reader, ref, guard);
  // The team's text is assessed and merged once, before any round: its stamp is the team's call time.
  const rule = ruleOf(options);
  let merged: RemediatedPolicy | JanitorError | undefined;
  const mergedTeamText = (): RemediatedPolicy | JanitorError => {
    if (merged === undefined) {
      try {
        merged = stampedWrite(assessPolicy(team.policyText ?? null, rule), rule, team.calledAt);
      } catch (error) {
        if (!(error instanceof JanitorError)) throw error;
        merged = error;
      }
    }
    return merged;
  };
  const decide = (current: string | null): Decision => {
    if (current !== stored) {
      return {
        done: { ...head, outcome: 'skipped-changed', before: current, message: 'the policy changed again; the newer write stands' },
      };
    }
    const result = mergedTeamText();
    if (result instanceof JanitorError) return { done: { ...head, outcome: 'unmergeable', before: current, message: result.message } };
    const judgement = result.changed ? judge?.(result.policy, result.text) : undefined;
    if (judgement?.hold && guard !== undefined) {
      const why = heldMessage(judgement.atRisk, guard.horizonDays);
      const findings = { inUseAtRisk: judgement.atRisk, referrersAtRisk: judgement.referrersAtRisk };
      if (team.policyText === undefined) {
        // Putting a deleted policy back takes a delete, which the janitor never makes.
        return heldDecision(
          head,
          current,
          judgement,
          `the team deleted the policy after the janitor read it; the janitor never deletes, so its earlier write (with the default rule) stays: ${why}. Delete the policy again to apply the team's call`,
        );
      }
      // The team's own text, as written: their rules are their call; only the janitor's rule is held.
      return {
        write: team.policyText,
        notes: {
          outcome: 'held-in-use',
          ...findings,
          message: `the team's policy was put back as written, without the default rule: ${why}`,
        },
      };
    }
    return { write: result.text, ...changesOf(result), notes: notesOf(judgement, guard) };
  };
  return safeWrite({
    target,
    ref,
    base: stored,
    decide,
    recheckTags: true,
    selection: options.selection,
    pacing: pacingOf(options),
    signal: options.signal,
  });
}
