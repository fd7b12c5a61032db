import { defaultUntaggedRule } from './merge';
import type { LifecyclePolicy, LifecycleRule } from './types';
import { parsePolicy } from './validate';

/** What the janitor's stamped rule says about the write that put it there. */
export interface JanitorWrite {
  /** The age in days of the janitor's rule. */
  days: number;
  /** When the janitor read the policy it merged into (epoch ms). */
  basedOnReadAt: number;
}

/** CloudTrail records `eventTime` to the second. */
const EVENT_TIME_RESOLUTION_MS = 1000;

const STAMPED = /^Expire untagged images (\d+) days after push \(added by ecr-janitor; merged into the policy read at (\S+)\)$/;
const ANY_JANITOR_RULE = /\(added by ecr-janitor(?:; [^)]*)?\)$/;

/**
 * True for the description of a rule the janitor added (stamped or not, whatever its age), as a
 * policy stores it and as ECR repeats it in its `PolicyExecutionEvent`s.
 *
 * @example isJanitorRuleDescription('Expire untagged images 7 days after push (added by ecr-janitor)') // true
 */
export function isJanitorRuleDescription(description: string | null | undefined): boolean {
  return typeof description === 'string' && ANY_JANITOR_RULE.test(description);
}

function isJanitorRule(rule: LifecycleRule): boolean {
  return isJanitorRuleDescription(rule.description);
}

/**
 * Recognises a policy text exactly as the janitor writes it: compact JSON holding one rule with the
 * janitor's stamped description, byte for byte the rule `defaultUntaggedRule` builds. A team's text
 * that merely contains a copy of the rule (re-serialised by Terraform's `jsonencode`, pretty-printed,
 * edited) is not recognised, so it is never taken for a janitor write.
 *
 * @example janitorWriteOf(storedText)?.basedOnReadAt // when the janitor read the policy it wrote over
 */
export function janitorWriteOf(text: string | undefined): JanitorWrite | undefined {
  return readJanitorWrite(text)?.write;
}

/** {@link janitorWriteOf}, with the policy the text holds. */
function readJanitorWrite(text: string | undefined): { write: JanitorWrite; policy: LifecyclePolicy } | undefined {
  if (text === undefined) return undefined;
  const parsed = parsePolicy(text);
  if (!parsed.ok || JSON.stringify(parsed.policy) !== text) return undefined;
  const stamped = parsed.policy.rules.filter((r) => r.description !== undefined && STAMPED.test(r.description));
  const [rule] = stamped;
  if (rule === undefined || stamped.length !== 1) return undefined;
  const [, days = '', readAt = ''] = STAMPED.exec(rule.description ?? '') ?? [];
  const basedOnReadAt = Date.parse(readAt);
  if (!Number.isFinite(basedOnReadAt) || new Date(basedOnReadAt).toISOString() !== readAt) return undefined;
  const expected = defaultUntaggedRule(Number(days), rule.rulePriority, basedOnReadAt);
  return JSON.stringify(rule) === JSON.stringify(expected)
    ? { write: { days: Number(days), basedOnReadAt }, policy: parsed.policy }
    : undefined;
}

/** A value with its object keys sorted, so two rules compare equal whatever order their keys were written in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The team's own rules of a policy, in priority order, without priorities (a merge may renumber them) or the janitor's rule. */
function teamRules(policy: LifecyclePolicy | undefined): string[] {
  if (policy === undefined) return [];
  return [...policy.rules]
    .filter((rule) => !isJanitorRule(rule))
    .sort((a, b) => a.rulePriority - b.rulePriority)
    .map(({ rulePriority: _priority, ...rest }) => JSON.stringify(canonical(rest)));
}

/**
 * True when the stored policy is a janitor write merged from a policy read before `teamWrittenAt`,
 * and it lacks the rules of the team's write at that time: the team's write landed between the
 * janitor's read and its write and was overwritten. (ECR has no conditional write, so that window
 * cannot be closed; this is how it is detected afterwards.)
 *
 * @param storedText the policy stored now, or undefined when there is none
 * @param teamText the policy the team wrote (undefined for a `DeleteLifecyclePolicy`)
 * @param teamWrittenAt the time of the team's call (the CloudTrail event's time), epoch ms
 * @example isLostTeamWrite(stored, event.detail.requestParameters.lifecyclePolicyText, Date.parse(event.detail.eventTime))
 */
export function isLostTeamWrite(storedText: string | undefined, teamText: string | undefined, teamWrittenAt: number): boolean {
  const stored = readJanitorWrite(storedText);
  // CloudTrail's eventTime has whole seconds: the team's call happened within the second after it.
  if (stored === undefined || !(stored.write.basedOnReadAt < teamWrittenAt + EVENT_TIME_RESOLUTION_MS)) return false;
  let team: LifecyclePolicy | undefined;
  if (teamText !== undefined) {
    const parsed = parsePolicy(teamText);
    // A team text the janitor cannot read is not restored (nothing could be merged into it).
    if (!parsed.ok) return false;
    team = parsed.policy;
  }
  const a = teamRules(stored.policy);
  const b = teamRules(team);
  return a.length !== b.length || a.some((rule, i) => rule !== b[i]);
}

/**
 * True when the policy `storedText` holds exactly the team's own rules of `teamText` (whatever
 * priorities a merge gave them, and whatever the janitor added): the team's write is in place, with
 * or without the janitor's rule. Both absent (a deleted policy, and none stored) count as held.
 *
 * @example holdsTeamRules(stored, teamText) // false once a janitor write from an older read replaced it
 */
export function holdsTeamRules(storedText: string | undefined, teamText: string | undefined): boolean {
  const rulesOf = (text: string | undefined): string[] | undefined => {
    if (text === undefined) return [];
    const parsed = parsePolicy(text);
    return parsed.ok ? teamRules(parsed.policy) : undefined;
  };
  const stored = rulesOf(storedText);
  const team = rulesOf(teamText);
  if (stored === undefined || team === undefined) return storedText === teamText;
  return stored.length === team.length && stored.every((rule, i) => rule === team[i]);
}
