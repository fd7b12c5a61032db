import type { AnalysisOptions } from '../../../src/domain/analysis';
import { analyseRepository, sizeWarnings } from '../../../src/domain/analysis';
import { buildImageGraph } from '../../../src/domain/graph';
import type { ImageDetail } from '../../../src/domain/image';
import { GIB } from '../../../src/domain/report';
import { NOW, imageOf, opaqueImage } from '../support/images';
import { repositoryState } from '../support/repository-state';
import { blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import {
  INVALID_POLICY,
  TAGGED_ONLY,
  UNTAGGED_30_DAYS,
  archiveUntagged,
  expireUntagged,
  keepNewestTagged,
  policyText,
} from '../support/policies';

const base = blob('base-os', 40_000_000);

/** An app image whose own bytes (config + code) are `ownBytes`, on a shared base layer. */
function app(name: string, ownBytes = 10_000) {
  return imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(`${name}-code`, ownBytes - 1_000)] });
}

function options(overrides: Partial<AnalysisOptions> = {}): AnalysisOptions {
  return { now: NOW, days: 7, pricePerGbMonth: 0.1, optedOut: false, excluded: false, lintMaxUntaggedDays: 30, ...overrides };
}

// A repository with two releases, an old orphan, a young orphan, and a 10-day-old orphan.
const release1 = app('release-1');
const release2 = app('release-2');
const oldOrphan = app('old-orphan', 20_000);
const youngOrphan = app('young-orphan', 30_000);
const tenDayOrphan = app('ten-day-orphan', 50_000);
const mixed = (): ImageDetail[] => [
  imageOf(release1, { tags: ['release-1'], pushedDaysAgo: 60 }),
  imageOf(release2, { tags: ['release-2'], pushedDaysAgo: 2 }),
  imageOf(oldOrphan, { pushedDaysAgo: 40 }),
  imageOf(youngOrphan, { pushedDaysAgo: 3 }),
  imageOf(tenDayOrphan, { pushedDaysAgo: 10 }),
];

