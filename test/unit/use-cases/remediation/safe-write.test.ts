import { PolicyWriteError, type PolicyWriteFailure } from '../../../../src/domain/errors';
import { mergeDefaultRule } from '../../../../src/domain/policy';
import { remediateRepository } from '../../../../src/use-cases/remediate';
import { FakeRegistry, awsError } from '../../support/fake-registry';
import { TAGGED_ONLY, UNTAGGED_30_DAYS, keepNewestTagged, policyText } from '../../support/policies';
import { NOW, instant, options, parsed, written } from './support';

describe('remediation/safe-write', () => {
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
});
