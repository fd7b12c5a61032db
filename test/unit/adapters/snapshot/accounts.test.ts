// The accounts of a snapshot: those it lists (several accounts) or those its registries are of, each
// with the failure recorded for it; and the part of the file that is one account's.
import { snapshotAccounts, snapshotOfAccount } from '../../../../src/adapters/snapshot/accounts';
import { SNAPSHOT_FORMAT, type SnapshotFile } from '../../../../src/adapters/snapshot/format';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

function registry(accountId: string, region: string, names: string[]): SnapshotFile['registries'][number] {
  return {
    accountId,
    region,
    repositories: names.map((repositoryName) => ({
      repositoryName,
      repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/${repositoryName}`,
      createdAt: null,
      tags: [],
      lifecyclePolicyText: null,
      images: [],
    })),
  };
}

/** Three accounts listed: B with two regions, C not read, and an error of one of A's repositories. */
function several(): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-05-31T00:00:00.000Z',
    errors: [
      { accountId: C, region: '', code: 'AccessDenied', message: 'role could not be assumed' },
      { accountId: A, region: 'us-east-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' },
    ],
    accounts: [
      { accountId: C, name: 'Sandbox', regions: ['us-east-1'] },
      { accountId: A, name: 'Payments', regions: ['us-east-1'] },
      { accountId: B, name: null, regions: ['us-east-1', 'eu-west-1'] },
    ],
    registries: [registry(A, 'us-east-1', ['web', 'locked']), registry(B, 'us-east-1', ['api']), registry(B, 'eu-west-1', [])],
  };
}

describe('adapters/snapshot/accounts', () => {
  describe('snapshotAccounts', () => {
    it('lists the accounts the file lists, in id order, the one not read with its failure', () => {
      expect(snapshotAccounts(several())).toEqual([
        { accountId: A, name: 'Payments', regions: ['us-east-1'] },
        { accountId: B, name: null, regions: ['us-east-1', 'eu-west-1'] },
        { accountId: C, name: 'Sandbox', regions: ['us-east-1'], failure: { code: 'AccessDenied', message: 'role could not be assumed' } },
      ]);
    });

    it("takes the accounts of the registries, with their regions, when the file lists none (one account's)", () => {
      const { accounts: _listed, ...file } = several();

      expect(snapshotAccounts({ ...file, errors: [] })).toEqual([
        { accountId: A, name: null, regions: ['us-east-1'] },
        { accountId: B, name: null, regions: ['us-east-1', 'eu-west-1'] },
      ]);
      expect(snapshotAccounts({ ...file, errors: [], registries: [registry('', 'us-east-1', ['web'])] })).toEqual([]);
    });
  });

  describe('snapshotOfAccount', () => {
    it("keeps the account's registries and its repositories' errors, without the account id, as its own snapshot would", () => {
      const file = several();

      const a = snapshotOfAccount(file, A);

      expect(a.accounts).toBeUndefined();
      expect(a.registries.map((r) => r.repositories.map((x) => x.repositoryName))).toEqual([['web', 'locked']]);
      expect(a.errors).toEqual([{ region: 'us-east-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' }]);
      expect(a.capturedAt).toBe(file.capturedAt);
      // The whole-account failure is the scope's, not a region error of the account's own snapshot.
      expect(snapshotOfAccount(file, C)).toMatchObject({ registries: [], errors: [] });
      expect(snapshotOfAccount(file, B).registries.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
    });
  });
});
