import { InvalidPolicyError } from '../errors';
import type { LifecyclePolicy, StorageClass, TagStatus } from './types';
import { POLICY_LIMITS } from './types';
import { isPolicyShaped } from './shape';

/** One reason ECR would reject a policy: where (rule and field), what, and how to fix it. */
export interface PolicyProblem {
  /** 1-based position of the rule in `rules`, when the problem is in a rule. */
  position?: number;
  /** The rule's `rulePriority`, when it has a usable one. */
  priority?: number;
  /** JSON path of the field, e.g. `selection.countUnit`. */
  field: string;
  message: string;
  fix: string;
  /** Set on problems that come from comparing rules (priorities, untagged and `any` rules, prefixes). */
  crossRule?: true;
}

/**
 * Outcome of {@link parsePolicy}: the typed policy, or the problems found. At most
 * {@link MAX_PROBLEMS_KEPT} problems are kept; `omittedProblems` counts the others.
 */
export type PolicyParseResult =
  | { ok: true; policy: LifecyclePolicy; problems: [] }
  | { ok: false; policy?: undefined; problems: PolicyProblem[]; omittedProblems: number };

/**
 * The most problems {@link parsePolicy} keeps. A policy ECR could hold (50 rules) has far fewer; a
 * pasted file of 200,000 broken rules would otherwise build a list as large as the file.
 */
export const MAX_PROBLEMS_KEPT = 1000;

/** Renders a problem as one line: `rule #2 (priority 5) selection.countUnit: … Fix: …`. */
export function formatProblem(p: PolicyProblem): string {
  const where = p.position === undefined ? 'policy' : `rule #${p.position}${p.priority === undefined ? '' : ` (priority ${p.priority})`}`;
  return `${where} ${p.field}: ${p.message}. Fix: ${p.fix}.`;
}

/**
 * Every kept problem as a line, then `… and N more problems` when some were not kept.
 *
 * @example problemLines(parsePolicy(text)) // ['rule #1 (priority 1) selection: … Fix: ….']
 */
export function problemLines(result: { problems: readonly PolicyProblem[]; omittedProblems?: number }): string[] {
  const lines = result.problems.map(formatProblem);
  if (result.omittedProblems !== undefined && result.omittedProblems > 0)
    lines.push(
      `… and ${result.omittedProblems} more problems (only the first ${result.problems.length} are listed; fix these and run again)`,
    );
  return lines;
}

/** The number of problems found, kept or not. */
export function problemCount(result: { problems: readonly PolicyProblem[]; omittedProblems?: number }): number {
  return result.problems.length + (result.omittedProblems ?? 0);
}

/** Keeps the first {@link MAX_PROBLEMS_KEPT} problems and counts the rest. */
class Problems {
  readonly kept: PolicyProblem[] = [];
  omitted = 0;

  add(problem: PolicyProblem): void {
    if (this.kept.length < MAX_PROBLEMS_KEPT) this.kept.push(problem);
    else this.omitted++;
  }
}

