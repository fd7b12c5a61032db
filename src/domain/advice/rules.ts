// The rules of a candidate policy: where each comes from (a source) and the rule it becomes.
import { ARCHIVE_MINIMUM_CHARGE_DAYS } from '../archive';
import { DEFAULT_ARCHIVE_AFTER_DAYS } from '../defaults';
import type { LifecycleRule } from '../policy';
import { POLICY_LIMITS, storageClassOf } from '../policy';
import type { TagFamily } from './families';
import { ADVICE_HORIZON_DAYS, MIN_EPHEMERAL_DAYS } from './types';

/** Marks the rules the advisor writes, so that a later advice re-derives them from fresh pulls. */
export const ADVISED_MARK = '(advised by ecr-janitor)';

/** Why an image must not be acted on. */
export type Guarded = 'pulled' | 'in use';

/** Where a rule of a candidate policy comes from, with what it needs. */
export type Source =
  | { kind: 'protect'; name: string; exact: boolean }
  | { kind: 'team'; rule: LifecycleRule }
  | { kind: 'release'; family: TagFamily & { pattern: string }; needed: number; why: Set<Guarded>; covers: number }
  | { kind: 'ephemeral'; family: TagFamily & { pattern: string }; neededDays: number; why: Set<Guarded>; covers: number }
  | { kind: 'untagged'; neededDays: number; why: Set<string> }
  | { kind: 'archive'; neededDays: number; why: Set<Guarded> };

/** The advisor's settings a rule is built from (see `AdviceOptions`). */
export interface RuleSettings {
  days: number;
  keepPulledDays: number;
  rollbackMargin: number;
  archiveAfterDays?: number;
}

/** The rule a source becomes at a priority. */
export function ruleOf(source: Source, priority: number, options: RuleSettings, untaggedCap: number): LifecycleRule {
  const k = options.keepPulledDays;
  const h = ADVICE_HORIZON_DAYS;
  const mark = (text: string): string => `${text} ${ADVISED_MARK}`;
  const also = (why: ReadonlySet<string>): string => (why.has('in use') ? ' or in use' : '');
  switch (source.kind) {
    case 'team':
      return { ...source.rule, rulePriority: priority };
    case 'protect':
      return {
        rulePriority: priority,
        description: mark(
          source.exact
            ? `never expire or archive the image tagged ${source.name}: a fixed name`
            : `never expire or archive tags ${source.name}: signatures and attestations go with the image they sign`,
        ),
        selection: {
          tagStatus: 'tagged',
          tagPatternList: [source.name],
          countType: 'imageCountMoreThan',
          // A tag names one image: a count of 1 keeps it. A signature pattern keeps every image it selects.
          countNumber: source.exact ? 1 : POLICY_LIMITS.maxInteger,
        },
        action: { type: 'expire' },
      };
    case 'release': {
      const n = source.needed + options.rollbackMargin;
      const p = source.family.pattern;
      return {
        rulePriority: priority,
        description: mark(
          source.covers > 0
            ? `keep last ${n} ${p}: covers every ${p} image pulled in the last ${k} days${also(source.why)} (${source.needed}) + ${options.rollbackMargin}`
            : `keep last ${n} ${p}: no ${p} image was pulled in the last ${k} days; the newest ${options.rollbackMargin} stay for rollbacks`,
        ),
        selection: { tagStatus: 'tagged', tagPatternList: [p], countType: 'imageCountMoreThan', countNumber: n },
        action: { type: 'expire' },
      };
    }
    case 'ephemeral': {
      const d = Math.max(MIN_EPHEMERAL_DAYS, source.neededDays);
      const p = source.family.pattern;
      return {
        rulePriority: priority,
        description: mark(
          source.covers > 0
            ? `expire ${p} ${d} days after push: covers every ${p} image pulled in the last ${k} days${also(source.why)} for ${h} more days`
            : `expire ${p} ${d} days after push: no ${p} image was pulled in the last ${k} days${also(source.why)}`,
        ),
        selection: { tagStatus: 'tagged', tagPatternList: [p], countType: 'sinceImagePushed', countUnit: 'days', countNumber: d },
        action: { type: 'expire' },
      };
    }
    case 'untagged': {
      const d = Math.min(untaggedCap, Math.max(options.days, source.neededDays));
      const needs = [...source.why].sort().join(', ');
      return {
        rulePriority: priority,
        description: mark(
          source.neededDays > options.days
            ? `expire untagged images ${d} days after push: covers every untagged image ${needs} for ${h} more days`
            : `expire untagged images ${d} days after push (the janitor's default)`,
        ),
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: d },
        action: { type: 'expire' },
      };
    }
    case 'archive': {
      const asked = options.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS;
      const d = Math.max(asked, source.neededDays);
      return {
        rulePriority: priority,
        description: mark(
          `archive images not pulled for ${d} days` +
            (d > asked ? ` (not ${asked}: every image pulled in the last ${k} days${also(source.why)} stays out for ${h} more days)` : '') +
            `; archived images are billed for at least ${ARCHIVE_MINIMUM_CHARGE_DAYS} days`,
        ),
        selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: d },
        action: { type: 'transition', targetStorageClass: 'archive' },
      };
    }
  }
}

/** A standard-class `any` rule of the team's: it must stay last of its class. */
export function isStandardAny(rule: LifecycleRule): boolean {
  return storageClassOf(rule) === 'standard' && rule.selection.tagStatus === 'any';
}

/** Orders a candidate's sources as ECR must see them; see {@link adviseRepository}. */
export function ordered(sources: readonly Source[]): Source[] {
  const rank = (s: Source): number => {
    if (s.kind === 'protect') return 0;
    if (s.kind === 'team') return isStandardAny(s.rule) ? 5 : 1;
    if (s.kind === 'release') return 2;
    if (s.kind === 'ephemeral') return 3;
    if (s.kind === 'untagged') return 4;
    return 6;
  };
  return sources
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map(({ s }) => s);
}
