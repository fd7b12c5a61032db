import { MergeError } from '../errors';
import { janitorRuleDescription, mergeDefaultRuleInto, type MergeResult } from './merge';
import type { LifecyclePolicy, LifecycleRule } from './types';
import { POLICY_LIMITS, storageClassOf } from './types';
import { parsePolicy, problemLines, type PolicyParseResult } from './validate';

/**
 * The rule that decides what becomes of untagged images of the standard class: the first rule, by
 * ascending `rulePriority`, that selects them (`untagged` or `any`). Later rules may count those
 * images but never act on them (ECR-FACTS §1), and tagged rules never select them.
 *
 * @example untaggedOwner(policy)?.rulePriority // 2
 */
export function untaggedOwner(policy: LifecyclePolicy): LifecycleRule | undefined {
  let owner: LifecycleRule | undefined;
  for (const rule of policy.rules) {
    if (storageClassOf(rule) !== 'standard' || rule.selection.tagStatus === 'tagged') continue;
    if (owner === undefined || rule.rulePriority < owner.rulePriority) owner = rule;
  }
  return owner;
}

/**
 * The days after push at which the policy expires an untagged standard image, or null when it
 * never expires one by age (no rule selects them, the first that does keeps a count, or archives).
 *
 * @example untaggedRetentionDays(policy) // 14
 */
export function untaggedRetentionDays(policy: LifecyclePolicy): number | null {
  return ageExpiringOwner(policy)?.selection.countNumber ?? null;
}

/** The {@link untaggedOwner} when it expires untagged images by age after push; undefined otherwise. */
function ageExpiringOwner(policy: LifecyclePolicy): LifecycleRule | undefined {
  const owner = untaggedOwner(policy);
  return owner?.action.type === 'expire' && owner.selection.countType === 'sinceImagePushed' ? owner : undefined;
}

const SHORTENED_NOTE = / \(shortened from \d+ to \d+ days by ecr-janitor\)$/;

/**
 * True when remediation with this maximum untagged age would shorten one of the policy's rules
 * (an `untagged` expire rule waiting longer); always false when `maxDays` is undefined (off).
 *
 * @example exceedsMaxUntaggedDays(policy, 30) // true for an untagged rule of 90 days
 */
export function exceedsMaxUntaggedDays(policy: LifecyclePolicy, maxDays: number | undefined): boolean {
  if (maxDays === undefined) return false;
  const owner = ageExpiringOwner(policy);
  return owner !== undefined && owner.selection.tagStatus === 'untagged' && owner.selection.countNumber > maxDays;
}

/** Outcome of {@link shortenUntaggedRetention}. */
export interface ShortenResult {
  policy: LifecyclePolicy;
  /** Compact JSON of the changed policy; the input text when unchanged. */
  text: string;
  changed: boolean;
  /** When changed: the rule shortened and its old and new ages. */
  shortened?: { rulePriority: number; fromDays: number; toDays: number };
  /** Why a long untagged retention was left as it is (an `any` rule: shortening it would expire tagged images too). */
  note?: string;
}

/**
 * Shortens the rule that expires untagged standard images by age to `maxDays` when it waits
 * longer. Only an `untagged` rule is changed (its `countNumber`, and a note in its description);
 * an `any` rule is left alone, since a shorter age would expire tagged images too. Idempotent.
 *
 * @throws MergeError when the shortened policy would be too long for ECR
 * @example shortenUntaggedRetention(policy, text, 30).changed
 */
