import fc from 'fast-check';
import { MergeError } from '../../../../src/domain/errors';
import type { ImageDetail } from '../../../../src/domain/image';
import type { LifecyclePolicy, LifecycleRule, RuleSelection } from '../../../../src/domain/policy';
import {
  evaluatePolicy,
  mergeDefaultRule,
  newestFirstOrder,
  parsePolicy,
  policyExpiresUntaggedImages,
  lintPolicy,
  storageClassOf,
  untaggedRetentionDays,
} from '../../../../src/domain/policy';
import { DAY, NOW, OCI_INDEX, indexManifest } from '../../../fixtures/policy/builders';

// ---------------------------------------------------------------------------------------------
// Arbitraries: valid policies and image lists over a small tag vocabulary, so rules and images meet.
// ---------------------------------------------------------------------------------------------

const TAGS = ['prod', 'prod-1', 'prod-2', 'beta', 'beta-1', 'alpha-1', 'dev', 'latest', 'v1.0', 'v1.1', 'rc-1'];
const PATTERNS = ['prod*', '*-1', 'beta*', 'alpha*', 'latest', '*', 'v1.*', '*e*', 'dev', 'p*-*'];
const PREFIXES = ['prod', 'beta', 'alpha', 'dev', 'v1', 'rc', 'lat'];

type Action = LifecycleRule['action'];
type Count = Pick<RuleSelection, 'countType' | 'countUnit' | 'countNumber'>;
/** A rule before it gets its priority. */
type Shape = Omit<LifecycleRule, 'rulePriority'>;

const expire: Action = { type: 'expire' };
const transition: Action = { type: 'transition', targetStorageClass: 'archive' };

const byCount = fc.integer({ min: 1, max: 6 }).map((n): Count => ({ countType: 'imageCountMoreThan', countNumber: n }));
const since = (countType: RuleSelection['countType']) =>
  fc.integer({ min: 1, max: 120 }).map((n): Count => ({ countType, countUnit: 'days', countNumber: n }));

/** Archive rules: only sinceImageTransitioned, after the 90 days images must spend in archive. */
const sinceTransitioned = fc
  .integer({ min: 90, max: 400 })
  .map((n): Count => ({ countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: n }));

/** A count and action ECR accepts for the class. */
const countAndAction = (archive: boolean): fc.Arbitrary<{ count: Count; action: Action }> =>
  archive
    ? sinceTransitioned.map((count) => ({ count, action: expire }))
    : fc.oneof(
        fc.oneof(byCount, since('sinceImagePushed')).map((count) => ({ count, action: expire })),
        fc.oneof(byCount, since('sinceImagePushed'), since('sinceImagePulled')).map((count) => ({ count, action: transition })),
      );

const tagList: fc.Arbitrary<Pick<RuleSelection, 'tagPatternList' | 'tagPrefixList'>> = fc.oneof(
  fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 2 }).map((l) => ({ tagPatternList: l })),
  fc.uniqueArray(fc.constantFrom(...PREFIXES), { minLength: 1, maxLength: 2 }).map((l) => ({ tagPrefixList: l })),
);

function shape(
  archive: boolean,
  tagStatus: RuleSelection['tagStatus'],
  list: Partial<RuleSelection>,
  ca: { count: Count; action: Action },
): Shape {
  return {
    description: `${tagStatus} ${archive ? 'archive' : 'standard'} rule`,
    selection: { tagStatus, ...list, ...(archive ? { storageClass: 'archive' as const } : {}), ...ca.count },
    action: ca.action,
  };
}

