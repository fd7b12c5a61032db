import { MemoryRepairStore } from '../../../src/adapters/memory/memory-repair-store';
import { PolicyWriteError, RepairPendingError } from '../../../src/domain/errors';
import { mergeDefaultRule, parsePolicyOrThrow } from '../../../src/domain/policy';
import type { RepositoryRef } from '../../../src/domain/registry';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import { repairKey } from '../../../src/ports/repair-store';
import { handlePolicyChange, type PolicyChange, type RepairOptions } from '../../../src/use-cases/policy-change';
import type { RemediateOptions } from '../../../src/use-cases/remediate';
import { FakeRegistry } from '../support/fake-registry';
import { TAGGED_ONLY, keepNewestTagged, policyText } from '../support/policies';

/** A team call's time (CloudTrail: whole seconds). */
const T = Date.parse('2026-06-01T12:00:00Z');
const NOW = T + 60_000;
const OPTIONS: RemediateOptions = {
  days: 7,
  selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
  apply: true,
  concurrency: 1,
  pacing: { sleep: () => Promise.resolve(), random: () => 0, now: () => NOW },
};

/** The team's n-th distinct policy. */
const teamText = (n: number): string => policyText(keepNewestTagged(1, `v${n}`, n));
/** A team PutLifecyclePolicy of version `n`, called `n` seconds after T. */
const put = (n: number): PolicyChange => ({
  eventName: 'PutLifecyclePolicy',
  policyText: teamText(n),
  calledAt: T + n * 1000,
  eventId: `event-${n}`,
});
/** What the janitor writes over a policy it read at `readAt`. */
const janitorWrite = (text: string | undefined, readAt: number): string => mergeDefaultRule(text, 7, { basedOnReadAt: readAt }).text;
/** The restore of team version `n`: its text with the rule, stamped with its call time. */
const restored = (n: number): string => janitorWrite(teamText(n), T + n * 1000);

async function setup(stored: string | undefined) {
  const registry = new FakeRegistry('eu-west-1', [{ name: 'app', ...(stored === undefined ? {} : { policy: stored }) }]);
  const [ref] = await registry.listRepositories();
  if (!ref) throw new Error('no repository');
  const store = new MemoryRepairStore();
  let holders = 0;
  const repair = (overrides: Partial<RepairOptions> = {}): RepairOptions => ({
    store,
    holder: `invocation-${++holders}`,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    ...overrides,
  });
  const handle = (change: PolicyChange, overrides?: Partial<RepairOptions>) =>
    handlePolicyChange({ reader: registry, writer: registry }, ref as RepositoryRef, change, OPTIONS, repair(overrides));
  return { registry, ref, store, handle };
}

