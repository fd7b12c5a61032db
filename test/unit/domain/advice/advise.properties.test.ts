import fc from 'fast-check';
import type { AdviceOptions } from '../../../../src/domain/advice';
import { adviseRepository } from '../../../../src/domain/advice';
import { analyseRepository } from '../../../../src/domain/analysis';
import { buildImageGraph, closeDoomed } from '../../../../src/domain/graph';
import type { ImageDetail } from '../../../../src/domain/image';
import { inUseImagesOf } from '../../../../src/domain/in-use-guard';
import type { LifecyclePolicy } from '../../../../src/domain/policy';
import { evaluatePolicy, lintPolicy, parsePolicy } from '../../../../src/domain/policy';
import type { RepositoryState } from '../../../../src/domain/registry';
import { DAY, NOW, daysAgo, imageOf } from '../../support/images';
import type { Blob, Manifest } from '../../support/manifests';
import { blob, imageManifest, indexManifest } from '../../support/manifests';

/**
 * Random repositories as CI fills them: releases, pull-request and commit builds, moving fixed names,
 * untagged leftovers, multi-arch indexes over some images, signatures (untagged referrers) of some,
 * shared layers, pulls at any time, images in use, and sometimes a team policy of its own.
 */
const TAGGINGS = ['release', 'pr', 'commit', 'latest', 'untagged'] as const;

const imageSpec = fc.record({
  tagging: fc.constantFrom(...TAGGINGS),
  pushedDaysAgo: fc.integer({ min: 0, max: 300 }),
  pulledDaysAgo: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  layers: fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }),
  inUse: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  /** A signature of the image, (re-)signed this many days ago. */
  signedDaysAgo: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined, freq: 9 }),
});

const TEAM_POLICIES: Array<LifecyclePolicy | undefined> = [
  undefined,
  {
    rules: [
      {
        rulePriority: 1,
        selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 },
        action: { type: 'expire' },
      },
    ],
  },
  {
    rules: [
      {
        rulePriority: 1,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
        action: { type: 'expire' },
      },
    ],
  },
];

