import type { ImageDetail } from '../image';
import { isTagged } from '../image';
import { toEpochMs } from '../time';
import { selectsImage, tagPatternTest } from './evaluate';
import { untaggedOwner } from './retention';
import type { LifecyclePolicy, LifecycleRule } from './types';
import { storageClassOf } from './types';

/** What a lint finding is about. */
export type FindingCode =
  /** A tag list with several entries: ECR selects only images with a tag for every entry. */
  | 'TagPrefixListRequiresAll'
  /** A tagged rule that selects none of the images present although the repository has tagged images. */
  | 'RuleMatchesNothing'
  /** Untagged images are expired, but late (after more than the allowed days, or beyond a count above 100). */
  | 'UntaggedRetentionLong'
  /** Every image a rule selects is selected first by an earlier rule: it can never act. */
  | 'ShadowedRule'
  /** Images are archived but no archive rule ever expires them. */
  | 'ArchiveNeverExpires';

/** How much a finding matters: `warning` means the policy does not do what its author likely thinks. */
export type FindingSeverity = 'info' | 'warning';

/** One thing a policy does not do that its authors likely think it does, and what to change. */
export interface PolicyFinding {
  code: FindingCode;
  severity: FindingSeverity;
  /** The rule the finding is about, when it is about one. */
  rulePriority?: number;
  /** Names the rule by priority, says what happens and what to change. */
  message: string;
}

/** Settings of {@link lintPolicy}. */
export interface LintOptions {
  /** The repository's images (status ANY); without them, findings that need images are not looked for. */
  images?: readonly ImageDetail[];
  /** Untagged images kept longer than this (days after push) get `UntaggedRetentionLong`. @default 30 */
  lintMaxUntaggedDays: number;
}

/** A count rule that keeps more untagged images than this gets `UntaggedRetentionLong`. */
const MAX_UNTAGGED_COUNT = 100;

/** How many tags a `RuleMatchesNothing` message quotes as examples. */
const SAMPLE_TAGS = 5;

/** True for a finding of severity `warning` (the worst there is): `lint-policy` exits 1 on one. */
export function isWarningOrWorse(finding: Pick<PolicyFinding, 'severity'>): boolean {
  return finding.severity === 'warning';
}

function quote(v: unknown): string {
  return JSON.stringify(v);
}

/** The rule's tag list and its name, for tagged rules. */
function tagListOf(rule: LifecycleRule): { field: 'tagPrefixList' | 'tagPatternList'; entries: string[] } | undefined {
  if (rule.selection.tagStatus !== 'tagged') return undefined;
  if (rule.selection.tagPrefixList) return { field: 'tagPrefixList', entries: [...new Set(rule.selection.tagPrefixList)] };
  if (rule.selection.tagPatternList) return { field: 'tagPatternList', entries: [...new Set(rule.selection.tagPatternList)] };
  return undefined;
}

/** What a rule selects, in words: `tagPrefixList ["v"]`, `untagged images`, `every image`, plus `(archive)`. */
function describeSelection(rule: LifecycleRule): string {
  const list = tagListOf(rule);
  const what = list ? `${list.field} ${quote(list.entries)}` : rule.selection.tagStatus === 'untagged' ? 'untagged images' : 'every image';
  return storageClassOf(rule) === 'archive' ? `${what}, archive class` : what;
}

/** The test of one tag-list entry against one tag. */
function entryTest(field: 'tagPrefixList' | 'tagPatternList', entry: string): (tag: string) => boolean {
  return field === 'tagPrefixList' ? (tag) => tag.startsWith(entry) : tagPatternTest(entry);
}

/** A tag-list entry as a glob (`*` is any run of characters), or undefined when it cannot be one. */
function asGlob(field: 'tagPrefixList' | 'tagPatternList', entry: string): string | undefined {
  if (field === 'tagPatternList') return entry;
  // A prefix holding "*" matches a literal "*", which a glob cannot say: no claim is made about it.
  return entry.includes('*') ? undefined : `${entry}*`;
}

/**
 * True when every tag the glob `inner` matches is matched by the glob `outer` too. Sound, not
 * complete: it holds when `outer` can be aligned on `inner`, each `*` of `outer` taking any run of
 * `inner` (its `*`s included) and each other character of `outer` the same character of `inner`.
 * Iterative dynamic programming over the two texts (no recursion).
 */
export function globWithin(inner: string, outer: string): boolean {
  const n = inner.length;
  let previous = new Uint8Array(n + 1);
  previous[0] = 1;
  for (let i = 1; i <= outer.length; i++) {
    const current = new Uint8Array(n + 1);
    const c = outer[i - 1];
    for (let j = 0; j <= n; j++) {
      if (c === '*') current[j] = previous[j] === 1 || (j > 0 && current[j - 1] === 1) ? 1 : 0;
      else current[j] = j > 0 && previous[j - 1] === 1 && inner[j - 1] !== '*' && inner[j - 1] === c ? 1 : 0;
    }
    previous = current;
  }
  return previous[n] === 1;
}

