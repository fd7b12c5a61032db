import { remediatedPolicy } from '../../../src/domain/policy';
import type { ScanProgress } from '../../../src/use-cases/audit';
import type { AuditedRepository } from '../../../src/use-cases/remediate';
import { remediate, remediateAudited, remediateRepository } from '../../../src/use-cases/remediate';
import { PolicyWriteError } from '../../../src/domain/errors';
import { FakeRegistry, awsError } from '../support/fake-registry';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS, expireUntagged, keepNewestTagged, policyText } from '../support/policies';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import { instant, janitorRule, mixedRegion, options, parsed, written } from './remediation/support';

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
