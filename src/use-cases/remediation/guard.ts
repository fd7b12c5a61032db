import type { ImageDetail } from '../../domain/image';
import type { AtRiskImage } from '../../domain/in-use-guard';
import { describeAtRisk, guardContextOf } from '../../domain/in-use-guard';
import type { LifecyclePolicy } from '../../domain/policy';
import type { RepositoryRef } from '../../domain/registry';
import type { RemediationAction, WriteJudgement } from '../../domain/remediation';
import { writeJudge } from '../../domain/remediation';
import type { RegistryReader } from '../../ports/registry';
import { readGuardImages } from '../read-repository';
import type { GuardOptions } from './options';
import type { WriteNotes } from './safe-write';

/** The guard's judge of the policies that may be written to one repository, memoised by the policy's text. */
export type Judge = (policy: LifecyclePolicy, text: string) => WriteJudgement;

/**
 * Reads what the guard needs about a repository where a write is due — its images (unless the audit
 * kept them) and what is in use in every region — and returns the judge of a policy about to be
 * written. The judge is pure and remembers its verdicts by text, so a write loop that meets the same
 * text again (round after round) does not evaluate it again.
 */
export async function guardOf(
  reader: RegistryReader,
  ref: RepositoryRef,
  guard: GuardOptions,
  known?: readonly ImageDetail[],
): Promise<Judge> {
  const [images, catalog] = await Promise.all([known ?? readGuardImages(reader, ref.repositoryName), guard.inUse.catalog()]);
  const context = guardContextOf(images, catalog.referencesOf(ref, images), catalog.failures());
  const judge = writeJudge(context, { now: (guard.now ?? Date.now)(), horizonDays: guard.horizonDays, enabled: guard.enabled });
  const verdicts = new Map<string, WriteJudgement>();
  return (policy, text) => {
    let verdict = verdicts.get(text);
    if (verdict === undefined) {
      verdict = judge(policy);
      verdicts.set(text, verdict);
    }
    return verdict;
  };
}

/** Why a write is held, for the action's message; `what` is the change judged. */
export function heldMessage(atRisk: readonly AtRiskImage[], horizonDays: number, what = 'the default rule'): string {
  return `${what} would remove ${atRisk.length} image${atRisk.length === 1 ? '' : 's'} in use within ${horizonDays} days: ${describeAtRisk(atRisk)}`;
}

/** The decision not to write a text the guard holds: `held-in-use`, with what is at risk and why. */
export function heldDecision(
  head: Pick<RemediationAction, 'region' | 'repositoryName'>,
  before: string | null,
  judgement: WriteJudgement,
  message: string,
): { done: RemediationAction } {
  return {
    done: { ...head, outcome: 'held-in-use', before, inUseAtRisk: judgement.atRisk, referrersAtRisk: judgement.referrersAtRisk, message },
  };
}

/** The guard's findings on a write that goes ahead, for the action that records it. */
export function notesOf(judgement: WriteJudgement | undefined, guard: GuardOptions | undefined): WriteNotes {
  if (judgement === undefined || guard === undefined) return {};
  return {
    inUseAtRisk: judgement.atRisk,
    referrersAtRisk: judgement.referrersAtRisk,
    ...(judgement.atRisk.length > 0 ? { message: `in-use guard off: ${heldMessage(judgement.atRisk, guard.horizonDays)}` } : {}),
  };
}
