import type { AdviceOptions } from '../../../../src/domain/advice';
import { ADVISED_MARK, UNCHANGED_REASON, adviseRepository } from '../../../../src/domain/advice';
import { analyseRepository } from '../../../../src/domain/analysis';
import type { ImageDetail } from '../../../../src/domain/image';
import type { LifecyclePolicy } from '../../../../src/domain/policy';
import { lintPolicy, parsePolicy } from '../../../../src/domain/policy';
import type { RepositoryState } from '../../../../src/domain/registry';
import { DAY, NOW, daysAgo, imageOf } from '../../support/images';
import type { Manifest } from '../../support/manifests';
import { blob, imageManifest, indexManifest, signatureOf } from '../../support/manifests';

const MB = 1_048_576;

/** An image of its own blobs (so its bytes are its own), pushed and pulled that many days ago. */
function image(name: string, tags: string[], pushedDaysAgo: number, pulledDaysAgo?: number): ImageDetail & { manifest: Manifest } {
  const manifest = imageManifest({ config: blob(`${name}-config`, 1_000), layers: [blob(name, 10 * MB)] });
  return {
    ...imageOf(manifest, { tags, pushedDaysAgo }),
    ...(pulledDaysAgo === undefined ? {} : { lastRecordedPullTime: daysAgo(pulledDaysAgo) }),
    manifest,
  };
}

function repository(images: readonly ImageDetail[], policy?: LifecyclePolicy): RepositoryState {
  return {
    accountId: '123456789012',
    region: 'eu-west-1',
    repositoryName: 'team-a/web',
    repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team-a/web',
    tags: [],
    lifecyclePolicyText: policy === undefined ? null : JSON.stringify(policy),
    images: images.map(({ manifest: _m, ...rest }: ImageDetail & { manifest?: Manifest }) => rest),
  };
}

const OPTIONS: AdviceOptions = {
  now: NOW,
  days: 7,
  pricePerGbMonth: 0.1,
  optedOut: false,
  excluded: false,
  lintMaxUntaggedDays: 30,
  keepPulledDays: 90,
  rollbackMargin: 3,
  archivePricePerGbMonth: null,
  archiveAfterDays: 90,
};

function rulesOf(text: string | null): LifecyclePolicy['rules'] {
  if (text === null) throw new Error('no recommended policy');
  return (JSON.parse(text) as LifecyclePolicy).rules;
}

/** Twelve releases v1.0.0 (130 days ago) … v1.0.11 (20 days ago). */
function releases(pulled: Record<number, number> = {}): Array<ImageDetail & { manifest: Manifest }> {
  return Array.from({ length: 12 }, (_, i) => image(`v${i}`, [`v1.0.${i}`], 130 - 10 * i, pulled[i]));
}

