import { JanitorError } from '../../domain/errors';
import type { ImageDetail } from '../../domain/image';
import { guardImagesOf } from '../../domain/in-use-guard';
import { DEFAULT_UNTAGGED_DAYS } from '../../domain/defaults';
import type { RepositoryRef, RepositoryState, Tag } from '../../domain/registry';
import type { PolicyAssessment, RemediationAction, RemediationRule, WriteJudgement } from '../../domain/remediation';
import { assessPolicy, stampedWrite } from '../../domain/remediation';
import type { Selection } from '../../domain/selection';
import { excludeMatcher, isOptedOut } from '../../domain/selection';
import type { Judge } from './guard';
import { guardOf, heldDecision, heldMessage, notesOf } from './guard';
import type { KnownState, RemediateOptions, RemediationTarget } from './options';
import { pacingOf, ruleOf } from './options';
import type { Decision } from './safe-write';
import { changesOf, safeWrite } from './safe-write';

/**
 * What an audit already read about a repository: enough to decide its remediation without reading
 * it again. (The images are left out, so holding every repository of a run costs little.)
 */
export interface AuditedRepository extends RepositoryRef {
  tags: Tag[];
  /** The lifecycle policy text as the audit read it, or null when there was none. */
  lifecyclePolicyText: string | null;
  /** The policy as the audit assessed it, with the run's rule (kept when images were kept for a write). */
  assessment?: PolicyAssessment;
  /** The images as the guard keeps them (see `guardImagesOf`), only where a write may be due. */
  images?: ImageDetail[];
}

/**
 * The part of a repository's state that remediation needs. With `keepImagesFor`, the policy is
 * assessed (or its `assessment` taken) and kept, and a repository where a write may be due (neither
 * opted out nor excluded, and the assessment calls for a merge) keeps its images in the compact form
 * the in-use guard judges from, so the guard reads nothing again.
 *
 * @example const audited: AuditedRepository[] = []; await audit(readers, { …, onRepositoryState: (s) => audited.push(auditedRepositoryOf(s, { keepImagesFor: selection, settings: { days: 7 } })) });
 */
export function auditedRepositoryOf(
  state: RepositoryState,
  options: { keepImagesFor?: Selection; settings?: RemediationRule; assessment?: PolicyAssessment } = {},
): AuditedRepository {
  const { images, ...audited } = state;
  const selection = options.keepImagesFor;
  if (selection === undefined) return audited;
  const assessment = options.assessment ?? assessPolicy(state.lifecyclePolicyText, options.settings ?? { days: DEFAULT_UNTAGGED_DAYS });
  const mayWrite =
    !isOptedOut(state.tags, selection.optOutTag) &&
    !excludeMatcher(selection.exclude)(state.repositoryName) &&
    assessment.change.kind === 'merge';
  return mayWrite ? { ...audited, assessment, images: guardImagesOf(images) } : { ...audited, assessment };
}

/**
 * The assessment of each text a repository's policy is seen with, made once per text: the first
 * from the caller's (when it assessed that text), every other as the write loop meets it.
 */
function assessments(rule: RemediationRule, known: PolicyAssessment | undefined): (text: string | null) => PolicyAssessment {
  const byText = new Map<string | null, PolicyAssessment>();
  if (known !== undefined) byText.set(known.text, known);
  return (text) => {
    let assessment = byText.get(text);
    if (assessment === undefined) {
      assessment = assessPolicy(text, rule);
      byText.set(text, assessment);
    }
    return assessment;
  };
}

/**
 * Brings one repository's policy up to the janitor's standard: merges the default rule when the
 * policy does not expire untagged images. A compliant repository costs one read (none when its
 * policy is known); tags are read only when a write is due (or the policy cannot be merged, as an
 * opted-out repository is never a failure). The policy is assessed once per text it is seen with;
 * writes go through {@link safeWrite}: never a text decided from a stale read.
 *
 * With `options.guard`, a write that is due is judged first: the repository's images are read (unless
 * known) with what is in use in its region, and a merged policy that would remove an image in use
 * within the horizon is not written (`held-in-use`, listing the images and their consumers). The
 * judgement is made again for every other text the write loop is about to send.
 *
 * @example const action = await remediateRepository({ reader: registry, writer: registry }, ref, { days: 7, apply: true, … });
 */
export async function remediateRepository(
  target: RemediationTarget,
  ref: RepositoryRef,
  options: RemediateOptions,
  known: KnownState = {},
): Promise<RemediationAction> {
  const { reader, writer } = target;
  const head = { region: reader.region, repositoryName: ref.repositoryName };
  if (excludeMatcher(options.selection.exclude)(ref.repositoryName))
    return { ...head, outcome: 'skipped-excluded', before: null, message: 'name matches an exclude glob' };
  const before = known.policyText !== undefined ? known.policyText : ((await reader.getLifecyclePolicy(ref.repositoryName)) ?? null);
  const rule = ruleOf(options);
  const assess = assessments(rule, known.assessment);
  let judge: Judge | undefined;
  const plan = (current: string | null, basedOnReadAt?: number): Decision => {
    const assessment = assess(current);
    const { change } = assessment;
    if (change.kind === 'unmergeable') return { done: { ...head, outcome: 'unmergeable', before: current, message: change.reason } };
    if (change.kind === 'none')
      return { done: { ...head, outcome: 'compliant', before: current, ...(change.note ? { message: change.note } : {}) } };
    const judgement: WriteJudgement | undefined = judge?.(change.policy, change.text);
    if (judgement?.hold) {
      const why = heldMessage(judgement.atRisk, options.guard?.horizonDays ?? 0);
      return heldDecision(head, current, judgement, `${why}; not written, the next run decides again`);
    }
    const notes = notesOf(judgement, options.guard);
    if (basedOnReadAt === undefined) return { write: change.text, ...changesOf(change), notes };
    let stamped;
    try {
      stamped = stampedWrite(assessment, rule, basedOnReadAt);
    } catch (error) {
      if (error instanceof JanitorError) return { done: { ...head, outcome: 'unmergeable', before: current, message: error.message } };
      throw error;
    }
    return { write: stamped.text, ...changesOf(stamped), notes };
  };
  const first = plan(before);
  if ('done' in first && first.done.outcome === 'compliant') return first.done;
  const tags = known.tags ?? (await reader.listTags(ref));
  if (isOptedOut(tags, options.selection.optOutTag))
    return { ...head, outcome: 'skipped-opt-out', before: null, message: `tagged ${options.selection.optOutTag}=true` };
  if ('done' in first) return first.done;
  let due = first;
  if (options.guard) {
    // A write is due: judge it against the repository's images and what is in use in its region.
    judge = await guardOf(reader, ref, options.guard, known.images);
    const judged = plan(before);
    if ('done' in judged) return judged.done;
    due = judged;
  }
  if (!options.apply || !writer) {
    const { outcome: _outcome, ...notes } = due.notes ?? {};
    return { ...head, outcome: 'planned', before, after: due.write, ...changesOf(due), ...notes };
  }
  return safeWrite({
    target: { reader, writer },
    ref,
    base: before,
    decide: plan,
    recheckTags: known.tags !== undefined,
    selection: options.selection,
    pacing: pacingOf(options),
    signal: options.signal,
  });
}