/** The rules of one storage class in priority order: tagged and untagged in any order, `any` last. */
const classRules = (archive: boolean): fc.Arbitrary<Shape[]> =>
  fc
    .record({
      tagged: fc.array(fc.tuple(tagList, countAndAction(archive)), { maxLength: 4 }),
      untagged: fc.option(countAndAction(archive), { nil: undefined }),
      untaggedAt: fc.nat(),
      any: fc.option(countAndAction(archive), { nil: undefined }),
      // Explicit storageClass "standard" is allowed and must be treated like the default.
      spellStandard: fc.boolean(),
    })
    .map(({ tagged, untagged, untaggedAt, any, spellStandard }) => {
      const used = new Set<string>();
      const rules: Shape[] = tagged.map(([list, ca]) => {
        // Tag prefixes must be unique across the class: drop repeats, fall back to a pattern.
        if (list.tagPrefixList) {
          const fresh = list.tagPrefixList.filter((p) => !used.has(p));
          fresh.forEach((p) => used.add(p));
          return shape(archive, 'tagged', fresh.length > 0 ? { tagPrefixList: fresh } : { tagPatternList: ['*'] }, ca);
        }
        return shape(archive, 'tagged', list, ca);
      });
      if (untagged) rules.splice(untaggedAt % (rules.length + 1), 0, shape(archive, 'untagged', {}, untagged));
      if (any) rules.push(shape(archive, 'any', {}, any));
      if (!archive && spellStandard) for (const r of rules) r.selection.storageClass = 'standard';
      return rules;
    });

/** Interleaves two lists, keeping each list's order; `picks[k]` chooses the source of slot k. */
function interleave<T>(a: readonly T[], b: readonly T[], picks: readonly boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  for (let k = 0; i < a.length || j < b.length; k++) {
    const fromA = j >= b.length || (i < a.length && (picks[k] ?? true));
    out.push(fromA ? (a[i++] as T) : (b[j++] as T));
  }
  return out;
}

/** Shuffles by sort keys, so fast-check can shrink the permutation. */
function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] ?? 0, i }))
    .sort((x, y) => x.key - y.key || x.i - y.i)
    .map((x) => x.item);
}

/** Valid lifecycle policies, rules listed in random order, priorities consecutive or with gaps. */
const policyArb: fc.Arbitrary<LifecyclePolicy> = fc
  .record({
    standard: classRules(false),
    archive: classRules(true),
    picks: fc.array(fc.boolean(), { maxLength: 12 }),
    gaps: fc.boolean(),
    priorities: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 12, maxLength: 12 }),
    listOrder: fc.array(fc.integer(), { minLength: 12, maxLength: 12 }),
  })
  .filter(({ standard, archive }) => standard.length + archive.length > 0)
  .map(({ standard, archive, picks, gaps, priorities, listOrder }) => {
    const ordered = interleave(standard, archive, picks);
    const numbers = gaps ? [...priorities].sort((x, y) => x - y) : ordered.map((_, i) => i + 1);
    const rules = ordered.map((s, i): LifecycleRule => ({ rulePriority: numbers[i] as number, ...s }));
    return { rules: permute(rules, listOrder) };
  });

/**
 * Policies that do not yet expire untagged standard images: the merge has work to do. Standard
 * untagged rules are dropped and a standard `any` rule archives instead of expiring.
 */
const uncoveredPolicyArb: fc.Arbitrary<LifecyclePolicy> = policyArb
  .map((policy) => ({
    rules: policy.rules
      .filter((r) => !(storageClassOf(r) === 'standard' && r.selection.tagStatus === 'untagged'))
      .map((r): LifecycleRule => (storageClassOf(r) === 'standard' && r.selection.tagStatus === 'any' ? { ...r, action: transition } : r)),
  }))
  .filter((policy) => policy.rules.length > 0);

interface ImageSpec {
  tags: string[] | undefined;
  /** Push time in tenths of a day before NOW; repeats give ties. */
  pushedTenths: number | undefined;
  form: 'iso' | 'epoch' | 'date';
  status: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | undefined;
  pulledTenths: number | undefined;
  archivedTenths: number | undefined;
  activatedTenths: number | undefined;
}

const tenths = fc.integer({ min: 0, max: 1500 });