describe('analysis', () => {
  describe('analyseRepository', () => {
    it('dooms untagged orphans older than the default rule when the repository has no policy', () => {
      // Act
      const {
        report,
        warnings: [warning],
      } = analyseRepository(repositoryState(mixed()), options());

      // Assert
      expect(warning).toBeUndefined();
      expect(report.policyStatus).toBe('missing');
      expect(report.doomedImages).toBe(2);
      expect(report.reclaimableBytes).toBe(20_000 + 50_000);
    });

    it('uses a policy that already expires untagged images as it is', () => {
      // Act: the repository's own 30-day rule keeps the 10-day orphan the 7-day default would take.
      const { report } = analyseRepository(repositoryState(mixed(), UNTAGGED_30_DAYS), options());

      // Assert
      expect(report.policyStatus).toBe('ok');
      expect(report.doomedImages).toBe(1);
      expect(report.reclaimableBytes).toBe(20_000);
    });

    it('merges the untagged rule into a tagged-only policy for the estimate', () => {
      // Act: the policy keeps one release (release-1 goes) and the merged rule takes the old orphans.
      const { report } = analyseRepository(repositoryState(mixed(), TAGGED_ONLY), options());

      // Assert
      expect(report.policyStatus).toBe('no-untagged-rule');
      expect(report.doomedImages).toBe(3);
      expect(report.reclaimableBytes).toBe(10_000 + 20_000 + 50_000);
    });

    it('uses the days option for the merged default rule', () => {
      // Act
      const { report } = analyseRepository(repositoryState(mixed()), options({ days: 30 }));

      // Assert
      expect(report.doomedImages).toBe(1);
      expect(report.reclaimableBytes).toBe(20_000);
    });

    it.each([
      { name: 'opted out', flags: { optedOut: true } },
      { name: 'excluded', flags: { excluded: true } },
    ])('dooms nothing when the repository is $name and has no policy', ({ flags }) => {
      // Act
      const {
        report,
        warnings: [warning],
      } = analyseRepository(repositoryState(mixed()), options(flags));

      // Assert
      expect(warning).toBeUndefined();
      expect(report).toMatchObject({ policyStatus: 'missing', doomedImages: 0, reclaimableBytes: 0, monthlySavingsUsd: 0, ...flags });
    });

    it.each([
      { name: 'opted out', flags: { optedOut: true } },
      { name: 'excluded', flags: { excluded: true } },
    ])('evaluates only its own policy when the repository is $name', ({ flags }) => {
      // Act: the tagged-only policy takes release-1; no untagged rule is merged in.
      const { report } = analyseRepository(repositoryState(mixed(), TAGGED_ONLY), options(flags));

      // Assert
      expect(report.doomedImages).toBe(1);
      expect(report.reclaimableBytes).toBe(10_000);
    });

    it('warns and dooms nothing when the stored policy is invalid', () => {
      // Act
      const {
        report,
        warnings: [warning],
      } = analyseRepository(repositoryState(mixed(), INVALID_POLICY), options());

      // Assert
      expect(warning).toEqual({ code: 'InvalidStoredPolicy', message: expect.stringMatching(/not valid/) });
      expect(report.policyStatus).toBe('no-untagged-rule');
      expect(report.doomedImages).toBe(0);
      expect(report.reclaimableBytes).toBe(0);
    });

    it('warns and evaluates the own policy when the default rule cannot be merged into it', () => {
      // Arrange: ECR allows one untagged rule per storage class, and this one archives.
      const text = policyText(keepNewestTagged(1, 'release', 1), archiveUntagged(2, 30));

      // Act
      const {
        report,
        warnings: [warning],
      } = analyseRepository(repositoryState(mixed(), text), options());

      // Assert
      expect(warning).toEqual({ code: 'PolicyNotMergeable', message: expect.stringMatching(/already selects untagged/) });
      expect(report.policyStatus).toBe('no-untagged-rule');
      expect(report.doomedImages).toBe(1);
      expect(report.reclaimableBytes).toBe(10_000);
    });

    describe('warnings', () => {
      /** A valid policy of the 50 rules ECR allows, none of them for untagged images. */
      const FIFTY_RULES = policyText(...Array.from({ length: 50 }, (_, i) => keepNewestTagged(i + 1, `team-${i + 1}-`, 5)));
      const UNTAGGED_TRANSITION = policyText(keepNewestTagged(1, 'release', 1), archiveUntagged(2, 30));

      it.each([
        {
          name: 'the stored policy is invalid',
          text: INVALID_POLICY,
          code: 'InvalidStoredPolicy',
          message:
            /stored lifecycle policy is not valid \(2 problems\), so it was not evaluated: .*countNumber: must be a positive integer/,
        },
        {
          name: 'an untagged rule transitions instead of expiring',
          text: UNTAGGED_TRANSITION,
          code: 'PolicyNotMergeable',
          message: /rule 2 already selects untagged standard images \(action "transition"\)/,
        },
        { name: 'the policy already has 50 rules', text: FIFTY_RULES, code: 'PolicyNotMergeable', message: /already has 50 rules/ },
      ])('warns with $code when $name', ({ text, code, message }) => {
        // Act
        const {
          warnings: [warning],
        } = analyseRepository(repositoryState(mixed(), text), options());

        // Assert
        expect(warning).toEqual({ code, message: expect.stringMatching(message) });
      });

      it.each([
        { name: 'no policy', text: null },
        { name: 'a policy expiring untagged images', text: UNTAGGED_30_DAYS },
        { name: 'a tagged-only policy the default rule merges into', text: TAGGED_ONLY },
      ])('does not warn when the repository has $name', ({ text }) => {
        // Act
        const {
          warnings: [warning],
        } = analyseRepository(repositoryState(mixed(), text), options());

        // Assert
        expect(warning).toBeUndefined();
      });

      it.each([
        { name: 'opted out', flags: { optedOut: true }, text: UNTAGGED_TRANSITION },
        { name: 'excluded', flags: { excluded: true }, text: UNTAGGED_TRANSITION },
        { name: 'opted out', flags: { optedOut: true }, text: FIFTY_RULES },
        { name: 'excluded', flags: { excluded: true }, text: FIFTY_RULES },
      ])('does not warn about a policy the default rule cannot be merged into when the repository is $name', ({ flags, text }) => {
        // Act: the janitor never merges into such a repository, so the conflict does not matter.
        const {
          warnings: [warning],
        } = analyseRepository(repositoryState(mixed(), text), options(flags));

        // Assert
        expect(warning).toBeUndefined();
      });

      it.each([
        { name: 'opted out', flags: { optedOut: true } },
        { name: 'excluded', flags: { excluded: true } },
      ])('still warns about an invalid stored policy when the repository is $name', ({ flags }) => {
        // Act
        const {
          warnings: [warning],
        } = analyseRepository(repositoryState(mixed(), INVALID_POLICY), options(flags));

        // Assert
        expect(warning).toEqual({ code: 'InvalidStoredPolicy', message: expect.stringMatching(/not valid/) });
      });

      it('names at most three of an invalid policy problems and counts the rest', () => {
        // Arrange: five rules, each with a count of zero.
        const rules = Array.from({ length: 5 }, (_, i) => ({
          ...keepNewestTagged(i + 1, `p${i}-`, 1),
          selection: { ...keepNewestTagged(i + 1, `p${i}-`, 1).selection, countNumber: 0 },
        }));

        // Act
        const {
          warnings: [warning],
        } = analyseRepository(repositoryState(mixed(), policyText(...rules)), options());

        // Assert
        expect(warning?.message).toMatch(/^stored lifecycle policy is not valid \(5 problems\)/);
        expect(warning?.message).toMatch(/\(and 2 more\)$/);
        expect(warning?.message.match(/Fix:/g)).toHaveLength(3);
      });
    });

    describe('referrersAtRisk', () => {
      const kept = app('kept', 6_000);

      it('counts an untagged signature of a kept tagged image that the merged default rule expires', () => {
        // Arrange: the signature is as old as its image; the default rule takes it for an orphan.
        const signature = signatureOf(kept);
        const images = [imageOf(kept, { tags: ['v1'], pushedDaysAgo: 20 }), imageOf(signature, { pushedDaysAgo: 20 })];

        // Act
        const { report } = analyseRepository(repositoryState(images), options());

        // Assert
        expect(report).toMatchObject({ referrers: 1, referrersAtRisk: 1, doomedImages: 1, reclaimableBytes: signature.size });
      });

      it('counts every untagged referrer of a kept image, SBOM and signature alike', () => {
        // Arrange
        const images = [
          imageOf(kept, { tags: ['v1'], pushedDaysAgo: 20 }),
          imageOf(signatureOf(kept), { pushedDaysAgo: 20 }),
          imageOf(signatureOf(kept, 'sbom'), { pushedDaysAgo: 15 }),
        ];

        // Act
        const { report } = analyseRepository(repositoryState(images), options());

        // Assert
        expect(report.referrersAtRisk).toBe(2);
      });

      it('does not count a referrer whose subject is doomed: ECR removes it with its subject anyway', () => {
        // Arrange: an old untagged build and its signature, both expired by the default rule.
        const old = app('old-build', 5_000);
        const images = [
          imageOf(old, { pushedDaysAgo: 30 }),
          imageOf(signatureOf(old), { pushedDaysAgo: 30 }),
          imageOf(kept, { tags: ['v1'] }),
        ];

        // Act
        const { report } = analyseRepository(repositoryState(images), options());

        // Assert
        expect(report.referrersAtRisk).toBe(0);
        expect(report.doomedImages).toBe(2);
      });

      it('does not count a referrer whose subject is not in the repository', () => {
        // Arrange
        const images = [imageOf(signatureOf(app('deleted-long-ago')), { pushedDaysAgo: 30 }), imageOf(kept, { tags: ['v1'] })];

        // Act
        const { report } = analyseRepository(repositoryState(images), options());

        // Assert
        expect(report.referrersAtRisk).toBe(0);
        expect(report.doomedImages).toBe(1);
      });

      it.each([
        { name: 'younger than the rule', signature: { pushedDaysAgo: 3 } },
        { name: 'tagged', signature: { tags: ['sha256-kept.sig'], pushedDaysAgo: 30 } },
      ])('does not count a referrer of a kept image that is $name', ({ signature }) => {
        // Arrange
        const images = [imageOf(kept, { tags: ['v1'], pushedDaysAgo: 30 }), imageOf(signatureOf(kept), signature)];

        // Act
        const { report } = analyseRepository(repositoryState(images), options());

        // Assert
        expect(report.referrersAtRisk).toBe(0);
        expect(report.doomedImages).toBe(0);
      });

      it('counts the referrers the repository own untagged rule expires even when the repository is opted out', () => {
        // Arrange: the team's 30-day rule, not the janitor's, takes the signature.
        const images = [imageOf(kept, { tags: ['release-1'], pushedDaysAgo: 60 }), imageOf(signatureOf(kept), { pushedDaysAgo: 60 })];

        // Act
        const { report } = analyseRepository(repositoryState(images, UNTAGGED_30_DAYS), options({ optedOut: true }));

        // Assert
        expect(report.referrersAtRisk).toBe(1);
      });

      it('counts nothing when no policy applies to an opted-out repository', () => {
        // Arrange
        const images = [imageOf(kept, { tags: ['v1'], pushedDaysAgo: 60 }), imageOf(signatureOf(kept), { pushedDaysAgo: 60 })];

        // Act
        const { report } = analyseRepository(repositoryState(images), options({ optedOut: true }));

        // Assert
        expect(report.referrersAtRisk).toBe(0);
        expect(report.doomedImages).toBe(0);
      });

      it('does not count a referrer listed in a kept index: ECR never expires an index child', () => {
        // Arrange: buildx puts attestations into the index beside the platform images.
        const attestation = signatureOf(kept, 'attestation');
        const list = indexManifest([kept, attestation]);
        const images = [
          imageOf(list, { tags: ['v1'], pushedDaysAgo: 30 }),
          imageOf(kept, { pushedDaysAgo: 30 }),
          imageOf(attestation, { pushedDaysAgo: 30 }),
        ];

        // Act
        const { report } = analyseRepository(repositoryState(images), options());

        // Assert
        expect(report.referrersAtRisk).toBe(0);
        expect(report.doomedImages).toBe(0);
      });
    });

    it('counts every image, and only untagged orphans as untagged images', () => {
      // Arrange
      const amd64 = app('amd64');
      const arm64 = app('arm64');
      const list = indexManifest([amd64, arm64]);
      const tagged = app('tagged');
      const images = [
        imageOf(list, { tags: ['v1'] }),
        imageOf(amd64),
        imageOf(arm64),
        imageOf(tagged, { tags: ['v0'], status: 'ARCHIVED' }),
        imageOf(signatureOf(tagged)),
        imageOf(app('orphan-1')),
        imageOf(app('orphan-2'), { status: 'ARCHIVED' }),
      ];

      // Act
      const { report } = analyseRepository(repositoryState(images), options());

      // Assert
      expect(report).toMatchObject({ images: 7, untaggedImages: 2, indexChildren: 2, referrers: 1, archivedImages: 2 });
    });

    it('never dooms the old untagged children of a kept index', () => {
      // Arrange
      const amd64 = app('amd64');
      const arm64 = app('arm64');
      const list = indexManifest([amd64, arm64]);
      const images = [
        imageOf(list, { tags: ['v1'], pushedDaysAgo: 90 }),
        imageOf(amd64, { pushedDaysAgo: 90 }),
        imageOf(arm64, { pushedDaysAgo: 90 }),
      ];

      // Act
      const { report } = analyseRepository(repositoryState(images), options());

      // Assert
      expect(report.doomedImages).toBe(0);
      expect(report.reclaimableBytes).toBe(0);
    });

    it('dooms the children of an expired untagged index with it and reclaims their own blobs', () => {
      // Arrange: the index lost its tag to a newer build that still shares the base layer.
      const amd64 = app('amd64', 3_000);
      const arm64 = app('arm64', 4_000);
      const list = indexManifest([amd64, arm64]);
      const current = app('current', 5_000);
      const images = [
        imageOf(list, { pushedDaysAgo: 30 }),
        imageOf(amd64, { pushedDaysAgo: 30 }),
        imageOf(arm64, { pushedDaysAgo: 30 }),
        imageOf(current, { tags: ['latest'] }),
      ];

      // Act
      const { report } = analyseRepository(repositoryState(images), options());

      // Assert
      expect(report.doomedImages).toBe(3);
      expect(report.reclaimableBytes).toBe(3_000 + 4_000);
      expect(report.untaggedImages).toBe(1);
    });

    it('dooms a tagged referrer whose subject expires', () => {
      // Arrange
      const subject = app('subject', 6_000);
      const signature = signatureOf(subject);
      const images = [
        imageOf(subject, { pushedDaysAgo: 20 }),
        imageOf(signature, { tags: ['sha256-subject.sig'], pushedDaysAgo: 1 }),
        imageOf(app('kept'), { tags: ['v1'] }),
      ];

      // Act
      const { report } = analyseRepository(repositoryState(images), options());

      // Assert
      expect(report.doomedImages).toBe(2);
      expect(report.reclaimableBytes).toBe(6_000 + signature.size);
    });

    it('does not doom archived orphans with the standard-class default rule', () => {
      // Arrange
      const images = [imageOf(app('archived-orphan'), { pushedDaysAgo: 200, status: 'ARCHIVED' }), imageOf(app('kept'), { tags: ['v1'] })];

      // Act
      const { report } = analyseRepository(repositoryState(images), options());

      // Assert
      expect(report.doomedImages).toBe(0);
    });

    it('does not count transitioned images as doomed', () => {
      // Arrange: untagged images are archived after 5 days (no expire rule for them), tagged are kept.
      const text = policyText(archiveUntagged(1, 5));
      const images = [imageOf(app('orphan'), { pushedDaysAgo: 40 }), imageOf(app('kept'), { tags: ['v1'] })];

      // Act
      const { report } = analyseRepository(repositoryState(images, text), options({ optedOut: true }));

      // Assert
      expect(report.doomedImages).toBe(0);
      expect(report.reclaimableBytes).toBe(0);
    });

    it('reports de-duplicated stored bytes beside the naive sum, and their monthly cost at 2^30 bytes per GB', () => {
      // Arrange: two 1 GiB images sharing a 0.75 GiB base layer.
      const shared = blob('big-base', 0.75 * GIB);
      const a = imageManifest({ config: blob('a-config', 0.125 * GIB), layers: [shared, blob('a-code', 0.125 * GIB)] });
      const b = imageManifest({ config: blob('b-config', 0.125 * GIB), layers: [shared, blob('b-code', 0.125 * GIB)] });
      const images = [imageOf(a, { tags: ['a'] }), imageOf(b, { pushedDaysAgo: 10 })];

      // Act
      const { report } = analyseRepository(repositoryState(images), options({ pricePerGbMonth: 0.1 }));

      // Assert
      expect(report.naiveBytes).toBe(2 * GIB);
      expect(report.storedBytes).toBe(1.25 * GIB);
      expect(report.reclaimableBytes).toBe(0.25 * GIB);
      expect(report.monthlyCostUsd).toBeCloseTo(0.125, 10);
      expect(report.monthlySavingsUsd).toBeCloseTo(0.025, 10);
    });

    it('counts unknown manifests by their reported size', () => {
      // Arrange
      const images = [opaqueImage('old', 5_000, { pushedDaysAgo: 30 }), opaqueImage('tagged', 7_000, { tags: ['v1'] })];

      // Act
      const { report } = analyseRepository(repositoryState(images), options());

      // Assert
      expect(report).toMatchObject({ storedBytes: 12_000, naiveBytes: 12_000, reclaimableBytes: 5_000, doomedImages: 1 });
    });

    it('copies the repository identity and selection flags into the report', () => {
      // Act
      const { report } = analyseRepository(repositoryState([]), options({ optedOut: true }));

      // Assert
      expect(report).toEqual({
        accountId: '111122223333',
        region: 'eu-west-1',
        repositoryName: 'team/app',
        policyStatus: 'missing',
        optedOut: true,
        excluded: false,
        images: 0,
        untaggedImages: 0,
        indexChildren: 0,
        referrers: 0,
        referrersAtRisk: 0,
        archivedImages: 0,
        doomedImages: 0,
        storedBytes: 0,
        naiveBytes: 0,
        reclaimableBytes: 0,
        monthlyCostUsd: 0,
        monthlySavingsUsd: 0,
        archivableBytes: 0,
        archiveRuleSuggestion: null,
        costAllocationTags: {},
        findings: [],
        untaggedRetentionDays: null,
        inUseImages: 0,
        inUseAtRisk: 0,
        heldInUse: false,
      });
    });

    it('keeps the repository own untagged rule ahead of the default when both would act', () => {
      // Arrange
      const text = policyText(expireUntagged(1, 60));
      const images = [imageOf(app('forty-days'), { pushedDaysAgo: 40 }), imageOf(app('ninety-days', 2_000), { pushedDaysAgo: 90 })];

      // Act
      const { report } = analyseRepository(repositoryState(images, text), options());

      // Assert
      expect(report.doomedImages).toBe(1);
      expect(report.reclaimableBytes).toBe(2_000);
    });
  });

  describe('sizeWarnings', () => {
    it('says nothing when every image has a readable manifest and a size of at least its layers', () => {
      // Act
      const warnings = sizeWarnings(buildImageGraph(mixed()));

      // Assert
      expect(warnings).toEqual([]);
    });

    it('counts the images whose stored bytes fall back to their reported size, and names the first', () => {
      // Arrange
      const unread = imageOf(app('unread'), { withoutManifest: true, sizeInBytes: 700 });
      const legacy = opaqueImage('legacy', 300);

      // Act
      const warnings = sizeWarnings(buildImageGraph([...mixed(), unread, legacy]));

      // Assert
      expect(warnings).toEqual([
        {
          code: 'ManifestMissing',
          message: expect.stringContaining(`2 images (e.g. ${unread.imageDigest}) have no readable manifest`) as string,
        },
      ]);
      expect(warnings[0]?.message).toContain('fall back to their imageSizeInBytes (1000 bytes in all)');
    });

    it('names an index whose child is not in the repository', () => {
      // Arrange
      const held = app('held');
      const gone = app('gone');
      const list = indexManifest([held, gone]);

      // Act
      const warnings = sizeWarnings(buildImageGraph([imageOf(list, { tags: ['v1'] }), imageOf(held)]));

      // Assert
      expect(warnings).toEqual([
        {
          code: 'IndexChildMissing',
          message: expect.stringContaining(
            `1 image index (e.g. ${list.digest}) lists 1 child manifest that the repository does not hold (e.g. ${gone.digest})`,
          ) as string,
        },
      ]);
    });

    it('flags images that report fewer bytes than their own layers, as moto does, but not a size that counts the config too', () => {
      // Arrange: moto reports the config's size; ECR reports at least the layers.
      const motoLike = imageOf(app('moto-like', 10_000), { sizeInBytes: 1_000 });
      const exact = imageOf(app('exact', 10_000), { sizeInBytes: 9_000 + 40_000_000 });

      // Act
      const warnings = sizeWarnings(buildImageGraph([motoLike, exact]));

      // Assert
      expect(warnings).toEqual([
        {
          code: 'ImageSizeBelowBlobs',
          message: expect.stringContaining(
            `1 image (e.g. ${motoLike.imageDigest}: 1000 < 40009000 bytes) reports an imageSizeInBytes smaller`,
          ) as string,
        },
      ]);
    });

    it('reaches the report as warnings of the repository, after any policy warning', () => {
      // Arrange
      const images = [...mixed(), opaqueImage('legacy', 300)];

      // Act
      const { warnings } = analyseRepository(repositoryState(images, INVALID_POLICY), options());

      // Assert
      expect(warnings.map((w) => w.code)).toEqual(['InvalidStoredPolicy', 'ManifestMissing']);
    });
  });

  describe('policy findings and untagged retention', () => {
    it("lints the repository's own policy against its images and reports its untagged retention", () => {
      // Arrange: a two-prefix rule (only one image has both tags) and untagged images kept 60 days
      const text = policyText(
        {
          ...keepNewestTagged(1, 'prod', 3),
          selection: { ...keepNewestTagged(1, 'prod', 3).selection, tagPrefixList: ['prod', 'release'] },
        },
        expireUntagged(2, 60),
      );
      const images = [
        imageOf(app('prod-only'), { tags: ['prod-1'], pushedDaysAgo: 5 }),
        imageOf(app('both'), { tags: ['prod-2', 'release-2'], pushedDaysAgo: 4 }),
      ];

      // Act
      const { report } = analyseRepository(repositoryState(images, text), options());

      // Assert
      expect(report.findings.map((f) => [f.code, f.rulePriority])).toEqual([
        ['TagPrefixListRequiresAll', 1],
        ['UntaggedRetentionLong', 2],
      ]);
      expect(report.findings[0]?.message).toContain('1 has a tag for some entries but not all');
      expect(report.untaggedRetentionDays).toBe(60);
    });

    it('uses the maxUntaggedDays it is given as the limit', () => {
      // Act
      const strict = analyseRepository(repositoryState([], UNTAGGED_30_DAYS), options({ lintMaxUntaggedDays: 14 })).report;
      const lenient = analyseRepository(repositoryState([], UNTAGGED_30_DAYS), options({ lintMaxUntaggedDays: 30 })).report;

      // Assert
      expect(strict.findings.map((f) => f.code)).toEqual(['UntaggedRetentionLong']);
      expect(lenient.findings).toEqual([]);
    });

    it.each([
      ['no policy', null],
      ['an invalid policy', INVALID_POLICY],
    ])('has no findings and no retention for %s', (_name, text) => {
      // Act
      const { report } = analyseRepository(repositoryState([], text), options());

      // Assert
      expect(report.findings).toEqual([]);
      expect(report.untaggedRetentionDays).toBeNull();
    });

    it("reports the own policy's retention, not the merged one, when the policy never expires untagged images", () => {
      // Act
      const { report } = analyseRepository(repositoryState([], TAGGED_ONLY), options());

      // Assert
      expect(report.untaggedRetentionDays).toBeNull();
    });

    it('counts the shortening of a longer untagged rule in the effective policy when enforcement is on', () => {
      // Arrange: an orphan 45 days old under a 60-day team rule, beside a release on the same base
      const text = policyText(expireUntagged(1, 60));
      const images = [
        imageOf(app('forty-five-days', 3_000), { pushedDaysAgo: 45 }),
        imageOf(app('release'), { tags: ['v1'], pushedDaysAgo: 100 }),
      ];

      // Act
      const off = analyseRepository(repositoryState(images, text), options()).report;
      const on = analyseRepository(repositoryState(images, text), options({ enforcedMaxUntaggedDays: 30 })).report;
      const optedOut = analyseRepository(repositoryState(images, text), options({ enforcedMaxUntaggedDays: 30, optedOut: true })).report;

      // Assert
      expect(off.reclaimableBytes).toBe(0);
      expect(on.reclaimableBytes).toBe(3_000);
      expect(optedOut.reclaimableBytes).toBe(0);
      // Findings and retention describe the repository's own policy either way.
      expect(on.untaggedRetentionDays).toBe(60);
    });
  });
});
