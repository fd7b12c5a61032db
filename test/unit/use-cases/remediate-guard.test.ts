import type { ImageDetail } from '../../../src/domain/image';
import { InUseCatalog, type InUseFailure } from '../../../src/domain/in-use';
import { guardImagesOf } from '../../../src/domain/in-use-guard';
import { mergeDefaultRule } from '../../../src/domain/policy';
import { inUseProvider } from '../../../src/use-cases/in-use';
import { handlePolicyChange } from '../../../src/use-cases/policy-change';
import type { GuardOptions, RemediateOptions } from '../../../src/use-cases/remediate';
import { remediate, remediateAudited, remediateRepository, restoreTeamWrite } from '../../../src/use-cases/remediate';
import { FAKE_ACCOUNT, FakeRegistry } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import { TAGGED_ONLY, UNTAGGED_30_DAYS, keepNewestTagged, policyText } from '../support/policies';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';

const REGION = 'eu-west-1';
const instant = { sleep: (): Promise<void> => Promise.resolve(), now: () => NOW, random: () => 0.5 };
const app = (name: string) => imageManifest({ config: blob(`${name}-config`, 100), layers: [blob('base', 10_000), blob(name, 1_000)] });

/** What is in use, and each time it was asked for. */
function inUseOf(
  entries: Array<{ repositoryName?: string; imageDigest: string; consumer: string }>,
  failures: readonly InUseFailure[] = [],
) {
  const catalog = new InUseCatalog().add(entries.map((e) => ({ accountId: FAKE_ACCOUNT, region: REGION, ...e })));
  for (const failure of failures) catalog.fail(failure);
  const asked: string[] = [];
  return {
    asked,
    inUse: {
      catalog: async () => {
        asked.push('catalog');
        return catalog;
      },
    },
  };
}

function options(
  guard: Omit<GuardOptions, 'horizonDays' | 'enabled'> & Partial<GuardOptions>,
  overrides: Partial<RemediateOptions> = {},
): RemediateOptions {
  return {
    days: 7,
    selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
    apply: true,
    concurrency: 4,
    pacing: instant,
    guard: { enabled: true, horizonDays: 7, now: () => NOW, ...guard },
    ...overrides,
  };
}

async function refOf(registry: FakeRegistry, name: string) {
  const ref = (await registry.listRepositories()).find((r) => r.repositoryName === name);
  if (!ref) throw new Error(`no repository ${name}`);
  registry.calls.length = 0;
  return ref;
}

