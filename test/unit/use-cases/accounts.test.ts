import { AccountAccessError } from '../../../src/domain/errors';
import type { RemediationResult } from '../../../src/domain/remediation';
import type { AccountOpener, AccountRef } from '../../../src/ports/accounts';
import type { RegistrySnapshot } from '../../../src/ports/snapshot';
import {
  forEachAccount,
  organizationRemediation,
  organizationReport,
  organizationSnapshot,
  type AccountOutcome,
} from '../../../src/use-cases/accounts';
import { auditReport, repositoryReport } from '../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

/** An opener that enters every account but those in `refused`, recording who was entered. */
function opener(refused: Record<string, Error> = {}): AccountOpener<{ accountId: string }> & { entered: string[] } {
  const entered: string[] = [];
  return {
    entered,
    open: (account) => {
      const error = refused[account.accountId];
      if (error !== undefined) return Promise.reject(error);
      entered.push(account.accountId);
      return Promise.resolve({ accountId: account.accountId });
    },
  };
}

describe('use-cases/accounts', () => {
  describe('forEachAccount', () => {
    it('runs the work in every account, with what the opener gave for it, outcomes in the order given', async () => {
      const outcomes = await forEachAccount([{ accountId: B }, { accountId: A }], opener(), (session, account) =>
        Promise.resolve(`${session.accountId}/${account.accountId}`),
      );

      expect(outcomes).toEqual([
        { account: { accountId: B }, result: `${B}/${B}` },
        { account: { accountId: A }, result: `${A}/${A}` },
      ]);
    });

    it('fails an account whose role cannot be assumed alone, with its code and message', async () => {
      const refused = { [B]: new AccountAccessError('role arn:aws:iam::222222222222:role/R could not be assumed', 'AccessDenied') };
      const doors = opener(refused);

      const outcomes = await forEachAccount([{ accountId: A }, { accountId: B }, { accountId: C }], doors, () => Promise.resolve(1));

      expect(outcomes.map((o) => [o.account.accountId, o.result, o.failure?.code])).toEqual([
        [A, 1, undefined],
        [B, undefined, 'AccessDenied'],
        [C, 1, undefined],
      ]);
      expect(outcomes[1]?.failure?.message).toContain('could not be assumed');
      expect(doors.entered).toEqual([A, C]);
    });

    it('fails an account whose work throws, or that times out, alone, with the error name as code', async () => {
      const timeout = Object.assign(new Error('no answer'), { name: 'TimeoutError' });
      const outcomes = await forEachAccount([{ accountId: A }, { accountId: B }], opener({ [B]: timeout }), (_s, account) =>
        account.accountId === A ? Promise.reject(new TypeError('boom')) : Promise.resolve(1),
      );

      expect(outcomes.map((o) => o.failure)).toEqual([
        { code: 'TypeError', message: 'boom' },
        { code: 'TimeoutError', message: 'no answer' },
      ]);
    });

    it('enters no account listed as unavailable (suspended), and says why', async () => {
      const doors = opener();
      const suspended: AccountRef = { accountId: C, unavailable: { code: 'AccountSuspended', message: 'not read: SUSPENDED' } };

      const outcomes = await forEachAccount([suspended], doors, () => Promise.resolve(1));

      expect(outcomes[0]?.failure).toEqual({ code: 'AccountSuspended', message: 'not read: SUSPENDED' });
      expect(doors.entered).toEqual([]);
    });

    it('keeps at most `concurrency` accounts in hand', async () => {
      let inHand = 0;
      let most = 0;
      const accounts = Array.from({ length: 9 }, (_, i) => ({ accountId: String(100000000000 + i) }));

      await forEachAccount(
        accounts,
        opener(),
        async () => {
          inHand++;
          most = Math.max(most, inHand);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inHand--;
        },
        { concurrency: 3 },
      );

      expect(most).toBe(3);
    });

    it('starts no account after the signal fires; those are not read', async () => {
      const controller = new AbortController();
      const seen: Array<AccountOutcome<unknown>> = [];

      const outcomes = await forEachAccount(
        [{ accountId: A }, { accountId: B }],
        opener(),
        () => {
          controller.abort('interrupted');
          return Promise.resolve(1);
        },
        { concurrency: 1, signal: controller.signal, onAccount: (o) => seen.push(o) },
      );

      expect(outcomes[0]?.result).toBe(1);
      expect(outcomes[1]?.failure).toEqual({ code: 'NotReached', message: 'not read: the run stopped before this account (interrupted)' });
      expect(seen).toHaveLength(2);
    });
  });

  describe('organizationReport', () => {
    it('combines the accounts read with those that were not, with the regions each was to be read in', () => {
      const a = auditReport([repositoryReport({ accountId: A })]);
      const report = organizationReport(
        [
          { account: { accountId: A, name: 'Prod' }, result: a },
          { account: { accountId: B }, failure: { code: 'AccessDenied', message: 'no' } },
        ],
        { regions: ['eu-west-1', 'us-east-1'], settings: a },
      );

      expect(report.accounts.map((x) => [x.accountId, x.name, x.regions, x.complete])).toEqual([
        [A, 'Prod', ['us-east-1'], true],
        [B, null, ['eu-west-1', 'us-east-1'], false],
      ]);
      expect(report.errors).toEqual([{ accountId: B, region: '', code: 'AccessDenied', message: 'no' }]);
    });
  });

  describe("organizationReport with the run's own calls", () => {
    it("adds the calls made outside every account (STS, Organizations) to the accounts' calls", () => {
      const a = auditReport([repositoryReport({ accountId: A })], {
        apiCalls: { DescribeImages: 2, total: 2 },
        apiRetries: { DescribeImages: 1 },
      });

      const report = organizationReport([{ account: { accountId: A }, result: a }], {
        regions: ['us-east-1'],
        settings: a,
        runCalls: { calls: { AssumeRole: 1, ListAccounts: 1, total: 2 }, retries: {} },
      });

      expect(report.apiCalls).toEqual({ AssumeRole: 1, DescribeImages: 2, ListAccounts: 1, total: 4 });
      expect(report.apiRetries).toEqual({ DescribeImages: 1 });
    });
  });

  describe('organizationSnapshot', () => {
    it("holds every account's registries with its id, every error with its account, and the accounts not read", () => {
      const captured: RegistrySnapshot = {
        capturedAt: 1,
        errors: [{ region: 'eu-west-1', code: 'AccessDeniedException', message: 'region failure' }],
        // An empty region has no repository to say whose it is: the account's id is put on it.
        registries: [{ accountId: '', region: 'us-east-1', repositories: [] }],
      };

      const snapshot = organizationSnapshot(
        [
          { account: { accountId: B }, failure: { code: 'AccessDenied', message: 'no' } },
          { account: { accountId: A, name: 'Prod' }, result: captured },
        ],
        { regions: ['eu-west-1', 'us-east-1'], capturedAt: 5 },
      );

      expect(snapshot).toEqual({
        capturedAt: 5,
        errors: [
          { accountId: A, region: 'eu-west-1', code: 'AccessDeniedException', message: 'region failure' },
          { accountId: B, region: '', code: 'AccessDenied', message: 'no' },
        ],
        registries: [{ accountId: A, region: 'us-east-1', repositories: [] }],
        accounts: [
          { accountId: A, name: 'Prod', regions: ['eu-west-1', 'us-east-1'] },
          { accountId: B, name: null, regions: ['eu-west-1', 'us-east-1'] },
        ],
      });
    });
  });

  describe('organizationRemediation', () => {
    it('says the account of every action and error, and lists the accounts not entered', () => {
      const result: RemediationResult = {
        actions: [{ region: 'us-east-1', repositoryName: 'web', outcome: 'applied', before: null }],
        errors: [{ region: 'us-east-1', repositoryName: 'x', code: 'AccessDeniedException', message: 'denied' }],
      };

      const combined = organizationRemediation([
        { account: { accountId: B }, failure: { code: 'AccessDenied', message: 'no' } },
        { account: { accountId: A, name: 'Prod' }, result },
      ]);

      expect(combined.actions).toEqual([{ accountId: A, region: 'us-east-1', repositoryName: 'web', outcome: 'applied', before: null }]);
      expect(combined.errors).toEqual([
        { accountId: A, region: 'us-east-1', repositoryName: 'x', code: 'AccessDeniedException', message: 'denied' },
        { accountId: B, region: '', code: 'AccessDenied', message: 'no' },
      ]);
      expect(combined.accounts.map((x) => [x.accountId, x.name, x.read])).toEqual([
        [A, 'Prod', true],
        [B, null, false],
      ]);
    });
  });
});
