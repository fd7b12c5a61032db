import type { ImageDetail } from '../../../../src/domain/image';
import type { LifecyclePolicy, PolicyEvaluation } from '../../../../src/domain/policy';
import { evaluatePolicy, newestFirstOrder } from '../../../../src/domain/policy';
import {
  AWS_ARCHIVE_EXAMPLE,
  DAY,
  DOCKER_LIST,
  NOW,
  OCI_INDEX,
  daysAgo,
  digestOf,
  image,
  indexManifest,
  namesByDigest,
  policyOf,
  rule,
  workedExamples,
} from '../../../fixtures/policy/builders';
import { untaggedInArchive } from '../../support/archive-rules';

const evaluate = (policy: LifecyclePolicy, images: readonly ImageDetail[], now = NOW): PolicyEvaluation =>
  evaluatePolicy(policy, images, { now });

/** Names (the part of the fixture name before the digest) of the images some rule acts on. */
function actedNames(result: PolicyEvaluation, names: readonly string[]): string[] {
  const byDigest = namesByDigest(names);
  return result.actedIndexes.map((i) => byDigest.get(result.images[i]?.imageDigest ?? '') ?? '?').sort();
}

const expireOlderThan = (days: number, selection: Parameters<typeof rule>[1] = { tagStatus: 'any' }) =>
  rule(1, { ...selection, countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });

const toArchive = { type: 'transition', targetStorageClass: 'archive' } as const;