const RULE_KEYS = new Set(['rulePriority', 'description', 'selection', 'action']);
const SELECTION_KEYS = new Set(['tagStatus', 'tagPatternList', 'tagPrefixList', 'storageClass', 'countType', 'countUnit', 'countNumber']);
const ACTION_KEYS = new Set(['type', 'targetStorageClass']);
const TAG_STATUSES = ['tagged', 'untagged', 'any'];
const COUNT_TYPES = ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned'];
const STORAGE_CLASSES = ['standard', 'archive'];
const ACTION_TYPES = ['expire', 'transition'];
const MAX_INTEGER = POLICY_LIMITS.maxInteger;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function quote(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/**
 * What the cross-rule checks need to know of a rule. A field the rule gets wrong is left out, so a
 * rule with its own problems still takes part in every check its valid fields allow.
 */
interface RuleFacts {
  position: number;
  priority?: number;
  tagStatus?: TagStatus;
  /** Undefined when the rule is not an object or names an unknown class. */
  storageClass?: StorageClass;
  /** The non-empty entries of its `tagPrefixList`, unless the rule is untagged or any. */
  prefixes: readonly string[];
}

/** Checks a `countNumber`-like whole number: 1 to ECR's 32-bit maximum. */
function integerProblem(value: unknown): string | undefined {
  if (!isPositiveInteger(value)) return `must be a positive integer, got ${quote(value)}`;
  if (value > MAX_INTEGER) return `is ${quote(value)}; ECR accepts at most ${MAX_INTEGER} (a 32-bit integer)`;
  return undefined;
}

/** Validates one rule's own fields; returns what the cross-rule checks can use of it. */
function validateRule(raw: unknown, position: number, problems: Problems): RuleFacts {
  if (!isObject(raw)) {
    problems.add({
      position,
      field: '(rule)',
      message: `must be an object, got ${quote(raw)}`,
      fix: 'write the rule as {"rulePriority":…,"selection":{…},"action":{…}}',
    });
    return { position, prefixes: [] };
  }
  const priority = isPositiveInteger(raw.rulePriority) && raw.rulePriority <= MAX_INTEGER ? raw.rulePriority : undefined;
  const add = (field: string, message: string, fix: string): void => {
    problems.add({ position, ...(priority === undefined ? {} : { priority }), field, message, fix });
  };

  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) add(key, 'is not a field of a lifecycle rule', `remove "${key}" (allowed: ${[...RULE_KEYS].join(', ')})`);
  }
  if (raw.rulePriority === undefined) add('rulePriority', 'is missing', 'give the rule a unique integer priority of 1 or more');
  else if (priority === undefined) {
    add(
      'rulePriority',
      isPositiveInteger(raw.rulePriority)
        ? `is ${quote(raw.rulePriority)}; ECR accepts at most ${MAX_INTEGER} (a 32-bit integer)`
        : `must be an integer of 1 or more, got ${quote(raw.rulePriority)}`,
      'use a whole number such as 1, 2, 10',
    );
  }
  if (raw.description !== undefined && typeof raw.description !== 'string')
    add('description', `must be a string, got ${quote(raw.description)}`, 'write the description as text or remove it');

  const sel = raw.selection;
  const act = raw.action;
  if (!isObject(sel)) {
    add(
      'selection',
      sel === undefined ? 'is missing' : `must be an object, got ${quote(sel)}`,
      'add "selection": {"tagStatus":…,"countType":…,"countNumber":…}',
    );
  }
  if (!isObject(act)) {
    add('action', act === undefined ? 'is missing' : `must be an object, got ${quote(act)}`, 'add "action": {"type":"expire"}');
  }

  let tagStatus: TagStatus | undefined;
  let countType: string | undefined;
  // Without a selection the class is unknown; with one, ECR's default applies.
  let storageClass: StorageClass | undefined = isObject(sel) ? 'standard' : undefined;
  let actionType: string | undefined;
  let prefixes: string[] = [];

  if (isObject(sel)) {
    for (const key of Object.keys(sel)) {
      if (!SELECTION_KEYS.has(key))
        add(`selection.${key}`, 'is not a field of a rule selection', `remove "${key}" (allowed: ${[...SELECTION_KEYS].join(', ')})`);
    }
    if (sel.tagStatus === undefined) add('selection.tagStatus', 'is missing', 'set it to "tagged", "untagged" or "any"');
    else if (!TAG_STATUSES.includes(sel.tagStatus as string))
      add(
        'selection.tagStatus',
        `must be "tagged", "untagged" or "any", got ${quote(sel.tagStatus)}`,
        'use one of the three values (lower case)',
      );
    else tagStatus = sel.tagStatus as TagStatus;

    if (sel.storageClass !== undefined) {
      if (!STORAGE_CLASSES.includes(sel.storageClass as string)) {
        storageClass = undefined;
        add(
          'selection.storageClass',
          `must be "standard" or "archive", got ${quote(sel.storageClass)}`,
          'use "standard" (the default) or "archive"',
        );
      } else storageClass = sel.storageClass as StorageClass;
    }

    const hasPatterns = sel.tagPatternList !== undefined;
    const hasPrefixes = sel.tagPrefixList !== undefined;
    if (tagStatus === 'tagged') {
      if (hasPatterns && hasPrefixes)
        add('selection', 'has both tagPatternList and tagPrefixList', 'keep one of the two lists (split the rule in two if you need both)');
      else if (!hasPatterns && !hasPrefixes)
        add(
          'selection',
          'tagStatus "tagged" needs tagPatternList or tagPrefixList',
          'add "tagPatternList": ["prod*"] or "tagPrefixList": ["prod"]',
        );
    } else if (tagStatus !== undefined) {
      if (hasPatterns)
        add(
          'selection.tagPatternList',
          `is only allowed with tagStatus "tagged", not "${tagStatus}"`,
          'remove the list or set tagStatus to "tagged"',
        );
      if (hasPrefixes)
        add(
          'selection.tagPrefixList',
          `is only allowed with tagStatus "tagged", not "${tagStatus}"`,
          'remove the list or set tagStatus to "tagged"',
        );
    }
    for (const listName of ['tagPatternList', 'tagPrefixList'] as const) {
      const list = sel[listName];
      if (list === undefined) continue;
      const field = `selection.${listName}`;
      if (!Array.isArray(list) || list.length === 0) {
        add(field, `must be a non-empty list of strings, got ${quote(list)}`, `write it as ["prod"]`);
        continue;
      }
      const valid: string[] = [];
      list.forEach((entry: unknown, i: number) => {
        if (typeof entry !== 'string' || entry.length === 0) {
          add(`${field}[${i}]`, `must be a non-empty string, got ${quote(entry)}`, 'remove the entry or give it text');
          return;
        }
        valid.push(entry);
        if (listName === 'tagPatternList') {
          const stars = entry.split('*').length - 1;
          if (stars > POLICY_LIMITS.maxWildcardsPerPattern) {
            add(
              `${field}[${i}]`,
              `pattern ${quote(entry)} has ${stars} wildcards; at most ${POLICY_LIMITS.maxWildcardsPerPattern} are allowed`,
              'use fewer "*" in the pattern',
            );
          }
        }
      });
      if (listName === 'tagPrefixList' && tagStatus !== 'untagged' && tagStatus !== 'any') prefixes = valid;
    }

    if (sel.countType === undefined) add('selection.countType', 'is missing', `set it to one of ${COUNT_TYPES.join(', ')}`);
    else if (!COUNT_TYPES.includes(sel.countType as string))
      add(
        'selection.countType',
        `must be one of ${COUNT_TYPES.join(', ')}, got ${quote(sel.countType)}`,
        'use one of the listed count types',
      );
    else countType = sel.countType as string;

    if (countType === 'imageCountMoreThan') {
      if (sel.countUnit !== undefined)
        add('selection.countUnit', 'is not allowed with countType "imageCountMoreThan"', 'remove "countUnit"');
    } else if (countType !== undefined) {
      if (sel.countUnit === undefined) add('selection.countUnit', `is required with countType "${countType}"`, 'add "countUnit": "days"');
      else if (sel.countUnit !== 'days')
        add('selection.countUnit', `must be "days", got ${quote(sel.countUnit)}`, 'use "countUnit": "days" (the only unit)');
    }
    if (sel.countNumber === undefined) add('selection.countNumber', 'is missing', 'add a positive integer, e.g. "countNumber": 7');
    else {
      const wrong = integerProblem(sel.countNumber);
      if (wrong !== undefined) add('selection.countNumber', wrong, `use a whole number from 1 to ${MAX_INTEGER}`);
      else if (countType === 'sinceImageTransitioned' && (sel.countNumber as number) < POLICY_LIMITS.minDaysInArchive)
        add(
          'selection.countNumber',
          `is ${quote(sel.countNumber)}; images must stay ${POLICY_LIMITS.minDaysInArchive} days in archive before a rule may delete them`,
          `use ${POLICY_LIMITS.minDaysInArchive} or more with "sinceImageTransitioned"`,
        );
    }
  }

  if (isObject(act)) {
    for (const key of Object.keys(act)) {
      if (!ACTION_KEYS.has(key))
        add(`action.${key}`, 'is not a field of a rule action', `remove "${key}" (allowed: type, targetStorageClass)`);
    }
    if (act.type === undefined) add('action.type', 'is missing', 'set it to "expire" or "transition"');
    else if (!ACTION_TYPES.includes(act.type as string))
      add('action.type', `must be "expire" or "transition", got ${quote(act.type)}`, 'use "expire" or "transition"');
    else actionType = act.type as string;

    if (actionType === 'transition') {
      if (act.targetStorageClass !== 'archive') {
        add(
          'action.targetStorageClass',
          act.targetStorageClass === undefined
            ? 'is required with action "transition"'
            : `must be "archive", got ${quote(act.targetStorageClass)}`,
          'add "targetStorageClass": "archive"',
        );
      }
      if (storageClass === 'archive')
        add(
          'action.type',
          'cannot transition images that are already in the archive storage class',
          'use "expire", or select "storageClass": "standard"',
        );
    } else if (actionType === 'expire' && act.targetStorageClass !== undefined) {
      add('action.targetStorageClass', 'is only allowed with action "transition"', 'remove "targetStorageClass"');
    }
  }

  if (countType === 'sinceImagePulled' && actionType !== undefined && actionType !== 'transition') {
    add(
      'selection.countType',
      '"sinceImagePulled" is only allowed with action "transition"',
      'use "sinceImagePushed" to expire, or make the action {"type":"transition","targetStorageClass":"archive"}',
    );
  }
  if (countType === 'sinceImageTransitioned') {
    if (actionType !== undefined && actionType !== 'expire')
      add('selection.countType', '"sinceImageTransitioned" is only allowed with action "expire"', 'make the action {"type":"expire"}');
    if (storageClass === 'standard')
      add(
        'selection.storageClass',
        '"sinceImageTransitioned" needs "storageClass": "archive"',
        'add "storageClass": "archive" to the selection',
      );
  } else if (countType !== undefined && storageClass === 'archive') {
    // ECR User Guide, lifecycle policy properties: with the other count types "standard" is the only supported class.
    add(
      'selection.countType',
      `"storageClass": "archive" is only allowed with countType "sinceImageTransitioned", not "${countType}"`,
      `use "countType": "sinceImageTransitioned" with "countUnit": "days" and a "countNumber" of ${POLICY_LIMITS.minDaysInArchive} or more, or select "storageClass": "standard"`,
    );
  }

  return {
    position,
    ...(priority === undefined ? {} : { priority }),
    ...(tagStatus === undefined ? {} : { tagStatus }),
    ...(storageClass === undefined ? {} : { storageClass }),
    prefixes,
  };
}

