import { MergeError } from '../errors';
import { parsePolicy, problemLines, type PolicyParseResult } from './validate';
import type { LifecyclePolicy, LifecycleRule } from './types';
import { POLICY_LIMITS, policyExpiresUntaggedImages, storageClassOf } from './types';
import { DEFAULT_UNTAGGED_DAYS } from '../defaults';

/**
 * The description that marks a rule as added by ecr-janitor. A rule the janitor writes also records
 * the time as of which the policy it merged into was current (`basedOnReadAt`: when it was read, or
 * the time of the team's call it restores): that is how a later event can tell that a team's write
 * landed after that time and was overwritten by the janitor's write (see janitor-write.ts).
 */
export function janitorRuleDescription(days: number, basedOnReadAt?: number): string {
  const read = basedOnReadAt === undefined ? '' : `; merged into the policy read at ${new Date(basedOnReadAt).toISOString()}`;
  return `Expire untagged images ${days} days after push (added by ecr-janitor${read})`;
}

/** The janitor's default rule at a given priority; `basedOnReadAt` stamps a rule about to be written. */
export function defaultUntaggedRule(days: number, rulePriority: number, basedOnReadAt?: number): LifecycleRule {
  if (!Number.isInteger(days) || days < 1 || days > POLICY_LIMITS.maxInteger)
    throw new MergeError(
      `days must be a whole number from 1 to ${POLICY_LIMITS.maxInteger} (ECR's largest countNumber), got ${days}; pass e.g. 7`,
    );
  return {
    rulePriority,
    description: janitorRuleDescription(days, basedOnReadAt),
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  };
}

/** Options of {@link mergeDefaultRule}. */
export interface MergeOptions {
  /**
   * When the merged policy is about to be written: the time (epoch ms) the existing policy was read,
   * recorded in the added rule's description. @default none: the plain description (plans, previews)
   */
  basedOnReadAt?: number;
}

/** Outcome of {@link mergeDefaultRule}. */
export interface MergeResult {
  /** The policy to apply. */
  policy: LifecyclePolicy;
  /** Its text: the input text itself when unchanged, else compact JSON. */
  text: string;
  /** False when the policy already expires untagged images and came back as it was. */
  changed: boolean;
  /** True when existing priorities had to be renumbered (their order kept). */
  renumbered: boolean;
}

/**
 * Adds the janitor's default rule (expire untagged images `days` after push) to a policy that
 * does not already expire untagged standard images. Existing rules are kept unchanged; priorities
 * are renumbered, in order, only when the standard `any` rule must stay last and no free priority
 * sits before it. Idempotent: merging a merged policy changes nothing.
 *
 * @param existingText the repository's policy text, or undefined when it has none
 * @throws MergeError when the existing policy is invalid or the rule cannot fit
 * @example
 * const { text, changed } = mergeDefaultRule(undefined, 7); // the default policy alone
 */
export function mergeDefaultRule(
  existingText: string | undefined,
  days: number = DEFAULT_UNTAGGED_DAYS,
  options: MergeOptions = {},
): MergeResult {
  return mergeDefaultRuleInto(
    existingText === undefined ? undefined : { text: existingText, parsed: parsePolicy(existingText) },
    days,
    options,
  );
}

/**
 * {@link mergeDefaultRule} into a policy already parsed, so a caller that holds the parse (a
 * repository's assessment) does not parse the same text again.
 *
 * @param existing the repository's policy text with its parse, or undefined when it has none
 * @throws MergeError when the existing policy is invalid or the rule cannot fit
 * @example mergeDefaultRuleInto({ text, parsed: parsePolicy(text) }, 7).changed
 */
export function mergeDefaultRuleInto(
  existing: { text: string; parsed: PolicyParseResult } | undefined,
  days: number = DEFAULT_UNTAGGED_DAYS,
  options: MergeOptions = {},
): MergeResult {
  const rule = (priority: number): LifecycleRule => defaultUntaggedRule(days, priority, options.basedOnReadAt);
  if (existing === undefined) {
    const policy: LifecyclePolicy = { rules: [rule(1)] };
    return { policy, text: JSON.stringify(policy), changed: true, renumbered: false };
  }
  const { parsed, text: existingText } = existing;
  if (!parsed.ok) {
    throw new MergeError(
      `the existing lifecycle policy is not valid, so the default rule cannot be merged into it:\n  - ${problemLines(parsed).join('\n  - ')}`,
    );
  }
  const current = parsed.policy;
  if (policyExpiresUntaggedImages(current)) return { policy: current, text: existingText, changed: false, renumbered: false };

  const conflicting = current.rules.find((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'untagged');
  if (conflicting) {
    throw new MergeError(
      `rule ${conflicting.rulePriority} already selects untagged standard images (action "${conflicting.action.type}") and ECR allows one such rule, so the expire rule cannot be added; change that rule's action to "expire" or remove it`,
    );
  }
  if (current.rules.length >= POLICY_LIMITS.maxRules) {
    throw new MergeError(
      `the policy already has ${current.rules.length} rules, the most ECR allows; remove a rule to make room for the untagged-image rule`,
    );
  }

  const sorted = [...current.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const anyRule = sorted.find((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'any');
  let rules: LifecycleRule[];
  let renumbered = false;
  const top = sorted[sorted.length - 1]?.rulePriority ?? 0;
  if (!anyRule && top < POLICY_LIMITS.maxInteger) {
    rules = [...current.rules, rule(top + 1)];
  } else if (!anyRule) {
    // The highest priority is ECR's largest integer: the rule goes last, every priority renumbered in order.
    renumbered = true;
    rules = [...sorted, rule(0)].map((r, i) => ({ ...r, rulePriority: i + 1 }));
  } else {
    // The untagged rule must come before the standard `any` rule, which must stay last in its class.
    const below = sorted.filter((r) => r.rulePriority < anyRule.rulePriority);
    let free = (below[below.length - 1]?.rulePriority ?? 0) + 1;
    if (free >= anyRule.rulePriority) {
      // No gap right above the other rules, so any unused priority below the any rule will do, since
      // the untagged rule selects images no tagged rule does.
      const used = new Set(below.map((r) => r.rulePriority));
      for (let p = 1; p < anyRule.rulePriority; p++) {
        if (!used.has(p)) {
          free = p;
          break;
        }
      }
    }
    if (free < anyRule.rulePriority) {
      rules = [...current.rules, rule(free)];
    } else {
      renumbered = true;
      const inserted = [...below, rule(0), ...sorted.slice(below.length)];
      rules = inserted.map((r, i) => ({ ...r, rulePriority: i + 1 }));
    }
  }
  const policy: LifecyclePolicy = { rules };
  const text = JSON.stringify(policy);
  if (text.length > POLICY_LIMITS.maxLength) {
    throw new MergeError(
      `with the untagged-image rule the policy would be ${text.length} characters, over ECR's limit of ${POLICY_LIMITS.maxLength}; shorten descriptions or remove rules`,
    );
  }
  const check = parsePolicy(text);
  if (!check.ok) {
    // Unreachable for valid input; kept so a merge can never hand ECR a policy it rejects.
    throw new MergeError(`the merged policy would not be valid: ${problemLines(check).join('; ')}`);
  }
  return { policy, text, changed: true, renumbered };
}
