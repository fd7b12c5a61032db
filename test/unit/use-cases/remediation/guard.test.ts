import { InUseCatalog } from '../../../../src/domain/in-use';
import type { AtRiskImage } from '../../../../src/domain/in-use-guard';
import { mergeDefaultRule, parsePolicyOrThrow } from '../../../../src/domain/policy';
import type { RepositoryRef } from '../../../../src/domain/registry';
import type { WriteJudgement } from '../../../../src/domain/remediation';
import { guardOf, heldDecision, heldMessage, notesOf } from '../../../../src/use-cases/remediation/guard';
import type { GuardOptions } from '../../../../src/use-cases/remediation/options';
import { FAKE_ACCOUNT, FakeRegistry } from '../../support/fake-registry';
import { NOW, imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';

const REGION = 'eu-west-1';
const DAY_MS = 86_400_000;
const running = imageOf(imageManifest({ config: blob('web-c', 100), layers: [blob('web', 1_000)] }), { pushedDaysAgo: 3 });
const released = imageOf(imageManifest({ config: blob('rel-c', 100), layers: [blob('rel', 1_000)] }), { tags: ['v1'], pushedDaysAgo: 3 });
const SERVICE = 'ecs:service/prod/web';
/** The default rule alone: untagged images expire 7 days after push. */
const DEFAULT_TEXT = mergeDefaultRule(undefined, 7).text;
const DEFAULT_POLICY = parsePolicyOrThrow(DEFAULT_TEXT);

/** `web` with the untagged image a service runs and a tagged one; its ref, with the registry's calls cleared. */
async function web(): Promise<{ registry: FakeRegistry; ref: RepositoryRef }> {
  const registry = new FakeRegistry(REGION, [{ name: 'web', images: [running, released] }]);
  const ref = (await registry.listRepositories())[0] as RepositoryRef;
  registry.calls.length = 0;
  return { registry, ref };
}

/** The guard over a catalog in which SERVICE runs `running`, counting each time the catalog is asked for. */
function guardOver(overrides: Partial<GuardOptions> = {}): { guard: GuardOptions; asked: () => number } {
  const catalog = new InUseCatalog().add([
    { accountId: FAKE_ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: running.imageDigest, consumer: SERVICE },
  ]);
  let asked = 0;
  const guard: GuardOptions = {
    enabled: true,
    horizonDays: 7,
    now: () => NOW,
    inUse: {
      catalog: async () => {
        asked++;
        return catalog;
      },
    },
    ...overrides,
  };
  return { guard, asked: () => asked };
}

const atRisk = (n: number): AtRiskImage[] =>
  Array.from({ length: n }, (_, i) => ({ imageDigest: `sha256:${String(i).repeat(64)}`, consumers: [SERVICE], rule: 'rule 1' }));

describe('remediation guard', () => {
  describe('guardOf', () => {
    it('reads the images and what is in use once, and holds a rule that removes an image in use within the horizon', async () => {
      // Arrange
      const { registry, ref } = await web();
      const { guard, asked } = guardOver();

      // Act
      const judge = await guardOf(registry, ref, guard);
      const verdict = judge(DEFAULT_POLICY, DEFAULT_TEXT);

      // Assert: pushed 3 days ago, expired in 4.
      expect(registry.callsOf('describeImages', 'web')).toHaveLength(1);
      expect(asked()).toBe(1);
      expect(verdict.hold).toBe(true);
      expect(verdict.atRisk).toEqual([expect.objectContaining({ imageDigest: running.imageDigest, consumers: [SERVICE] })]);
    });

    it('reads no image when the caller already holds them', async () => {
      // Arrange
      const { registry, ref } = await web();

      // Act
      const judge = await guardOf(registry, ref, guardOver().guard, [running, released]);

      // Assert
      expect(registry.calls).toEqual([]);
      expect(judge(DEFAULT_POLICY, DEFAULT_TEXT).hold).toBe(true);
    });

    it('judges each text once: the same text again gets the same verdict, whatever policy comes with it', async () => {
      // Arrange
      const { registry, ref } = await web();
      const judge = await guardOf(registry, ref, guardOver().guard);
      const keepAll = parsePolicyOrThrow(mergeDefaultRule(undefined, 365).text);

      // Act
      const first = judge(DEFAULT_POLICY, DEFAULT_TEXT);
      const again = judge(keepAll, DEFAULT_TEXT);
      const other = judge(keepAll, 'another text');

      // Assert
      expect(again).toBe(first);
      expect(other.hold).toBe(false);
      expect(other.atRisk).toEqual([]);
    });

    it('judges from its own clock and over its own horizon', async () => {
      // Arrange
      const { registry, ref } = await web();
      const shortHorizon = guardOver({ horizonDays: 1 }).guard;
      const later = guardOver({ horizonDays: 1, now: () => NOW + 10 * DAY_MS }).guard;

      // Act
      const within = (await guardOf(registry, ref, shortHorizon))(DEFAULT_POLICY, DEFAULT_TEXT);
      const laterVerdict = (await guardOf(registry, ref, later))(DEFAULT_POLICY, DEFAULT_TEXT);

      // Assert: 4 days to go is beyond a horizon of 1; ten days later it is gone.
      expect(within.hold).toBe(false);
      expect(laterVerdict.hold).toBe(true);
    });

    it('reports what is at risk but holds nothing when the guard is off', async () => {
      // Arrange
      const { registry, ref } = await web();

      // Act
      const verdict = (await guardOf(registry, ref, guardOver({ enabled: false }).guard))(DEFAULT_POLICY, DEFAULT_TEXT);

      // Assert
      expect(verdict.hold).toBe(false);
      expect(verdict.atRisk.map((i) => i.imageDigest)).toEqual([running.imageDigest]);
    });

    it('fails as the catalog fails, so that no judge is given without knowing what is in use', async () => {
      // Arrange
      const { registry, ref } = await web();
      const guard = guardOver({ inUse: { catalog: () => Promise.reject(new Error('the in-use list could not be read')) } }).guard;

      // Act / Assert
      await expect(guardOf(registry, ref, guard)).rejects.toThrow('the in-use list could not be read');
    });
  });

  describe('heldMessage', () => {
    it('counts one image and several, and names the change judged', () => {
      expect(heldMessage(atRisk(1), 7)).toMatch(
        /^the default rule would remove 1 image in use within 7 days: sha256:0{12} \(rule 1; used by/,
      );
      expect(heldMessage(atRisk(2), 3, "the team's policy")).toMatch(/^the team's policy would remove 2 images in use within 3 days: /);
    });
  });

  describe('heldDecision', () => {
    it('records the write as held in use, with the text before, what is at risk and the message', () => {
      // Arrange
      const judgement: WriteJudgement = { hold: true, atRisk: atRisk(1), referrersAtRisk: 2 };

      // Act
      const { done } = heldDecision({ region: REGION, repositoryName: 'web' }, null, judgement, 'held');

      // Assert
      expect(done).toEqual({
        region: REGION,
        repositoryName: 'web',
        outcome: 'held-in-use',
        before: null,
        inUseAtRisk: judgement.atRisk,
        referrersAtRisk: 2,
        message: 'held',
      });
    });
  });

  describe('notesOf', () => {
    const guard = guardOver().guard;

    it('notes nothing when the write was not judged or there is no guard', () => {
      expect(notesOf(undefined, guard)).toEqual({});
      expect(notesOf({ hold: false, atRisk: atRisk(1), referrersAtRisk: 0 }, undefined)).toEqual({});
    });

    it('records the findings of a write that goes ahead, with a message only when an image in use is at risk', () => {
      // Act
      const safe = notesOf({ hold: false, atRisk: [], referrersAtRisk: 1 }, guard);
      const risky = notesOf({ hold: false, atRisk: atRisk(2), referrersAtRisk: 0 }, guard);

      // Assert
      expect(safe).toEqual({ inUseAtRisk: [], referrersAtRisk: 1 });
      expect(risky.inUseAtRisk).toHaveLength(2);
      expect(risky.message).toMatch(/^in-use guard off: the default rule would remove 2 images in use within 7 days: /);
    });
  });
});
