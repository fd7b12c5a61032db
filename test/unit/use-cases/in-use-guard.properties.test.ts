import fc from 'fast-check';
import { buildImageGraph, closeDoomed } from '../../../src/domain/graph';
import type { ImageDetail } from '../../../src/domain/image';
import { InUseCatalog } from '../../../src/domain/in-use';
import { inUseImagesOf } from '../../../src/domain/in-use-guard';
import type { LifecyclePolicy, LifecycleRule } from '../../../src/domain/policy';
import { evaluatePolicy, parsePolicyOrThrow } from '../../../src/domain/policy';
import { remediateRepository } from '../../../src/use-cases/remediate';
import { FAKE_ACCOUNT, FakeRegistry } from '../support/fake-registry';
import { DAY, NOW, imageOf } from '../support/images';
import type { Manifest } from '../support/manifests';
import { blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import { policyText } from '../support/policies';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';

const REGION = 'eu-west-1';
const NAME = 'team/app';

/** A random repository: images of every kind pushed up to 60 days ago, and a team policy the janitor would merge into. */
const imageSpec = fc.record({
  tagged: fc.boolean(),
  pushedDaysAgo: fc.integer({ min: 0, max: 60 }),
  archived: fc.boolean(),
  /** Makes it a signature of an earlier image. */
  signs: fc.option(fc.nat(), { nil: undefined }),
});
const indexSpec = fc.record({
  children: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
  tagged: fc.boolean(),
  pushedDaysAgo: fc.integer({ min: 0, max: 60 }),
});

/** Team rules that leave untagged images alone, so the janitor merges its rule in (or none: no policy). */
const teamRule = fc.oneof(
  fc.record({ prefix: fc.constantFrom('t', 'idx'), count: fc.integer({ min: 1, max: 5 }) }).map(({ prefix, count }): LifecycleRule => ({
    rulePriority: 1,
    description: 'keep some tagged',
    selection: { tagStatus: 'tagged', tagPrefixList: [prefix], countType: 'imageCountMoreThan', countNumber: count },
    action: { type: 'expire' },
  })),
  fc.integer({ min: 1, max: 40 }).map((days): LifecycleRule => ({
    rulePriority: 1,
    description: 'tagged pushed long ago',
    selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  })),
  fc.integer({ min: 3, max: 20 }).map((count): LifecycleRule => ({
    rulePriority: 1,
    description: 'keep the newest images of any kind',
    selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: count },
    action: { type: 'expire' },
  })),
);

const scenario = fc.record({
  images: fc.array(imageSpec, { minLength: 1, maxLength: 12 }),
  indexes: fc.array(indexSpec, { maxLength: 3 }),
  policy: fc.option(teamRule, { nil: undefined }),
  /** Indexes into the images: those a workload runs. */
  inUse: fc.uniqueArray(fc.nat(), { maxLength: 4 }),
  unknown: fc.boolean(),
  days: fc.integer({ min: 1, max: 30 }),
  horizonDays: fc.integer({ min: 0, max: 14 }),
  /** Moments within the horizon, as fractions of it. */
  moments: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
});

interface RepositorySpec {
  images: Array<{ tagged: boolean; pushedDaysAgo: number; archived: boolean; signs: number | undefined }>;
  indexes: Array<{ children: number[]; tagged: boolean; pushedDaysAgo: number }>;
}

/** The images of a spec, from real manifests: plain images and signatures, then indexes over the plain ones. */
function build(spec: RepositorySpec): ImageDetail[] {
  const built: Manifest[] = [];
  const images: ImageDetail[] = [];
  spec.images.forEach((s, i) => {
    const subject = s.signs === undefined || built.length === 0 ? undefined : built[s.signs % built.length];
    const manifest =
      subject === undefined
        ? imageManifest({ config: blob(`c${i}`, 100), layers: [blob(`l${i}`, 1_000)] })
        : signatureOf(subject, `sig${i}`);
    built.push(manifest);
    images.push(
      imageOf(manifest, {
        ...(s.tagged ? { tags: [`t${i}`] } : {}),
        pushedDaysAgo: s.pushedDaysAgo,
        status: s.archived ? 'ARCHIVED' : 'ACTIVE',
      }),
    );
  });
  const singles = [...built];
  spec.indexes.forEach((s, i) => {
    const children = [...new Set(s.children.map((c) => singles[c % singles.length] as Manifest))];
    const index = indexManifest(children, { annotations: { n: `index-${i}` } });
    built.push(index);
    images.push(imageOf(index, { ...(s.tagged ? { tags: [`idx${i}`] } : {}), pushedDaysAgo: s.pushedDaysAgo }));
  });
  return images;
}

