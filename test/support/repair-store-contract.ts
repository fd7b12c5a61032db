// What every RepairStore promises (src/ports/repair-store.ts), as one suite, shared by the DynamoDB
// store's tests against moto (test/integration) and the memory store's (test/unit): the memory store
// stands in for the table in tests, benchmarks and the race harness, so it must answer alike.
import type { RepairStore, TeamWrite } from '../../src/ports/repair-store';

export const REPO = '123456789012/us-east-1/team-a/web-api';
export const T = Date.parse('2026-06-01T12:00:00Z');
export const write = (id: string, seconds: number, policyText?: string): TeamWrite => ({
  eventId: id,
  eventName: policyText === undefined ? 'DeleteLifecyclePolicy' : 'PutLifecyclePolicy',
  calledAt: T + seconds * 1000,
  ...(policyText === undefined ? {} : { policyText }),
});

/** The RepairStore contract over `store()`, a store made afresh before each test (in the caller's beforeEach). */
export function repairStoreContract(store: () => RepairStore): void {
  describe('recordTeamWrite', () => {
    it('keeps the newest team write whatever order the events come in, with its text', async () => {
      // Act
      await store().recordTeamWrite(REPO, write('b', 2, '{"rules":[2]}'));
      const older = await store().recordTeamWrite(REPO, write('a', 1, '{"rules":[1]}'));
      const newer = await store().recordTeamWrite(REPO, write('c', 3));

      // Assert
      expect(older).toEqual({ write: write('b', 2, '{"rules":[2]}'), ambiguous: false });
      expect(newer).toEqual({ write: write('c', 3), ambiguous: false });
      await expect(store().newestTeamWrite(REPO)).resolves.toEqual({ write: write('c', 3), ambiguous: false });
    });

    it('takes the same event twice as one, and two calls in the same second as ambiguous until a newer one', async () => {
      // Act
      await store().recordTeamWrite(REPO, write('a', 1, 'x'));
      const repeated = await store().recordTeamWrite(REPO, write('a', 1, 'x'));
      const tie = await store().recordTeamWrite(REPO, write('b', 1, 'y'));
      const after = await store().recordTeamWrite(REPO, write('c', 2, 'z'));

      // Assert
      expect(repeated.ambiguous).toBe(false);
      expect(tie).toEqual({ write: write('a', 1, 'x'), ambiguous: true });
      expect(after).toEqual({ write: write('c', 2, 'z'), ambiguous: false });
    });

    it('keeps a tie ambiguous when an older call or one of the tied calls comes again', async () => {
      // Arrange: two calls in the same second.
      await store().recordTeamWrite(REPO, write('a', 5, 'x'));
      await store().recordTeamWrite(REPO, write('b', 5, 'y'));

      // Act
      const older = await store().recordTeamWrite(REPO, write('c', 4, 'z'));
      const repeated = await store().recordTeamWrite(REPO, write('b', 5, 'y'));

      // Assert
      expect(older).toEqual({ write: write('a', 5, 'x'), ambiguous: true });
      expect(repeated).toEqual({ write: write('a', 5, 'x'), ambiguous: true });
    });

    it('knows nothing of a repository no event was recorded for', async () => {
      await expect(store().newestTeamWrite(REPO)).resolves.toBeUndefined();
    });
  });

  describe('the lease', () => {
    it('goes to one holder at a time, again to its holder, and to another once released or expired', async () => {
      // Act
      const first = await store().acquireLease(REPO, 'h1', T, 60_000);
      const other = await store().acquireLease(REPO, 'h2', T + 1_000, 60_000);
      const again = await store().acquireLease(REPO, 'h1', T + 2_000, 60_000);
      await store().releaseLease(REPO, 'h2'); // not h2's: nothing happens
      const stillHeld = await store().acquireLease(REPO, 'h2', T + 3_000, 60_000);
      await store().releaseLease(REPO, 'h1');
      const released = await store().acquireLease(REPO, 'h2', T + 4_000, 60_000);
      const expired = await store().acquireLease(REPO, 'h3', T + 70_000, 60_000);

      // Assert
      expect([first, other, again, stillHeld, released, expired]).toEqual([true, false, true, false, true, true]);
    });

    it('keeps the recorded team write when the lease comes and goes', async () => {
      // Arrange
      await store().recordTeamWrite(REPO, write('a', 1, 'x'));

      // Act
      await store().acquireLease(REPO, 'h1', T, 60_000);
      await store().releaseLease(REPO, 'h1');

      // Assert
      await expect(store().newestTeamWrite(REPO)).resolves.toEqual({ write: write('a', 1, 'x'), ambiguous: false });
    });

    it('gives one of many holders that ask at the same moment the lease, and no other until it expires', async () => {
      // One request after another: DynamoDB serialises conditional writes to one item, while the
      // emulator's threaded server does not, so requests sent at once would test the emulator.
      // Act
      const granted: boolean[] = [];
      for (let i = 0; i < 8; i += 1) granted.push(await store().acquireLease(REPO, `h${i}`, T, 60_000));
      const afterExpiry = await store().acquireLease(REPO, 'h7', T + 60_001, 60_000);

      // Assert
      expect(granted).toEqual([true, false, false, false, false, false, false, false]);
      expect(afterExpiry).toBe(true);
    });
  });
}
