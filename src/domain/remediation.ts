import { JanitorError } from './errors';
import type { AtRiskImage, GuardContext } from './in-use-guard';
import { judgeWrite, referrersAtRiskOf, removedBy } from './in-use-guard';
import type { LifecyclePolicy, PolicyParseResult, RemediatedPolicy, RemediationSettings } from './policy';
import { formatProblem, parsePolicy, policyExpiresUntaggedImages, problemCount, remediatedPolicyOf } from './policy';
import type { PolicyStatus } from './report';
import type { ReportError } from './report-problems';
import { DAY_MS } from './time';

/** What remediation did, or would do, to one repository. */
export type RemediationOutcome =
  /** The merged policy was written. */
  | 'applied'
  /** Dry run: the merged policy would be written. */
  | 'planned'
  /** The policy already expires untagged images: nothing to do. */
  | 'compliant'
  | 'skipped-opt-out'
  | 'skipped-excluded'
  /** The policy kept changing between the janitor's reads; left alone, the next run decides again. */
  | 'skipped-changed'
  /** The default rule cannot be merged (rule limit, length, a conflicting rule, an invalid policy). */
  | 'unmergeable'
  /** An AWS error; see `message`. */
  | 'failed'
  /** The run stopped (its time ran out, or it was interrupted) before this repository was done. */
  | 'not-reached'
  /**
   * The write's answer was lost (a timeout, a 5xx, a dropped connection) and reading back did not
   * show it: it may still land. Nothing more was written to the repository in this run, so no later
   * write can be overtaken by it; the next run decides.
   */
  | 'unknown-outcome'
  /**
   * The in-use guard held the write: the merged policy would remove an image a workload still
   * pulls (listed in `inUseAtRisk`), or what the region's workloads use could not be read. A
   * decision, not a failure; the next run decides again.
   */
  | 'held-in-use';

/** One repository's remediation. */
export interface RemediationAction {
  region: string;
  repositoryName: string;
  outcome: RemediationOutcome;
  /** The policy text before, or null when there was none. */
  before: string | null;
  /** The policy text written or planned. */
  after?: string;
  /** Priorities were renumbered (order kept) to keep the `any` rule last. */
  renumbered?: boolean;
  /**
   * `applied` (and `unknown-outcome`): what reading the policy back right after the write found — the
   * text written (`matches`), another text (`changed`), or nothing readable (`unreadable`).
   */
  readBack?: 'matches' | 'changed' | 'unreadable';
  /** `applied` (and `unknown-outcome`): the round of the write loop whose write was sent (1 unless throttled or changed first). */
  writeAttempts?: number;
  /** The untagged rule shortened to the enforced maximum untagged age (`--max-untagged-days`, parameter `maxUntaggedDays`). */
  shortened?: { rulePriority: number; fromDays: number; toDays: number };
  message?: string;
  /**
   * In-use images the written (or planned, or held) policy removes within the guard's horizon, with
   * their consumers; present when the guard judged the write.
   */
  inUseAtRisk?: AtRiskImage[];
  /**
   * Untagged referrers (signatures, SBOMs, attestations) the written (or planned) policy expires
   * within the guard's horizon while their subject stays; present when the repository's images were read.
   */
  referrersAtRisk?: number;
}

/** Outcome of a remediation run. */
export interface RemediationResult {
  actions: RemediationAction[];
  errors: ReportError[];
}

/** The rule remediation enforces: the default rule's age and, when set, the enforced maximum untagged age. */
export type RemediationRule = Omit<RemediationSettings, 'basedOnReadAt'>;

/** What remediation would change in a policy, decided once from its parse. */
export type PolicyChange =
  /** Nothing: the policy expires untagged images (and keeps none longer than an enforced maximum). */
  | { kind: 'none'; note?: string }
  /**
   * The default rule merged in, or an untagged rule shortened: `policy` is the result as a plan shows
   * it (the janitor's rule not yet stamped with the read it is based on; see {@link stampedWrite}).
   */
  | { kind: 'merge'; policy: LifecyclePolicy; text: string; renumbered: boolean; shortened?: RemediatedPolicy['shortened']; note?: string }
  /** The change cannot be made (an invalid policy, a conflicting rule, no room): reported, never written. */
  | { kind: 'unmergeable'; reason: string };

/**
 * One repository's policy as remediation and the audit see it, computed once from one parse: its
 * status, the policy itself when valid (or why it is not), and the change the rule needs. The
 * audit, the write and the event handlers all decide from it; nothing parses the text again until
 * the stamped text is built for the write.
 */
export interface PolicyAssessment {
  /** The policy text assessed (null: none). */
  readonly text: string | null;
  /** Missing, present without untagged cleanup (or not valid), or ok. */
  readonly status: PolicyStatus;
  /** The repository's own policy, when its text is valid. */
  readonly policy?: LifecyclePolicy;
  /** Why the stored text is not a valid policy (it is then neither evaluated nor changed). */
  readonly invalid?: string;
  /** What the rule changes. */
  readonly change: PolicyChange;
  /** The parse of `text`, kept so the write stamps the merge without parsing again. */
  readonly parsed?: PolicyParseResult;
}

