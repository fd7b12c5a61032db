import type { AnalysisOptions } from '../../../src/domain/analysis';
import { analyseRepository } from '../../../src/domain/analysis';
import { archivableBytesOf, archiveRule, withArchiveRule } from '../../../src/domain/archive';
import { buildImageGraph } from '../../../src/domain/graph';
import type { ImageDetail } from '../../../src/domain/image';
import type { LifecyclePolicy } from '../../../src/domain/policy';
import { mergeDefaultRule, parsePolicy } from '../../../src/domain/policy';
import { NOW, daysAgo, imageOf } from '../support/images';
import { repositoryState } from '../support/repository-state';
import { blob, imageManifest, indexManifest } from '../support/manifests';
import { INVALID_POLICY, expireUntagged, keepNewestTagged, policyText } from '../support/policies';
import { DEFAULT_ARCHIVE_AFTER_DAYS } from '../../../src/domain/defaults';

const base = blob('base-os', 40_000_000);

/** An image on the shared base layer whose own bytes (config + code) are `ownBytes`. */
function app(name: string, ownBytes = 10_000) {
  return imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(`${name}-code`, ownBytes - 1_000)] });
}

function options(overrides: Partial<AnalysisOptions> = {}): AnalysisOptions {
  return { now: NOW, days: 7, pricePerGbMonth: 0.1, optedOut: false, excluded: false, lintMaxUntaggedDays: 30, ...overrides };
}

/** A tagged release pushed `pushedDaysAgo` days ago and last pulled `pulledDaysAgo` days ago (never when undefined). */
function release(name: string, pushedDaysAgo: number, pulledDaysAgo?: number, ownBytes = 10_000): ImageDetail {
  const image = imageOf(app(name, ownBytes), { tags: [name], pushedDaysAgo });
  return pulledDaysAgo === undefined ? image : { ...image, lastRecordedPullTime: daysAgo(pulledDaysAgo) };
}