/**
 * True when every image `later` selects is provably selected by `earlier` as well (same storage
 * class; AND across entries: each entry of `earlier` is implied by some entry of `later`).
 */
function selectionWithin(later: LifecycleRule, earlier: LifecycleRule): boolean {
  if (storageClassOf(later) !== storageClassOf(earlier)) return false;
  const status = earlier.selection.tagStatus;
  if (status === 'any') return true;
  if (status === 'untagged') return later.selection.tagStatus === 'untagged';
  const outer = tagListOf(earlier);
  const inner = tagListOf(later);
  if (!outer || !inner) return false;
  return outer.entries.every((a) => {
    const aGlob = asGlob(outer.field, a);
    return (
      aGlob !== undefined &&
      inner.entries.some((b) => {
        const bGlob = asGlob(inner.field, b);
        return bGlob !== undefined && globWithin(bGlob, aGlob);
      })
    );
  });
}

/** True when a tagged rule selects every tagged image: its list holds only `*` patterns. */
function selectsEveryTaggedImage(rule: LifecycleRule): boolean {
  const list = tagListOf(rule);
  return list?.field === 'tagPatternList' && list.entries.every((entry) => /^\*+$/.test(entry));
}

function tagPrefixListRequiresAll(rule: LifecycleRule, images: readonly ImageDetail[] | undefined): PolicyFinding | undefined {
  const list = tagListOf(rule);
  if (!list || list.entries.length < 2) return undefined;
  const p = rule.rulePriority;
  let seen = '';
  if (images) {
    const tests = list.entries.map((entry) => entryTest(list.field, entry));
    const archive = storageClassOf(rule) === 'archive';
    let some = 0;
    let all = 0;
    for (const image of images) {
      if (!isTagged(image) || (image.imageStatus === 'ARCHIVED') !== archive) continue;
      const tags = image.imageTags as string[];
      const met = tests.filter((test) => tags.some(test)).length;
      if (met === tests.length) all++;
      else if (met > 0) some++;
    }
    seen = ` Of the images present, ${some} ${some === 1 ? 'has' : 'have'} a tag for some entries but not all, so the rule never selects ${some === 1 ? 'it' : 'them'}; ${all} ${all === 1 ? 'has' : 'have'} them all.`;
  }
  const oneEach = list.entries.map((entry) => `${list.field} ${quote([entry])}`).join(', ');
  return {
    code: 'TagPrefixListRequiresAll',
    severity: 'warning',
    rulePriority: p,
    message:
      `rule ${p} selects only images that carry a tag for every entry of its ${list.field} ${quote(list.entries)}: ECR requires all entries, not any.${seen}` +
      ` To act on images tagged with any one of them, write one rule per entry (${oneEach}), each with its own rulePriority and count.`,
  };
}

/** Up to {@link SAMPLE_TAGS} distinct tags of the newest images, for a message. */
function sampleTags(images: readonly ImageDetail[]): string[] {
  const newestFirst = [...images].sort((a, b) => (toEpochMs(b.imagePushedAt) || 0) - (toEpochMs(a.imagePushedAt) || 0));
  const tags = new Set<string>();
  for (const image of newestFirst) {
    for (const tag of image.imageTags ?? []) {
      if (tags.size >= SAMPLE_TAGS) return [...tags];
      tags.add(tag);
    }
  }
  return [...tags];
}

function ruleMatchesNothing(rule: LifecycleRule, images: readonly ImageDetail[]): PolicyFinding | undefined {
  const list = tagListOf(rule);
  if (!list) return undefined;
  const archive = storageClassOf(rule) === 'archive';
  const candidates = images.filter((image) => isTagged(image) && (image.imageStatus === 'ARCHIVED') === archive);
  if (candidates.length === 0) return undefined;
  const selects = selectsImage(rule);
  if (candidates.some(selects)) return undefined;
  const p = rule.rulePriority;
  const eachAlone =
    list.entries.length > 1 &&
    list.entries.every((entry) => {
      const test = entryTest(list.field, entry);
      return candidates.some((image) => (image.imageTags as string[]).some(test));
    });
  const n = candidates.length;
  return {
    code: 'RuleMatchesNothing',
    severity: 'warning',
    rulePriority: p,
    message:
      `rule ${p} (${describeSelection(rule)}) selects none of the ${n} tagged ${archive ? 'archived ' : ''}image${n === 1 ? '' : 's'} present` +
      (eachAlone
        ? ': each entry alone matches some image, but no image has a tag for every entry (see TagPrefixListRequiresAll).'
        : `: check the ${list.field === 'tagPrefixList' ? 'prefixes' : 'patterns'} for a typo or a renamed tag scheme (tags present include ${quote(sampleTags(candidates))}).`),
  };
}