/** How many of an invalid policy's problems the `invalid` message spells out; the rest are counted. */
const PROBLEMS_SHOWN = 3;

/** The message for a stored policy that is not valid. */
function invalidMessage(parsed: Extract<PolicyParseResult, { ok: false }>): string {
  const n = problemCount(parsed);
  const shown = parsed.problems.slice(0, PROBLEMS_SHOWN).map(formatProblem).join(' ');
  const more = n > PROBLEMS_SHOWN ? ` (and ${n - PROBLEMS_SHOWN} more)` : '';
  return `stored lifecycle policy is not valid (${n} problem${n === 1 ? '' : 's'}), so it was not evaluated: ${shown}${more}`;
}

/** The merge of an assessed text with `settings`, or why it cannot be made. */
function changeOf(existing: { text: string; parsed: PolicyParseResult } | undefined, rule: RemediationRule): PolicyChange {
  let merged: RemediatedPolicy;
  try {
    merged = remediatedPolicyOf(existing, rule);
  } catch (error) {
    if (error instanceof JanitorError) return { kind: 'unmergeable', reason: error.message };
    throw error;
  }
  if (!merged.changed) return { kind: 'none', ...(merged.note === undefined ? {} : { note: merged.note }) };
  return {
    kind: 'merge',
    policy: merged.policy,
    text: merged.text,
    renumbered: merged.renumbered,
    ...(merged.shortened ? { shortened: merged.shortened } : {}),
    ...(merged.note === undefined ? {} : { note: merged.note }),
  };
}

/**
 * Assesses a repository's policy text against the rule, parsing it once: its status (`missing`,
 * `no-untagged-rule`, `ok`; an invalid text counts as `no-untagged-rule` with `invalid` saying why),
 * and the change remediation would make (`none`, `merge`, or `unmergeable` with the reason).
 *
 * @example assessPolicy(state.lifecyclePolicyText, { days: 7 }).change.kind // 'merge'
 */
export function assessPolicy(text: string | null, rule: RemediationRule): PolicyAssessment {
  if (text === null) return { text, status: 'missing', change: changeOf(undefined, rule) };
  const parsed = parsePolicy(text);
  const change = changeOf({ text, parsed }, rule);
  if (!parsed.ok) return { text, status: 'no-untagged-rule', invalid: invalidMessage(parsed), change, parsed };
  const status = policyExpiresUntaggedImages(parsed.policy) ? 'ok' : 'no-untagged-rule';
  return { text, status, policy: parsed.policy, change, parsed };
}

/**
 * The text to write for an assessment whose change is a merge: the same merge, its rule stamped with
 * the time of the read the write is based on (so a later event can tell a team's write that landed
 * after that read; see janitor-write.ts). Built from the assessment's parse.
 *
 * @throws MergeError when the stamped policy no longer fits (the stamp lengthens the rule's description)
 * @example stampedWrite(assessment, { days: 7 }, readAt).text
 */
export function stampedWrite(assessment: PolicyAssessment, rule: RemediationRule, basedOnReadAt: number): RemediatedPolicy {
  const { text, parsed } = assessment;
  return remediatedPolicyOf(text === null || parsed === undefined ? undefined : { text, parsed }, { ...rule, basedOnReadAt });
}

/** What the in-use guard says about writing one policy to a repository. */
export interface WriteJudgement {
  /** The write must be held: an image in use (or any image, while a source is unknown) would be removed within the horizon. */
  hold: boolean;
  /** The in-use images the policy removes within the horizon, with their consumers. */
  atRisk: AtRiskImage[];
  /** Untagged referrers the policy expires within the horizon while their subject stays. */
  referrersAtRisk: number;
}

/** How the guard judges: from when, how far ahead, and whether it holds writes or only reports. */
export interface JudgeOptions {
  /** Epoch ms the guard judges from. */
  now: number;
  /** Days ahead the policy is evaluated for images in use. */
  horizonDays: number;
  /** False (`--guard off`): judge and report, never hold. */
  enabled: boolean;
}

/**
 * The in-use guard's judge of the policies that may be written to one repository: pure, over the
 * repository's images and what is in use, so the same judgement can be made again (or memoised) for
 * every text about to be written.
 *
 * @example const judge = writeJudge(guardContextOf(images, referenced, unknown), { now, horizonDays: 7, enabled: true }); judge(change.policy).hold
 */
export function writeJudge(context: GuardContext, options: JudgeOptions): (policy: LifecyclePolicy) => WriteJudgement {
  return (policy) => {
    const verdict = judgeWrite(policy, context, options);
    // Referrers as the guard sees images: over its horizon, so that a plan names the signatures the
    // default rule would expire in the coming days, not only those old enough today.
    const { expired, doomed } = removedBy(policy, context.images, context.graph, options.now + options.horizonDays * DAY_MS);
    return {
      hold: options.enabled && verdict.hold,
      atRisk: verdict.atRisk,
      referrersAtRisk: referrersAtRiskOf(context.graph, expired, doomed),
    };
  };
}
