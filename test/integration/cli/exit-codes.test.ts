// The CLI's exit codes end to end: 0 success, 1 unreadable input, 2 usage error, 3 partial failure.
// Partial failure is forced with an endpoint on a closed 127.0.0.1 port: every connection is
// refused at once, the region's listing fails, and the run records it and goes on; for remediate,
// also by a policy that cannot take the untagged rule.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditReport } from '../../../src/domain/report';
import { ecrClientForMoto, motoEndpoint, resetMoto } from '../support/moto';
import { createRepository } from '../support/seed';
import { closedLocalPort, janitor, moto, stdoutJson, tempDir, useMotoCredentials, type RemediationJson } from './support/cli';

describe('ecr-janitor CLI exit codes', () => {
  let restoreEnv: () => void;
  let dir: ReturnType<typeof tempDir>;
  let snapshotFile: string;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    dir = tempDir();
    snapshotFile = join(dir.path, 'snapshot.json');
    await writeFile(snapshotFile, JSON.stringify({ format: 'ecr-janitor-snapshot/1', capturedAt: '2026-01-01T00:00:00Z', registries: [] }));
  });

  afterAll(() => {
    dir.remove();
    restoreEnv();
  });

  describe('success', () => {
    it('exits 0 with an empty report when the region has no repositories', async () => {
      const run = await janitor(['audit', ...moto(), '--format', 'json']);

      expect(run.code).toBe(0);
      expect(stdoutJson<AuditReport>(run)).toMatchObject({ repositories: [], errors: [], totals: { repositories: 0 } });
    });

    it('exits 0 with client-side rate limits, standard retry and a bound on attempts', async () => {
      const run = await janitor([
        'audit',
        ...moto(),
        '--format',
        'json',
        '--rate-limit',
        'DescribeRepositories=50/2,DescribeImages=50',
        '--retry-mode',
        'standard',
        '--max-attempts',
        '3',
      ]);

      expect(run.code).toBe(0);
      expect(stdoutJson<AuditReport>(run).apiCalls.DescribeRepositories).toBe(1);
    });
  });

  describe('usage errors', () => {
    it.each([
      ['audit with a malformed --region', () => ['audit', '--endpoint', motoEndpoint(), '--region', 'notaregion']],
      ['remediate with --apply and --snapshot', () => ['remediate', '--apply', '--snapshot', snapshotFile]],
      ['audit with --snapshot and --endpoint', () => ['audit', '--snapshot', snapshotFile, '--endpoint', motoEndpoint()]],
      ['audit with an unknown --format', () => ['audit', ...moto(), '--format', 'yaml']],
      ['audit with --days 0', () => ['audit', ...moto(), '--days', '0']],
      ['audit with an unknown flag', () => ['audit', ...moto(), '--no-such-flag']],
      ['an unknown command', () => ['prune', ...moto()]],
      ['audit with a rate limit on an operation it never calls', () => ['audit', ...moto(), '--rate-limit', 'DeleteRepository=5']],
      ['remediate with --max-attempts 0', () => ['remediate', ...moto(), '--max-attempts', '0']],
      // A snapshot captures every repository: selecting is for the audit of the snapshot.
      ['snapshot with --exclude', () => ['snapshot', ...moto(), '--out', join(dir.path, 'never.json'), '--exclude', 'sandbox/*']],
      ['snapshot with --opt-out-tag', () => ['snapshot', ...moto(), '--out', join(dir.path, 'never.json'), '--opt-out-tag', 'team:frozen']],
    ])('exits 2 and explains on stderr when given %s', async (_case, args) => {
      const run = await janitor(args());

      expect(run.code).toBe(2);
      expect(run.stderr).not.toBe('');
      expect(run.stdout).toBe('');
    });

    it('names the bad region and an example when --region is not a region', async () => {
      const run = await janitor(['audit', '--endpoint', motoEndpoint(), '--region', 'us-east-1,notaregion']);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('"notaregion" is not an AWS region name');
    });
  });

  describe('unreadable input', () => {
    it('exits 1 and names the file when the --snapshot file does not exist', async () => {
      const missing = join(dir.path, 'missing.json');

      const run = await janitor(['audit', '--snapshot', missing]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`snapshot file ${missing} does not exist`);
      expect(run.stdout).toBe('');
    });

    it('exits 1 when the --snapshot file is not JSON', async () => {
      const garbled = join(dir.path, 'garbled.json');
      await writeFile(garbled, '{ not json');

      const run = await janitor(['audit', '--snapshot', garbled]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('is not valid JSON');
    });

    it('exits 1 when the --snapshot file is JSON but not a snapshot', async () => {
      const other = join(dir.path, 'other.json');
      await writeFile(other, JSON.stringify({ imageDetails: [] }));

      const run = await janitor(['audit', '--snapshot', other]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('is not an ecr-janitor snapshot');
    });
  });

  describe('repositories remediate cannot change', () => {
    // Another region than the other tests use, so their empty us-east-1 stays empty.
    const REGION = 'eu-central-1';
    /** 50 tagged rules, the most ECR allows: the untagged rule cannot be added. */
    const fullPolicy = {
      rules: Array.from({ length: 50 }, (_, i) => ({
        rulePriority: i + 1,
        selection: { tagStatus: 'tagged', tagPrefixList: [`team${i}-`], countType: 'imageCountMoreThan', countNumber: 5 },
        action: { type: 'expire' },
      })),
    };

    beforeAll(async () => {
      const ecr = ecrClientForMoto(REGION);
      try {
        await createRepository(ecr, 'full/policy', { policyText: fullPolicy });
        await createRepository(ecr, 'fine');
      } finally {
        ecr.destroy();
      }
    });

    it('exits 3 and names the repository on stderr when a policy cannot take the untagged rule', async () => {
      const run = await janitor(['remediate', ...moto(REGION), '--apply', '--format', 'json']);

      expect(run.code).toBe(3);
      const result = stdoutJson<RemediationJson>(run);
      expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
        ['fine', 'applied'],
        ['full/policy', 'unmergeable'],
      ]);
      expect(result.errors).toEqual([]);
      expect(run.stderr).toContain('1 repository was not remediated:');
      expect(run.stderr).toContain(`unmergeable: ${REGION}/full/policy: the policy already has 50 rules`);
    });
  });

  describe('partial failure', () => {
    let unreachable: string[];

    beforeAll(async () => {
      // The in-use guard reads ECS and Lambda only: each source retries the refused connection, and what
      // is under test is how a failed source is recorded, the same for every source.
      unreachable = ['--endpoint', `http://127.0.0.1:${await closedLocalPort()}`, '--region', 'us-east-1', '--in-use-scan', 'ecs,lambda'];
    });

    beforeEach(() => {
      // A refused connection is a transient error, so the SDK retries it (8 attempts) with random
      // exponential backoff: up to 25 s a call. Zero jitter makes the retries immediate; what is
      // under test is how the CLI records the failure, not how long the SDK waits.
      jest.spyOn(Math, 'random').mockReturnValue(0);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it("exits 3 and reports the region's error when audit cannot list its repositories", async () => {
      const run = await janitor(['audit', ...unreachable, '--format', 'json']);

      expect(run.code).toBe(3);
      const report = stdoutJson<AuditReport>(run);
      expect(report.repositories).toEqual([]);
      // The listing's error, and the in-use sources that could not be read either (the guard holds the region).
      expect(report.errors.map((e) => e.source)).toEqual([undefined, 'ecs', 'lambda']);
      expect(report.errors[0]).toMatchObject({
        region: 'us-east-1',
        code: expect.any(String) as string,
        message: expect.any(String) as string,
      });
      expect(report.errors[0]).not.toHaveProperty('repositoryName');
      // The registry settings are read once each: their reads retry throttling only.
      expect(report.apiCalls).toEqual({
        DescribeRepositories: 1,
        ListClusters: 1,
        ListFunctions: 1,
        DescribeRepositoryCreationTemplates: 1,
        DescribePullThroughCacheRules: 1,
        DescribeRegistry: 1,
        GetAccountSetting: 1,
        total: 7,
      });
      expect(report.apiRetries).toEqual({ DescribeRepositories: 7, GetAccountSetting: 1, ListClusters: 7, ListFunctions: 7 });
      // The registry's BLOB_MOUNTING setting could not be read either: a warning, never a failure of its own.
      expect(report.warnings.map((w) => [w.region, w.code]).sort()).toEqual([
        ['us-east-1', 'BlobMountingUnknown'],
        ['us-east-1', 'RegistrySettingsUnread'],
      ]);
      expect(run.stderr).toContain('1 region could not be listed (a region failure');
      expect(run.stderr).toContain('2 in-use sources could not be read');
      expect(run.stderr).toMatch(/^us-east-1: region failure: its repositories could not be listed: /m);
      expect(run.stderr).not.toContain('0 repositories to read');
    });

    it('exits 3 and lists the error when remediate cannot list the repositories', async () => {
      const run = await janitor(['remediate', ...unreachable, '--apply', '--format', 'json']);

      expect(run.code).toBe(3);
      const result = stdoutJson<RemediationJson>(run);
      expect(result.actions).toEqual([]);
      expect(result.errors).toEqual([expect.objectContaining({ region: 'us-east-1' })]);
      expect(result.apiCalls.PutLifecyclePolicy).toBeUndefined();
      expect(run.stderr).toContain('1 region could not be listed:');
      expect(run.stderr).toMatch(/^error: us-east-1: /m);
    });

    it('exits 3 and still writes the file when snapshot cannot list the repositories', async () => {
      const file = join(dir.path, 'partial.json');

      const run = await janitor(['snapshot', ...unreachable, '--out', file]);

      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`wrote ${file}: 0 repositories`);
      expect(run.stderr).toMatch(/error: us-east-1: \w+: region failure: its repositories could not be listed: /);
    });

    it('records the region failure in the snapshot, so that its audit exits 3 as the live audit does', async () => {
      const file = join(dir.path, 'partial-replayed.json');
      await janitor(['snapshot', ...unreachable, '--out', file]);

      const run = await janitor(['audit', '--snapshot', file, '--format', 'json']);

      expect(run.code).toBe(3);
      const report = stdoutJson<AuditReport>(run);
      expect(report.errors).toEqual([
        {
          region: 'us-east-1',
          code: expect.any(String) as string,
          message: expect.stringMatching(
            /^region failure: its repositories could not be listed: .* \(recorded when the snapshot was captured at /,
          ) as string,
        },
        // The in-use sources that failed then are replayed too, saying when.
        ...['ecs', 'lambda'].map((source) => ({
          region: 'us-east-1',
          source,
          code: expect.any(String) as string,
          message: expect.stringMatching(/\(recorded when the snapshot was captured at \d{4}-/) as string,
        })),
      ]);
      expect(run.stderr).toContain('1 region could not be listed');
    });
  });

  describe('no credentials', () => {
    // The SDK's whole chain finds nothing: no variables, no files, no instance metadata.
    const NO_CREDENTIALS: Record<string, string | undefined> = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    let saved: Record<string, string | undefined>;
    beforeEach(() => {
      saved = Object.fromEntries(Object.keys(NO_CREDENTIALS).map((key) => [key, process.env[key]]));
      for (const [key, value] of Object.entries(NO_CREDENTIALS)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    afterEach(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });

    it('exits 3, counts the one region it could not list apart from its in-use sources, and says how to set credentials', async () => {
      const run = await janitor(['audit', ...moto()]);

      expect(run.code).toBe(3);
      expect(run.stdout).toContain('No repositories audited: 1 region could not be listed (see the errors below).');
      expect(run.stdout).toMatch(/CredentialsProviderError: region failure: .*no AWS credentials found/s);
      expect(run.stderr).toMatch(
        /1 region could not be listed \(a region failure: its repositories are all missing\); \d+ in-use sources could not be read/,
      );
      expect(run.stderr).toContain('no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    });
  });
});