describe('adviseRepository', () => {
  describe('release families', () => {
    it('keeps the last N, N covering every release pulled in the window plus the rollback margin', () => {
      // v1.0.4 is the 8th newest release.
      const advice = adviseRepository(repository(releases({ 4: 5 })), OPTIONS);
      expect(advice.advice).toBe('policy');
      const rule = rulesOf(advice.recommendedPolicyText).find((r) => r.selection.tagPatternList?.[0] === 'v*.*');
      expect(rule?.selection).toMatchObject({ countType: 'imageCountMoreThan', countNumber: 11 });
      expect(rule?.description).toBe(`keep last 11 v*.*: covers every v*.* image pulled in the last 90 days (8) + 3 ${ADVISED_MARK}`);
      expect(advice.removedNow).toEqual({ images: 1, bytes: 10 * MB + 1_000 });
    });

    it('keeps only the rollback margin when no release was pulled in the window', () => {
      const advice = adviseRepository(repository(releases({ 0: 200 })), OPTIONS);
      const rule = rulesOf(advice.recommendedPolicyText).find((r) => r.selection.tagPatternList?.[0] === 'v*.*');
      expect(rule?.selection.countNumber).toBe(3);
      expect(advice.removedNow.images).toBe(9);
    });
  });

  describe('ephemeral families', () => {
    const prs = (pulled?: number): Array<ImageDetail & { manifest: Manifest }> =>
      [60, 50, 40, 30, 20].map((age, i) => image(`pr${i}`, [`pr-${i}`], age, i === 1 ? pulled : undefined));

    it('expires them after the shortest age when none was pulled', () => {
      const advice = adviseRepository(repository(prs()), OPTIONS);
      const rule = rulesOf(advice.recommendedPolicyText).find((r) => r.selection.tagPatternList?.[0] === 'pr-*');
      expect(rule?.selection).toMatchObject({ countType: 'sinceImagePushed', countNumber: 14 });
      expect(advice.removedNow.images).toBe(5);
    });

    it('waits until an image pulled in the window is 30 days older than it is now', () => {
      // pr-1 was pushed 50 days ago and pulled 10 days ago: it must stay until now + 30 days.
      const advice = adviseRepository(repository(prs(10)), OPTIONS);
      const rule = rulesOf(advice.recommendedPolicyText).find((r) => r.selection.tagPatternList?.[0] === 'pr-*');
      expect(rule?.selection.countNumber).toBe(80);
      expect(rule?.description).toBe(
        `expire pr-* 80 days after push: covers every pr-* image pulled in the last 90 days for 30 more days ${ADVISED_MARK}`,
      );
      expect(advice.removedNow.images).toBe(0);
      expect(advice.checks.pulledRecently).toEqual({ images: 1, actedOnNow: 0, actedOnIn30Days: 0, days: 90 });
    });

    it('keeps an image in use as long as one pulled', () => {
      const state = repository(prs());
      const inUse = state.images[0]?.imageDigest as string;
      const advice = adviseRepository(state, {
        ...OPTIONS,
        inUse: { referenced: new Map([[inUse, ['ecs:service/prod/web']]]), unknown: [], horizonDays: 7, guard: true },
      });
      const rule = rulesOf(advice.recommendedPolicyText).find((r) => r.selection.tagPatternList?.[0] === 'pr-*');
      expect(rule?.selection.countNumber).toBe(90);
      expect(rule?.description).toContain('pulled in the last 90 days or in use');
      expect(advice.checks.inUse).toEqual({ images: 1, actedOnNow: 0, actedOnIn30Days: 0 });
    });
  });

  describe("the team's policy", () => {
    it('drops a rule of the team that would remove a release pulled in the window, and says why', () => {
      const team: LifecyclePolicy = {
        rules: [
          {
            rulePriority: 1,
            description: 'keep two releases',
            selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 },
            action: { type: 'expire' },
          },
        ],
      };
      const advice = adviseRepository(repository(releases({ 4: 5 }), team), OPTIONS);
      expect(advice.reason).toMatch(
        /removes rule 1 \("keep two releases"\): it would expire 1 image that must stay, e\.g\. sha256:\w+ \(v1\.0\.4\), which was pulled in the last 90 days/,
      );
      expect(rulesOf(advice.recommendedPolicyText).map((r) => r.description)).not.toContain('keep two releases');
      expect(advice.monthlyExtraSavingsUsd).toBeLessThan(0);
    });

    it("keeps the team's rules that are the reason of no finding", () => {
      const team: LifecyclePolicy = {
        rules: [
          {
            rulePriority: 4,
            description: 'our releases',
            selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 11 },
            action: { type: 'expire' },
          },
        ],
      };
      const advice = adviseRepository(repository(releases({ 4: 5 }), team), OPTIONS);
      const rules = rulesOf(advice.recommendedPolicyText);
      expect(rules.map((r) => r.description)).toEqual([
        'our releases',
        `expire untagged images 7 days after push (the janitor's default) ${ADVISED_MARK}`,
      ]);
      expect(advice.reason).toContain("v*.*: the current policy's rules already select its images");
    });

    it('says nothing is to change when the advice is adopted and asked again', () => {
      const state = repository(releases({ 4: 5 }));
      const first = adviseRepository(state, OPTIONS);
      const again = adviseRepository({ ...state, lifecyclePolicyText: first.recommendedPolicyText }, OPTIONS);
      expect(again).toMatchObject({ advice: 'none', reason: UNCHANGED_REASON, recommendedPolicyText: null });
    });
  });

  it('claims a fixed name first, so that no rule expires the image it names', () => {
    const images = releases();
    images[0] = { ...image('old-latest', ['v1.0.0', 'latest'], 130) };
    const advice = adviseRepository(repository(images), OPTIONS);
    const rules = rulesOf(advice.recommendedPolicyText);
    expect(rules[0]).toMatchObject({
      rulePriority: 1,
      selection: { tagPatternList: ['latest'], countType: 'imageCountMoreThan', countNumber: 1 },
    });
    expect(advice.checks.fixedNames).toEqual({ images: 1, actedOnNow: 0, actedOnIn30Days: 0 });
  });

  describe('withheld advice', () => {
    it('is withheld while the workloads of the region cannot be read', () => {
      const advice = adviseRepository(repository(releases()), {
        ...OPTIONS,
        inUse: {
          referenced: new Map(),
          unknown: [{ region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', message: 'no' }],
          horizonDays: 7,
          guard: true,
        },
      });
      expect(advice).toMatchObject({ advice: 'none', recommendedPolicyText: null });
      expect(advice.reason).toContain('ecs: AccessDeniedException');
    });

    it('is withheld when an untagged image pulled in the window is older than untagged images may be kept', () => {
      const advice = adviseRepository(repository([...releases(), image('moved', [], 60, 2)]), OPTIONS);
      expect(advice.advice).toBe('none');
      expect(advice.reason).toMatch(
        /keep untagged images 90 days, longer than the 30 days allowed .* 1 untagged image pulled in the last 90 days is older/,
      );
    });

    it('is withheld when an untagged signature of a kept release is older than untagged images may be kept', () => {
      const images = releases({ 11: 1 });
      const signature = signatureOf((images[11] as { manifest: Manifest }).manifest);
      const advice = adviseRepository(repository([...images, imageOf(signature, { pushedDaysAgo: 40 })]), OPTIONS);
      expect(advice.advice).toBe('none');
      expect(advice.reason).toContain('1 untagged image that signs a kept image is older');
    });

    it('lengthens the untagged rule, within the limit, for a young signature of a kept release', () => {
      const images = releases({ 11: 1 });
      const signature = signatureOf((images[11] as { manifest: Manifest }).manifest);
      const advice = adviseRepository(repository([...images, imageOf(signature, { pushedDaysAgo: 0 })]), { ...OPTIONS, now: NOW });
      const untagged = rulesOf(advice.recommendedPolicyText).find((r) => r.selection.tagStatus === 'untagged');
      expect(untagged?.selection.countNumber).toBe(30);
      expect(advice.checks.referrersOfKept).toEqual({ images: 1, actedOnNow: 0, actedOnIn30Days: 0 });
    });
  });

  it('never acts on the children of an index it keeps, and removes those of an index it expires', () => {
    const children = [0, 1].map((i) => imageManifest({ config: blob(`c${i}-config`, 100), layers: [blob(`c${i}`, MB)] }));
    const index = indexManifest(children);
    const images = [
      ...releases(),
      imageOf(index, { tags: ['pr-9'], pushedDaysAgo: 40 }),
      ...children.map((c) => imageOf(c, { pushedDaysAgo: 40 })),
    ];
    const advice = adviseRepository(repository(images), OPTIONS);
    expect(advice.checks.indexChildrenOfKept).toEqual({ images: 2, actedOnNow: 0, actedOnIn30Days: 0 });
    // The index goes after 14 days; its children go with it.
    expect(advice.removedNow.images).toBe(9 + 3);
  });

  it('archives images no other rule selects and not pulled for the asked days, with an archive price, and states the 90-day minimum', () => {
    // Bare commit hashes get no rule of their own (no prefix sets them apart): the archive rule takes them.
    const hashes = [image('h1', ['abc1234'], 130), image('h2', ['def5678'], 120), image('h3', ['fed9876'], 120, 80)];
    const advice = adviseRepository(repository([...releases({ 11: 1 }), ...hashes]), { ...OPTIONS, archivePricePerGbMonth: 0.01 });
    const rules = rulesOf(advice.recommendedPolicyText);
    const archive = rules.find((r) => r.action.type === 'transition');
    // fed9876 was pulled 80 days ago: it must stay out of the archive for 30 more days.
    expect(archive?.selection).toMatchObject({ tagStatus: 'any', countType: 'sinceImagePulled', countNumber: 110 });
    expect(archive?.rulePriority).toBe(rules.length);
    expect(archive?.description).toContain('(not 90: every image pulled in the last 90 days stays out for 30 more days)');
    expect(archive?.description).toContain('archived images are billed for at least 90 days');
    // abc1234 and def5678: never pulled, pushed more than 110 days ago.
    expect(advice.monthlyArchiveSavingsUsd).toBeCloseTo(((2 * (10 * MB + 1_000)) / 2 ** 30) * 0.09, 4);
    expect(advice.checks.lint.findings).toEqual([expect.stringMatching(/^ArchiveNeverExpires \(info\)/)]);
  });

  it('recommends a policy ECR accepts, without lint warnings, whose figures are the audit’s', () => {
    const state = repository([...releases({ 4: 5 }), image('moved', [], 20)]);
    const advice = adviseRepository(state, OPTIONS);
    const text = advice.recommendedPolicyText as string;
    const parsed = parsePolicy(text);
    expect(parsed.ok).toBe(true);
    expect(
      lintPolicy(parsed.policy as LifecyclePolicy, { images: state.images, lintMaxUntaggedDays: 30 }).filter(
        (f) => f.severity === 'warning',
      ),
    ).toEqual([]);
    const audit = analyseRepository({ ...state, lifecyclePolicyText: text }, OPTIONS).report;
    const current = analyseRepository(state, OPTIONS).report;
    const later = analyseRepository({ ...state, lifecyclePolicyText: text }, { ...OPTIONS, now: NOW + 30 * DAY }).report;
    expect(advice.removedNow).toEqual({ images: audit.doomedImages, bytes: audit.reclaimableBytes });
    expect(advice.removedIn30Days).toEqual({ images: later.doomedImages, bytes: later.reclaimableBytes });
    expect(advice.monthlyExtraSavingsUsd).toBeCloseTo(audit.monthlySavingsUsd - current.monthlySavingsUsd, 4);
    expect(advice.checks.validation).toEqual({ passed: true, problems: [] });
    expect(advice.checks.simulatedAt).toEqual([new Date(NOW).toISOString(), new Date(NOW + 30 * DAY).toISOString()]);
  });
});
