import type { ImageDetail } from '../image';
import { indexChildDigests } from '../image';
import { DAY_MS, toEpochMs } from '../time';
import type { LifecyclePolicy, LifecycleRule } from './types';
import { storageClassOf } from './types';

/** Why an image that some rule matched was not acted on. */
export type KeepReason = 'no-rule-matched' | 'within-count' | 'not-old-enough' | 'no-reference-time' | 'index-child';

/** ECR's preview shape of an action. */
export interface PreviewAction {
  type: 'EXPIRE' | 'TRANSITION';
  targetStorageClass?: 'ARCHIVE';
}

/** Everything the engine decided about one image, in words a person can check. */
export interface ImageExplanation {
  imageDigest: string;
  imageTags: string[];
  storageClass: 'standard' | 'archive';
  /** Every rule whose selection matches the image, in priority order. */
  matchedRulePriorities: number[];
  /** The first matching rule: the only one allowed to act on the image. */
  owningRulePriority?: number;
  action?: PreviewAction;
  appliedRulePriority?: number;
  keepReason?: KeepReason;
  /** One sentence explaining the outcome. */
  reason: string;
}

/** One entry of {@link LifecyclePreview.previewResults}, shaped like ECR's `GetLifecyclePolicyPreview`. */
export interface PreviewResult {
  imageDigest: string;
  imageTags: string[];
  imagePushedAt: string | undefined;
  action: PreviewAction;
  appliedRulePriority: number;
  /** The image's storage class now (`LifecyclePolicyPreviewResult.storageClass`): an expired archived image says ARCHIVE. */
  storageClass: 'STANDARD' | 'ARCHIVE';
}

/** The whole preview, shaped like ECR's `GetLifecyclePolicyPreview` answer. */
export interface LifecyclePreview {
  previewResults: PreviewResult[];
  summary: {
    expiringImageTotalCount: number;
    transitioningImageTotalCounts: Array<{ targetStorageClass: 'ARCHIVE'; imageTotalCount: number }>;
  };
}

/** The outcome of evaluating a policy over a list of images; indexes refer to the input list. */
export interface PolicyEvaluation {
  /** The images evaluated, in input order. */
  readonly images: readonly ImageDetail[];
  /** Input indexes of the images some rule acts on, in input order. */
  readonly actedIndexes: readonly number[];
  /** The action on image `i`, or undefined when it is kept. */
  actionOf(i: number): 'expire' | 'transition' | undefined;
  /** The priority of the rule acting on image `i`, or undefined when it is kept. */
  appliedRulePriorityOf(i: number): number | undefined;
  /**
   * When image `i` became (or becomes) eligible for its action, epoch ms, if nothing new is pushed:
   * the reference time plus the rule's days for a since-rule; for a count rule, the push of the
   * image that put it beyond the count. Undefined when it is kept or that time is unknown.
   */
  eligibleAtOf(i: number): number | undefined;
  /** Which rules matched image `i`, which acted, or why it is kept. */
  explain(i: number): ImageExplanation;
  /** The acted images in ECR's preview shape, ordered by rule priority, then push time, then digest. */
  preview(): LifecyclePreview;
}

/** A compiled test of one tag-list entry against one tag. */
type TagTest = (tag: string) => boolean;

/**
 * The test of one `tagPatternList` entry against one tag: a whole-tag glob where `*` is any run of
 * characters; without `*`, an exact match.
 *
 * @example tagPatternTest('prod*')('prod-1') === true
 */
export function tagPatternTest(pattern: string): TagTest {
  const parts = pattern.split('*');
  if (parts.length === 1) return (tag) => tag === pattern;
  if (parts.length === 2 && parts[1] === '') {
    const prefix = parts[0] ?? '';
    return (tag) => tag.startsWith(prefix);
  }
  if (parts.length === 2 && parts[0] === '') {
    const suffix = parts[1] ?? '';
    return (tag) => tag.endsWith(suffix);
  }
  const source = parts.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  const re = new RegExp(`^${source}$`, 's');
  return (tag) => re.test(tag);
}