const imageSpecArb: fc.Arbitrary<ImageSpec> = fc.record({
  tags: fc.option(fc.subarray(TAGS, { maxLength: 3 }), { nil: undefined, freq: 4 }),
  pushedTenths: fc.option(tenths, { nil: undefined, freq: 20 }),
  form: fc.constantFrom('iso', 'epoch', 'date'),
  status: fc.constantFrom('ACTIVE', 'ARCHIVED', 'ACTIVATING', undefined),
  pulledTenths: fc.option(tenths, { nil: undefined }),
  archivedTenths: fc.option(tenths, { nil: undefined }),
  activatedTenths: fc.option(tenths, { nil: undefined }),
});

function timeAt(t: number | undefined, form: ImageSpec['form']): ImageDetail['imagePushedAt'] {
  if (t === undefined) return undefined;
  const ms = NOW - (t * DAY) / 10;
  return form === 'iso' ? new Date(ms).toISOString() : form === 'epoch' ? ms / 1000 : new Date(ms);
}

/** Images with unique digests; some are indexes whose manifests list other images as children. */
const imagesArb: fc.Arbitrary<ImageDetail[]> = fc
  .tuple(fc.array(imageSpecArb, { maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }))
  .map(([specs, edges]) => {
    const digests = specs.map((_, i) => `sha256:${i.toString(16).padStart(64, '0')}`);
    const children = new Map<number, string[]>();
    for (const [a, b] of edges) {
      if (specs.length < 2) break;
      const parent = a % specs.length;
      const child = b % specs.length;
      if (parent !== child) children.set(parent, [...(children.get(parent) ?? []), digests[child] as string]);
    }
    return specs.map((s, i): ImageDetail => {
      const img: ImageDetail = { imageDigest: digests[i] as string };
      if (s.tags !== undefined) img.imageTags = s.tags;
      if (s.pushedTenths !== undefined) img.imagePushedAt = timeAt(s.pushedTenths, s.form);
      if (s.status !== undefined) img.imageStatus = s.status;
      if (s.pulledTenths !== undefined) img.lastRecordedPullTime = timeAt(s.pulledTenths, s.form);
      if (s.archivedTenths !== undefined) img.lastArchivedAt = timeAt(s.archivedTenths, s.form);
      if (s.activatedTenths !== undefined) img.lastActivatedAt = timeAt(s.activatedTenths, s.form);
      const kids = children.get(i);
      if (kids) {
        img.imageManifestMediaType = OCI_INDEX;
        img.imageManifest = indexManifest(kids);
      }
      return img;
    });
  });

const isTagged = (img: ImageDetail): boolean => (img.imageTags ?? []).length > 0;

/** Every digest that an index in the list names as a child. */
function childDigests(images: readonly ImageDetail[]): Set<string> {
  const out = new Set<string>();
  for (const img of images) {
    if (!img.imageManifest) continue;
    for (const m of (JSON.parse(img.imageManifest) as { manifests: Array<{ digest: string }> }).manifests) out.add(m.digest);
  }
  return out;
}

/** The outcome per digest: action and rule, or "kept". */
function outcomeByDigest(policy: LifecyclePolicy, images: readonly ImageDetail[]): Map<string, string> {
  const result = evaluatePolicy(policy, images, { now: NOW });
  return new Map(images.map((img, i) => [img.imageDigest, `${result.actionOf(i) ?? 'kept'}@${result.appliedRulePriorityOf(i) ?? '-'}`]));
}