/** What `policy` removes at `at`: the images it expires and what goes with them. */
function doomedAt(policy: LifecyclePolicy, images: readonly ImageDetail[], at: number): Set<string> {
  const evaluation = evaluatePolicy(policy, images, { now: at });
  const expired = evaluation.actedIndexes
    .filter((i) => evaluation.actionOf(i) === 'expire')
    .map((i) => (images[i] as ImageDetail).imageDigest);
  return closeDoomed(buildImageGraph(images), expired);
}

/** The catalog of a scenario: the chosen images run by a task of this registry. */
function catalogOf(used: readonly ImageDetail[]): InUseCatalog {
  return new InUseCatalog().add(
    used.map((image) => ({
      accountId: FAKE_ACCOUNT,
      region: REGION,
      repositoryName: NAME,
      imageDigest: image.imageDigest,
      consumer: 'ecs:task/prod/1',
    })),
  );
}

const REF = {
  accountId: FAKE_ACCOUNT,
  region: REGION,
  repositoryName: NAME,
  repositoryArn: `arn:aws:ecr:${REGION}:${FAKE_ACCOUNT}:repository/${NAME}`,
};

describe('in-use guard (properties)', () => {
  it('never writes a policy that removes an image in use at any moment of the horizon', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        // Arrange
        const images = build(s);
        const policy = s.policy === undefined ? undefined : policyText(s.policy);
        const registry = new FakeRegistry(REGION, [{ name: NAME, images, ...(policy === undefined ? {} : { policy }) }]);
        const used = s.inUse.map((i) => images[i % images.length] as ImageDetail);
        const catalog = catalogOf(used);
        if (s.unknown) catalog.fail({ region: REGION, source: 'ecs', code: 'AccessDeniedException', message: 'denied' });

        // Act
        const action = await remediateRepository({ reader: registry, writer: registry }, REF, {
          days: s.days,
          apply: true,
          concurrency: 1,
          selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
          pacing: { sleep: () => Promise.resolve(), now: () => NOW, random: () => 0 },
          guard: { enabled: true, horizonDays: s.horizonDays, inUse: { catalog: async () => catalog }, now: () => NOW },
        });

        // Assert: whatever the janitor wrote removes nothing in use, at any moment of the horizon.
        const written = registry.writes.map((w) => parsePolicyOrThrow(w.policyText));
        const inUse = s.unknown
          ? new Set(images.map((i) => i.imageDigest))
          : new Set(inUseImagesOf(buildImageGraph(images), new Map(used.map((i) => [i.imageDigest, ['x']]))).keys());
        for (const policyWritten of written) {
          for (const moment of [0, 1, ...s.moments]) {
            const doomed = doomedAt(policyWritten, images, NOW + moment * s.horizonDays * DAY);
            for (const digest of inUse) expect(doomed.has(digest)).toBe(false);
          }
        }
        // And a hold is never a write.
        if (action.outcome === 'held-in-use') expect(registry.writes).toEqual([]);
        outcomes.set(action.outcome, (outcomes.get(action.outcome) ?? 0) + 1);
      }),
      { numRuns: 300 },
    );
    // The property was tested on writes and on holds alike, not vacuously.
    expect(outcomes.get('applied') ?? 0).toBeGreaterThan(20);
    expect(outcomes.get('held-in-use') ?? 0).toBeGreaterThan(20);
  });

  it('holds exactly when the merged policy would remove an in-use image by the end of the horizon', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        // Arrange
        const images = build(s);
        const registry = new FakeRegistry(REGION, [{ name: NAME, images }]);
        const used = s.inUse.map((i) => images[i % images.length] as ImageDetail);
        const catalog = catalogOf(used);

        // Act: a dry run, so that nothing changes between the runs compared.
        const action = await remediateRepository({ reader: registry }, REF, {
          days: s.days,
          apply: false,
          concurrency: 1,
          selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
          guard: { enabled: true, horizonDays: s.horizonDays, inUse: { catalog: async () => catalog }, now: () => NOW },
        });

        // Assert
        const merged = parsePolicyOrThrow(
          policyText({
            rulePriority: 1,
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: s.days },
            action: { type: 'expire' },
          }),
        );
        const inUse = inUseImagesOf(buildImageGraph(images), new Map(used.map((i) => [i.imageDigest, ['x']])));
        const doomed = doomedAt(merged, images, NOW + s.horizonDays * DAY);
        const atRisk = [...inUse.keys()].filter((d) => doomed.has(d));
        expect(action.outcome).toBe(atRisk.length > 0 ? 'held-in-use' : 'planned');
        expect((action.inUseAtRisk ?? []).map((i) => i.imageDigest).sort()).toEqual(atRisk.sort());
      }),
      { numRuns: 200 },
    );
  });
});