/**
 * True when a tagged image matches the rule's list: every entry is satisfied by some tag
 * (AND across entries; different entries may be satisfied by different tags).
 */
function compileTagMatcher(rule: LifecycleRule): (tags: readonly string[]) => boolean {
  const sel = rule.selection;
  const tests: TagTest[] = sel.tagPrefixList
    ? sel.tagPrefixList.map((prefix) => (tag: string) => tag.startsWith(prefix))
    : (sel.tagPatternList ?? []).map(tagPatternTest);
  if (tests.length === 1) {
    const test = tests[0] as TagTest;
    return (tags) => {
      for (const tag of tags) if (test(tag)) return true;
      return false;
    };
  }
  return (tags) => tests.every((test) => tags.some(test));
}

interface CompiledRule {
  rule: LifecycleRule;
  archive: boolean;
  matches: (tagged: boolean, tags: readonly string[]) => boolean;
}

/**
 * The test a rule's selection makes of one image: its tag status, tag list (AND across entries) and
 * storage class (archived images are in the archive class), regardless of counts and ages.
 *
 * @example policy.rules.filter((rule) => selectsImage(rule)(image))
 */
export function selectsImage(rule: LifecycleRule): (image: ImageDetail) => boolean {
  const { archive, matches } = compileRule(rule);
  return (image) => {
    if ((image.imageStatus === 'ARCHIVED') !== archive) return false;
    const tags = image.imageTags ?? [];
    return matches(tags.length > 0, tags);
  };
}

function compileRule(rule: LifecycleRule): CompiledRule {
  const archive = storageClassOf(rule) === 'archive';
  const status = rule.selection.tagStatus;
  let matches: CompiledRule['matches'];
  if (status === 'any') matches = () => true;
  else if (status === 'untagged') matches = (tagged) => !tagged;
  else {
    const tagMatcher = compileTagMatcher(rule);
    matches = (tagged, tags) => tagged && tagMatcher(tags);
  }
  return { rule, archive, matches };
}

/** Keys pack a time bucket (32 bits) above the input index (21 bits): exact in a double. */
const INDEX_BITS = 2 ** 21;
const BUCKETS = 2 ** 32;

/**
 * Input indexes ordered newest first by `time` (missing times as -Infinity, oldest), ties broken by
 * ascending digest so the order never depends on input order.
 *
 * One native typed-array sort does the work: each key packs the time's bucket above the input index,
 * and only the rare runs that share a bucket are re-sorted with a comparator. A comparator sort of
 * a million indexes costs ten native sorts or more.
 */
export function newestFirstOrder(time: Float64Array, digests: readonly string[] | ((index: number) => string)): Uint32Array {
  const n = time.length;
  const order = new Uint32Array(n);
  // Digests are only read to break ties, so a caller may pass a lookup instead of building an array.
  const digestOf = typeof digests === 'function' ? digests : (i: number): string => digests[i] ?? '';
  const newerFirst = (a: number, b: number): number => {
    const ta = time[a] as number;
    const tb = time[b] as number;
    if (ta !== tb) return tb > ta ? 1 : -1;
    const da = digestOf(a);
    const db = digestOf(b);
    return da < db ? -1 : da > db ? 1 : a - b;
  };
  if (n >= INDEX_BITS) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort(newerFirst);
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (t > -Infinity && t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min;
  // A span too small (its reciprocal overflows) or infinite cannot be bucketed: scale 0 puts every
  // time in one run, which the comparator sorts. Otherwise NaN keys would break the permutation.
  const scale = span > 0 && Number.isFinite((BUCKETS - 1) / span) ? (BUCKETS - 1) / span : 0;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    // Newest in bucket 0 so an ascending sort yields newest first; `|| 0` maps the NaN of
    // Infinity - Infinity (a +Infinity time) to bucket 0.
    const bucket = t > -Infinity ? Math.floor((max - t) * scale) || 0 : BUCKETS - 1;
    keys[i] = bucket * INDEX_BITS + i;
  }
  keys.sort();
  let k = 0;
  while (k < n) {
    const key = keys[k] as number;
    const bucket = Math.floor(key / INDEX_BITS);
    let end = k + 1;
    while (end < n && Math.floor((keys[end] as number) / INDEX_BITS) === bucket) end++;
    if (end === k + 1) {
      order[k] = key - bucket * INDEX_BITS;
    } else {
      const run: number[] = [];
      for (let j = k; j < end; j++) run.push((keys[j] as number) - bucket * INDEX_BITS);
      run.sort(newerFirst);
      for (let j = 0; j < run.length; j++) order[k + j] = run[j] as number;
    }
    k = end;
  }
  return order;
}