const repositoryArb = fc
  .record({
    images: fc.array(imageSpec, { minLength: 1, maxLength: 16 }),
    indexes: fc.array(
      fc.record({
        children: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
        pushedDaysAgo: fc.integer({ min: 0, max: 300 }),
        tag: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    team: fc.nat({ max: TEAM_POLICIES.length - 1 }),
    sizes: fc.array(fc.integer({ min: 1, max: 50_000_000 }), { minLength: 8, maxLength: 8 }),
    // The lint's limit: signatures and pulled untagged images older than it withhold the advice.
    maxUntaggedDays: fc.constantFrom(30, 400),
  })
  .map(({ images: specs, indexes, team, sizes, maxUntaggedDays }) => {
    const pool: Blob[] = sizes.map((size, i) => blob(`layer-${i}`, size));
    const images: ImageDetail[] = [];
    const manifests: Manifest[] = [];
    const inUse: string[] = [];
    let release = 0;
    let latest = false;
    specs.forEach((spec, i) => {
      const manifest = imageManifest({ config: blob(`config-${i}`, 500), layers: spec.layers.map((l) => pool[l] as Blob) });
      manifests.push(manifest);
      const tags =
        spec.tagging === 'release'
          ? [`v1.${release++}.0`]
          : spec.tagging === 'pr'
            ? [`pr-${i}`]
            : spec.tagging === 'commit'
              ? [`main-${manifest.digest.slice(7, 14)}`]
              : spec.tagging === 'latest'
                ? // A tag names one image at a time.
                  [...(latest ? [] : ['latest']), `v0.${i}.0`]
                : [];
      latest ||= spec.tagging === 'latest';
      // A moved tag's image, still pulled by digest, is rarer than a pulled tag.
      const pulledDaysAgo = spec.tagging === 'untagged' && i % 3 !== 0 ? undefined : spec.pulledDaysAgo;
      const pulled = pulledDaysAgo === undefined ? {} : { lastRecordedPullTime: daysAgo(Math.min(pulledDaysAgo, spec.pushedDaysAgo)) };
      images.push({ ...imageOf(manifest, { tags, pushedDaysAgo: spec.pushedDaysAgo }), ...pulled });
      if (spec.inUse) inUse.push(manifest.digest);
      if (spec.signedDaysAgo !== undefined) {
        const signature = imageManifest({ config: blob(`sig-config-${i}`, 2), layers: [blob(`sig-${i}`, 250)], subject: manifest });
        images.push(imageOf(signature, { pushedDaysAgo: Math.min(spec.pushedDaysAgo, spec.signedDaysAgo) }));
      }
    });
    indexes.forEach((spec, i) => {
      const children = [...new Set(spec.children.map((c) => manifests[c % manifests.length] as Manifest))];
      const index = indexManifest(children, { annotations: { n: `index-${i}` } });
      if (images.some((image) => image.imageDigest === index.digest)) return;
      images.push(imageOf(index, { tags: spec.tag ? [`pr-i${i}`] : [], pushedDaysAgo: spec.pushedDaysAgo }));
    });
    const policy = TEAM_POLICIES[team];
    const state: RepositoryState = {
      accountId: '123456789012',
      region: 'eu-west-1',
      repositoryName: 'random',
      repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/random',
      tags: [],
      lifecyclePolicyText: policy === undefined ? null : JSON.stringify(policy),
      images,
    };
    return { state, inUse, maxUntaggedDays };
  });

const options = (inUse: readonly string[], maxUntaggedDays: number): AdviceOptions => ({
  now: NOW,
  days: 7,
  pricePerGbMonth: 0.1,
  optedOut: false,
  excluded: false,
  lintMaxUntaggedDays: maxUntaggedDays,
  keepPulledDays: 90,
  rollbackMargin: 3,
  archivePricePerGbMonth: 0.01,
  archiveAfterDays: 90,
  inUse: { referenced: new Map(inUse.map((d) => [d, ['ecs:service/prod/app']])), unknown: [], horizonDays: 7, guard: true },
});

/** What a policy removes or archives at `at`, and what it removes, as the engine and the graph say. */
function actedOn(policy: LifecyclePolicy, images: readonly ImageDetail[], at: number): { doomed: Set<string>; acted: Set<string> } {
  const evaluation = evaluatePolicy(policy, images, { now: at });
  const expired = evaluation.actedIndexes
    .filter((i) => evaluation.actionOf(i) === 'expire')
    .map((i) => (images[i] as ImageDetail).imageDigest);
  const doomed = closeDoomed(buildImageGraph(images), expired);
  const acted = new Set(doomed);
  for (const i of evaluation.actedIndexes) if (evaluation.actionOf(i) === 'transition') acted.add((images[i] as ImageDetail).imageDigest);
  return { doomed, acted };
}

describe('adviseRepository (properties)', () => {
  it('never acts on an image in use, pulled within the window, or needed by an image it keeps; passes validate and lint; and its figures are the audit’s', () => {
    fc.assert(
      fc.property(repositoryArb, ({ state, inUse, maxUntaggedDays }) => {
        const settings = options(inUse, maxUntaggedDays);
        const advice = adviseRepository(state, settings);
        if (advice.advice === 'none') return;
        const text = advice.recommendedPolicyText as string;
        const parsed = parsePolicy(text);
        expect(parsed.ok).toBe(true);
        const policy = parsed.policy as LifecyclePolicy;
        expect(
          lintPolicy(policy, { images: state.images, lintMaxUntaggedDays: maxUntaggedDays }).filter((f) => f.severity === 'warning'),
        ).toEqual([]);

        const graph = buildImageGraph(state.images);
        const used = inUseImagesOf(graph, new Map(inUse.map((d) => [d, ['ecs']])));
        const pulled = state.images.filter(
          (i) => i.lastRecordedPullTime !== undefined && Date.parse(String(i.lastRecordedPullTime)) >= NOW - 90 * DAY,
        );
        for (const at of [NOW, NOW + 30 * DAY]) {
          const { doomed, acted } = actedOn(policy, state.images, at);
          for (const digest of used.keys()) expect(acted.has(digest)).toBe(false);
          for (const image of pulled) expect(acted.has(image.imageDigest)).toBe(false);
          for (const [digest, node] of graph.nodes) {
            if (!acted.has(digest)) continue;
            // What goes, goes with all it needs: no child of a kept index, no referrer of a kept subject.
            expect(node.parents.every((p) => doomed.has(p))).toBe(true);
            if (node.subject !== undefined && graph.nodes.has(node.subject)) expect(doomed.has(node.subject)).toBe(true);
            expect(node.image.imageTags ?? []).not.toContain('latest');
          }
        }

        const audited = analyseRepository({ ...state, lifecyclePolicyText: text }, settings).report;
        const later = analyseRepository({ ...state, lifecyclePolicyText: text }, { ...settings, now: NOW + 30 * DAY }).report;
        const current = analyseRepository(state, settings).report;
        expect(advice.removedNow).toEqual({ images: audited.doomedImages, bytes: audited.reclaimableBytes });
        expect(advice.removedIn30Days).toEqual({ images: later.doomedImages, bytes: later.reclaimableBytes });
        expect(advice.monthlyExtraSavingsUsd).toBeCloseTo(audited.monthlySavingsUsd - current.monthlySavingsUsd, 4);
        // With the advised archive rule in it (an `any` rule), the audit suggests none and counts its own.
        if (policy.rules.some((r) => r.action.type === 'transition' && r.selection.tagStatus === 'any'))
          expect(advice.monthlyArchiveSavingsUsd).toBeCloseTo((audited.archivableBytes / 2 ** 30) * 0.09, 4);
      }),
      { numRuns: 150 },
    );
  });

  it('advises a policy that removes something for a good share of the generated repositories, so the properties above are not vacuous', () => {
    const advised = fc
      .sample(repositoryArb, { numRuns: 100, seed: 42 })
      .map(({ state, inUse, maxUntaggedDays }) => adviseRepository(state, options(inUse, maxUntaggedDays)));
    expect(advised.filter((a) => a.advice === 'policy' && a.removedNow.images > 0).length).toBeGreaterThan(25);
  });

  it('withholds advice only with a reason, and then proposes nothing', () => {
    fc.assert(
      fc.property(repositoryArb, ({ state, inUse, maxUntaggedDays }) => {
        const advice = adviseRepository(state, options(inUse, maxUntaggedDays));
        if (advice.advice === 'policy') return;
        expect(advice.reason.length).toBeGreaterThan(20);
        expect(advice).toMatchObject({ recommendedPolicyText: null, removedNow: { images: 0, bytes: 0 }, monthlyExtraSavingsUsd: 0 });
      }),
      { numRuns: 60 },
    );
  });
});