describe('policy evaluation', () => {
  describe('evaluatePolicy', () => {
    describe('AWS worked examples', () => {
      it.each([
        ...workedExamples('tagPatternList').map((e) => ['tagPatternList', e] as const),
        ...workedExamples('tagPrefixList').map((e) => ['tagPrefixList', e] as const),
      ])('expires exactly what ECR expires (%s: $name)', (_form, example) => {
        // Act
        const result = evaluate(example.policy, example.images);

        // Assert
        expect(actedNames(result, ['A', 'B', 'C', 'D', 'E', 'F'])).toEqual(example.expired);
        expect(result.actedIndexes.every((i) => result.actionOf(i) === 'expire')).toBe(true);
      });

      it.each(['tagPatternList', 'tagPrefixList'] as const)(
        'expires A in "multiple rules A" by rule 1 and keeps B as a claimed image of rule 1 (%s)',
        (form) => {
          // Arrange
          const example = workedExamples(form)[0];
          if (!example) throw new Error('fixture missing');

          // Act
          const result = evaluate(example.policy, example.images);

          // Assert
          expect(result.explain(0)).toMatchObject({
            matchedRulePriorities: [1, 2],
            owningRulePriority: 1,
            appliedRulePriority: 1,
            action: { type: 'EXPIRE' },
          });
          expect(result.explain(1)).toMatchObject({ matchedRulePriorities: [1, 2], owningRulePriority: 1, keepReason: 'within-count' });
          expect(result.explain(2)).toMatchObject({ matchedRulePriorities: [2], owningRulePriority: 2, keepReason: 'within-count' });
        },
      );
    });

    describe('tag matching', () => {
      it.each<[string, string, boolean]>([
        ['prod*', 'prod', true],
        ['prod*', 'production', true],
        ['prod*', 'preprod', false],
        ['*prod', 'preprod', true],
        ['*prod', 'prod-1', false],
        ['prod', 'prod', true],
        ['prod', 'prod-1', false],
        ['prod', 'PROD', false],
        ['a*b*c', 'abc', true],
        ['a*b*c', 'a-x-b-y-c', true],
        ['a*b*c', 'abcd', false],
        ['*-rc*', 'v1-rc2', true],
        ['v1.2*', 'v1.2.3', true],
        ['v1.2*', 'v1x2', false],
        ['(x)+*', '(x)+1', true],
        ['*', 'anything', true],
      ])('matches pattern %p against tag %p as a whole-tag glob: %p', (pattern, tag, expected) => {
        // Arrange
        const policy = policyOf(expireOlderThan(1, { tagStatus: 'tagged', tagPatternList: [pattern] }));

        // Act
        const result = evaluate(policy, [image('img', [tag], 30)]);

        // Assert
        expect(result.actionOf(0)).toBe(expected ? 'expire' : undefined);
        expect(result.explain(0).matchedRulePriorities).toEqual(expected ? [1] : []);
      });

      it.each<[string, string, boolean]>([
        ['prod', 'prod', true],
        ['prod', 'production', true],
        ['prod', 'preprod', false],
        ['v1.', 'v1.2', true],
        ['v1.', 'v102', false],
      ])('matches prefix %p against tag %p by startsWith: %p', (prefix, tag, expected) => {
        // Arrange
        const policy = policyOf(expireOlderThan(1, { tagStatus: 'tagged', tagPrefixList: [prefix] }));

        // Act
        const result = evaluate(policy, [image('img', [tag], 30)]);

        // Assert
        expect(result.actionOf(0)).toBe(expected ? 'expire' : undefined);
      });

      it.each<[string, string[], boolean]>([
        ['one tag satisfies only the first entry', ['alpha-1'], false],
        ['one tag satisfies only the second entry', ['beta-1'], false],
        ['different tags satisfy different entries', ['alpha-1', 'beta-1'], true],
        ['one tag satisfies both entries', ['alpha-beta'], true],
        ['extra tags do not matter', ['gamma', 'alpha-1', 'beta-1'], true],
      ])('ANDs the list entries: %s', (_name, tags, expected) => {
        // Arrange
        const policy = policyOf(expireOlderThan(1, { tagStatus: 'tagged', tagPatternList: ['alpha*', '*beta*'] }));

        // Act
        const result = evaluate(policy, [image('img', tags, 30)]);

        // Assert
        expect(result.actionOf(0)).toBe(expected ? 'expire' : undefined);
      });

      it.each<[string, string[] | undefined, 'tagged' | 'untagged', boolean]>([
        ['tagged rule, image with no tags field', undefined, 'tagged', false],
        ['tagged rule, image with empty tags', [], 'tagged', false],
        ['untagged rule, image with no tags field', undefined, 'untagged', true],
        ['untagged rule, image with empty tags', [], 'untagged', true],
        ['untagged rule, tagged image', ['x'], 'untagged', false],
      ])('selects by tag status: %s', (_name, tags, status, expected) => {
        // Arrange
        const selection = status === 'tagged' ? { tagStatus: status, tagPatternList: ['*'] } : { tagStatus: status };
        const policy = policyOf(expireOlderThan(1, selection));
        const subject: ImageDetail = { imageDigest: digestOf('img'), imagePushedAt: daysAgo(30), ...(tags ? { imageTags: tags } : {}) };

        // Act
        const result = evaluate(policy, [subject]);

        // Assert
        expect(result.actionOf(0)).toBe(expected ? 'expire' : undefined);
      });
    });

    describe('rule priority', () => {
      it('counts images claimed by a higher-priority rule but does not act on them', () => {
        // Arrange: rule 1 claims the two new prod images and keeps them; rule 2 still counts them
        const images = [image('P1', ['prod-1'], 1), image('P2', ['prod-2'], 2), image('X', [], 30)];
        const policy = policyOf(
          rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }),
          rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }),
        );

        // Act
        const result = evaluate(policy, images);

        // Assert: X is third newest among rule 2's matches, so it goes although rule 2 acts on nothing else
        expect(actedNames(result, ['P1', 'P2', 'X'])).toEqual(['X']);
        expect(result.appliedRulePriorityOf(2)).toBe(2);
        expect(result.explain(0)).toMatchObject({ matchedRulePriorities: [1, 2], owningRulePriority: 1, keepReason: 'not-old-enough' });
      });

      it('evaluates rules in rulePriority order, not in list order', () => {
        // Arrange: the "multiple rules B" policy with its rules listed backwards
        const example = workedExamples('tagPatternList')[1];
        if (!example) throw new Error('fixture missing');
        const reversed = policyOf(...[...example.policy.rules].reverse());

        // Act
        const result = evaluate(reversed, example.images);

        // Assert
        expect(actedNames(result, ['A', 'B', 'C'])).toEqual(['A', 'B']);
        expect(result.actedIndexes.map((i) => result.appliedRulePriorityOf(i))).toEqual([1, 1]);
      });

      it('acts on an image once, with the action of the first rule that matches it', () => {
        // Arrange: both rules would act on the old image; the transition rule comes first
        const policy = policyOf(
          rule(
            1,
            { tagStatus: 'tagged', tagPatternList: ['old*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 10 },
            toArchive,
          ),
          rule(2, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 10 }),
        );

        // Act
        const result = evaluate(policy, [image('old', ['old-1'], 50), image('other', ['x'], 50)]);

        // Assert
        expect(result.actionOf(0)).toBe('transition');
        expect(result.appliedRulePriorityOf(0)).toBe(1);
        expect(result.actionOf(1)).toBe('expire');
        expect(result.preview().previewResults.map((r) => r.imageDigest)).toEqual([digestOf('old'), digestOf('other')]);
      });
    });

    describe('sinceImagePushed', () => {
      it.each<[string, number, boolean]>([
        ['exactly N days old', 7 * DAY, false],
        ['one millisecond past N days', 7 * DAY + 1, true],
        ['one millisecond short of N days', 7 * DAY - 1, false],
        ['pushed in the future', -DAY, false],
      ])('acts only on images pushed more than N days ago: %s', (_name, ageMs, acted) => {
        // Arrange
        const subject: ImageDetail = { imageDigest: digestOf('img'), imagePushedAt: new Date(NOW - ageMs) };

        // Act
        const result = evaluate(policyOf(expireOlderThan(7, { tagStatus: 'untagged' })), [subject]);

        // Assert
        expect(result.actionOf(0)).toBe(acted ? 'expire' : undefined);
        expect(result.explain(0).keepReason).toBe(acted ? undefined : 'not-old-enough');
      });

      it('keeps an image without a push time and says it has no reference time', () => {
        // Act
        const result = evaluate(policyOf(expireOlderThan(1, { tagStatus: 'untagged' })), [{ imageDigest: digestOf('no-time') }]);

        // Assert
        expect(result.actedIndexes).toEqual([]);
        expect(result.explain(0)).toMatchObject({ keepReason: 'no-reference-time', owningRulePriority: 1 });
      });
    });

    describe('sinceImagePulled', () => {
      const pulledRule = policyOf(
        rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, toArchive),
      );

      it.each<[string, Partial<ImageDetail>, boolean]>([
        ['pulled recently, pushed long ago: the pull counts', { imagePushedAt: daysAgo(100), lastRecordedPullTime: daysAgo(10) }, false],
        ['pulled long ago', { imagePushedAt: daysAgo(100), lastRecordedPullTime: daysAgo(40) }, true],
        ['never pulled, pushed long ago: push time is the reference', { imagePushedAt: daysAgo(100) }, true],
        ['never pulled, pushed recently', { imagePushedAt: daysAgo(10) }, false],
        [
          'restored recently and not pulled since: lastActivatedAt is the reference',
          { imagePushedAt: daysAgo(300), lastRecordedPullTime: daysAgo(200), lastArchivedAt: daysAgo(150), lastActivatedAt: daysAgo(5) },
          false,
        ],
        [
          'restored long ago and not pulled since',
          { imagePushedAt: daysAgo(300), lastRecordedPullTime: daysAgo(200), lastArchivedAt: daysAgo(150), lastActivatedAt: daysAgo(45) },
          true,
        ],
        [
          'restored, never pulled at all',
          { imagePushedAt: daysAgo(300), lastArchivedAt: daysAgo(150), lastActivatedAt: daysAgo(5) },
          false,
        ],
        [
          'restored long ago and pulled since, recently',
          { imagePushedAt: daysAgo(300), lastArchivedAt: daysAgo(150), lastActivatedAt: daysAgo(60), lastRecordedPullTime: daysAgo(3) },
          false,
        ],
        [
          'restored long ago and pulled since, long ago',
          { imagePushedAt: daysAgo(300), lastArchivedAt: daysAgo(150), lastActivatedAt: daysAgo(60), lastRecordedPullTime: daysAgo(50) },
          true,
        ],
      ])('archives by last pull: %s', (_name, times, acted) => {
        // Arrange
        const subject: ImageDetail = { imageDigest: digestOf('img'), imageTags: ['v1'], imageStatus: 'ACTIVE', ...times };

        // Act
        const result = evaluate(pulledRule, [subject]);

        // Assert
        expect(result.actionOf(0)).toBe(acted ? 'transition' : undefined);
      });

      it('reports the transition in the preview as TRANSITION to ARCHIVE', () => {
        // Act
        const result = evaluate(pulledRule, [image('stale', ['v1'], 90), image('fresh', ['v2'], 90, { lastRecordedPullTime: daysAgo(1) })]);

        // Assert
        expect(result.preview()).toEqual({
          previewResults: [
            {
              imageDigest: digestOf('stale'),
              imageTags: ['v1'],
              imagePushedAt: daysAgo(90),
              action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
              appliedRulePriority: 1,
              storageClass: 'STANDARD',
            },
          ],
          summary: { expiringImageTotalCount: 0, transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 1 }] },
        });
      });
    });

    describe('archive storage class', () => {
      const archiveRule = (days: number) =>
        rule(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: days });

      it.each<[string, Partial<ImageDetail>, boolean]>([
        ['archived 100 days ago', { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(100) }, true],
        ['archived 80 days ago', { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(80) }, false],
        ['archived exactly 90 days ago', { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(90) }, false],
        [
          'ACTIVE again after an archival 100 days ago',
          { imageStatus: 'ACTIVE', lastArchivedAt: daysAgo(100), lastActivatedAt: daysAgo(20) },
          false,
        ],
        ['ACTIVATING (being restored)', { imageStatus: 'ACTIVATING', lastArchivedAt: daysAgo(100) }, false],
      ])('expires archived images by lastArchivedAt: %s', (_name, fields, acted) => {
        // Arrange: pushed long ago so push time could not explain the outcome
        const subject = image('img', ['v1'], 400, fields);

        // Act
        const result = evaluate(policyOf(archiveRule(90)), [subject]);

        // Assert
        expect(result.actionOf(0)).toBe(acted ? 'expire' : undefined);
      });

      it('says ARCHIVE as the storage class of an expired archived image in the preview, as GetLifecyclePolicyPreview does', () => {
        // Arrange: one archived image past 90 days in archive, one active image of the same age
        const archived = image('archived', ['v1'], 400, { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(100) });
        const active = image('active', ['v2'], 400);
        const policy = policyOf(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 300 }), {
          ...archiveRule(90),
          rulePriority: 2,
        });

        // Act
        const preview = evaluate(policy, [archived, active]).preview();

        // Assert
        expect(preview.previewResults.map((r) => [r.imageDigest, r.storageClass, r.appliedRulePriority])).toEqual([
          [digestOf('active'), 'STANDARD', 1],
          [digestOf('archived'), 'ARCHIVE', 2],
        ]);
      });

      it('uses lastArchivedAt of an image archived again after a restore', () => {
        // Arrange: restored 200 days ago, archived again 95 days ago
        const subject = image('img', ['v1'], 400, { imageStatus: 'ARCHIVED', lastActivatedAt: daysAgo(200), lastArchivedAt: daysAgo(95) });

        // Act
        const result = evaluate(policyOf(archiveRule(90)), [subject]);

        // Assert
        expect(result.actionOf(0)).toBe('expire');
      });

      it('decides the storage class by imageStatus ARCHIVED alone', () => {
        // Arrange: one standard rule and one archive rule, both willing to expire anything old
        const policy = policyOf(
          rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
          rule(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
        );
        const images = [
          image('active', ['a'], 400),
          image('archived', ['b'], 400, { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(100) }),
          image('no-status', ['c'], 400, { imageStatus: undefined }),
        ];

        // Act
        const result = evaluate(policy, images);

        // Assert
        expect(result.actedIndexes.map((i) => result.appliedRulePriorityOf(i))).toEqual([1, 2, 1]);
        expect(result.explain(1)).toMatchObject({ storageClass: 'archive', matchedRulePriorities: [2] });
        expect(result.explain(0)).toMatchObject({ storageClass: 'standard', matchedRulePriorities: [1] });
      });

      it('does not count archived images in a standard count rule', () => {
        // Arrange: two old archived images are newer than the standard one but live in the other class
        const images = [
          image('standard-old', [], 50),
          image('archived-new-1', [], 1, { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(1) }),
          image('archived-new-2', [], 2, { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(1) }),
        ];

        // Act
        const result = evaluate(policyOf(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })), images);

        // Assert
        expect(result.actedIndexes).toEqual([]);
        expect(result.explain(0).keepReason).toBe('within-count');
        expect(result.explain(1).keepReason).toBe('no-rule-matched');
      });

      it('applies the AWS archive example: archives unpulled standard images, expires long-archived ones', () => {
        // Arrange
        const images = [
          image('unpulled', ['v1'], 120),
          image('pulled', ['v2'], 120, { lastRecordedPullTime: daysAgo(10) }),
          image('long-archived', ['v0'], 900, { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(400) }),
          image('recently-archived', [], 900, { imageStatus: 'ARCHIVED', lastArchivedAt: daysAgo(100) }),
        ];

        // Act
        const result = evaluate(AWS_ARCHIVE_EXAMPLE, images);

        // Assert
        expect(images.map((_, i) => result.actionOf(i))).toEqual(['transition', undefined, 'expire', undefined]);
        expect(result.preview().summary).toEqual({
          expiringImageTotalCount: 1,
          transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 1 }],
        });
      });
    });

    describe('restored images', () => {
      it.each<[string, Partial<ImageDetail>, boolean]>([
        ['restored 10 days ago', { lastArchivedAt: daysAgo(60), lastActivatedAt: daysAgo(10) }, false],
        ['restored 40 days ago', { lastArchivedAt: daysAgo(60), lastActivatedAt: daysAgo(40) }, true],
        ['never archived', {}, true],
      ])('ages a restored image from lastActivatedAt: %s', (_name, fields, acted) => {
        // Arrange
        const subject = image('img', [], 100, fields);

        // Act
        const result = evaluate(policyOf(expireOlderThan(30, { tagStatus: 'untagged' })), [subject]);

        // Assert
        expect(result.actionOf(0)).toBe(acted ? 'expire' : undefined);
      });

      it('ranks a restored image by its restore time in a count rule', () => {
        // Arrange: the oldest push was restored yesterday, so it is the newest
        const images = [
          image('restored', [], 300, { lastArchivedAt: daysAgo(100), lastActivatedAt: daysAgo(1) }),
          image('mid', [], 20),
          image('new', [], 10),
        ];

        // Act
        const result = evaluate(policyOf(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 2 })), images);

        // Assert
        expect(actedNames(result, ['restored', 'mid', 'new'])).toEqual(['mid']);
      });
    });

    describe('image indexes', () => {
      it.each([
        ['an OCI index', OCI_INDEX],
        ['a Docker manifest list', DOCKER_LIST],
      ])('never acts on the children of %s in the input, but may act on the index', (_name, mediaType) => {
        // Arrange: two untagged old children of an old untagged index, plus an unrelated old untagged image
        const children = [digestOf('child-amd64'), digestOf('child-arm64')];
        const images: ImageDetail[] = [
          image('index', [], 40, { imageManifestMediaType: mediaType, imageManifest: indexManifest(children, mediaType) }),
          image('child-amd64', [], 40),
          image('child-arm64', [], 40),
          image('loose', [], 40),
        ];

        // Act
        const result = evaluate(policyOf(expireOlderThan(7, { tagStatus: 'untagged' })), images);

        // Assert
        expect(actedNames(result, ['index', 'child-amd64', 'child-arm64', 'loose'])).toEqual(['index', 'loose']);
        expect(result.explain(1)).toMatchObject({ keepReason: 'index-child', owningRulePriority: 1 });
        expect(result.explain(2).reason).toMatch(/child of an image index/);
      });

      it('protects a child from a count rule too', () => {
        // Arrange
        const children = [digestOf('child')];
        const images = [
          image('index', ['v2'], 1, { imageManifestMediaType: OCI_INDEX, imageManifest: indexManifest(children) }),
          image('child', [], 2),
          image('old', [], 30),
        ];

        // Act
        const result = evaluate(policyOf(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })), images);

        // Assert: the child is past the count like the old image, yet only the old image goes
        expect(result.actedIndexes).toEqual([2]);
        expect(result.explain(1).keepReason).toBe('index-child');
      });

      it('acts on a former child once its index is gone from the input', () => {
        // Act
        const result = evaluate(policyOf(expireOlderThan(7, { tagStatus: 'untagged' })), [image('child-amd64', [], 40)]);

        // Assert
        expect(result.actionOf(0)).toBe('expire');
      });

      it('finds children of an index whose media type is only in the manifest text', () => {
        // Arrange
        const images = [image('index', ['v1'], 40, { imageManifest: indexManifest([digestOf('child')]) }), image('child', [], 40)];

        // Act
        const result = evaluate(policyOf(expireOlderThan(7, { tagStatus: 'untagged' })), images);

        // Assert
        expect(result.actedIndexes).toEqual([]);
        expect(result.explain(1).keepReason).toBe('index-child');
      });
    });

    describe('ordering', () => {
      it.each([
        ['input order', [0, 1, 2]],
        ['reversed input', [2, 1, 0]],
        ['mixed input', [1, 2, 0]],
      ])('breaks ties in push time by digest whatever the %s', (_name, permutation) => {
        // Arrange: three images pushed at the same instant; the lowest digest counts as newest
        const digests = ['sha256:1111', 'sha256:2222', 'sha256:3333'];
        const base = digests.map((d) => ({ imageDigest: d, imagePushedAt: daysAgo(5) }));
        const images = permutation.map((p) => base[p] as ImageDetail);

        // Act
        const result = evaluate(policyOf(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })), images);

        // Assert
        const expired = result.actedIndexes.map((i) => images[i]?.imageDigest).sort();
        expect(expired).toEqual(['sha256:2222', 'sha256:3333']);
      });

      it.each([
        ['ISO strings', (ms: number) => new Date(ms).toISOString()],
        ['ISO strings with an offset', (ms: number) => new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00')],
        ['epoch seconds', (ms: number) => ms / 1000],
        ['Dates', (ms: number) => new Date(ms)],
      ])('reads times given as %s', (_name, write) => {
        // Arrange
        const at = (days: number) => write(NOW - days * DAY);
        const images: ImageDetail[] = [
          { imageDigest: digestOf('a'), imagePushedAt: at(40) },
          { imageDigest: digestOf('b'), imagePushedAt: at(20), lastRecordedPullTime: at(1) },
          { imageDigest: digestOf('c'), imagePushedAt: at(10) },
          { imageDigest: digestOf('d'), imagePushedAt: at(400), imageStatus: 'ARCHIVED', lastArchivedAt: at(100) },
          { imageDigest: digestOf('e'), imagePushedAt: at(400), lastArchivedAt: at(100), lastActivatedAt: at(2) },
        ];
        const policy = policyOf(
          rule(1, { tagStatus: 'untagged', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 15 }, toArchive),
          untaggedInArchive(2, 90),
        );

        // Act
        const result = evaluate(policy, images);

        // Assert
        expect(images.map((_, i) => result.actionOf(i))).toEqual(['transition', undefined, undefined, 'expire', undefined]);
      });
    });

    describe('explain', () => {
      it('gives the matched rules, the acting rule and a sentence naming it for an acted image', () => {
        // Arrange
        const policy = policyOf(
          rule(1, { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 1 }),
          rule(2, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 }),
        );

        // Act
        const result = evaluate(policy, [image('old', ['v1'], 10), image('new', ['v2'], 1)]);

        // Assert
        expect(result.explain(0)).toEqual({
          imageDigest: digestOf('old'),
          imageTags: ['v1'],
          storageClass: 'standard',
          matchedRulePriorities: [1, 2],
          owningRulePriority: 1,
          action: { type: 'EXPIRE' },
          appliedRulePriority: 1,
          reason: 'expired by rule 1: it is not among the newest 1 images the rule matches',
        });
      });

      it.each<[string, LifecyclePolicy, ImageDetail, string, RegExp]>([
        [
          'no rule matched',
          policyOf(expireOlderThan(1, { tagStatus: 'tagged', tagPatternList: ['prod*'] })),
          image('x', ['dev'], 10),
          'no-rule-matched',
          /^kept: no rule selects this tagged standard image$/,
        ],
        [
          'within count',
          policyOf(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 })),
          image('x', ['dev'], 10),
          'within-count',
          /newest 5 images rule 1 matches/,
        ],
        [
          'not old enough',
          policyOf(expireOlderThan(30)),
          image('x', ['dev'], 10),
          'not-old-enough',
          /rule 1 acts after 30 days and it is younger/,
        ],
        [
          'no reference time',
          policyOf(expireOlderThan(30)),
          { imageDigest: digestOf('x') },
          'no-reference-time',
          /has no time to age it from/,
        ],
      ])('gives the keep reason when %s', (_name, policy, subject, keepReason, reason) => {
        // Act
        const explanation = evaluate(policy, [subject]).explain(0);

        // Assert
        expect(explanation.keepReason).toBe(keepReason);
        expect(explanation.action).toBeUndefined();
        expect(explanation.appliedRulePriority).toBeUndefined();
        expect(explanation.reason).toMatch(reason);
      });

      it('reports an archival reason for a transition', () => {
        // Act
        const explanation = evaluate(AWS_ARCHIVE_EXAMPLE, [image('x', ['v1'], 100)]).explain(0);

        // Assert
        expect(explanation).toMatchObject({
          action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
          reason: 'archived by rule 1: its last pull is more than 90 days old',
        });
      });

      it('throws RangeError for an index outside the input', () => {
        // Arrange
        const result = evaluate(policyOf(expireOlderThan(1)), [image('x', [], 10)]);

        // Act / Assert
        expect(() => result.explain(1)).toThrow(RangeError);
      });
    });

    describe('preview', () => {
      it('mirrors GetLifecyclePolicyPreview: results by rule priority then oldest first, and a summary', () => {
        // Arrange
        const policy = policyOf(
          rule(
            1,
            { tagStatus: 'tagged', tagPatternList: ['old*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 10 },
            toArchive,
          ),
          rule(2, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }),
        );
        const images: ImageDetail[] = [
          { imageDigest: digestOf('u-new'), imagePushedAt: daysAgo(1) },
          { imageDigest: digestOf('u-mid'), imagePushedAt: (NOW - 5 * DAY) / 1000 },
          { imageDigest: digestOf('u-old'), imageTags: [], imagePushedAt: new Date(NOW - 9 * DAY) },
          image('old-2', ['old-2'], 20),
          image('old-1', ['old-1'], 30),
        ];

        // Act
        const preview = evaluate(policy, images).preview();

        // Assert
        expect(preview).toEqual({
          previewResults: [
            {
              imageDigest: digestOf('old-1'),
              imageTags: ['old-1'],
              imagePushedAt: daysAgo(30),
              action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
              appliedRulePriority: 1,
              storageClass: 'STANDARD',
            },
            {
              imageDigest: digestOf('old-2'),
              imageTags: ['old-2'],
              imagePushedAt: daysAgo(20),
              action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
              appliedRulePriority: 1,
              storageClass: 'STANDARD',
            },
            {
              imageDigest: digestOf('u-old'),
              imageTags: [],
              imagePushedAt: daysAgo(9),
              action: { type: 'EXPIRE' },
              appliedRulePriority: 2,
              storageClass: 'STANDARD',
            },
            {
              imageDigest: digestOf('u-mid'),
              imageTags: [],
              imagePushedAt: daysAgo(5),
              action: { type: 'EXPIRE' },
              appliedRulePriority: 2,
              storageClass: 'STANDARD',
            },
          ],
          summary: { expiringImageTotalCount: 2, transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 2 }] },
        });
      });

      it('returns an empty preview with zero counts when nothing is acted on', () => {
        // Act
        const preview = evaluate(policyOf(expireOlderThan(30)), [image('x', [], 1)]).preview();

        // Assert
        expect(preview).toEqual({ previewResults: [], summary: { expiringImageTotalCount: 0, transitioningImageTotalCounts: [] } });
      });

      it('leaves imagePushedAt out of the JSON when a count rule expires an image without a push time', () => {
        // Arrange: the image without a time ranks oldest
        const images: ImageDetail[] = [{ imageDigest: digestOf('timeless') }, image('dated', [], 1)];

        // Act
        const preview = evaluate(
          policyOf(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })),
          images,
        ).preview();

        // Assert
        expect(JSON.parse(JSON.stringify(preview.previewResults))).toEqual([
          {
            imageDigest: digestOf('timeless'),
            imageTags: [],
            action: { type: 'EXPIRE' },
            appliedRulePriority: 1,
            storageClass: 'STANDARD',
          },
        ]);
      });
    });
  });

  describe('newestFirstOrder', () => {
    it.each([
      ['distinct times', [3, 1, 2], ['a', 'b', 'c'], [0, 2, 1]],
      ['ties broken by ascending digest', [5, 5, 5], ['c', 'a', 'b'], [1, 2, 0]],
      ['missing times last', [-Infinity, 1, -Infinity], ['a', 'b', 'c'], [1, 0, 2]],
      ['all missing', [-Infinity, -Infinity], ['b', 'a'], [1, 0]],
      ['a tiny difference within a huge span', [0, 1e15, 1e15 + 1, 1e15 + 2], ['a', 'b', 'c', 'd'], [3, 2, 1, 0]],
      ['times a subnormal apart', [0, -5e-324], ['a', 'a'], [0, 1]],
      ['an infinite time among finite ones', [1, Infinity, 2], ['a', 'b', 'c'], [1, 2, 0]],
      ['empty input', [], [], []],
    ])('orders %s', (_name, times, digests, expected) => {
      // Act
      const order = newestFirstOrder(Float64Array.from(times), digests);

      // Assert
      expect(Array.from(order)).toEqual(expected);
    });
  });
});