function untaggedRetentionLong(policy: LifecyclePolicy, maxDays: number): PolicyFinding | undefined {
  const owner = untaggedOwner(policy);
  if (!owner || owner.action.type !== 'expire') return undefined;
  const { countType, countNumber } = owner.selection;
  const p = owner.rulePriority;
  const anyRule = owner.selection.tagStatus === 'any';
  if (countType === 'sinceImagePushed' && countNumber > maxDays) {
    return {
      code: 'UntaggedRetentionLong',
      severity: 'warning',
      rulePriority: p,
      message:
        `rule ${p} expires untagged images only ${countNumber} days after push, more than the ${maxDays} days allowed; untagged images (replaced tags, build leftovers) are billed every day they stay.` +
        (anyRule
          ? ` It is an "any" rule, so a shorter age would expire tagged images sooner too: add an untagged rule (sinceImagePushed, ${maxDays} days or fewer) with a lower rulePriority instead.`
          : ` Lower its countNumber to ${maxDays} or fewer.`),
    };
  }
  if (countType === 'imageCountMoreThan' && countNumber > MAX_UNTAGGED_COUNT) {
    return {
      code: 'UntaggedRetentionLong',
      severity: 'warning',
      rulePriority: p,
      message:
        `rule ${p} keeps the newest ${countNumber} ${anyRule ? 'images, untagged ones included' : 'untagged images'} (imageCountMoreThan ${countNumber}, more than ${MAX_UNTAGGED_COUNT}), however old they are.` +
        ` Expire untagged images by age instead (sinceImagePushed, ${maxDays} days or fewer)${anyRule ? ' with an untagged rule of a lower rulePriority' : ''}, or keep ${MAX_UNTAGGED_COUNT} or fewer.`,
    };
  }
  return undefined;
}

function shadowedRules(sorted: readonly LifecycleRule[]): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const shadowed = (rule: LifecycleRule, why: string, fix: string): void => {
    const p = rule.rulePriority;
    findings.push({
      code: 'ShadowedRule',
      severity: 'warning',
      rulePriority: p,
      message: `rule ${p} ${why}, and ECR lets only the first rule that selects an image act on it. ${fix}`,
    });
  };
  sorted.forEach((rule, j) => {
    const earlier = sorted.slice(0, j);
    const p = rule.rulePriority;
    const claimant = earlier.find((other) => selectionWithin(rule, other));
    if (claimant) {
      const c = claimant.rulePriority;
      shadowed(
        rule,
        `can never act: every image it selects (${describeSelection(rule)}) is also selected by rule ${c} (${describeSelection(claimant)}), which comes first`,
        `Give rule ${p} a lower rulePriority than ${c} if it should decide for those images, or remove it.`,
      );
      return;
    }
    if (rule.selection.tagStatus !== 'any') return;
    const sameClass = earlier.filter((other) => storageClassOf(other) === storageClassOf(rule));
    const untagged = sameClass.find((other) => other.selection.tagStatus === 'untagged');
    const everyTagged = sameClass.find(selectsEveryTaggedImage);
    if (untagged && everyTagged) {
      shadowed(
        rule,
        `("any") can never act: untagged images are selected first by rule ${untagged.rulePriority} and every tagged image by rule ${everyTagged.rulePriority} (${describeSelection(everyTagged)})`,
        `Remove rule ${p}, or narrow rule ${everyTagged.rulePriority}.`,
      );
    }
  });
  return findings;
}

function archiveNeverExpires(sorted: readonly LifecycleRule[]): PolicyFinding | undefined {
  const transition = sorted.find((rule) => rule.action.type === 'transition');
  if (!transition || sorted.some((rule) => storageClassOf(rule) === 'archive' && rule.action.type === 'expire')) return undefined;
  const p = transition.rulePriority;
  return {
    code: 'ArchiveNeverExpires',
    severity: 'info',
    rulePriority: p,
    message:
      `rule ${p} archives images, but no rule of the archive storage class expires them: archived images stay, billed at the archive rate, until deleted by hand.` +
      ' If they should go, add a rule with "storageClass": "archive" and "countType": "sinceImageTransitioned" (90 days or more).',
  };
}

/**
 * Lints a valid policy with the exact engine: what it will never do that its authors likely think
 * it does. Every finding names its rule by priority and says what to change; none is reported that
 * could be wrong (a rule is called shadowed only when that follows from the rules alone).
 * `RuleMatchesNothing` and the counts in `TagPrefixListRequiresAll` need `images`.
 *
 * @example lintPolicy(policy, { images, lintMaxUntaggedDays: 30 }).filter(isWarningOrWorse)
 */
export function lintPolicy(policy: LifecyclePolicy, options: LintOptions): PolicyFinding[] {
  const sorted = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const findings: PolicyFinding[] = [];
  for (const rule of sorted) {
    const all = tagPrefixListRequiresAll(rule, options.images);
    if (all) findings.push(all);
    const nothing = options.images ? ruleMatchesNothing(rule, options.images) : undefined;
    if (nothing) findings.push(nothing);
  }
  const retention = untaggedRetentionLong(policy, options.lintMaxUntaggedDays);
  if (retention) findings.push(retention);
  for (const finding of shadowedRules(sorted)) findings.push(finding);
  const archive = archiveNeverExpires(sorted);
  if (archive) findings.push(archive);
  return findings.sort((a, b) => (a.rulePriority ?? 0) - (b.rulePriority ?? 0));
}