export function shortenUntaggedRetention(policy: LifecyclePolicy, text: string, maxDays: number): ShortenResult {
  const owner = ageExpiringOwner(policy);
  const unchanged = { policy, text, changed: false } as const;
  if (owner === undefined) return unchanged;
  const fromDays = owner.selection.countNumber;
  if (fromDays <= maxDays) return unchanged;
  if (owner.selection.tagStatus !== 'untagged') {
    return {
      ...unchanged,
      note: `untagged images are expired ${fromDays} days after push by the "any" rule ${owner.rulePriority}; not shortened, as that would expire tagged images sooner too`,
    };
  }
  const base = (owner.description ?? `Expire untagged images ${fromDays} days after push`).replace(SHORTENED_NOTE, '');
  const replacement: LifecycleRule = {
    ...owner,
    // The janitor's own rule keeps saying what it does; a team's rule keeps its words and says what changed.
    description:
      owner.description === janitorRuleDescription(fromDays)
        ? janitorRuleDescription(maxDays)
        : `${base} (shortened from ${fromDays} to ${maxDays} days by ecr-janitor)`,
    selection: { ...owner.selection, countNumber: maxDays },
  };
  const shortened: LifecyclePolicy = { rules: policy.rules.map((rule) => (rule === owner ? replacement : rule)) };
  const newText = JSON.stringify(shortened);
  const check = parsePolicy(newText);
  if (!check.ok) {
    throw new MergeError(
      `untagged rule ${owner.rulePriority} cannot be shortened to ${maxDays} days: the policy would not be valid (${problemLines(check).join('; ')}); shorten descriptions or remove rules`,
    );
  }
  return { policy: shortened, text: newText, changed: true, shortened: { rulePriority: owner.rulePriority, fromDays, toDays: maxDays } };
}

/** Outcome of {@link remediatedPolicy}. */
export interface RemediatedPolicy extends MergeResult {
  /** The untagged rule that was shortened to the maximum age. */
  shortened?: ShortenResult['shortened'];
  /** Why a long untagged retention was left alone. */
  note?: string;
}

/** Settings of {@link remediatedPolicy}: the rule remediation enforces. */
export interface RemediationSettings {
  /** Age in days of the default untagged-image rule. */
  days: number;
  /**
   * The enforced maximum untagged age: when set, an untagged rule that waits longer is shortened to
   * this many days. (Not the lint's limit, which only reports.) @default undefined (off)
   */
  enforcedMaxUntaggedDays?: number;
  /** The read time recorded in the janitor's rule when the result is about to be written (see mergeDefaultRule). */
  basedOnReadAt?: number;
}

/**
 * What the janitor makes of a repository's policy: the default rule merged in when untagged images
 * are never expired, then, with `enforcedMaxUntaggedDays`, a longer untagged age rule shortened.
 *
 * @throws MergeError when the policy is invalid or cannot take the change
 * @example remediatedPolicy(text, { days: 7, enforcedMaxUntaggedDays: 30 }).changed
 */
export function remediatedPolicy(existingText: string | undefined, settings: RemediationSettings): RemediatedPolicy {
  return remediatedPolicyOf(existingText === undefined ? undefined : { text: existingText, parsed: parsePolicy(existingText) }, settings);
}

/**
 * {@link remediatedPolicy} of a policy already parsed (a repository's assessment holds the parse).
 *
 * @throws MergeError when the policy is invalid or cannot take the change
 * @example remediatedPolicyOf({ text, parsed: parsePolicy(text) }, { days: 7, basedOnReadAt: readAt }).text
 */
export function remediatedPolicyOf(
  existing: { text: string; parsed: PolicyParseResult } | undefined,
  settings: RemediationSettings,
): RemediatedPolicy {
  const { days, enforcedMaxUntaggedDays: maxDays } = settings;
  if (maxDays !== undefined && (!Number.isInteger(maxDays) || maxDays < days || maxDays > POLICY_LIMITS.maxInteger)) {
    throw new MergeError(
      `the maximum untagged age must be a whole number of days from ${days} (the default rule's age) to ${POLICY_LIMITS.maxInteger}, got ${maxDays}`,
    );
  }
  const merged = mergeDefaultRuleInto(
    existing,
    days,
    settings.basedOnReadAt === undefined ? {} : { basedOnReadAt: settings.basedOnReadAt },
  );
  if (maxDays === undefined) return merged;
  const result = shortenUntaggedRetention(merged.policy, merged.text, maxDays);
  return {
    policy: result.policy,
    text: result.text,
    changed: merged.changed || result.changed,
    renumbered: merged.renumbered,
    ...(result.shortened ? { shortened: result.shortened } : {}),
    ...(result.note ? { note: result.note } : {}),
  };
}
