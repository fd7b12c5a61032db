import { mergeDefaultRule } from '../../../../src/domain/policy';
import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import { restoreTeamWrite } from '../../../../src/use-cases/remediate';
import { FakeRegistry } from '../../support/fake-registry';
import { TAGGED_ONLY, UNTAGGED_30_DAYS, keepNewestTagged, policyText } from '../../support/policies';
import { NOW, options } from './support';

describe('remediation/restore', () => {
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
});
