// The account flags of audit, remediate and snapshot, the stderr lines about accounts, and opening
// the accounts of a snapshot of several: what the CLI does across accounts without AWS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallCounter } from '../../../src/adapters/aws/call-counter';
import { EXIT } from '../../../src/cli/errors';
import { errorLine, partialFailureLine } from '../../../src/cli/problems';
import { organizationProblems } from '../../../src/cli/commands/remediate';
import { openAccountScope } from '../../../src/cli/sources';
import type { AuditReport } from '../../../src/domain/report';
import { runCaptured, tempDirEachTest } from '../../support/cli-context';
import { organizationSnapshot } from '../support/snapshot-file';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const tmp = tempDirEachTest('ecr-janitor-cli-accounts-');

/** The account scope `audit --snapshot FILE` opens. */
function snapshotScopeOf(file: string): ReturnType<typeof openAccountScope> {
  return openAccountScope(
    {
      snapshot: file,
      concurrency: 8,
      progressInterval: 0,
      maxAttempts: 1,
      retryMode: 'standard',
      connectTimeout: 1000,
      requestTimeout: 1000,
    },
    { snapshot: true, accounts: true },
    { counter: new CallCounter(), env: {} },
  );
}

describe('cli across accounts', () => {
  describe('flags on the command line', () => {
    it.each([
      [['audit', '--accounts', '12345'], '"12345" is not an AWS account id'],
      [['remediate', '--org', '--role-name', 'bad name'], 'is not an IAM role name'],
      [['snapshot', '--out', 'x.json', '--org', '--account-concurrency', '33'], 'is not a whole number from 1 to 32'],
      [['audit', '--accounts', A, '--org', '--region', 'us-east-1'], '--accounts and --org cannot be combined'],
      [['remediate', '--org', '--region', 'us-east-1', '--adopt', 'advice.json'], '--adopt cannot be used with --accounts, --org'],
      [
        ['remediate', '--org', '--region', 'us-east-1', '--creation-templates'],
        '--creation-templates cannot be used with --accounts or --org',
      ],
    ])('refuses %p as a usage error, naming the value', async (argv, message) => {
      const run = await runCaptured(argv, NOW);

      expect(run.code).toBe(EXIT.usage);
      expect(run.stderr).toContain(message);
    });
  });

  describe('errorLine and partialFailureLine', () => {
    it('name the account of every error, and a failure of a whole account as such', () => {
      expect(errorLine({ accountId: C, region: '', code: 'AccessDenied', message: 'no' })).toBe(
        `error: ${C} (whole account): AccessDenied: no`,
      );
      expect(errorLine({ accountId: A, region: 'us-east-1', repositoryName: 'x', code: 'E', message: 'm' })).toBe(
        `error: ${A}/us-east-1/x: E: m`,
      );
    });

    it('count the accounts not read apart from regions and repositories, a repository once per account', () => {
      const line = partialFailureLine(
        [
          { accountId: C, region: '', code: 'AccessDenied', message: 'no' },
          { accountId: B, region: '', code: 'AccountSuspended', message: 'suspended' },
          { accountId: A, region: 'us-east-1', repositoryName: 'x', code: 'E', message: 'm' },
          { accountId: A, region: 'us-east-1', repositoryName: 'x', code: 'F', message: 'm' },
          { accountId: B, region: 'us-east-1', repositoryName: 'x', code: 'E', message: 'm' },
        ],
        'audited',
        'the report',
      );

      expect(line).toBe(
        '2 accounts could not be read (their figures are all missing); 2 repositories could not be fully audited; see "errors" in the report',
      );
    });
  });

  describe('organizationProblems', () => {
    it("lists each account's repositories not remediated with the account, and the accounts not entered", () => {
      const lines = organizationProblems({
        actions: [
          { accountId: A, region: 'us-east-1', repositoryName: 'web', outcome: 'unmergeable', before: null, message: 'fifty rules' },
          { accountId: A, region: 'us-east-1', repositoryName: 'api', outcome: 'applied', before: null },
        ],
        errors: [{ accountId: C, region: '', code: 'AccessDenied', message: 'no' }],
        accounts: [
          { accountId: A, name: null, read: true, errors: [] },
          { accountId: C, name: null, read: false, errors: [{ accountId: C, region: '', code: 'AccessDenied', message: 'no' }] },
        ],
      });

      expect(lines).toEqual([
        '1 repository was not remediated:',
        `unmergeable: ${A}/us-east-1/web: fifty rules`,
        '1 account was not read (nothing was changed there):',
        `error: ${C} (whole account): AccessDenied: no`,
      ]);
    });
  });

  describe('openAccountScope with a snapshot of several accounts', () => {
    it('reads each account from its part of the file, the account not read listed as unavailable', async () => {
      const file = join(tmp.path, 'org.json');
      writeFileSync(file, JSON.stringify(organizationSnapshot()));
      const scope = await snapshotScopeOf(file);

      expect(scope?.accounts).toEqual([
        { accountId: A, name: 'Payments' },
        { accountId: B, name: null },
        { accountId: C, name: 'Sandbox', unavailable: { code: 'AccessDenied', message: 'role could not be assumed' } },
      ]);
      expect(scope?.capturedAt).toBe(Date.parse('2026-05-31T00:00:00.000Z'));
      const a = await scope?.opener.open({ accountId: A });
      const refs = await a?.sources.registries[0]?.reader.listRepositories();
      expect(refs?.map((r) => [r.accountId, r.repositoryName])).toEqual([
        [A, 'web'],
        [A, 'locked'],
      ]);
      // The failure recorded for A's repository is replayed for A alone.
      await expect(a?.sources.registries[0]?.reader.getLifecyclePolicy('locked')).rejects.toThrow('denied');
      const b = await scope?.opener.open({ accountId: B });
      expect(await b?.sources.registries[0]?.reader.listRepositories()).toEqual([]);
    });

    it('audits the file as one report of every account, the account not read among the errors, exit 3', async () => {
      const file = join(tmp.path, 'org.json');
      writeFileSync(file, JSON.stringify(organizationSnapshot()));

      const run = await runCaptured(['audit', '--snapshot', file, '--format', 'json'], NOW);
      const report = JSON.parse(run.stdout) as AuditReport;

      expect(run.code).toBe(EXIT.partial);
      expect(report.accounts.map((a) => [a.accountId, a.name, a.complete])).toEqual([
        [A, 'Payments', true],
        [B, null, true],
        [C, 'Sandbox', false],
      ]);
      expect(report.now).toBe('2026-05-31T00:00:00.000Z');
      expect(report.errors.map((e) => [e.accountId, e.region, e.repositoryName, e.code])).toEqual([
        [A, 'us-east-1', 'locked', 'AccessDeniedException'],
        [C, '', undefined, 'AccessDenied'],
      ]);
      expect(run.stderr).toContain('1 account could not be read (its figures are all missing); 1 repository could not be fully audited');
    });

    it('plans remediation account by account from the file, and refuses an advice file of one account there', async () => {
      const file = join(tmp.path, 'org.json');
      writeFileSync(file, JSON.stringify(organizationSnapshot()));

      const plan = await runCaptured(['remediate', '--snapshot', file, '--format', 'json'], NOW);
      const adopt = await runCaptured(['remediate', '--snapshot', file, '--adopt', join(tmp.path, 'advice.json')], NOW);

      const result = JSON.parse(plan.stdout) as { actions: Array<{ accountId: string; repositoryName: string; outcome: string }> };
      expect(result.actions.map((a) => [a.accountId, a.repositoryName, a.outcome])).toEqual([
        [A, 'locked', 'failed'],
        [A, 'web', 'planned'],
      ]);
      expect(plan.code).toBe(EXIT.partial);
      expect(plan.stderr).toContain(`error: ${C} (whole account): AccessDenied: role could not be assumed`);
      expect(adopt.code).toBe(EXIT.usage);
      expect(adopt.stderr).toContain('--adopt cannot be used with --accounts, --org or a snapshot of several accounts');
    });

    it('refuses the week between two captures for a snapshot of several accounts: the ledger compares one account', async () => {
      const file = join(tmp.path, 'org.json');
      writeFileSync(file, JSON.stringify(organizationSnapshot()));

      const run = await runCaptured(
        ['audit', '--snapshot', file, '--previous-snapshot', file, '--ledger', join(tmp.path, 'ledger.jsonl')],
        NOW,
      );

      expect(run.code).toBe(EXIT.usage);
      expect(run.stderr).toContain('--previous-snapshot and --ledger compare one account');
      expect(run.stdout).toBe('');
    });

    it('opens no scope for a snapshot of one account: the command reads it as it always did', async () => {
      const one = organizationSnapshot();
      const file = join(tmp.path, 'one.json');
      writeFileSync(file, JSON.stringify({ ...one, accounts: undefined, errors: [], registries: one.registries.slice(0, 1) }));

      const scope = await snapshotScopeOf(file);

      expect(scope).toBeUndefined();
    });
  });
});