/**
 * Checks that need every rule: unique priorities and the per-storage-class constraints. Each check
 * uses whatever fields of a rule are valid, so a rule with problems of its own is still compared.
 * Linear in the number of rules (maps, no sorting or spreading of the whole list).
 */
function validateAcrossRules(rules: readonly RuleFacts[], problems: Problems): void {
  const crossRule = (facts: RuleFacts, field: string, message: string, fix: string): void =>
    problems.add({
      position: facts.position,
      ...(facts.priority === undefined ? {} : { priority: facts.priority }),
      field,
      message,
      fix,
      crossRule: true,
    });
  const byPriority = new Map<number, number>();
  for (const facts of rules) {
    if (facts.priority === undefined) continue;
    const first = byPriority.get(facts.priority);
    if (first !== undefined) crossRule(facts, 'rulePriority', `repeats the priority of rule #${first}`, 'give every rule its own priority');
    else byPriority.set(facts.priority, facts.position);
  }
  for (const storageClass of ['standard', 'archive'] as const) {
    const inClass = rules.filter((facts) => facts.storageClass === storageClass);
    let firstUntagged: RuleFacts | undefined;
    let highest = -Infinity;
    for (const facts of inClass) {
      if (facts.priority !== undefined && facts.priority > highest) highest = facts.priority;
      if (facts.tagStatus !== 'untagged') continue;
      if (firstUntagged === undefined) firstUntagged = facts;
      else
        crossRule(
          facts,
          'selection.tagStatus',
          `is a second "untagged" rule in the ${storageClass} storage class (rule #${firstUntagged.position} is the first)`,
          'keep one untagged rule per storage class',
        );
    }
    for (const facts of inClass) {
      if (facts.tagStatus === 'any' && facts.priority !== undefined && facts.priority !== highest) {
        crossRule(
          facts,
          'rulePriority',
          `an "any" rule must have the highest priority of the ${storageClass} storage class (${highest} is higher)`,
          `give this rule a priority above ${highest}, or the other rule a lower one`,
        );
      }
    }
    const prefixOwner = new Map<string, number>();
    for (const facts of inClass) {
      for (const prefix of new Set(facts.prefixes)) {
        const owner = prefixOwner.get(prefix);
        if (owner !== undefined)
          crossRule(
            facts,
            'selection.tagPrefixList',
            `prefix ${quote(prefix)} is already used by rule #${owner} of the ${storageClass} storage class`,
            'use each tag prefix in one rule only',
          );
        else prefixOwner.set(prefix, facts.position);
      }
    }
  }
}

