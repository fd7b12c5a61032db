import type { LifecyclePolicy } from '../../../src/domain/policy';
import { janitorRuleDescription, mergeDefaultRule, parsePolicyOrThrow, remediatedPolicy } from '../../../src/domain/policy';
import type { ScanProgress } from '../../../src/use-cases/audit';
import type { RemediateOptions } from '../../../src/use-cases/remediate';
import type { AuditedRepository } from '../../../src/use-cases/remediate';
import { auditedRepositoryOf, remediate, remediateAudited, remediateRepository, restoreTeamWrite } from '../../../src/use-cases/remediate';
import { PolicyWriteError, type PolicyWriteFailure } from '../../../src/domain/errors';
import { FakeRegistry, awsError } from '../support/fake-registry';
import { imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS, expireUntagged, keepNewestTagged, policyText } from '../support/policies';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';

/** The wall clock the write loop reads: the time stamped into the janitor's rule. */
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
/** The write loop without real pauses, and with a fixed clock. */
const instant = { sleep: (): Promise<void> => Promise.resolve(), now: () => NOW, random: () => 0.5 };

function options(overrides: Partial<RemediateOptions> = {}): RemediateOptions {
  return {
    days: 7,
    selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
    apply: false,
    concurrency: 4,
    pacing: instant,
    ...overrides,
  };
}

/** What the janitor writes into `text`: the merge with its rule stamped with the time of the read before the write. */
function written(text: string | undefined, days = 7): string {
  return mergeDefaultRule(text, days, { basedOnReadAt: NOW }).text;
}

function parsed(text: string | undefined): LifecyclePolicy {
  if (text === undefined) throw new Error('expected a policy text');
  return parsePolicyOrThrow(text);
}

/** The default rule the janitor adds, as it appears in a written policy. */
const janitorRule = (days = 7) =>
  expect.objectContaining({
    description: janitorRuleDescription(days, NOW),
    selection: expect.objectContaining({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: days }),
    action: { type: 'expire' },
  });