const byPriority = (rules: readonly LifecycleRule[]): LifecycleRule[] => [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
const withoutPriority = ({ rulePriority: _p, ...rest }: LifecycleRule): Omit<LifecycleRule, 'rulePriority'> => rest;

describe('policy engine properties', () => {
  describe('parsePolicy', () => {
    it('accepts every generated policy (the generators only write what ECR accepts)', () => {
      fc.assert(
        fc.property(policyArb, (policy) => {
          expect(parsePolicy(JSON.stringify(policy)).problems).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('evaluatePolicy', () => {
    it('acts on each image at most once, through the first rule that matches it', () => {
      fc.assert(
        fc.property(policyArb, imagesArb, (policy, images) => {
          // Act
          const result = evaluatePolicy(policy, images, { now: NOW });
          const preview = result.preview();

          // Assert
          const acted = new Set(result.actedIndexes);
          expect(acted.size).toBe(result.actedIndexes.length);
          expect(preview.previewResults).toHaveLength(acted.size);
          expect(new Set(preview.previewResults.map((r) => r.imageDigest)).size).toBe(acted.size);
          expect(preview.summary.expiringImageTotalCount + (preview.summary.transitioningImageTotalCounts[0]?.imageTotalCount ?? 0)).toBe(
            acted.size,
          );
          images.forEach((_, i) => {
            const explanation = result.explain(i);
            expect(result.actionOf(i) !== undefined).toBe(acted.has(i));
            expect(explanation.appliedRulePriority).toBe(result.appliedRulePriorityOf(i));
            if (acted.has(i)) {
              expect(explanation.matchedRulePriorities[0]).toBe(result.appliedRulePriorityOf(i));
              expect(explanation.keepReason).toBeUndefined();
            } else {
              expect(explanation.keepReason).toBeDefined();
            }
          });
        }),
        { numRuns: 300 },
      );
    });

    it('never lets a tagged rule act on an untagged image, an untagged rule on a tagged one, or a rule on the other storage class', () => {
      fc.assert(
        fc.property(policyArb, imagesArb, (policy, images) => {
          // Act
          const result = evaluatePolicy(policy, images, { now: NOW });

          // Assert
          for (const i of result.actedIndexes) {
            const img = images[i] as ImageDetail;
            const acting = policy.rules.find((r) => r.rulePriority === result.appliedRulePriorityOf(i)) as LifecycleRule;
            if (acting.selection.tagStatus === 'tagged') expect(isTagged(img)).toBe(true);
            if (acting.selection.tagStatus === 'untagged') expect(isTagged(img)).toBe(false);
            expect(storageClassOf(acting) === 'archive').toBe(img.imageStatus === 'ARCHIVED');
          }
        }),
        { numRuns: 300 },
      );
    });

    it('never acts on a child of an index in the input', () => {
      fc.assert(
        fc.property(policyArb, imagesArb, (policy, images) => {
          // Act
          const result = evaluatePolicy(policy, images, { now: NOW });

          // Assert
          const protectedDigests = childDigests(images);
          for (const i of result.actedIndexes) expect(protectedDigests.has(images[i]?.imageDigest ?? '')).toBe(false);
        }),
        { numRuns: 300 },
      );
    });

    it('gives the same outcome per digest, and the same preview, whatever the input order', () => {
      fc.assert(
        fc.property(policyArb, imagesArb, fc.array(fc.integer(), { minLength: 30, maxLength: 30 }), (policy, images, keys) => {
          // Arrange
          const shuffled = permute(images, keys);

          // Act
          const original = outcomeByDigest(policy, images);
          const reordered = outcomeByDigest(policy, shuffled);

          // Assert
          expect(reordered).toEqual(original);
          expect(evaluatePolicy(policy, shuffled, { now: NOW }).preview()).toEqual(evaluatePolicy(policy, images, { now: NOW }).preview());
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('mergeDefaultRule', () => {
    it.each([
      ['any valid policy', policyArb],
      ['a policy without an untagged expire rule', uncoveredPolicyArb],
    ])('is idempotent, keeps every existing rule in order, and returns a valid policy, given %s', (_name, arb) => {
      fc.assert(
        fc.property(arb, fc.integer({ min: 1, max: 400 }), (policy, days) => {
          // Arrange
          const text = JSON.stringify(policy);
          const covered = policyExpiresUntaggedImages(policy);
          const conflicting = policy.rules.some((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'untagged');
          if (!covered && conflicting) {
            expect(() => mergeDefaultRule(text, days)).toThrow(MergeError);
            return;
          }

          // Act
          const merged = mergeDefaultRule(text, days);
          const again = mergeDefaultRule(merged.text, days);

          // Assert
          expect(parsePolicy(merged.text).ok).toBe(true);
          expect(JSON.parse(merged.text)).toEqual(merged.policy);
          expect(again).toEqual({ policy: merged.policy, text: merged.text, changed: false, renumbered: false });
          expect(merged.changed).toBe(!covered);
          if (!merged.changed) {
            expect(merged.text).toBe(text);
            return;
          }
          const sorted = byPriority(merged.policy.rules);
          const added = sorted.filter((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'untagged');
          expect(added).toHaveLength(1);
          const kept = sorted.filter((r) => r !== added[0]);
          expect(kept.map(withoutPriority)).toEqual(byPriority(policy.rules).map(withoutPriority));
          if (!merged.renumbered) expect(merged.policy.rules.slice(0, policy.rules.length)).toEqual(policy.rules);
          const standardAny = sorted.find((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'any');
          if (standardAny) expect(added[0]?.rulePriority).toBeLessThan(standardAny.rulePriority);
          if (merged.renumbered) {
            // Renumbering is the last resort: every priority below the original standard any rule was taken.
            const originalAny = policy.rules.find((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'any');
            const used = new Set(policy.rules.map((r) => r.rulePriority));
            const free = Array.from({ length: (originalAny?.rulePriority ?? 1) - 1 }, (_, k) => k + 1).filter((p) => !used.has(p));
            expect(free).toEqual([]);
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('newestFirstOrder', () => {
    it('orders like a plain comparator sort: newest first, missing times last, ties by ascending digest', () => {
      const timeArb = fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(-Infinity, Infinity) },
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
        { weight: 4, arbitrary: fc.double({ min: -1e13, max: 4e12, noNaN: true, noDefaultInfinity: true }) },
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(timeArb, fc.constantFrom('a', 'b', 'c', 'd'))), (entries) => {
          // Arrange
          const times = Float64Array.from(entries.map(([t]) => t));
          const digests = entries.map(([, d]) => d);
          const expected = entries
            .map((_, i) => i)
            .sort((a, b) => {
              const ta = times[a] as number;
              const tb = times[b] as number;
              if (ta !== tb) return tb - ta > 0 ? 1 : -1;
              const da = digests[a] as string;
              const db = digests[b] as string;
              return da < db ? -1 : da > db ? 1 : a - b;
            });

          // Act
          const order = Array.from(newestFirstOrder(times, digests));

          // Assert
          expect(order).toEqual(expected);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('lintPolicy', () => {
    it('never flags a rule wrongly: a ShadowedRule never acts and a RuleMatchesNothing selects no image, on any images', () => {
      fc.assert(
        fc.property(policyArb, imagesArb, (policy, images) => {
          // Act
          const findings = lintPolicy(policy, { images, lintMaxUntaggedDays: 30 });
          const evaluation = evaluatePolicy(policy, images, { now: NOW });

          // Assert
          for (const finding of findings) {
            if (finding.code === 'ShadowedRule') {
              expect(images.map((_, i) => evaluation.appliedRulePriorityOf(i))).not.toContain(finding.rulePriority);
            }
            if (finding.code === 'RuleMatchesNothing') {
              const matched = images.flatMap((_, i) => evaluation.explain(i).matchedRulePriorities);
              expect(matched).not.toContain(finding.rulePriority);
            }
          }
        }),
        { numRuns: 500 },
      );
    });

    it('agrees with the engine on the untagged retention it reports', () => {
      fc.assert(
        fc.property(policyArb, (policy) => {
          // Act
          const days = untaggedRetentionDays(policy);
          const old = { imageDigest: 'sha256:old', imagePushedAt: new Date(NOW - ((days ?? 0) + 1) * DAY).toISOString() };
          const young = { imageDigest: 'sha256:young', imagePushedAt: new Date(NOW - ((days ?? 0) - 1) * DAY).toISOString() };
          const evaluation = evaluatePolicy(policy, [old, young], { now: NOW });

          // Assert: with a retention by age, an untagged image one day past it expires and one a day short of it stays
          if (days !== null) {
            expect(evaluation.actionOf(0)).toBe('expire');
            expect(evaluation.actionOf(1)).toBeUndefined();
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