describe('archive', () => {
  describe('withArchiveRule', () => {
    it('adds a sinceImagePulled transition of any image after every other rule, which the validator accepts', () => {
      const policy = mergeDefaultRule(policyText(keepNewestTagged(3, 'v', 10)), 7).policy;

      const plan = withArchiveRule(policy, 90);

      expect(plan?.rule).toEqual(archiveRule(90, 5));
      expect(plan?.rule.selection).toEqual({ tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 });
      expect(plan?.rule.action).toEqual({ type: 'transition', targetStorageClass: 'archive' });
      expect(parsePolicy(JSON.stringify(plan?.policy)).ok).toBe(true);
      expect(JSON.parse(plan?.ruleText ?? '{}')).toEqual(plan?.rule);
    });

    it('makes no plan when the policy already has an any rule in the standard class, which must stay last', () => {
      const policy: LifecyclePolicy = {
        rules: [
          {
            rulePriority: 1,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
            action: { type: 'expire' },
          },
        ],
      };

      expect(withArchiveRule(policy, 90)).toBeUndefined();
    });

    it('makes no plan when the policy already has the 50 rules ECR allows', () => {
      const rules = Array.from({ length: 50 }, (_, i) => keepNewestTagged(i + 1, `p${i}-`, 1));

      expect(withArchiveRule({ rules }, 90)).toBeUndefined();
    });

    it.each([0, -1, 1.5])('makes no plan for %p days', (days) => {
      expect(withArchiveRule({ rules: [] }, days)).toBeUndefined();
    });
  });

  describe('archivableBytesOf', () => {
    it('counts a blob only when no image that stays in standard storage uses it', () => {
      const moving = app('old', 10_000);
      const stays = app('new', 20_000);
      const graph = buildImageGraph([imageOf(moving, { tags: ['old'] }), imageOf(stays, { tags: ['new'] })]);

      // The shared base layer stays billed in standard storage for `new`.
      expect(archivableBytesOf(graph, new Set([moving.digest]), new Set())).toBe(10_000);
      expect(archivableBytesOf(graph, new Set([moving.digest, stays.digest]), new Set())).toBe(40_000_000 + 30_000);
    });

    it('counts blobs shared with removed or already archived images only', () => {
      const moving = app('old', 10_000);
      const doomed = app('orphan', 5_000);
      const archived = app('archived', 7_000);
      const graph = buildImageGraph([imageOf(moving, { tags: ['old'] }), imageOf(doomed), imageOf(archived, { status: 'ARCHIVED' })]);

      expect(archivableBytesOf(graph, new Set([moving.digest]), new Set([doomed.digest]))).toBe(40_000_000 + 10_000);
    });

    it('is zero when nothing moves', () => {
      expect(archivableBytesOf(buildImageGraph([imageOf(app('a'), { tags: ['a'] })]), new Set(), new Set())).toBe(0);
    });
  });

  describe('analyseRepository', () => {
    it('counts the own bytes of a release nobody pulled for 90 days, and suggests the rule after the default one', () => {
      const images = [release('v1', 200), release('v2', 2, 1, 20_000)];

      const { report } = analyseRepository(repositoryState(images), options());

      expect(report.archivableBytes).toBe(10_000);
      const rule = JSON.parse(report.archiveRuleSuggestion ?? 'null') as unknown;
      expect(rule).toEqual(archiveRule(DEFAULT_ARCHIVE_AFTER_DAYS, 2));
      // The suggestion fits the policy the janitor writes for the repository.
      const written = mergeDefaultRule(undefined, 7).policy;
      expect(parsePolicy(JSON.stringify({ rules: [...written.rules, rule] })).ok).toBe(true);
    });

    it('ages an image from its last pull, and from its push when it was never pulled', () => {
      const images = [
        release('pulled-lately', 300, 30),
        release('pulled-long-ago', 300, 120, 20_000),
        release('never-pulled', 100, undefined, 30_000),
      ];

      const { report } = analyseRepository(repositoryState(images), options());

      expect(report.archivableBytes).toBe(20_000 + 30_000);
    });

    it('takes the number of days from archiveAfterDays', () => {
      const images = [release('v1', 100), release('v2', 1, 1)];

      expect(analyseRepository(repositoryState(images), options({ archiveAfterDays: 90 })).report.archivableBytes).toBe(10_000);
      expect(analyseRepository(repositoryState(images), options({ archiveAfterDays: 120 })).report).toMatchObject({
        archivableBytes: 0,
        archiveRuleSuggestion: null,
      });
    });

    it('leaves out images the effective policy removes, even when nobody pulled them', () => {
      const orphan = imageOf(app('orphan', 50_000), { pushedDaysAgo: 200 });

      const { report } = analyseRepository(repositoryState([orphan, release('v2', 1, 1)]), options());

      expect(report.reclaimableBytes).toBe(50_000);
      expect(report.archivableBytes).toBe(0);
      expect(report.archiveRuleSuggestion).toBeNull();
    });

    it('counts only ACTIVE images: archived ones are there already, restoring ones go back to standard', () => {
      const archived = imageOf(app('archived', 10_000), { tags: ['a'], pushedDaysAgo: 400, status: 'ARCHIVED' });
      const activating = imageOf(app('activating', 20_000), { tags: ['b'], pushedDaysAgo: 400, status: 'ACTIVATING' });

      const { report } = analyseRepository(repositoryState([archived, activating, release('v2', 1, 1)]), options());

      expect(report.archivableBytes).toBe(0);
    });

    it('suggests nothing and counts nothing when an any rule of the policy matches every image', () => {
      const text = policyText(expireUntagged(1, 7), {
        rulePriority: 2,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
        action: { type: 'expire' },
      });

      const { report } = analyseRepository(repositoryState([release('v1', 300), release('v2', 1, 1)], text), options());

      expect(report).toMatchObject({ archivableBytes: 0, archiveRuleSuggestion: null });
    });

    it("leaves images a higher-priority rule of the team's policy matches where that rule puts them", () => {
      // The keep-newest-10 rule matches every v-tagged image: ECR lets only it act on them.
      const text = policyText(expireUntagged(1, 7), keepNewestTagged(2, 'v', 10));
      const images = [release('v1', 300), release('other', 300, undefined, 30_000), release('v2', 1, 1)];

      const { report } = analyseRepository(repositoryState(images, text), options());

      expect(report.archivableBytes).toBe(30_000);
      expect(JSON.parse(report.archiveRuleSuggestion ?? '{}')).toMatchObject({ rulePriority: 3 });
    });

    it("counts what the policy's own transition rule moves, and suggests nothing more when it moves everything", () => {
      const text = policyText(expireUntagged(1, 7), {
        rulePriority: 2,
        selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      });

      const { report } = analyseRepository(repositoryState([release('v1', 300), release('v2', 1, 1)], text), options());

      expect(report).toMatchObject({ archivableBytes: 10_000, archiveRuleSuggestion: null });
    });

    it('keeps the layers of a multi-arch image in standard storage: its children are never archived while the index exists', () => {
      const amd = app('amd', 10_000);
      const arm = app('arm', 20_000);
      const index = indexManifest([amd, arm]);
      const images = [
        imageOf(index, { tags: ['v1'], pushedDaysAgo: 300 }),
        imageOf(amd, { pushedDaysAgo: 300 }),
        imageOf(arm, { pushedDaysAgo: 300 }),
      ];

      const { report } = analyseRepository(repositoryState(images), options());

      expect(report.archivableBytes).toBe(0);
      expect(report.archiveRuleSuggestion).toBeNull();
    });

    it('suggests a rule of its own to an opted-out repository without a policy', () => {
      const { report } = analyseRepository(repositoryState([release('v1', 300), release('v2', 1, 1)]), options({ optedOut: true }));

      expect(report.archivableBytes).toBe(10_000);
      expect(JSON.parse(report.archiveRuleSuggestion ?? '{}')).toEqual(archiveRule(90, 1));
    });

    it('counts nothing when the stored policy is invalid and could not be evaluated', () => {
      const { report } = analyseRepository(repositoryState([release('v1', 300)], INVALID_POLICY), options());

      expect(report).toMatchObject({ archivableBytes: 0, archiveRuleSuggestion: null });
    });
  });
});
