import { InvalidPolicyError } from '../errors';
import type { LifecyclePolicy, LifecycleRule } from './types';
import { POLICY_LIMITS } from './types';

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
}

/** Outcome of {@link parsePolicy}: the typed policy, or every problem found. */
export type PolicyParseResult =
  { ok: true; policy: LifecyclePolicy; problems: [] } | { ok: false; policy?: undefined; problems: PolicyProblem[] };

/** Renders a problem as one line: `rule #2 (priority 5) selection.countUnit: … Fix: …`. */
export function formatProblem(p: PolicyProblem): string {
  const where = p.position === undefined ? 'policy' : `rule #${p.position}${p.priority === undefined ? '' : ` (priority ${p.priority})`}`;
  return `${where} ${p.field}: ${p.message}. Fix: ${p.fix}.`;
}

const RULE_KEYS = new Set(['rulePriority', 'description', 'selection', 'action']);
const SELECTION_KEYS = new Set(['tagStatus', 'tagPatternList', 'tagPrefixList', 'storageClass', 'countType', 'countUnit', 'countNumber']);
const ACTION_KEYS = new Set(['type', 'targetStorageClass']);
const TAG_STATUSES = ['tagged', 'untagged', 'any'];
const COUNT_TYPES = ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned'];
const STORAGE_CLASSES = ['standard', 'archive'];
const ACTION_TYPES = ['expire', 'transition'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function quote(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** Validates one rule's own fields; returns the rule when its shape is usable for cross-rule checks. */
function validateRule(raw: unknown, position: number, problems: PolicyProblem[]): LifecycleRule | undefined {
  if (!isObject(raw)) {
    problems.push({
      position,
      field: '(rule)',
      message: `must be an object, got ${quote(raw)}`,
      fix: 'write the rule as {"rulePriority":…,"selection":{…},"action":{…}}',
    });
    return undefined;
  }
  const priority = isPositiveInteger(raw.rulePriority) ? raw.rulePriority : undefined;
  const add = (field: string, message: string, fix: string): void => {
    problems.push({ position, ...(priority === undefined ? {} : { priority }), field, message, fix });
  };
  const before = problems.length;

  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) add(key, 'is not a field of a lifecycle rule', `remove "${key}" (allowed: ${[...RULE_KEYS].join(', ')})`);
  }
  if (raw.rulePriority === undefined) add('rulePriority', 'is missing', 'give the rule a unique integer priority of 1 or more');
  else if (priority === undefined)
    add('rulePriority', `must be an integer of 1 or more, got ${quote(raw.rulePriority)}`, 'use a whole number such as 1, 2, 10');
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

  let tagStatus: string | undefined;
  let countType: string | undefined;
  let storageClass = 'standard';
  let actionType: string | undefined;

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
    else tagStatus = sel.tagStatus as string;

    if (sel.storageClass !== undefined) {
      if (!STORAGE_CLASSES.includes(sel.storageClass as string))
        add(
          'selection.storageClass',
          `must be "standard" or "archive", got ${quote(sel.storageClass)}`,
          'use "standard" (the default) or "archive"',
        );
      else storageClass = sel.storageClass as string;
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
      list.forEach((entry: unknown, i: number) => {
        if (typeof entry !== 'string' || entry.length === 0) {
          add(`${field}[${i}]`, `must be a non-empty string, got ${quote(entry)}`, 'remove the entry or give it text');
        } else if (listName === 'tagPatternList') {
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
    else if (!isPositiveInteger(sel.countNumber))
      add('selection.countNumber', `must be a positive integer, got ${quote(sel.countNumber)}`, 'use a whole number of 1 or more');
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
    if (storageClass !== 'archive')
      add(
        'selection.storageClass',
        '"sinceImageTransitioned" needs "storageClass": "archive"',
        'add "storageClass": "archive" to the selection',
      );
  }

  return problems.length === before ? (raw as unknown as LifecycleRule) : undefined;
}

/** Checks that need every rule: unique priorities and the per-storage-class constraints. */
function validateAcrossRules(rules: Array<{ rule: LifecycleRule; position: number }>, problems: PolicyProblem[]): void {
  const byPriority = new Map<number, number>();
  for (const { rule, position } of rules) {
    const first = byPriority.get(rule.rulePriority);
    if (first !== undefined) {
      problems.push({
        position,
        priority: rule.rulePriority,
        field: 'rulePriority',
        message: `repeats the priority of rule #${first}`,
        fix: 'give every rule its own priority',
      });
    } else {
      byPriority.set(rule.rulePriority, position);
    }
  }
  for (const storageClass of ['standard', 'archive'] as const) {
    const inClass = rules.filter(({ rule }) => (rule.selection.storageClass ?? 'standard') === storageClass);
    const untagged = inClass.filter(({ rule }) => rule.selection.tagStatus === 'untagged');
    for (const extra of untagged.slice(1)) {
      problems.push({
        position: extra.position,
        priority: extra.rule.rulePriority,
        field: 'selection.tagStatus',
        message: `is a second "untagged" rule in the ${storageClass} storage class (rule #${untagged[0]?.position} is the first)`,
        fix: 'keep one untagged rule per storage class',
      });
    }
    const highest = Math.max(...inClass.map(({ rule }) => rule.rulePriority));
    for (const { rule, position } of inClass) {
      if (rule.selection.tagStatus === 'any' && rule.rulePriority !== highest) {
        problems.push({
          position,
          priority: rule.rulePriority,
          field: 'rulePriority',
          message: `an "any" rule must have the highest priority of the ${storageClass} storage class (${highest} is higher)`,
          fix: `give this rule a priority above ${highest}, or the other rule a lower one`,
        });
      }
    }
    const prefixOwner = new Map<string, number>();
    for (const { rule, position } of inClass) {
      for (const prefix of new Set(rule.selection.tagPrefixList ?? [])) {
        const owner = prefixOwner.get(prefix);
        if (owner !== undefined) {
          problems.push({
            position,
            priority: rule.rulePriority,
            field: 'selection.tagPrefixList',
            message: `prefix ${quote(prefix)} is already used by rule #${owner} of the ${storageClass} storage class`,
            fix: 'use each tag prefix in one rule only',
          });
        } else {
          prefixOwner.set(prefix, position);
        }
      }
    }
  }
}

/**
 * Parses and validates a lifecycle policy text against every rule ECR enforces, collecting every
 * problem rather than stopping at the first.
 *
 * @example
 * const result = parsePolicy(text);
 * if (!result.ok) console.error(result.problems.map(formatProblem).join('\n'));
 */
export function parsePolicy(text: string): PolicyParseResult {
  const problems: PolicyProblem[] = [];
  if (text.length < POLICY_LIMITS.minLength || text.length > POLICY_LIMITS.maxLength) {
    problems.push({
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
    problems.push({ field: '(text)', message: `is not valid JSON (${(error as Error).message})`, fix: 'correct the JSON syntax' });
    return { ok: false, problems };
  }
  if (!isObject(doc)) {
    problems.push({ field: '(document)', message: 'must be a JSON object', fix: 'write the policy as {"rules":[…]}' });
    return { ok: false, problems };
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'rules')
      problems.push({ field: key, message: 'is not a field of a lifecycle policy', fix: `remove "${key}" (the policy has only "rules")` });
  }
  const rawRules = doc.rules;
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    problems.push({
      field: 'rules',
      message: rawRules === undefined ? 'is missing' : 'must be a non-empty list',
      fix: 'add at least one rule: {"rules":[{…}]}',
    });
    return { ok: false, problems };
  }
  if (rawRules.length > POLICY_LIMITS.maxRules) {
    problems.push({
      field: 'rules',
      message: `has ${rawRules.length} rules; ECR accepts at most ${POLICY_LIMITS.maxRules}`,
      fix: 'merge or remove rules',
    });
  }
  const usable: Array<{ rule: LifecycleRule; position: number }> = [];
  rawRules.forEach((raw: unknown, i: number) => {
    const rule = validateRule(raw, i + 1, problems);
    if (rule) usable.push({ rule, position: i + 1 });
  });
  validateAcrossRules(usable, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, policy: doc as unknown as LifecyclePolicy, problems: [] };
}

/**
 * Like {@link parsePolicy} but throws {@link InvalidPolicyError} listing every problem.
 *
 * @example const policy = parsePolicyOrThrow(text, 'repository team-a/web');
 */
export function parsePolicyOrThrow(text: string, source = 'lifecycle policy'): LifecyclePolicy {
  const result = parsePolicy(text);
  if (!result.ok) throw new InvalidPolicyError(`${source} is not a valid ECR lifecycle policy`, result.problems.map(formatProblem));
  return result.policy;
}