describe('remediate with the in-use guard', () => {
  describe('remediateRepository', () => {
    it('holds a write whose default rule would remove an untagged image a service still runs, and names it', async () => {
      // Arrange: "latest" moved on 2 days ago; the service still runs the old digest, pushed 3 days ago.
      const running = app('running');
      const current = app('current');
      const registry = new FakeRegistry(REGION, [
        { name: 'web', images: [imageOf(running, { pushedDaysAgo: 3 }), imageOf(current, { tags: ['latest'], pushedDaysAgo: 2 })] },
      ]);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'ecs:service/prod/web' }]);

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry, 'web'), options({ inUse }));

      // Assert
      expect(action).toMatchObject({
        outcome: 'held-in-use',
        before: null,
        inUseAtRisk: [{ imageDigest: running.digest, consumers: ['ecs:service/prod/web'], rule: expect.stringContaining('rule 1') }],
        message: expect.stringMatching(
          /^the default rule would remove 1 image in use within 7 days: sha256:[0-9a-f]{12} \(rule 1.*used by ecs:service\/prod\/web\); not written/,
        ),
      });
      expect(registry.writes).toEqual([]);
    });

    it('writes when the image in use would outlive the horizon', async () => {
      // Arrange: pushed today, so the 7-day rule reaches it in 7 days; the horizon is 3.
      const running = app('running');
      const registry = new FakeRegistry(REGION, [{ name: 'web', images: [imageOf(running, { pushedDaysAgo: 0 })] }]);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'lambda:api:3' }]);

      // Act
      const action = await remediateRepository(
        { reader: registry, writer: registry },
        await refOf(registry, 'web'),
        options({ inUse, horizonDays: 3 }),
      );

      // Assert
      expect(action).toMatchObject({ outcome: 'applied', inUseAtRisk: [], referrersAtRisk: 0 });
      expect(registry.writes).toHaveLength(1);
    });

    it('reads neither images nor workloads for a compliant repository or an opted-out one', async () => {
      // Arrange
      const registry = new FakeRegistry(REGION, [
        { name: 'compliant', policy: UNTAGGED_30_DAYS, images: [imageOf(app('a'), { pushedDaysAgo: 40 })] },
        { name: 'opted-out', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }], images: [imageOf(app('b'), { pushedDaysAgo: 40 })] },
      ]);
      const { inUse, asked } = inUseOf([]);

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ inUse }));

      // Assert
      expect(result.actions.map((a) => a.outcome)).toEqual(['compliant', 'skipped-opt-out']);
      expect(registry.callsOf('describeImages')).toEqual([]);
      expect(registry.callsOf('getManifests')).toEqual([]);
      expect(asked).toEqual([]);
    });

    it('reads the workloads of a region once however many repositories need a write there', async () => {
      // Arrange: the run's provider over a scanner that counts its scans.
      const registry = new FakeRegistry(REGION, [{ name: 'a' }, { name: 'b' }, { name: 'c', policy: TAGGED_ONLY }]);
      let scans = 0;
      const provider = inUseProvider([REGION], {
        scannersFor: (region) => [
          {
            region,
            source: 'ecs',
            permissions: [],
            scan: async () => {
              scans++;
              return { images: [], warnings: [] };
            },
          },
        ],
      });

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ inUse: provider }));

      // Assert
      expect(result.actions.map((a) => a.outcome)).toEqual(['applied', 'applied', 'applied']);
      expect(scans).toBe(1);
    });

    it('fetches the manifests of indexes only, to know their children', async () => {
      // Arrange: a multi-arch index whose amd64 child a task pinned; the index is untagged and old.
      const amd = app('amd');
      const arm = app('arm');
      const index = indexManifest([amd, arm]);
      const plain = app('plain');
      const registry = new FakeRegistry(REGION, [
        {
          name: 'multi',
          images: [
            imageOf(amd, { pushedDaysAgo: 30 }),
            imageOf(arm, { pushedDaysAgo: 30 }),
            imageOf(index, { pushedDaysAgo: 30 }),
            imageOf(plain, { tags: ['v1'] }),
          ],
        },
      ]);
      const { inUse } = inUseOf([{ repositoryName: 'multi', imageDigest: amd.digest, consumer: 'ecs:task/prod/abc' }]);
      const manifestsAsked: string[][] = [];
      const getManifests = registry.getManifests.bind(registry);
      registry.getManifests = async (name, digests) => {
        manifestsAsked.push([...digests]);
        return getManifests(name, digests);
      };

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry, 'multi'), options({ inUse }));

      // Assert: the child goes with its expired index, so the write is held.
      expect(manifestsAsked).toEqual([[index.digest]]);
      expect(action.outcome).toBe('held-in-use');
      expect(action.inUseAtRisk?.map((i) => i.imageDigest)).toEqual([amd.digest]);
      expect(action.inUseAtRisk?.[0]?.rule).toMatch(/^goes with index/);
    });

    it('judges from the images the audit kept, reading none', async () => {
      // Arrange
      const running = app('running');
      const images: ImageDetail[] = [imageOf(running, { pushedDaysAgo: 20 })];
      const registry = new FakeRegistry(REGION, [{ name: 'web', images }]);
      const ref = await refOf(registry, 'web');
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'list:eks.txt' }]);

      // Act
      const result = await remediateAudited(
        [{ reader: registry, writer: registry }],
        [{ ...ref, tags: [], lifecyclePolicyText: null, images: guardImagesOf(images) }],
        options({ inUse }),
      );

      // Assert
      expect(result.actions.map((a) => a.outcome)).toEqual(['held-in-use']);
      expect(registry.callsOf('describeImages')).toEqual([]);
    });

    it('judges again the text it is about to write when the policy changed under it', async () => {
      // Arrange: first no policy (the tagged image in use is safe); a team then puts "keep the newest
      // image tagged v*", which the merge keeps and which removes the older tagged image in use.
      const older = app('older');
      const newer = app('newer');
      const registry = new FakeRegistry(REGION, [
        { name: 'web', images: [imageOf(older, { tags: ['v1'], pushedDaysAgo: 20 }), imageOf(newer, { tags: ['v2'], pushedDaysAgo: 1 })] },
      ]);
      const keepOne = policyText(keepNewestTagged(1, 'v', 1));
      registry.changePolicyAfterRead('web', keepOne, 1);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: older.digest, consumer: 'ecs:service/prod/web' }]);

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry, 'web'), options({ inUse }));

      // Assert
      expect(action).toMatchObject({ outcome: 'held-in-use', before: keepOne });
      expect(action.inUseAtRisk?.map((i) => [i.imageDigest, i.rule])).toEqual([
        [older.digest, 'rule 1 ("Keep the newest 1 images tagged v*")'],
      ]);
      expect(registry.writes).toEqual([]);
    });

    it('holds every write that would remove an image in a region whose workloads could not be read, and writes where nothing would go', async () => {
      // Arrange
      const registry = new FakeRegistry(REGION, [
        { name: 'old', images: [imageOf(app('old'), { pushedDaysAgo: 30 })] },
        { name: 'young', images: [imageOf(app('young'), { tags: ['v1'], pushedDaysAgo: 30 })] },
      ]);
      const { inUse } = inUseOf(
        [],
        [{ region: REGION, source: 'ecs', code: 'AccessDeniedException', message: 'not authorized to perform ecs:ListClusters' }],
      );

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ inUse }));

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['old', 'held-in-use'],
        ['young', 'applied'],
      ]);
      expect(result.actions[0]?.inUseAtRisk?.[0]?.consumers).toEqual(['unknown:ecs could not be read']);
    });

    it('writes anyway with the guard off, and records what is at risk', async () => {
      // Arrange
      const running = app('running');
      const registry = new FakeRegistry(REGION, [{ name: 'web', images: [imageOf(running, { pushedDaysAgo: 10 })] }]);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'ecs:service/prod/web' }]);

      // Act
      const action = await remediateRepository(
        { reader: registry, writer: registry },
        await refOf(registry, 'web'),
        options({ inUse, enabled: false }),
      );

      // Assert
      expect(action).toMatchObject({
        outcome: 'applied',
        message: expect.stringMatching(/^in-use guard off: the default rule would remove 1 image in use/),
      });
      expect(action.inUseAtRisk).toHaveLength(1);
      expect(registry.writes).toHaveLength(1);
    });

    it('plans with the referrers at risk that the merged policy would expire while their subject stays', async () => {
      // Arrange: a tagged image with an untagged signature pushed 10 days ago.
      const signed = app('signed');
      const signature = signatureOf(signed);
      const registry = new FakeRegistry(REGION, [
        { name: 'signed', images: [imageOf(signed, { tags: ['v1'] }), imageOf(signature, { pushedDaysAgo: 10 })] },
      ]);
      const { inUse } = inUseOf([]);

      // Act
      const action = await remediateRepository({ reader: registry }, await refOf(registry, 'signed'), options({ inUse }, { apply: false }));

      // Assert
      expect(action).toMatchObject({ outcome: 'planned', referrersAtRisk: 1, inUseAtRisk: [], after: mergeDefaultRule(undefined, 7).text });
      expect(action).not.toHaveProperty('message');
    });

    it('counts a referrer at risk that the merged policy expires within the horizon though not yet today', async () => {
      // Arrange: the signature was pushed 2 days ago; the 7-day default rule expires it in 5 days.
      const signed = app('signed');
      const signature = signatureOf(signed);
      const registry = new FakeRegistry(REGION, [
        { name: 'signed', images: [imageOf(signed, { tags: ['v1'] }), imageOf(signature, { pushedDaysAgo: 2 })] },
      ]);
      const { inUse } = inUseOf([]);

      // Act
      const action = await remediateRepository({ reader: registry }, await refOf(registry, 'signed'), options({ inUse }, { apply: false }));

      // Assert
      expect(action).toMatchObject({ outcome: 'planned', referrersAtRisk: 1 });
    });
  });

  describe('restoreTeamWrite', () => {
    it("puts the team's text back as written, without the default rule, when the rule would remove an image in use", async () => {
      // Arrange: the janitor's write replaced the team's; the team's text keeps tagged images only.
      const running = app('running');
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: NOW - 60_000 }).text;
      const team = policyText(keepNewestTagged(1, 'prod', 50));
      const registry = new FakeRegistry(REGION, [{ name: 'web', policy: clobbered, images: [imageOf(running, { pushedDaysAgo: 12 })] }]);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'lambda:api:7' }]);

      // Act
      const action = await restoreTeamWrite(
        { reader: registry, writer: registry },
        await refOf(registry, 'web'),
        options({ inUse }),
        clobbered,
        {
          policyText: team,
          calledAt: NOW - 30_000,
        },
      );

      // Assert
      expect(action).toMatchObject({
        outcome: 'held-in-use',
        before: clobbered,
        after: team,
        readBack: 'matches',
        message: expect.stringMatching(
          /^the team's policy was put back as written, without the default rule: the default rule would remove 1 image in use/,
        ),
      });
      expect(registry.policyOf('web')).toBe(team);
    });

    it('writes nothing when the team deleted the policy and the rule alone would remove an image in use', async () => {
      // Arrange
      const running = app('running');
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: NOW - 60_000 }).text;
      const registry = new FakeRegistry(REGION, [{ name: 'web', policy: clobbered, images: [imageOf(running, { pushedDaysAgo: 12 })] }]);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'ecs:task/prod/1' }]);

      // Act
      const action = await restoreTeamWrite(
        { reader: registry, writer: registry },
        await refOf(registry, 'web'),
        options({ inUse }),
        clobbered,
        {
          policyText: undefined,
          calledAt: NOW - 30_000,
        },
      );

      // Assert
      expect(action).toMatchObject({
        outcome: 'held-in-use',
        message: expect.stringMatching(/the janitor never deletes, so its earlier write \(with the default rule\) stays/),
      });
      expect(registry.writes).toEqual([]);
    });

    it('counts a team text put back without the rule as a restored write', async () => {
      // Arrange
      const running = app('running');
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: NOW - 60_000 }).text;
      const team = policyText(keepNewestTagged(1, 'prod', 50));
      const registry = new FakeRegistry(REGION, [{ name: 'web', policy: clobbered, images: [imageOf(running, { pushedDaysAgo: 12 })] }]);
      const { inUse } = inUseOf([{ repositoryName: 'web', imageDigest: running.digest, consumer: 'lambda:api:7' }]);

      // Act
      const result = await handlePolicyChange(
        { reader: registry, writer: registry },
        await refOf(registry, 'web'),
        { eventName: 'PutLifecyclePolicy', policyText: team, calledAt: NOW - 30_000 },
        options({ inUse }),
      );

      // Assert
      expect(result).toMatchObject({ restoredTeamWrite: true, action: { outcome: 'held-in-use', after: team } });
    });
  });
});
