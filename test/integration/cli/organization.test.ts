// `audit`, `remediate` and `snapshot` across an organization on moto: three accounts made with
// Organizations, seeded differently — one without policies, one with team policies and an opted-out
// repository, one with an image an ECS service still runs — each reached through the role the CLI
// assumes in it (moto gives each account its own registry). A proxy in front of moto refuses the role
// of one account, as IAM refuses a role that does not exist. Every run judges at the wall clock's now
// (moto cannot backdate pushes), so the guard sees the in-use image removed at the end of its horizon.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import type { AuditReport } from '../../../src/domain/report';
import { resetMoto, MOTO_ACCOUNT_ID } from '../support/moto';
import {
  configIn,
  createOrganization,
  createServiceIn,
  ecrClientIn,
  imageIn,
  refusingProxy,
  type TestAccount,
} from '../support/organization';
import { TAGGED_ONLY_POLICY, UNTAGGED_14_DAYS_POLICY } from '../support/policy-rules';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { MOTO_IN_USE_SCAN } from '../support/workloads';
import { janitor, moto, stdoutJson, tempDir, useMotoCredentials, type CliRun } from './support/cli';

jest.setTimeout(120_000);

const OPT_OUT = { 'ecr-janitor:opt-out': 'true' };

/** Runs the CLI with `accountId`'s credentials in the environment, as someone signed in to that account alone would. */
async function asAccount(accountId: string, args: readonly string[]): Promise<CliRun> {
  const { credentials } = await configIn(accountId);
  const saved = { ...process.env };
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  const token = (credentials as { sessionToken?: string }).sessionToken;
  if (token !== undefined) process.env.AWS_SESSION_TOKEN = token;
  try {
    return await janitor(args, Date.now());
  } finally {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      const value = saved[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Every repository's policy text (or null) in every account, by `account/name`. */
async function policies(accounts: readonly string[]): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const accountId of accounts) {
    const ecr = await ecrClientIn(accountId);
    try {
      const listed = await ecr.send(new DescribeRepositoriesCommand({}));
      for (const r of listed.repositories ?? []) {
        const name = r.repositoryName ?? '';
        out[`${accountId}/${name}`] = (await getPolicy(ecr, name)) ?? null;
      }
    } finally {
      ecr.destroy();
    }
  }
  return out;
}

/** The figures of one account in a report, without what differs between runs (times, calls). */
function figuresOf(report: AuditReport, accountId: string): unknown {
  const account = report.accounts.find((a) => a.accountId === accountId);
  return {
    totals: account?.totals,
    complete: account?.complete,
    repositories: report.repositories.filter((r) => r.accountId === accountId),
    inUseAtRisk: (report.inUseAtRiskImages ?? [])
      .filter((i) => (i.accountId ?? accountId) === accountId)
      .map(({ accountId: _a, ...i }) => i),
  };
}

describe('the CLI across the accounts of an organization (moto)', () => {
  let restoreEnv: () => void;
  let plain: TestAccount;
  let teams: TestAccount;
  let busy: TestAccount;
  let all: string[];
  let dir: { path: string; remove: () => void };
  let org: CliRun;
  let report: AuditReport;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    dir = tempDir();
    [plain, teams, busy] = (await createOrganization(['plain', 'teams', 'busy'])) as [TestAccount, TestAccount, TestAccount];
    all = [MOTO_ACCOUNT_ID, plain.accountId, teams.accountId, busy.accountId].sort();

    const seed = async (account: TestAccount, fill: (ecr: ECRClient) => Promise<void>): Promise<void> => {
      const ecr = await ecrClientIn(account.accountId);
      try {
        await fill(ecr);
      } finally {
        ecr.destroy();
      }
    };
    // No policies at all.
    await seed(plain, async (ecr) => {
      await createRepository(ecr, 'plain/web');
      await pushImage(ecr, 'plain/web', { manifest: imageManifest({ config: 500, layers: [7_000] }), tag: 'v1' });
      await pushUntaggedImage(ecr, 'plain/web', imageManifest({ config: 600, layers: [9_000] }));
      await createRepository(ecr, 'plain/api');
      await pushImage(ecr, 'plain/api', { manifest: imageManifest({ config: 700, layers: [3_000] }), tag: 'v1' });
    });
    // Team policies, cost tags and an opted-out repository.
    await seed(teams, async (ecr) => {
      await createRepository(ecr, 'payments/api', { policyText: UNTAGGED_14_DAYS_POLICY, tags: { team: 'payments' } });
      await pushImage(ecr, 'payments/api', { manifest: imageManifest({ config: 800, layers: [4_000] }), tag: 'v3' });
      await createRepository(ecr, 'search/api', { policyText: TAGGED_ONLY_POLICY, tags: { team: 'search' } });
      await pushUntaggedImage(ecr, 'search/api', imageManifest({ config: 900, layers: [5_000] }));
      await createRepository(ecr, 'legacy/app', { tags: OPT_OUT });
      await pushUntaggedImage(ecr, 'legacy/app', imageManifest({ config: 950, layers: [6_000] }));
    });
    // An untagged image an ECS service runs: the default rule would remove it within the guard's horizon.
    await seed(busy, async (ecr) => {
      await createRepository(ecr, 'shop/web');
      await pushImage(ecr, 'shop/web', { manifest: imageManifest({ config: 400, layers: [8_000] }), tag: 'v1' });
      const running = await pushUntaggedImage(ecr, 'shop/web', imageManifest({ config: 410, layers: [8_500] }));
      await createServiceIn(busy.accountId, 'web', imageIn(busy.accountId, 'shop/web', running.digest));
      await createRepository(ecr, 'shop/cache');
      await pushUntaggedImage(ecr, 'shop/cache', imageManifest({ config: 420, layers: [1_000] }));
    });

    org = await janitor(['audit', ...moto(), '--org', '--group-by-tag', 'team', '--format', 'json'], Date.now());
    report = stdoutJson<AuditReport>(org);
  });

  afterAll(() => {
    dir.remove();
    restoreEnv();
  });

  describe('audit --org', () => {
    it('reads every account of the organization, each with its name, regions and totals, in one complete report', () => {
      expect(org.code).toBe(0);
      expect(report.complete).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.accounts.map((a) => a.accountId)).toEqual(all);
      const names = Object.fromEntries(report.accounts.map((a) => [a.accountId, a.name]));
      expect(names).toEqual({
        [MOTO_ACCOUNT_ID]: 'master',
        [plain.accountId]: 'plain',
        [teams.accountId]: 'teams',
        [busy.accountId]: 'busy',
      });
      for (const account of report.accounts) expect(account.regions).toEqual(['us-east-1']);
      const summed = report.accounts.reduce((n, a) => n + a.totals.storedBytes, 0);
      expect(summed).toBe(report.totals.storedBytes);
      expect(report.totals.repositories).toBe(7);
      // Each account's registry settings are read in that account (moto has no creation templates: each says so).
      const unread = report.warnings.filter((w) => w.code === 'RegistrySettingsUnread').map((w) => w.accountId);
      expect(unread.sort()).toEqual(all);
    });

    it('gives each account the figures a single-account audit of it gives', async () => {
      for (const account of [plain, teams, busy]) {
        const single = await asAccount(account.accountId, ['audit', ...moto(), '--group-by-tag', 'team', '--format', 'json']);
        const alone = stdoutJson<AuditReport>(single);

        expect(single.code).toBe(0);
        expect(alone.accounts).toHaveLength(1);
        expect(figuresOf(report, account.accountId)).toEqual(figuresOf(alone, account.accountId));
      }
    });

    it('guards each account with what runs in that account: the busy account holds, the others do not', () => {
      expect(report.accounts.find((a) => a.accountId === busy.accountId)?.totals).toMatchObject({
        inUseImages: 1,
        inUseAtRisk: 1,
        repositoriesHeld: 1,
      });
      for (const account of [plain, teams])
        expect(report.accounts.find((a) => a.accountId === account.accountId)?.totals.inUseImages).toBe(0);
      expect(report.inUseAtRiskImages?.map((i) => [i.accountId, i.repositoryName, i.consumers])).toEqual([
        [busy.accountId, 'shop/web', ['ecs:service/prod/web']],
      ]);
    });

    it('groups cost across accounts, by account and by team', () => {
      const byAccount = report.costGroups
        .filter((g) => g.by === 'account')
        .map((g) => g.value)
        .sort();
      expect(byAccount).toEqual([plain.accountId, teams.accountId, busy.accountId].sort());
      expect(
        report.costGroups
          .filter((g) => g.by === 'tag:team')
          .map((g) => g.value)
          .sort(),
      ).toEqual(['(untagged)', 'payments', 'search']);
    });
  });

  describe('an account whose role cannot be assumed', () => {
    it('fails alone: listed with its id and cause, every other account whole, exit 3 with the accounts not read', async () => {
      const proxy = await refusingProxy([busy.accountId]);
      try {
        const run = await janitor(
          [
            'audit',
            '--endpoint',
            proxy.endpoint,
            '--region',
            'us-east-1',
            '--in-use-scan',
            MOTO_IN_USE_SCAN,
            '--org',
            '--group-by-tag',
            'team',
            '--format',
            'json',
          ],
          Date.now(),
        );
        const partial = stdoutJson<AuditReport>(run);

        expect(run.code).toBe(3);
        expect(partial.complete).toBe(false);
        expect(partial.errors).toEqual([expect.objectContaining({ accountId: busy.accountId, region: '', code: 'AccessDenied' })]);
        expect(partial.errors[0]?.message).toContain(
          `role arn:aws:iam::${busy.accountId}:role/OrganizationAccountAccessRole could not be assumed`,
        );
        expect(partial.accounts.find((a) => a.accountId === busy.accountId)).toMatchObject({ complete: false, regions: ['us-east-1'] });
        for (const account of [plain, teams]) expect(figuresOf(partial, account.accountId)).toEqual(figuresOf(report, account.accountId));
        expect(run.stderr).toContain('1 account could not be read (its figures are all missing)');
        expect(run.stderr).toContain('the report is incomplete: 1 of 4 accounts were not read');
        expect(proxy.refused).toEqual([`arn:aws:iam::${busy.accountId}:role/OrganizationAccountAccessRole`]);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('snapshot --org and audit --snapshot', () => {
    it('holds every account in one file, and an audit of it gives the live report offline', async () => {
      const file = join(dir.path, 'org.json');
      const captured = await janitor(['snapshot', ...moto(), '--org', '--out', file], Date.now());
      const offline = await janitor(['audit', '--snapshot', file, '--group-by-tag', 'team', '--format', 'json'], Date.now());
      const read = stdoutJson<AuditReport>(offline);

      expect(captured.code).toBe(0);
      expect(captured.stderr).toContain(`wrote ${file}: 4 accounts, 7 repositories`);
      expect(offline.code).toBe(0);
      expect(read.accounts).toEqual(report.accounts);
      expect(read.totals).toEqual(report.totals);
      expect(read.costGroups).toEqual(report.costGroups);
      expect(read.repositories).toEqual(report.repositories);
      expect(read.inUseAtRiskImages).toEqual(report.inUseAtRiskImages);
    });

    it('records an account whose role cannot be assumed, and an audit of the file says it was not read', async () => {
      const file = join(dir.path, 'partial.json');
      const proxy = await refusingProxy([teams.accountId]);
      try {
        const captured = await janitor(
          ['snapshot', '--endpoint', proxy.endpoint, '--region', 'us-east-1', '--in-use-scan', MOTO_IN_USE_SCAN, '--org', '--out', file],
          Date.now(),
        );
        const offline = await janitor(['audit', '--snapshot', file, '--format', 'json'], Date.now());
        const read = stdoutJson<AuditReport>(offline);

        expect(captured.code).toBe(3);
        expect(offline.code).toBe(3);
        expect(read.errors.map((e) => [e.accountId, e.region, e.code])).toEqual([[teams.accountId, '', 'AccessDenied']]);
        expect(read.accounts.find((a) => a.accountId === teams.accountId)?.complete).toBe(false);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('every format and the history', () => {
    it("shows the per-account table in the table, Markdown, CSV and HTML, and keeps each account's row a week so its trend is drawn", async () => {
      const out = join(dir.path, 'formats');
      const history = join(dir.path, 'history.json');
      const week = 7 * 86_400_000;
      const first = Date.now();

      const lastWeek = await janitor(['audit', ...moto(), '--org', '--history', history], first);
      const run = await janitor(['audit', ...moto(), '--org', '--history', history, '--out', out], first + week);

      expect([lastWeek.code, run.code]).toEqual([0, 0]);
      const file = (name: string): string => readFileSync(join(out, name), 'utf8');
      const html = file('report.html');
      for (const account of [plain, teams, busy]) {
        const { accountId, name } = account;
        expect(run.stdout).toMatch(new RegExp(`^${accountId}\\s+${name}\\s+1\\s`, 'm'));
        expect(file('report.md')).toContain(`| ${accountId} | ${name} | us-east-1 |`);
        expect(file('accounts.csv')).toMatch(new RegExp(`^${accountId},${name},us-east-1,true,complete,`, 'm'));
        expect(file('report.csv')).toMatch(new RegExp(`^${accountId},us-east-1,`, 'm'));
        expect(html).toContain(`data-account="${accountId}" data-complete="true"`);
      }
      expect(run.stdout).toContain(`Accounts (${all.length})`);
      const weeks = (JSON.parse(readFileSync(history, 'utf8')) as { weeks: Array<{ accounts?: Record<string, unknown> }> }).weeks;
      expect(weeks.map((w) => Object.keys(w.accounts ?? {}).sort())).toEqual([all, all]);
      expect(html.match(/data-testid="account-trend"/g)).toHaveLength(all.length);
    });
  });

  describe('remediate --org --apply', () => {
    it('writes in each account through its role, with the guard, opt-out and excludes of each, and nowhere else', async () => {
      const before = await policies(all);

      // An exclude holds in every account: plain/api would otherwise be written.
      const run = await janitor(['remediate', ...moto(), '--org', '--apply', '--exclude', 'plain/api', '--format', 'json'], Date.now());
      const result = stdoutJson<{ actions: Array<{ accountId: string; repositoryName: string; outcome: string }>; accounts: unknown[] }>(
        run,
      );

      expect(run.code).toBe(0);
      const outcomes = Object.fromEntries(result.actions.map((a) => [`${a.accountId}/${a.repositoryName}`, a.outcome]));
      expect(outcomes).toEqual({
        [`${plain.accountId}/plain/web`]: 'applied',
        [`${plain.accountId}/plain/api`]: 'skipped-excluded',
        [`${teams.accountId}/payments/api`]: 'compliant',
        [`${teams.accountId}/search/api`]: 'applied',
        [`${teams.accountId}/legacy/app`]: 'skipped-opt-out',
        [`${busy.accountId}/shop/web`]: 'held-in-use',
        [`${busy.accountId}/shop/cache`]: 'applied',
      });
      const after = await policies(all);
      const changed = Object.keys(after)
        .filter((key) => after[key] !== before[key])
        .sort();
      expect(changed).toEqual([`${plain.accountId}/plain/web`, `${teams.accountId}/search/api`, `${busy.accountId}/shop/cache`].sort());
      for (const key of changed) expect(after[key]).toContain('added by ecr-janitor');
      // The team's own rule is kept where the default one was merged in.
      expect(after[`${teams.accountId}/search/api`]).toContain('keep ten releases');
    });
  });
});