/**
 * The time ECR ages an image from for `sinceImagePushed` and ranks it by for `imageCountMoreThan`:
 * its push, or its restore from archive when it was restored (and not archived again since); NaN
 * when it has neither.
 *
 * @example newestFirstOrder(Float64Array.from(images, (i) => effectivePushTime(i) || -Infinity), digests)
 */
export function effectivePushTime(image: ImageDetail): number {
  let effective = toEpochMs(image.imagePushedAt);
  if (image.lastActivatedAt !== undefined && image.imageStatus !== 'ARCHIVED') {
    const activated = toEpochMs(image.lastActivatedAt);
    if (!Number.isNaN(activated) && !(toEpochMs(image.lastArchivedAt) > activated)) effective = activated;
  }
  return effective;
}

/**
 * The time a `sinceImagePulled` rule ages an image from: its last recorded pull, else its push when
 * never pulled, else its restore when it was restored from archive and not pulled since; NaN when
 * there is none.
 */
export function pullReferenceTime(image: ImageDetail): number {
  const pulled = toEpochMs(image.lastRecordedPullTime);
  const activated = image.imageStatus === 'ARCHIVED' ? Number.NaN : toEpochMs(image.lastActivatedAt);
  if (!Number.isNaN(activated) && !(pulled >= activated)) return activated;
  return Number.isNaN(pulled) ? toEpochMs(image.imagePushedAt) : pulled;
}