/**
 * Parses and validates a lifecycle policy text against every rule ECR enforces, collecting every
 * problem (the first {@link MAX_PROBLEMS_KEPT}, the rest counted) rather than stopping at the first.
 *
 * @example
 * const result = parsePolicy(text);
 * if (!result.ok) console.error(problemLines(result).join('\n'));
 */
export function parsePolicy(text: string): PolicyParseResult {
  const problems = new Problems();
  const fail = (): PolicyParseResult => ({ ok: false, problems: problems.kept, omittedProblems: problems.omitted });
  if (text.length < POLICY_LIMITS.minLength || text.length > POLICY_LIMITS.maxLength) {
    problems.add({
      field: '(text)',
      message: `is ${text.length} characters; ECR accepts ${POLICY_LIMITS.minLength} to ${POLICY_LIMITS.maxLength}`,
      fix:
        text.length > POLICY_LIMITS.maxLength
          ? 'remove rules or shorten descriptions'
          : 'write out the full rule (descriptions count toward the length)',
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    problems.add({ field: '(text)', message: `is not valid JSON (${(error as Error).message})`, fix: 'correct the JSON syntax' });
    return fail();
  }
  if (!isObject(doc)) {
    problems.add({ field: '(document)', message: 'must be a JSON object', fix: 'write the policy as {"rules":[…]}' });
    return fail();
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'rules')
      problems.add({ field: key, message: 'is not a field of a lifecycle policy', fix: `remove "${key}" (the policy has only "rules")` });
  }
  const rawRules = doc.rules;
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    problems.add({
      field: 'rules',
      message: rawRules === undefined ? 'is missing' : 'must be a non-empty list',
      fix: 'add at least one rule: {"rules":[{…}]}',
    });
    return fail();
  }
  if (rawRules.length > POLICY_LIMITS.maxRules) {
    problems.add({
      field: 'rules',
      message: `has ${rawRules.length} rules; ECR accepts at most ${POLICY_LIMITS.maxRules}`,
      fix: 'merge or remove rules',
    });
  }
  const facts: RuleFacts[] = [];
  for (let i = 0; i < rawRules.length; i++) facts.push(validateRule(rawRules[i], i + 1, problems));
  validateAcrossRules(facts, problems);
  if (problems.kept.length > 0) return fail();
  if (!isPolicyShaped(doc)) {
    // Unreachable while the checks above cover every field of the type; a gap there is refused, not cast.
    problems.add({
      field: '(document)',
      message: 'does not have the shape of a lifecycle policy',
      fix: 'write the policy as {"rules":[…]}',
    });
    return fail();
  }
  return { ok: true, policy: doc, problems: [] };
}

/**
 * Like {@link parsePolicy} but throws {@link InvalidPolicyError} listing the problems.
 *
 * @example const policy = parsePolicyOrThrow(text, 'repository team-a/web');
 */
export function parsePolicyOrThrow(text: string, source = 'lifecycle policy'): LifecyclePolicy {
  const result = parsePolicy(text);
  if (!result.ok) throw new InvalidPolicyError(`${source} is not a valid ECR lifecycle policy`, problemLines(result));
  return result.policy;
}
