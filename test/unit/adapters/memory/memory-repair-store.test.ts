import { MemoryRepairStore } from '../../../../src/adapters/memory/memory-repair-store';
import { REPO, T, repairStoreContract, write } from '../../../support/repair-store-contract';

describe('MemoryRepairStore', () => {
  let store: MemoryRepairStore;

  beforeEach(() => {
    store = new MemoryRepairStore();
  });

  // The same promises as the DynamoDB table's (test/integration/adapters/dynamodb-repair-store.test.ts).
  repairStoreContract(() => store);

  it('keeps each repository apart: its team writes and its lease', async () => {
    // Arrange
    const other = '123456789012/eu-west-1/team-a/web-api';
    await store.recordTeamWrite(REPO, write('a', 1, 'x'));
    await store.acquireLease(REPO, 'h1', T, 60_000);

    // Act
    const leased = await store.acquireLease(other, 'h2', T, 60_000);
    const newest = await store.newestTeamWrite(other);

    // Assert
    expect(leased).toBe(true);
    expect(newest).toBeUndefined();
  });

  it('hands out copies: changing what it returned or was given does not change what it keeps', async () => {
    // Arrange
    const given = write('a', 1, 'x');
    const recorded = await store.recordTeamWrite(REPO, given);

    // Act
    given.policyText = 'changed by the caller';
    recorded.ambiguous = true;
    const read = await store.newestTeamWrite(REPO);
    if (read !== undefined) read.ambiguous = true;

    // Assert
    await expect(store.newestTeamWrite(REPO)).resolves.toEqual({ write: write('a', 1, 'x'), ambiguous: false });
  });

  it('counts the leases it grants, not those it refuses', async () => {
    // Act
    await store.acquireLease(REPO, 'h1', T, 60_000);
    await store.acquireLease(REPO, 'h2', T, 60_000);
    await store.acquireLease(REPO, 'h1', T + 1_000, 60_000);

    // Assert: the first and its renewal.
    expect(store.leasesGranted).toBe(2);
  });

  it('takes a release of a repository it never saw as nothing to do', async () => {
    // Act
    await store.releaseLease(REPO, 'h1');

    // Assert
    await expect(store.acquireLease(REPO, 'h2', T, 60_000)).resolves.toBe(true);
    await expect(store.newestTeamWrite(REPO)).resolves.toBeUndefined();
  });
});
