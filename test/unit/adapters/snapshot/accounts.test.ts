// The accounts of a snapshot: those it lists (several accounts) or those its registries are of, each
// with the failure recorded for it; and the part of the file that is one account's.
import { snapshotAccounts, snapshotOfAccount } from '../../../../src/adapters/snapshot/accounts';
import { organizationSnapshot } from '../../support/snapshot-file';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

describe('adapters/snapshot/accounts', () => {
  describe('snapshotAccounts', () => {
    it('lists the accounts the file lists, in id order, the one not read with its failure', () => {
      const file = organizationSnapshot();

      expect(snapshotAccounts({ ...file, accounts: [...(file.accounts ?? [])].reverse() })).toEqual([
        { accountId: A, name: 'Payments', regions: ['us-east-1'] },
        { accountId: B, name: null, regions: ['us-east-1'] },
        { accountId: C, name: 'Sandbox', regions: ['us-east-1'], failure: { code: 'AccessDenied', message: 'role could not be assumed' } },
      ]);
    });

    it("takes the accounts of the registries, with their regions, when the file lists none (one account's)", () => {
      const { accounts: _listed, ...file } = organizationSnapshot();
      const registries = [...file.registries, { accountId: B, region: 'eu-west-1', repositories: [] }];

      expect(snapshotAccounts({ ...file, errors: [], registries })).toEqual([
        { accountId: A, name: null, regions: ['us-east-1'] },
        { accountId: B, name: null, regions: ['us-east-1', 'eu-west-1'] },
      ]);
      expect(snapshotAccounts({ ...file, errors: [], registries: [{ accountId: '', region: 'us-east-1', repositories: [] }] })).toEqual([]);
    });
  });

  describe('snapshotOfAccount', () => {
    it("keeps the account's registries and its repositories' errors, without the account id, as its own snapshot would", () => {
      const file = organizationSnapshot();

      const a = snapshotOfAccount(file, A);

      expect(a.accounts).toBeUndefined();
      expect(a.registries.map((r) => r.repositories.map((x) => x.repositoryName))).toEqual([['web', 'locked']]);
      expect(a.errors).toEqual([{ region: 'us-east-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' }]);
      expect(a.capturedAt).toBe(file.capturedAt);
      // The whole-account failure is the scope's, not a region error of the account's own snapshot.
      expect(snapshotOfAccount(file, C)).toMatchObject({ registries: [], errors: [] });
      expect(snapshotOfAccount(file, B).registries.map((r) => r.region)).toEqual(['us-east-1']);
    });
  });
});