/** One region with a repository of every kind remediation distinguishes. */
function mixedRegion(region = 'eu-west-1'): FakeRegistry {
  return new FakeRegistry(region, [
    { name: 'bare' },
    { name: 'tagged-only', policy: TAGGED_ONLY },
    { name: 'compliant', policy: UNTAGGED_30_DAYS },
    { name: 'opted-out', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
    { name: 'legacy/tool' },
  ]);
}

describe('remediate', () => {
  describe('remediate', () => {
    it('plans without writing on a dry run, the default', async () => {
      // Arrange
      const registry = mixedRegion();

      // Act
      const result = await remediate(
        [{ reader: registry, writer: registry }],
        options({ selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['legacy/*'] } }),
      );

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['bare', 'planned'],
        ['compliant', 'compliant'],
        ['legacy/tool', 'skipped-excluded'],
        ['opted-out', 'skipped-opt-out'],
        ['tagged-only', 'planned'],
      ]);
      expect(registry.writes).toEqual([]);
      expect(registry.callsOf('putLifecyclePolicy')).toEqual([]);
      expect(result.errors).toEqual([]);
    });

    it('writes the default policy to a repository without one when applying', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'bare' }]);

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert
      expect(result.actions).toEqual([expect.objectContaining({ repositoryName: 'bare', outcome: 'applied', before: null })]);
      expect(registry.writes).toHaveLength(1);
      expect(parsed(registry.policyOf('bare')).rules).toEqual([janitorRule()]);
      expect(result.actions[0]?.after).toBe(registry.policyOf('bare'));
    });

    it('keeps every existing rule when it merges the untagged rule into a policy', async () => {
      // Arrange
      const existing = policyText(keepNewestTagged(1, 'release', 10), keepNewestTagged(5, 'dev', 3));
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: existing }]);

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true, days: 14 }));

      // Assert
      expect(result.actions[0]).toMatchObject({ outcome: 'applied', before: existing });
      const written = parsed(registry.writes[0]?.policyText);
      expect(written.rules).toHaveLength(3);
      expect(written.rules).toEqual(expect.arrayContaining([...parsed(existing).rules, janitorRule(14)]));
    });

    it('writes exactly what the merge engine produces', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);

      // Act
      await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert
      expect(registry.writes).toEqual([{ region: 'eu-west-1', repositoryName: 'app', policyText: written(TAGGED_ONLY) }]);
    });

    it('never writes to opted-out or excluded repositories', async () => {
      // Arrange
      const registry = mixedRegion();

      // Act
      const result = await remediate(
        [{ reader: registry, writer: registry }],
        options({ apply: true, selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['legacy/*'] } }),
      );

      // Assert
      expect(registry.writes.map((w) => w.repositoryName).sort()).toEqual(['bare', 'tagged-only']);
      expect(result.actions.find((a) => a.repositoryName === 'opted-out')).toMatchObject({
        outcome: 'skipped-opt-out',
        message: `tagged ${DEFAULT_OPT_OUT_TAG}=true`,
      });
      expect(result.actions.find((a) => a.repositoryName === 'legacy/tool')).toMatchObject({ outcome: 'skipped-excluded' });
      expect(registry.policyOf('opted-out')).toBeUndefined();
      expect(registry.policyOf('legacy/tool')).toBeUndefined();
    });

    it('leaves alone a policy replaced between the read and the write by one that expires untagged images', async () => {
      // Arrange
      const change = policyText(keepNewestTagged(1, 'prod', 50), expireUntagged(2, 3));
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.changePolicyAfterRead('app', change);

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert
      expect(result.actions[0]).toMatchObject({ outcome: 'compliant', before: change });
      expect(registry.writes).toEqual([]);
      expect(registry.policyOf('app')).toBe(change);
    });

    it.each([
      { name: 'deleted', from: TAGGED_ONLY, change: undefined },
      { name: 'put on a bare repository', from: undefined, change: TAGGED_ONLY },
      { name: 'replaced', from: TAGGED_ONLY, change: policyText(keepNewestTagged(1, 'prod', 50)) },
    ])('merges into what is stored now when a policy was $name between the read and the write', async ({ from, change }) => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', ...(from === undefined ? {} : { policy: from }) }]);
      registry.changePolicyAfterRead('app', change);

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert: never the merge of the older text; the new one, once a second read agreed with it.
      expect(result.actions[0]).toMatchObject({ outcome: 'applied', before: change ?? null, after: written(change), readBack: 'matches' });
      expect(registry.writes.map((w) => w.policyText)).toEqual([written(change)]);
    });

    it('reads the policy again right before writing, and back after it', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app' }]);

      // Act
      await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert
      const sequence = registry.calls.filter((c) => c.repositoryName === 'app').map((c) => c.operation);
      expect(sequence).toEqual(['getLifecyclePolicy', 'listTags', 'getLifecyclePolicy', 'putLifecyclePolicy', 'getLifecyclePolicy']);
      expect(registry.writeSlots).toBe(1);
    });

    it('finds every repository compliant on a second run and writes nothing more', async () => {
      // Arrange
      const registry = mixedRegion();
      const registries = [{ reader: registry, writer: registry }];
      await remediate(registries, options({ apply: true }));
      const writes = registry.writes.length;

      // Act
      const second = await remediate(registries, options({ apply: true }));

      // Assert
      expect(writes).toBe(3);
      expect(second.actions.filter((a) => a.outcome !== 'skipped-opt-out').map((a) => a.outcome)).toEqual([
        'compliant',
        'compliant',
        'compliant',
        'compliant',
      ]);
      expect(registry.writes).toHaveLength(writes);
    });

    describe('with maxUntaggedDays (enforcement, off by default)', () => {
      const slow = policyText(keepNewestTagged(1, 'v', 5), expireUntagged(2, 90));

      it('shortens a longer untagged rule when applying, keeping the other rules, and is idempotent', async () => {
        // Arrange
        const registry = new FakeRegistry('eu-west-1', [
          { name: 'slow', policy: slow },
          { name: 'quick', policy: UNTAGGED_30_DAYS },
        ]);
        const registries = [{ reader: registry, writer: registry }];

        // Act
        const first = await remediate(registries, options({ apply: true, enforcedMaxUntaggedDays: 30 }));
        const second = await remediate(registries, options({ apply: true, enforcedMaxUntaggedDays: 30 }));

        // Assert
        expect(first.actions.map((a) => [a.repositoryName, a.outcome, a.shortened])).toEqual([
          ['quick', 'compliant', undefined],
          ['slow', 'applied', { rulePriority: 2, fromDays: 90, toDays: 30 }],
        ]);
        const written = parsed(registry.policyOf('slow'));
        expect(written.rules[0]).toEqual(keepNewestTagged(1, 'v', 5));
        expect(written.rules[1]?.selection.countNumber).toBe(30);
        expect(second.actions.map((a) => a.outcome)).toEqual(['compliant', 'compliant']);
        expect(registry.writes).toHaveLength(1);
      });

      it('plans the shortening without writing on a dry run', async () => {
        // Arrange
        const registry = new FakeRegistry('eu-west-1', [{ name: 'slow', policy: slow }]);

        // Act
        const result = await remediate([{ reader: registry, writer: registry }], options({ enforcedMaxUntaggedDays: 30 }));

        // Assert
        expect(result.actions[0]).toMatchObject({ outcome: 'planned', before: slow });
        expect(registry.writes).toEqual([]);
      });

      it('never shortens in an opted-out or excluded repository', async () => {
        // Arrange
        const registry = new FakeRegistry('eu-west-1', [
          { name: 'opted-out', policy: slow, tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
          { name: 'legacy/slow', policy: slow },
        ]);

        // Act
        const result = await remediate(
          [{ reader: registry, writer: registry }],
          options({ apply: true, enforcedMaxUntaggedDays: 30, selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['legacy/*'] } }),
        );

        // Assert
        expect(result.actions.map((a) => a.outcome)).toEqual(['skipped-excluded', 'skipped-opt-out']);
        expect(registry.writes).toEqual([]);
      });

      it('shortens the policy stored now, not the one first read, when it changed between the read and the write', async () => {
        // Arrange
        const registry = new FakeRegistry('eu-west-1', [{ name: 'slow', policy: slow }]);
        const teamEdit = policyText(keepNewestTagged(1, 'v', 5), expireUntagged(2, 120));
        registry.changePolicyAfterRead('slow', teamEdit);

        // Act
        const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true, enforcedMaxUntaggedDays: 30 }));

        // Assert: the team's new text, with its untagged rule shortened from 120 days (not 90).
        expect(result.actions[0]).toMatchObject({
          outcome: 'applied',
          before: teamEdit,
          shortened: { rulePriority: 2, fromDays: 120, toDays: 30 },
        });
        expect(registry.writes.map((w) => w.policyText)).toEqual([
          remediatedPolicy(teamEdit, { days: 7, enforcedMaxUntaggedDays: 30 }).text,
        ]);
      });

      it('leaves a long "any" rule alone and says why', async () => {
        // Arrange
        const anyRule = policyText(keepNewestTagged(1, 'v', 5), {
          ...expireUntagged(2, 90),
          selection: { ...expireUntagged(2, 90).selection, tagStatus: 'any' },
        });
        const registry = new FakeRegistry('eu-west-1', [{ name: 'any', policy: anyRule }]);

        // Act
        const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true, enforcedMaxUntaggedDays: 30 }));

        // Assert
        expect(result.actions[0]).toMatchObject({ outcome: 'compliant', message: expect.stringContaining('not shortened') as string });
        expect(registry.writes).toEqual([]);
      });
    });

    it('records a failing repository as failed and remediates the others', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'a' }, { name: 'denied' }, { name: 'z' }]);
      registry.failRepository(
        'denied',
        awsError('AccessDeniedException', 'not authorized to perform: ecr:PutLifecyclePolicy'),
        'putLifecyclePolicy',
      );

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['a', 'applied'],
        ['denied', 'failed'],
        ['z', 'applied'],
      ]);
      expect(result.actions[1]?.message).toBe('AccessDeniedException: not authorized to perform: ecr:PutLifecyclePolicy');
      expect(result.errors).toEqual([
        {
          region: 'eu-west-1',
          repositoryName: 'denied',
          code: 'AccessDeniedException',
          message: 'not authorized to perform: ecr:PutLifecyclePolicy',
        },
      ]);
      expect(registry.writes.map((w) => w.repositoryName)).toEqual(expect.arrayContaining(['a', 'z']));
      expect(registry.writes).toHaveLength(2);
    });

    it('records a region whose listing fails and remediates the other regions', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [{ name: 'app' }]);
      const mumbai = new FakeRegistry('ap-south-1', [{ name: 'app' }]);
      mumbai.failListing(awsError('UnrecognizedClientException', 'region not enabled'));

      // Act
      const result = await remediate(
        [
          { reader: ireland, writer: ireland },
          { reader: mumbai, writer: mumbai },
        ],
        options({ apply: true }),
      );

      // Assert
      expect(result.actions).toEqual([expect.objectContaining({ region: 'eu-west-1', repositoryName: 'app', outcome: 'applied' })]);
      expect(result.errors).toEqual([
        {
          region: 'ap-south-1',
          code: 'UnrecognizedClientException',
          message: 'region failure: its repositories could not be listed: region not enabled',
        },
      ]);
      expect(mumbai.writes).toEqual([]);
    });

    it('reports progress per region, a failed listing as a region failure, and each repository once done', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [{ name: 'app' }, { name: 'web' }]);
      ireland.failRepository('web', awsError('AccessDeniedException'));
      const mumbai = new FakeRegistry('ap-south-1', [{ name: 'app' }]);
      mumbai.failListing(awsError('UnrecognizedClientException', 'region not enabled'));
      const progress: ScanProgress[] = [];

      // Act
      await remediate([{ reader: ireland }, { reader: mumbai }], options({ onProgress: (p) => progress.push(p) }));

      // Assert
      expect(progress.filter((p) => p.region === 'ap-south-1')).toEqual([
        {
          region: 'ap-south-1',
          done: 0,
          total: 0,
          listingError: expect.objectContaining({ code: 'UnrecognizedClientException' }) as unknown,
        },
      ]);
      expect(progress.filter((p) => p.region === 'eu-west-1').map((p) => [p.done, p.total])).toEqual([
        [0, 2],
        [1, 2],
        [2, 2],
      ]);
    });

    it('writes each region through its own writer and sorts actions by region and name', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [{ name: 'web' }, { name: 'api' }]);
      const virginia = new FakeRegistry('us-east-1', [{ name: 'api' }]);

      // Act
      const result = await remediate(
        [
          { reader: virginia, writer: virginia },
          { reader: ireland, writer: ireland },
        ],
        options({ apply: true }),
      );

      // Assert
      expect(result.actions.map((a) => `${a.region}/${a.repositoryName}`)).toEqual(['eu-west-1/api', 'eu-west-1/web', 'us-east-1/api']);
      expect(ireland.writes.map((w) => w.repositoryName).sort()).toEqual(['api', 'web']);
      expect(virginia.writes.map((w) => w.repositoryName)).toEqual(['api']);
    });

    it('plans instead of writing when applying without a writer', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app' }]);

      // Act
      const result = await remediate([{ reader: registry }], options({ apply: true }));

      // Assert
      expect(result.actions[0]?.outcome).toBe('planned');
      expect(registry.writes).toEqual([]);
    });

    it('reports an invalid stored policy as unmergeable and leaves it alone', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: INVALID_POLICY }]);

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true }));

      // Assert
      expect(result.actions[0]).toMatchObject({
        outcome: 'unmergeable',
        before: INVALID_POLICY,
        message: expect.stringMatching(/not valid/),
      });
      expect(registry.writes).toEqual([]);
    });
  });

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
  describe('remediateAudited', () => {
    /** What an audit of `registry` would have collected through onRepositoryState. */
    async function auditedOf(registry: FakeRegistry): Promise<AuditedRepository[]> {
      const refs = await registry.listRepositories();
      const audited = await Promise.all(
        refs.map(async (ref) => ({
          ...ref,
          tags: await registry.listTags(ref),
          lifecyclePolicyText: (await registry.getLifecyclePolicy(ref.repositoryName)) ?? null,
        })),
      );
      registry.calls.length = 0;
      return audited;
    }

    it('remediates from what the audit read: no listing, and policy and tags read again only before each write', async () => {
      // Arrange
      const registry = mixedRegion();
      const audited = await auditedOf(registry);

      // Act
      const result = await remediateAudited(
        [{ reader: registry, writer: registry }],
        audited,
        options({ apply: true, selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['legacy/*'] } }),
      );

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['bare', 'applied'],
        ['compliant', 'compliant'],
        ['legacy/tool', 'skipped-excluded'],
        ['opted-out', 'skipped-opt-out'],
        ['tagged-only', 'applied'],
      ]);
      expect(result.errors).toEqual([]);
      expect(registry.callsOf('listRepositories')).toEqual([]);
      expect(
        registry
          .callsOf('listTags')
          .map((c) => c.repositoryName)
          .sort(),
      ).toEqual(['bare', 'tagged-only']);
      // Before each write the policy is read again, and after it read back.
      expect(
        registry
          .callsOf('getLifecyclePolicy')
          .map((c) => c.repositoryName)
          .sort(),
      ).toEqual(['bare', 'bare', 'tagged-only', 'tagged-only']);
      expect(registry.writes.map((w) => w.repositoryName).sort()).toEqual(['bare', 'tagged-only']);
    });

    it('also remediates the repositories the audit could not read, reading their tags and policy afresh', async () => {
      // Arrange: the audit read 'compliant' only; 'bare' and 'opted-out' failed (say, images throttled).
      const registry = mixedRegion();
      const refs = await registry.listRepositories();
      const audited = (await auditedOf(registry)).filter((r) => r.repositoryName === 'compliant');
      const unread = refs.filter((r) => r.repositoryName === 'bare' || r.repositoryName === 'opted-out');

      // Act
      const result = await remediateAudited([{ reader: registry, writer: registry }], audited, options({ apply: true }), unread);

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['bare', 'applied'],
        ['compliant', 'compliant'],
        ['opted-out', 'skipped-opt-out'],
      ]);
      expect(registry.writes.map((w) => w.repositoryName)).toEqual(['bare']);
    });

    it('reads nothing on a dry run', async () => {
      // Arrange
      const registry = mixedRegion();
      const audited = await auditedOf(registry);

      // Act
      const result = await remediateAudited([{ reader: registry, writer: registry }], audited, options());

      // Assert
      expect(result.actions.filter((a) => a.outcome === 'planned').map((a) => a.repositoryName)).toEqual([
        'bare',
        'legacy/tool',
        'tagged-only',
      ]);
      expect(registry.calls).toEqual([]);
    });

    it('remediates only the repositories it is given', async () => {
      // Arrange
      const registry = mixedRegion();
      const audited = (await auditedOf(registry)).filter((r) => r.repositoryName === 'bare');

      // Act
      const result = await remediateAudited([{ reader: registry, writer: registry }], audited, options({ apply: true }));

      // Assert
      expect(result.actions.map((a) => a.repositoryName)).toEqual(['bare']);
      expect(registry.writes.map((w) => w.repositoryName)).toEqual(['bare']);
    });

    it('merges into the policy stored now when it changed after the audit read it', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      const audited = await auditedOf(registry);
      const replaced = policyText(keepNewestTagged(1, 'prod', 50));
      registry.addRepository({ name: 'app', policy: replaced });

      // Act
      const result = await remediateAudited([{ reader: registry, writer: registry }], audited, options({ apply: true }));

      // Assert
      expect(result.actions).toEqual([expect.objectContaining({ repositoryName: 'app', outcome: 'applied', before: replaced })]);
      expect(registry.writes.map((w) => w.policyText)).toEqual([written(replaced)]);
    });

    it('writes each repository through the registry of its region and sorts actions by region and name', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [{ name: 'web' }, { name: 'api' }]);
      const virginia = new FakeRegistry('us-east-1', [{ name: 'api' }]);
      const audited = [...(await auditedOf(virginia)), ...(await auditedOf(ireland))];

      // Act
      const result = await remediateAudited(
        [
          { reader: ireland, writer: ireland },
          { reader: virginia, writer: virginia },
        ],
        audited,
        options({ apply: true }),
      );

      // Assert
      expect(result.actions.map((a) => `${a.region}/${a.repositoryName}:${a.outcome}`)).toEqual([
        'eu-west-1/api:applied',
        'eu-west-1/web:applied',
        'us-east-1/api:applied',
      ]);
      expect(ireland.writes.map((w) => w.repositoryName).sort()).toEqual(['api', 'web']);
      expect(virginia.writes.map((w) => w.repositoryName)).toEqual(['api']);
    });

    it('records a failing repository as failed and remediates the others', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'a' }, { name: 'denied' }]);
      const audited = await auditedOf(registry);
      registry.failRepository('denied', awsError('AccessDeniedException', 'not authorized'), 'putLifecyclePolicy');

      // Act
      const result = await remediateAudited([{ reader: registry, writer: registry }], audited, options({ apply: true }));

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['a', 'applied'],
        ['denied', 'failed'],
      ]);
      expect(result.errors).toEqual([
        { region: 'eu-west-1', repositoryName: 'denied', code: 'AccessDeniedException', message: 'not authorized' },
      ]);
    });

    it('records a repository as failed when no registry of its region is given', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [{ name: 'app' }]);
      const audited = await auditedOf(new FakeRegistry('us-east-1', [{ name: 'app' }]));

      // Act
      const result = await remediateAudited([{ reader: ireland, writer: ireland }], audited, options({ apply: true }));

      // Assert
      expect(result.actions).toEqual([
        expect.objectContaining({
          region: 'us-east-1',
          repositoryName: 'app',
          outcome: 'failed',
          message: expect.stringContaining('no registry was given for us-east-1'),
        }),
      ]);
      expect(result.errors).toHaveLength(1);
      expect(ireland.writes).toEqual([]);
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

  describe('the write loop', () => {
    /** A write failure as the ECR adapter throws it. */
    const writeError = (failure: PolicyWriteFailure, code: string): PolicyWriteError =>
      new PolicyWriteError(`PutLifecyclePolicy failed (${code})`, failure, code);

    async function refOf(registry: FakeRegistry, name = 'app') {
      const ref = (await registry.listRepositories()).find((r) => r.repositoryName === name);
      if (!ref) throw new Error(`the fake registry lists no ${name}`);
      return ref;
    }

    it('gives up as skipped-changed, writing nothing, when the policy changes on every read', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      let n = 0;
      registry.changePolicyOnEveryRead('app', () => policyText(keepNewestTagged(1, `v${++n}`, 3)));
      const pauses: number[] = [];
      const pacing = { ...instant, rounds: 4, sleep: (ms: number) => (pauses.push(ms), Promise.resolve()) };

      // Act
      const action = await remediateRepository(
        { reader: registry, writer: registry },
        await refOf(registry),
        options({ apply: true, pacing }),
      );

      // Assert
      expect(action).toMatchObject({ outcome: 'skipped-changed' });
      expect(action.message).toMatch(/kept changing over 4 reads/);
      expect(registry.writes).toEqual([]);
      // One read to decide, then one per round; a pause (half of a doubling ceiling, random = 0.5) before rounds 2-4.
      expect(registry.callsOf('getLifecyclePolicy')).toHaveLength(5);
      expect(pauses).toEqual([150, 300, 600]);
    });

    it('goes round again after a throttled write, reading the policy again before the next write', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.failNextWrites('app', { error: writeError('throttled', 'ThrottlingException'), landed: false });

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry), options({ apply: true }));

      // Assert
      expect(action).toMatchObject({ outcome: 'applied', writeAttempts: 2, readBack: 'matches', message: '1 write was throttled first' });
      const sequence = registry.calls.filter((c) => c.repositoryName === 'app').map((c) => c.operation);
      expect(sequence).toEqual([
        'getLifecyclePolicy',
        'listTags',
        'getLifecyclePolicy',
        'putLifecyclePolicy',
        'getLifecyclePolicy',
        'putLifecyclePolicy',
        'getLifecyclePolicy',
      ]);
      expect(registry.writes.map((w) => w.policyText)).toEqual([written(TAGGED_ONLY)]);
    });

    it("merges a team's write made while a throttled write waited, instead of resending the older merge", async () => {
      // Arrange: the first write is throttled; the team puts its own policy before the next round.
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      const team = policyText(keepNewestTagged(1, 'prod', 50), keepNewestTagged(2, 'dev', 5));
      registry.failNextWrites('app', { error: writeError('throttled', 'ThrottlingException'), landed: false });
      const pacing = { ...instant, sleep: () => (registry.addRepository({ name: 'app', policy: team }), Promise.resolve()) };

      // Act
      const action = await remediateRepository(
        { reader: registry, writer: registry },
        await refOf(registry),
        options({ apply: true, pacing }),
      );

      // Assert: round 2 sees the team's text and decides nothing from it; round 3 agrees, and merges into it.
      expect(action).toMatchObject({ outcome: 'applied', before: team, writeAttempts: 3 });
      expect(registry.writes.map((w) => w.policyText)).toEqual([written(team)]);
      expect(parsed(registry.policyOf('app')).rules).toEqual(expect.arrayContaining(parsed(team).rules));
    });

    it('throws the throttling error when every round is throttled, having written nothing', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      const throttled = { error: writeError('throttled', 'ThrottlingException'), landed: false };
      registry.failNextWrites('app', throttled, throttled, throttled);

      // Act
      const act = remediateRepository(
        { reader: registry, writer: registry },
        await refOf(registry),
        options({ apply: true, pacing: { ...instant, throttledRounds: 3 } }),
      );

      // Assert
      await expect(act).rejects.toMatchObject({ code: 'ThrottlingException', failure: 'throttled' });
      expect(registry.writes).toEqual([]);
      expect(registry.policyOf('app')).toBe(TAGGED_ONLY);
    });

    it('settles a write whose answer was a 5xx by reading back, and does not write again when it landed', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.failNextWrites('app', { error: writeError('unknown', 'ServerException'), landed: true });

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry), options({ apply: true }));

      // Assert
      expect(action).toMatchObject({ outcome: 'applied', readBack: 'matches', writeAttempts: 1 });
      expect(action.message).toMatch(/answered ServerException; reading the policy back showed it was applied/);
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
    });

    it('writes the repository no more once a write answered a 5xx and reading back does not show it', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.failNextWrites('app', { error: writeError('unknown', 'InternalFailure'), landed: false });

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry), options({ apply: true }));

      // Assert: read to decide, tags, re-read, write (500), read back (old text) — and no second write.
      expect(action).toMatchObject({ outcome: 'unknown-outcome', writeAttempts: 1, readBack: 'changed', after: written(TAGGED_ONLY) });
      expect(action.message).toMatch(/answered InternalFailure .* it may still land, so nothing more is written/);
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
      expect(registry.callsOf('getLifecyclePolicy')).toHaveLength(3);
      expect(registry.policyOf('app')).toBe(TAGGED_ONLY);
    });

    it('records a write as of unknown outcome, not failed, when neither its answer nor the read back comes', async () => {
      // Arrange: the write times out; reading back fails too.
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.failNextWrites('app', { error: writeError('unknown', 'TimeoutError'), landed: false });
      let reads = 0;
      const reader = Object.assign(Object.create(registry) as FakeRegistry, {
        getLifecyclePolicy: (name: string) => (++reads >= 3 ? Promise.reject(awsError('TimeoutError')) : registry.getLifecyclePolicy(name)),
      });

      // Act
      const action = await remediateRepository({ reader, writer: registry }, await refOf(registry), options({ apply: true }));

      // Assert
      expect(action).toMatchObject({ outcome: 'unknown-outcome', readBack: 'unreadable' });
      expect(action.message).toMatch(/answered TimeoutError and the policy could not be read back/);
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
    });

    it('throws a refused write at once, without reading back or writing again', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.failNextWrites('app', { error: writeError('rejected', 'InvalidParameterException'), landed: false });

      // Act
      const act = remediateRepository({ reader: registry, writer: registry }, await refOf(registry), options({ apply: true }));

      // Assert
      await expect(act).rejects.toMatchObject({ code: 'InvalidParameterException' });
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
      expect(registry.callsOf('getLifecyclePolicy')).toHaveLength(2);
    });

    it('records what reading back saw when another writer replaced the policy right after the write', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.replaceAfterNextWrite('app', UNTAGGED_30_DAYS);

      // Act
      const action = await remediateRepository({ reader: registry, writer: registry }, await refOf(registry), options({ apply: true }));

      // Assert
      expect(action).toMatchObject({
        outcome: 'applied',
        readBack: 'changed',
        message: 'another writer replaced the policy right after this write',
      });
      expect(registry.policyOf('app')).toBe(UNTAGGED_30_DAYS);
    });

    it('stamps the rule with the time of the read that preceded the write, taken after the write slot', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app' }]);
      let clock = NOW;
      const events: string[] = [];
      const target = {
        reader: registry,
        writer: {
          region: registry.region,
          acquireWriteSlot: async () => void events.push('slot'),
          putLifecyclePolicy: (name: string, text: string) => (events.push('put'), registry.putLifecyclePolicy(name, text)),
        },
      };
      const pacing = { ...instant, now: () => (events.push('clock'), (clock += 1000)) };

      // Act
      await remediateRepository(target, await refOf(registry), options({ apply: true, pacing }));

      // Assert
      expect(events).toEqual(['slot', 'clock', 'put']);
      expect(registry.policyOf('app')).toBe(mergeDefaultRule(undefined, 7, { basedOnReadAt: NOW + 1000 }).text);
    });
  });

  describe('restoreTeamWrite', () => {
    const team = policyText(keepNewestTagged(1, 'prod', 50));

    it("writes the team's text with the default rule while the janitor's write is still stored", async () => {
      // Arrange
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: NOW - 60_000 }).text;
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: clobbered }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('no repository');

      // Act
      const action = await restoreTeamWrite({ reader: registry, writer: registry }, ref, options({ apply: true }), clobbered, {
        policyText: team,
        calledAt: NOW - 30_000,
      });

      // Assert
      const restored = mergeDefaultRule(team, 7, { basedOnReadAt: NOW - 30_000 }).text;
      expect(action).toMatchObject({ outcome: 'applied', before: clobbered, after: restored, readBack: 'matches' });
      expect(registry.policyOf('app')).toBe(restored);
    });

    it('leaves a policy that changed again alone: the newer write stands', async () => {
      // Arrange
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: NOW - 60_000 }).text;
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: UNTAGGED_30_DAYS }]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('no repository');

      // Act
      const action = await restoreTeamWrite({ reader: registry, writer: registry }, ref, options({ apply: true }), clobbered, {
        policyText: team,
        calledAt: NOW - 30_000,
      });

      // Assert
      expect(action).toMatchObject({ outcome: 'skipped-changed', message: 'the policy changed again; the newer write stands' });
      expect(registry.writes).toEqual([]);
    });

    it('does not restore into a repository opted out since', async () => {
      // Arrange
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: NOW - 60_000 }).text;
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'app', policy: clobbered, tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
      ]);
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('no repository');

      // Act
      const action = await restoreTeamWrite({ reader: registry, writer: registry }, ref, options({ apply: true }), clobbered, {
        policyText: team,
        calledAt: NOW - 30_000,
      });

      // Assert
      expect(action.outcome).toBe('skipped-opt-out');
      expect(registry.writes).toEqual([]);
    });
  });

  describe('stopping early', () => {
    it('records the repositories not started after the signal fired as not-reached, and writes nothing to them', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'a' }, { name: 'b' }]);
      const controller = new AbortController();
      controller.abort('deadline');

      // Act
      const result = await remediate([{ reader: registry, writer: registry }], options({ apply: true, signal: controller.signal }));

      // Assert
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['a', 'not-reached'],
        ['b', 'not-reached'],
      ]);
      expect(registry.writes).toEqual([]);
    });

    it('starts no new write round once the signal fired', async () => {
      // Arrange: the first write is throttled; the run's time runs out during the pause.
      const registry = new FakeRegistry('eu-west-1', [{ name: 'app', policy: TAGGED_ONLY }]);
      registry.failNextWrites('app', { error: new PolicyWriteError('slow down', 'throttled', 'ThrottlingException'), landed: false });
      const controller = new AbortController();
      const pacing = { ...instant, sleep: () => (controller.abort('deadline'), Promise.resolve()) };
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('no repository');

      // Act
      const action = await remediateRepository(
        { reader: registry, writer: registry },
        ref,
        options({ apply: true, pacing, signal: controller.signal }),
      );

      // Assert
      expect(action).toMatchObject({ outcome: 'not-reached', message: 'the run stopped after 1 write round(s); nothing more was written' });
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
      expect(registry.policyOf('app')).toBe(TAGGED_ONLY);
    });
  });
});