function toIso(ms: number): string | undefined {
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * Evaluates a lifecycle policy over images exactly as ECR does (see ECR-FACTS §1): rules in
 * ascending priority, each ranking all its matches but acting only on images no higher-priority
 * rule matched; at most one action per image; children of an index in the input never acted on.
 *
 * @example
 * const result = evaluatePolicy(policy, images, { now: Date.now() });
 * for (const i of result.actedIndexes) console.log(result.explain(i).reason);
 */
export function evaluatePolicy(policy: LifecyclePolicy, images: readonly ImageDetail[], options: { now: number }): PolicyEvaluation {
  const n = images.length;
  const now = options.now;
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority).map(compileRule);

  // Per-image facts every rule needs, parsed once. Pull and archive times are parsed only for the
  // images a since-pulled or since-transitioned rule may act on (see referenceTime).
  const effectivePush = new Float64Array(n);
  const archived = new Uint8Array(n);
  const tagged = new Uint8Array(n);
  const protectedChild = new Uint8Array(n);
  const children = indexChildDigests(images);
  for (let i = 0; i < n; i++) {
    const image = images[i] as ImageDetail;
    archived[i] = image.imageStatus === 'ARCHIVED' ? 1 : 0;
    tagged[i] = image.imageTags !== undefined && image.imageTags.length > 0 ? 1 : 0;
    effectivePush[i] = effectivePushTime(image);
    if (children.size > 0 && children.has(image.imageDigest)) protectedChild[i] = 1;
  }

  /** The time a since-rule ages image `i` from (NaN when there is none). */
  const referenceTime = (i: number, countType: string): number => {
    if (countType === 'sinceImagePushed') return effectivePush[i] as number;
    const image = images[i] as ImageDetail;
    if (countType === 'sinceImageTransitioned') return toEpochMs(image.lastArchivedAt);
    return pullReferenceTime(image);
  };

  const owner = new Int16Array(n).fill(-1);
  const actor = new Int16Array(n).fill(-1);
  const keep = new Uint8Array(n);
  const eligible = new Float64Array(n).fill(Number.NaN);
  const KEEP_CODES: KeepReason[] = ['no-rule-matched', 'within-count', 'not-old-enough', 'no-reference-time', 'index-child'];

  let order: Uint32Array | undefined;
  const newestFirst = (): Uint32Array => {
    if (!order) {
      const sortTime = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const t = effectivePush[i] as number;
        sortTime[i] = Number.isNaN(t) ? -Infinity : t;
      }
      order = newestFirstOrder(sortTime, (i) => images[i]?.imageDigest ?? '');
    }
    return order;
  };

  // Count rules first mark their matches in input order (sequential memory access), then walk the
  // shared newest-first order over that compact mark array, ranking claimed images too. Since-rules
  // decide in one pass and skip claimed images outright: those can neither be acted on nor counted.
  const matched = new Uint8Array(n);
  rules.forEach((compiled, r) => {
    const { rule, archive, matches } = compiled;
    const wantArchived = archive ? 1 : 0;
    const status = rule.selection.tagStatus;
    const wantTagged = status === 'tagged' ? 1 : 0;
    const selects = (i: number): boolean => {
      if (archived[i] !== wantArchived) return false;
      if (status === 'any') return true;
      if (tagged[i] !== wantTagged) return false;
      return status === 'untagged' || matches(true, (images[i] as ImageDetail).imageTags as string[]);
    };
    const countType = rule.selection.countType;
    const countNumber = rule.selection.countNumber;
    if (countType === 'imageCountMoreThan') {
      for (let i = 0; i < n; i++) matched[i] = selects(i) ? 1 : 0;
      const sequence = newestFirst();
      // The push times of the matches in rank order: the image ranked s went beyond the count when
      // the match ranked s - countNumber - 1 (its countNumber-th newer) arrived.
      const ranked = new Float64Array(n);
      let seen = 0;
      for (let k = 0; k < n; k++) {
        const i = sequence[k] as number;
        if (matched[i] === 0) continue;
        ranked[seen] = effectivePush[i] as number;
        seen++;
        if (owner[i] !== -1) continue;
        owner[i] = r;
        if (seen <= countNumber) keep[i] = 1;
        else if (protectedChild[i] === 1) keep[i] = 4;
        else {
          actor[i] = r;
          eligible[i] = ranked[seen - countNumber - 1] as number;
        }
      }
      return;
    }
    const cutoff = now - countNumber * DAY_MS;
    for (let i = 0; i < n; i++) {
      if (owner[i] !== -1 || !selects(i)) continue;
      owner[i] = r;
      const t = referenceTime(i, countType);
      if (!(t < cutoff)) keep[i] = Number.isNaN(t) ? 3 : 2;
      else if (protectedChild[i] === 1) keep[i] = 4;
      else {
        actor[i] = r;
        eligible[i] = t + countNumber * DAY_MS;
      }
    }
  });

  const actedIndexes: number[] = [];
  for (let i = 0; i < n; i++) if (actor[i] !== -1) actedIndexes.push(i);

  const actionOf = (i: number): 'expire' | 'transition' | undefined => {
    const r = actor[i] ?? -1;
    return r === -1 ? undefined : rules[r]?.rule.action.type;
  };
  const appliedRulePriorityOf = (i: number): number | undefined => {
    const r = actor[i] ?? -1;
    return r === -1 ? undefined : rules[r]?.rule.rulePriority;
  };
  const eligibleAtOf = (i: number): number | undefined => {
    const t = eligible[i] as number;
    return actor[i] === -1 || Number.isNaN(t) ? undefined : t;
  };
  const previewAction = (type: 'expire' | 'transition'): PreviewAction =>
    type === 'expire' ? { type: 'EXPIRE' } : { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' };

  const explain = (i: number): ImageExplanation => {
    const image = images[i];
    if (!image) throw new RangeError(`no image at index ${i}`);
    const tags = image.imageTags ?? [];
    const storageClass = archived[i] === 1 ? 'archive' : 'standard';
    const matched = rules
      .filter((c) => c.archive === (archived[i] === 1) && c.matches(tags.length > 0, tags))
      .map((c) => c.rule.rulePriority);
    const base = { imageDigest: image.imageDigest, imageTags: tags, storageClass, matchedRulePriorities: matched } as const;
    const o = owner[i] ?? -1;
    if (o === -1)
      return {
        ...base,
        keepReason: 'no-rule-matched',
        reason: `kept: no rule selects ${tags.length > 0 ? 'this tagged' : 'this untagged'} ${storageClass} image`,
      };
    const rule = rules[o]?.rule as LifecycleRule;
    const sel = rule.selection;
    const type = actionOf(i);
    if (type !== undefined) {
      const why =
        sel.countType === 'imageCountMoreThan'
          ? `it is not among the newest ${sel.countNumber} images the rule matches`
          : `its ${sel.countType === 'sinceImagePushed' ? 'push' : sel.countType === 'sinceImagePulled' ? 'last pull' : 'archival'} is more than ${sel.countNumber} days old`;
      return {
        ...base,
        owningRulePriority: rule.rulePriority,
        action: previewAction(type),
        appliedRulePriority: rule.rulePriority,
        reason: `${type === 'expire' ? 'expired' : 'archived'} by rule ${rule.rulePriority}: ${why}`,
      };
    }
    const keepReason = KEEP_CODES[keep[i] ?? 0] as KeepReason;
    const why: Record<KeepReason, string> = {
      'no-rule-matched': 'no rule selects it',
      'within-count': `it is among the newest ${sel.countNumber} images rule ${rule.rulePriority} matches`,
      'not-old-enough': `rule ${rule.rulePriority} acts after ${sel.countNumber} days and it is younger`,
      'no-reference-time': `rule ${rule.rulePriority} (${sel.countType}) has no time to age it from`,
      'index-child': 'it is a child of an image index in the repository, which protects it',
    };
    return { ...base, owningRulePriority: rule.rulePriority, keepReason, reason: `kept by rule ${rule.rulePriority}: ${why[keepReason]}` };
  };

  const preview = (): LifecyclePreview => {
    // Grouped by rule priority, oldest first within a rule (the reverse of the shared order).
    const sequence = newestFirst();
    const byRule: number[][] = rules.map(() => []);
    for (let k = n - 1; k >= 0; k--) {
      const i = sequence[k] as number;
      const r = actor[i] as number;
      if (r !== -1) byRule[r]?.push(i);
    }
    let expiring = 0;
    let transitioning = 0;
    const previewResults: PreviewResult[] = [];
    byRule.forEach((indexes, r) => {
      const rule = (rules[r] as CompiledRule).rule;
      const action = previewAction(rule.action.type);
      if (rule.action.type === 'expire') expiring += indexes.length;
      else transitioning += indexes.length;
      for (const i of indexes) {
        const image = images[i] as ImageDetail;
        const pushed = image.imagePushedAt;
        // A string is echoed as the input wrote it (as ECR's preview echoes the push time); re-formatting a
        // million of them would cost more than the evaluation. Dates and epoch seconds become ISO-8601.
        const iso = typeof pushed === 'string' ? pushed : toIso(toEpochMs(pushed));
        // imagePushedAt stays undefined (and leaves the JSON) when the image has no push time.
        previewResults.push({
          imageDigest: image.imageDigest,
          imageTags: image.imageTags ?? [],
          imagePushedAt: iso,
          action,
          appliedRulePriority: rule.rulePriority,
          storageClass: archived[i] === 1 ? 'ARCHIVE' : 'STANDARD',
        });
      }
    });
    return {
      previewResults,
      summary: {
        expiringImageTotalCount: expiring,
        transitioningImageTotalCounts: transitioning > 0 ? [{ targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning }] : [],
      },
    };
  };

  return { images, actedIndexes, actionOf, appliedRulePriorityOf, eligibleAtOf, explain, preview };
}
