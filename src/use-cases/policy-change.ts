import { isLostTeamWrite } from '../domain/policy';
import type { RepositoryRef } from '../domain/registry';
import type { RemediationAction } from '../domain/remediation';
import { excludeMatcher } from '../domain/selection';
import type { RemediateOptions, RemediationTarget } from './remediate';
import { remediateRepository, restoreTeamWrite } from './remediate';

/** A team's lifecycle policy call, as its CloudTrail event tells it. */
export interface PolicyChange {
  eventName: 'PutLifecyclePolicy' | 'DeleteLifecyclePolicy';
  /** The text the team put (`PutLifecyclePolicy` only). */
  policyText?: string;
  /** When the call was made (the event's `eventTime`, whole seconds), epoch ms. */
  calledAt: number;
}

/** What {@link handlePolicyChange} did. */
export interface PolicyChangeResult {
  action: RemediationAction;
  /** The team's call had been overwritten by a janitor write merged from an older read, and was put back. */
  restoredTeamWrite: boolean;
}

/**
 * Reacts to a team's `PutLifecyclePolicy` or `DeleteLifecyclePolicy`. The event is a hint: the policy
 * stored now is read, and
 * - when it is a janitor write merged from a policy read before the team's call, and lacks the team's
 *   rules, the team's write was lost in the janitor's read-to-write window: the team's text (with
 *   the default rule merged in) is written back — unless the repository is excluded or opted out,
 *   or the policy changes again meanwhile (with the in-use guard, without the rule when it would
 *   remove an image in use);
 * - otherwise the repository is remediated from the stored policy, like every other.
 *
 * @example const { action, restoredTeamWrite } = await handlePolicyChange(target, ref, { eventName, policyText, calledAt }, options);
 */
export async function handlePolicyChange(
  target: RemediationTarget,
  ref: RepositoryRef,
  change: PolicyChange,
  options: RemediateOptions,
): Promise<PolicyChangeResult> {
  // An excluded repository is never read nor changed.
  if (excludeMatcher(options.selection.exclude)(ref.repositoryName)) {
    return { action: await remediateRepository(target, ref, options), restoredTeamWrite: false };
  }
  const stored = (await target.reader.getLifecyclePolicy(ref.repositoryName)) ?? null;
  const teamText = change.eventName === 'PutLifecyclePolicy' ? change.policyText : undefined;
  if (options.apply && target.writer && stored !== null && isLostTeamWrite(stored, teamText, change.calledAt)) {
    const action = await restoreTeamWrite({ reader: target.reader, writer: target.writer }, ref, options, stored, {
      policyText: teamText,
      calledAt: change.calledAt,
    });
    // Held by the in-use guard, the team's text may still have gone back (without the default rule).
    const written = action.outcome === 'applied' || (action.outcome === 'held-in-use' && action.after !== undefined);
    return { action, restoredTeamWrite: written };
  }
  return { action: await remediateRepository(target, ref, options, { policyText: stored }), restoredTeamWrite: false };
}