describe('policy-change', () => {
  describe('handlePolicyChange with a repair store', () => {
    it('restores the newest team write and leaves an older one, delivered late, alone', async () => {
      // Arrange: a janitor write merged from a read before both team calls replaced them.
      const { registry, handle } = await setup(janitorWrite(TAGGED_ONLY, T));

      // Act: version 27's event first, then version 26's, late.
      const newer = await handle(put(27));
      const older = await handle(put(26));

      // Assert
      expect(newer).toMatchObject({ restoredTeamWrite: true, action: { outcome: 'applied', after: restored(27) } });
      expect(older).toMatchObject({ restoredTeamWrite: false, action: { outcome: 'compliant' } });
      expect(registry.writes.map((w) => w.policyText)).toEqual([restored(27)]);
    });

    it('restores the newest known, not the event in hand, when a newer team write was seen first', async () => {
      // Arrange: version 27's event was recorded while the policy held its text; then a janitor write from an older read landed.
      const { registry, store, ref, handle } = await setup(janitorWrite(TAGGED_ONLY, T));
      await store.recordTeamWrite(repairKey(ref), {
        ...put(27),
        eventId: 'event-27',
        eventName: 'PutLifecyclePolicy',
        policyText: teamText(27),
      });

      // Act
      const result = await handle(put(26));

      // Assert
      expect(result).toMatchObject({ restoredTeamWrite: true, action: { after: restored(27) } });
      expect(registry.policyOf('app')).toBe(restored(27));
    });

    it('restores once when the same event is delivered twice', async () => {
      // Arrange
      const { registry, handle } = await setup(janitorWrite(TAGGED_ONLY, T));

      // Act
      await handle(put(5));
      const again = await handle(put(5));

      // Assert
      expect(again.restoredTeamWrite).toBe(false);
      expect(registry.writes).toHaveLength(1);
    });

    it("repairs on the janitor's own event a janitor write that landed late over the newest team write", async () => {
      // Arrange: the team's version 3 was handled while it was stored (so only recorded); then the
      // janitor's write, merged from a read before it, landed late (its answer had been lost).
      const { registry, handle } = await setup(teamText(3));
      registry.replaceAfterNextWrite('app', janitorWrite(TAGGED_ONLY, T + 2_000));
      await handle(put(3));
      const late = registry.policyOf('app');

      // Act
      const result = await handle({
        eventName: 'PutLifecyclePolicy',
        policyText: late,
        calledAt: NOW,
        eventId: 'janitor-1',
        byJanitor: true,
      });

      // Assert
      expect(result).toMatchObject({ restoredTeamWrite: true, action: { outcome: 'applied', before: late, after: restored(3) } });
      expect(parsePolicyOrThrow(registry.policyOf('app') ?? '').rules).toEqual(
        expect.arrayContaining(parsePolicyOrThrow(teamText(3)).rules),
      );
    });

    it("does nothing on the janitor's own event when it replaced no newer team write", async () => {
      // Arrange
      const { registry, ref, store, handle } = await setup(janitorWrite(teamText(4), T + 5_000));
      await store.recordTeamWrite(repairKey(ref), {
        eventId: 'event-4',
        eventName: 'PutLifecyclePolicy',
        calledAt: T + 4_000,
        policyText: teamText(4),
      });

      // Act
      const result = await handle({ eventName: 'PutLifecyclePolicy', calledAt: NOW, eventId: 'janitor-2', byJanitor: true });

      // Assert
      expect(result).toEqual({ restoredTeamWrite: false });
      expect(registry.writes).toEqual([]);
    });

    it('restores neither of two different team calls recorded in the same second', async () => {
      // Arrange
      const { registry, handle } = await setup(janitorWrite(TAGGED_ONLY, T));

      // Act
      await handle({ ...put(8), eventId: 'a' });
      const writesAfterFirst = registry.writes.length;
      registry.addRepository({ name: 'app', policy: janitorWrite(TAGGED_ONLY, T) });
      const second = await handle({ ...put(8), policyText: teamText(80), eventId: 'b' });

      // Assert: the first restored (nothing else was known); the second finds the newest ambiguous.
      expect(writesAfterFirst).toBe(1);
      expect(second.restoredTeamWrite).toBe(false);
      expect(registry.writes).toHaveLength(1);
    });

    it('serialises concurrent restores of one repository, and the newest team write is what stays', async () => {
      // Arrange
      const { registry, store, handle } = await setup(janitorWrite(TAGGED_ONLY, T));

      // Act: three events handled at once.
      await Promise.all([handle(put(2)), handle(put(3)), handle(put(1))]);

      // Assert
      expect(registry.policyOf('app')).toBe(restored(3));
      expect(registry.writes.at(-1)?.policyText).toBe(restored(3));
      expect(store.leasesGranted).toBeGreaterThanOrEqual(1);
    });

    it('gives the event back for a retry when another restore holds the lease past the wait', async () => {
      // Arrange
      const { registry, ref, store, handle } = await setup(janitorWrite(TAGGED_ONLY, T));
      await store.acquireLease(repairKey(ref), 'someone-else', NOW, 60_000);

      // Act
      const act = handle(put(9), { waitMs: 0 });

      // Assert
      await expect(act).rejects.toBeInstanceOf(RepairPendingError);
      expect(registry.writes).toEqual([]);
    });

    it('gives the event back for a retry, writing no more, when the restore’s outcome is unknown', async () => {
      // Arrange
      const { registry, ref, store, handle } = await setup(janitorWrite(TAGGED_ONLY, T));
      registry.failNextWrites('app', { error: new PolicyWriteError('timed out', 'unknown', 'TimeoutError'), landed: false });

      // Act
      const act = handle(put(6));

      // Assert
      await expect(act).rejects.toThrow(/may still land.*retried/);
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
      // The lease was given back.
      await expect(store.acquireLease(repairKey(ref), 'next', NOW, 1_000)).resolves.toBe(true);
    });
  });
});
