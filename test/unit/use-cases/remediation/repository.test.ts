import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import { auditedRepositoryOf, remediateRepository } from '../../../../src/use-cases/remediate';
import { FakeRegistry, awsError } from '../../support/fake-registry';
import { imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS, expireUntagged, keepNewestTagged, policyText } from '../../support/policies';
import { options, written } from './support';

describe('remediation/repository', () => {
  describe('remediateRepository', () => {
    it('decides from the policy text it is given and reads policy and tags again only to check them before writing', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: true }), {
        tags: [],
        policyText: TAGGED_ONLY,
      });

      // Assert
      expect(action).toMatchObject({ outcome: 'applied', before: TAGGED_ONLY, after: written(TAGGED_ONLY) });
      expect(registry.calls.map((c) => c.operation).sort()).toEqual([
        'getLifecyclePolicy',
        'getLifecyclePolicy',
        'listRepositories',
        'listTags',
        'putLifecyclePolicy',
      ]);
    });

    it.each([
      { name: 'a compliant policy', known: UNTAGGED_30_DAYS, outcome: 'compliant' },
      { name: 'an invalid policy', known: INVALID_POLICY, outcome: 'unmergeable' },
      { name: 'no policy, on a dry run', known: null, outcome: 'planned' },
    ])('reads nothing when the policy it is given is $name', async ({ known, outcome }) => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', ...(known === null ? {} : { policy: known }) }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: outcome !== 'planned' }), {
        tags: [],
        policyText: known,
      });

      // Assert
      expect(action).toMatchObject({ outcome, before: known });
      expect(registry.calls.filter((c) => c.repositoryName === 'app')).toEqual([]);
    });

    it.each([
      { name: 'a policy appeared', known: null, stored: TAGGED_ONLY },
      { name: 'the policy was replaced', known: TAGGED_ONLY, stored: policyText(keepNewestTagged(1, 'prod', 50)) },
      { name: 'the policy was deleted', known: TAGGED_ONLY, stored: undefined },
    ])('merges into what is stored now when $name since the policy text it is given was read', async ({ known, stored }) => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', ...(stored === undefined ? {} : { policy: stored }) }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: true }), {
        tags: [],
        policyText: known,
      });

      // Assert: the first re-read disagrees with the known text, the second agrees with the first.
      expect(action).toMatchObject({ outcome: 'applied', before: stored ?? null, writeAttempts: 2 });
      expect(registry.writes.map((w) => w.policyText)).toEqual([written(stored)]);
      expect(registry.callsOf('getLifecyclePolicy')).toHaveLength(3);
    });

    it('decides from the tags it is given without listing them', async () => {
      // Arrange: the stored tags opt out, the given ones do not; a dry run writes nothing, so reads nothing.
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: false }), {
        tags: [],
        policyText: null,
      });

      // Assert
      expect(action.outcome).toBe('planned');
      expect(registry.callsOf('listTags')).toEqual([]);
    });

    it('does not write when the repository was opted out after its tags were read', async () => {
      // Arrange: the tags given (as an audit read them) do not opt out; the repository is tagged since.
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: true }), {
        tags: [],
        policyText: null,
      });

      // Assert
      expect(action).toMatchObject({ outcome: 'skipped-opt-out' });
      expect(registry.writes).toEqual([]);
    });

    it('skips an excluded repository before reading anything about it', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'sandbox/x' }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository(
        { reader: registry, writer: registry },
        ref,
        options({ apply: true, selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['sandbox/*'] } }),
      );

      // Assert
      expect(action).toMatchObject({ region: 'eu-west-1', repositoryName: 'sandbox/x', outcome: 'skipped-excluded' });
      expect(registry.calls.filter((c) => c.repositoryName === 'sandbox/x')).toEqual([]);
    });

    it('returns the policy as compliant, unchanged, when it already expires untagged images', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: UNTAGGED_30_DAYS }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: true }));

      // Assert
      expect(action).toEqual({ region: 'eu-west-1', repositoryName: 'app', outcome: 'compliant', before: UNTAGGED_30_DAYS });
      expect(registry.writes).toEqual([]);
    });

    it('lets an error of the reader propagate to the caller', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app' }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('the fake registry lists no repository');
      registry.failRepository('app', awsError('ThrottlingException', 'Rate exceeded'), 'getLifecyclePolicy');

      // Act
      const act = remediateRepository({ reader: registry, writer: registry }, ref, options({ apply: true }));

      // Assert
      await expect(act).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(registry.writes).toEqual([]);
    });
  });
  describe('auditedRepositoryOf', () => {
    const image = imageOf(imageManifest({ config: blob('config', 100), layers: [blob('layer', 1_000)] }));
    /** A repository state with one image and `lifecyclePolicyText`. */
    const stateWith = (lifecyclePolicyText: string) => ({
      accountId: '111122223333',
      region: 'eu-west-1',
      repositoryName: 'app',
      repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/app',
      createdAt: '2026-01-01T00:00:00.000Z',
      tags: [{ Key: 'team', Value: 'a' }],
      lifecyclePolicyText,
      images: [image],
    });

    it('keeps the reference, tags and policy text of a repository state and drops its images', () => {
      // Arrange
      const state = stateWith(TAGGED_ONLY);

      // Act
      const audited = auditedRepositoryOf(state);

      // Assert
      expect(audited).toEqual({
        accountId: '111122223333',
        region: 'eu-west-1',
        repositoryName: 'app',
        repositoryArn: state.repositoryArn,
        createdAt: state.createdAt,
        tags: state.tags,
        lifecyclePolicyText: TAGGED_ONLY,
      });
    });

    it.each([
      ['a policy without untagged cleanup', TAGGED_ONLY, { days: 7 }, true],
      ['a policy that already cleans untagged images', policyText(expireUntagged(1, 14)), { days: 7 }, false],
      [
        'a long untagged rule when a maximum is enforced',
        policyText(expireUntagged(1, 90)),
        { days: 7, enforcedMaxUntaggedDays: 30 },
        true,
      ],
      ['a long untagged rule without a maximum', policyText(expireUntagged(1, 90)), { days: 7 }, false],
      ['a policy that is not valid (reported, never written)', INVALID_POLICY, { days: 7 }, false],
    ] as const)('keeps the images for the guard only where a write may be due: %s', (_case, text, settings, kept) => {
      // Act
      const audited = auditedRepositoryOf(stateWith(text), { keepImagesFor: { optOutTag: 'ecr-janitor:opt-out', exclude: [] }, settings });

      // Assert
      expect(audited.images?.map((i) => i.imageDigest)).toEqual(kept ? [image.imageDigest] : undefined);
    });

    it('keeps no images in an opted-out repository, where nothing is written', () => {
      const state = { ...stateWith(TAGGED_ONLY), tags: [{ Key: 'ecr-janitor:opt-out', Value: 'true' }] };
      expect(auditedRepositoryOf(state, { keepImagesFor: { optOutTag: 'ecr-janitor:opt-out', exclude: [] } }).images).toBeUndefined();
    });
  });
});
