import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SNAPSHOT_FORMAT, type SnapshotFile } from '../../../../src/adapters/snapshot/format';
import { EXIT } from '../../../../src/cli/errors';
import { runCli } from '../../../../src/cli/program';
import { mergeDefaultRule } from '../../../../src/domain/policy';
import { GIB, type AuditReport } from '../../../../src/domain/report';
import { type CapturedRun, recordingContext, runCaptured, tempDirEachTest, tempFilesEachTest } from '../../../support/cli-context';
import { blob, imageManifest, type Manifest } from '../../support/manifests';
import { expireUntagged, keepNewestTagged, policyText, TAGGED_ONLY } from '../../support/policies';
import { snapshotRepository as repository, writeSnapshot, type SnapshotRepository } from '../../support/snapshot-file';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const tmp = tempDirEachTest('ecr-janitor-cli-audit-');

/** Writes a one-region snapshot of `repositories` into the test's directory and returns its path. */
const snapshotFile = (repositories: SnapshotRepository[]): string => writeSnapshot(tmp.path, repositories);

const run = (argv: string[]): Promise<CapturedRun> => runCaptured(argv, NOW);

describe('cli audit', () => {
  describe('runs against a snapshot', () => {
    /** Writes a snapshot like {@link snapshotFile}, with recorded errors. */
    function snapshotWithErrors(errors: NonNullable<SnapshotFile['errors']>): string {
      const path = snapshotFile([repository('app', TAGGED_ONLY)]);
      const file = JSON.parse(readFileSync(path, 'utf8')) as SnapshotFile;
      writeFileSync(path, JSON.stringify({ ...file, errors }));
      return path;
    }

    it('exits 3 on a snapshot whose region could not be listed, and says it was a region failure', async () => {
      // Arrange
      const snapshot = snapshotWithErrors([
        { region: 'eu-west-1', code: 'AccessDeniedException', message: 'region failure: its repositories could not be listed: denied' },
      ]);

      // Act
      const result = await run(['audit', '--snapshot', snapshot]);

      // Assert
      expect(result.code).toBe(EXIT.partial);
      expect(result.stderr).toContain('eu-west-1: region failure: its repositories could not be listed: denied');
      expect(result.stderr).toContain(
        '1 region could not be listed (a region failure: its repositories are all missing); see "errors" in the report',
      );
      expect(result.stdout).toContain('eu-west-1: AccessDeniedException: region failure: its repositories could not be listed: denied');
    });

    it('exits 3 on a snapshot with a repository that could not be read, counting regions and repositories apart', async () => {
      // Arrange
      const snapshot = snapshotWithErrors([
        { region: 'us-east-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' },
        {
          region: 'eu-west-1',
          code: 'UnrecognizedClientException',
          message: 'region failure: its repositories could not be listed: bad token',
        },
      ]);

      // Act
      const result = await run(['audit', '--snapshot', snapshot, '--format', 'json']);

      // Assert
      expect(result.code).toBe(EXIT.partial);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.errors.map((e) => [e.region, e.repositoryName, e.code])).toEqual([
        ['eu-west-1', undefined, 'UnrecognizedClientException'],
        ['us-east-1', 'locked', 'AccessDeniedException'],
      ]);
      expect(report.repositories.map((r) => r.repositoryName)).toEqual(['app']);
      expect(result.stderr).toContain(
        '1 region could not be listed (a region failure: its repositories are all missing); 1 repository could not be fully audited',
      );
    });

    it('says no repositories were audited because a region failed, not that the account is empty', async () => {
      // Arrange
      const path = join(tmp.path, 'failed.json');
      writeFileSync(
        path,
        JSON.stringify({
          format: SNAPSHOT_FORMAT,
          capturedAt: '2026-05-01T00:00:00.000Z',
          errors: [
            { region: 'us-east-1', code: 'AccessDeniedException', message: 'region failure: its repositories could not be listed: denied' },
          ],
          registries: [{ accountId: '', region: 'us-east-1', repositories: [] }],
        }),
      );

      // Act
      const result = await run(['audit', '--snapshot', path]);

      // Assert
      expect(result.code).toBe(EXIT.partial);
      expect(result.stdout).toContain('No repositories audited: 1 region could not be listed (see the errors below).');
    });

    it('exits 1 and names the place when the snapshot does not make sense', async () => {
      // Arrange
      const path = snapshotFile([{ ...repository('app', null), createdAt: '2026-02-30T00:00:00Z' }]);

      // Act
      const result = await run(['audit', '--snapshot', path]);

      // Assert
      expect(result.code).toBe(EXIT.invalid);
      expect(result.stderr).toContain(
        'registries.0.repositories.0.createdAt (region us-east-1, repository "app"): "2026-02-30T00:00:00Z" is not an ISO-8601 time',
      );
      expect(result.stdout).toBe('');
    });

    it.each([
      ['--price-per-gb-month', '0x10'],
      ['--price-per-gb-month', '1e400'],
      ['--price-per-gb-month', '101'],
      ['--concurrency', '65'],
      ['--max-attempts', '21'],
      ['--progress-interval', '-1'],
    ])('exits 2 on %s %s', async (flag, value) => {
      // Act
      const result = await run(['audit', '--snapshot', snapshotFile([]), flag, value]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`ecr-janitor: error: option '${flag} `);
      expect(result.stdout).toBe('');
    });

    it('checks --out before any work: a file where the directory should be is refused before the snapshot is read', async () => {
      // Arrange
      const file = join(tmp.path, 'reports');
      writeFileSync(file, '');

      // Act
      const result = await run(['audit', '--snapshot', join(tmp.path, 'missing.json'), '--out', file]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`--out ${file} exists and is not a directory`);
      expect(result.stderr).not.toContain('missing.json');
    });

    it('exits 1 without a stack trace and leaves no temporary file when a report cannot be written', async () => {
      // Arrange: a directory where report.md must go.
      const out = join(tmp.path, 'out');
      mkdirSync(join(out, 'report.md'), { recursive: true });
      writeFileSync(join(out, 'report.md', 'keep'), '');

      // Act
      const result = await run(['audit', '--snapshot', snapshotFile([repository('app', null)]), '--out', out]);

      // Assert
      expect(result.code).toBe(EXIT.invalid);
      expect(result.stderr).toMatch(/^ecr-janitor: error: could not write .*report\.md: /m);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    function tagged(name: string, team?: string): SnapshotFile['registries'][number]['repositories'][number] {
      return { ...repository(name, null), tags: team === undefined ? [] : [{ Key: 'team', Value: team }] };
    }

    it('groups cost by name prefix and by each --group-by-tag key, in the order given', async () => {
      // Arrange
      const snapshot = snapshotFile([tagged('team-a/web', 'payments'), tagged('team-a/api'), tagged('solo', 'payments')]);

      // Act
      const result = await run([
        'audit',
        '--snapshot',
        snapshot,
        '--format',
        'json',
        '--group-by-tag',
        'team',
        '--group-by-tag',
        'cost-center',
        '--group-by-tag',
        'team',
      ]);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.costAllocationTagKeys).toEqual(['team', 'cost-center']);
      expect(report.costGroups.map((g) => `${g.by}=${g.value}:${g.repositories}`)).toEqual([
        // Empty repositories cost nothing: equal costs go by value.
        'name-prefix=solo:1',
        'name-prefix=team-a:2',
        'tag:team=(untagged):1',
        'tag:team=payments:2',
        'tag:cost-center=(untagged):3',
      ]);
      expect(report.repositories.find((r) => r.repositoryName === 'team-a/web')?.costAllocationTags).toEqual({ team: 'payments' });
    });

    it('reads both price flags by the one price grammar', async () => {
      // Act
      const result = await run([
        'audit',
        '--snapshot',
        snapshotFile([tagged('app')]),
        '--format',
        'json',
        '--price-per-gb-month',
        '.5',
        '--archive-price-per-gb-month',
        '.5',
      ]);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      expect(JSON.parse(result.stdout)).toMatchObject({ pricePerGbMonth: 0.5, archivePricePerGbMonth: 0.5 });
    });

    it.each([
      ['--price-per-gb-month', '1e1', 'is not a price in USD per GB-month'],
      ['--archive-price-per-gb-month', '100.5', 'is more than 100 USD per GB-month'],
    ])('%s %s: the same grammar and bound for both flags', async (flag, value, message) => {
      // Act
      const result = await run(['audit', '--snapshot', snapshotFile([tagged('app')]), '--price-per-gb-month', '100', flag, value]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(message);
    });

    it('prices the archive saving only with --archive-price-per-gb-month, and counts from --archive-after-days', async () => {
      // Arrange
      const snapshot = snapshotFile([tagged('app')]);

      // Act
      const unpriced = JSON.parse((await run(['audit', '--snapshot', snapshot, '--format', 'json'])).stdout) as AuditReport;
      const priced = JSON.parse(
        (
          await run([
            'audit',
            '--snapshot',
            snapshot,
            '--format',
            'json',
            '--archive-price-per-gb-month',
            '0.07',
            '--archive-after-days',
            '30',
          ])
        ).stdout,
      ) as AuditReport;

      // Assert
      expect(unpriced).toMatchObject({
        archiveAfterDays: 90,
        archivePricePerGbMonth: null,
        totals: { archivableBytes: 0, monthlyArchiveSavingsUsd: null },
      });
      expect(priced).toMatchObject({ archiveAfterDays: 30, archivePricePerGbMonth: 0.07, totals: { monthlyArchiveSavingsUsd: 0 } });
    });

    it.each([
      [['--group-by-tag', 'bad!key'], '"bad!key" is not an AWS tag key'],
      [['--group-by-tag', ''], 'empty'],
      [['--archive-after-days', '0'], 'not a positive whole number'],
      [['--archive-after-days', '36501'], 'more than 36500 days'],
      [['--archive-price-per-gb-month', '0x10'], 'is not a price in USD per GB-month'],
      [['--archive-price-per-gb-month', '1e-2'], 'is not a price in USD per GB-month'],
      [['--archive-price-per-gb-month', '0.2'], 'above --price-per-gb-month 0.1'],
    ])('exits 2 and says why when given %j', async (flags, message) => {
      // Act
      const result = await run(['audit', '--snapshot', snapshotFile([tagged('app')]), ...flags]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    });

    it('keeps a weekly history with --history, so the second week draws the trend', async () => {
      // Arrange
      const history = join(tmp.path, 'history.json');
      const snapshot = snapshotFile([tagged('team-a/web', 'payments')]);

      // Act: the same snapshot judged a week apart.
      const first = await run(['audit', '--snapshot', snapshot, '--history', history, '--now', '2026-05-01T00:00:00Z', '--format', 'html']);
      const second = await run([
        'audit',
        '--snapshot',
        snapshot,
        '--history',
        history,
        '--now',
        '2026-05-08T00:00:00Z',
        '--format',
        'html',
      ]);

      // Assert
      expect([first.code, second.code]).toEqual([EXIT.ok, EXIT.ok]);
      expect(first.stdout).toContain('data-testid="no-history"');
      expect(second.stdout).toContain('data-testid="chart-trend"');
      expect(second.stdout).toContain('Change on the report of 2026-05-01');
      expect((JSON.parse(readFileSync(history, 'utf8')) as { weeks: unknown[] }).weeks).toHaveLength(2);
    });

    it('writes cost-groups.csv beside the other reports with --out', async () => {
      // Arrange
      const out = join(tmp.path, 'reports');

      // Act
      const result = await run([
        'audit',
        '--snapshot',
        snapshotFile([tagged('team-a/web', 'payments')]),
        '--group-by-tag',
        'team',
        '--out',
        out,
      ]);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      expect(readFileSync(join(out, 'cost-groups.csv'), 'utf8').split('\r\n')).toEqual([
        'by,value,repositories,storedBytes,reclaimableBytes,monthlyCostUsd,monthlySavingsUsd',
        'name-prefix,team-a,1,0,0,0,0',
        'tag:team,payments,1,0,0,0,0',
        '',
      ]);
      expect(result.stderr).toContain(join(out, 'cost-groups.csv'));
    });
  });

  describe('control characters', () => {
    it('prints JSON with a bidirectional override of a repository name escaped, as the text formats make it visible', async () => {
      // Arrange
      const snapshot = snapshotFile([repository('team/\u202eexe.sh', TAGGED_ONLY)]);

      // Act
      const [json, table] = await Promise.all([
        run(['audit', '--snapshot', snapshot, '--format', 'json']),
        run(['audit', '--snapshot', snapshot]),
      ]);

      // Assert
      expect(json.stdout).not.toContain('\u202e');
      expect(json.stdout).toContain('"repositoryName": "team/\\u202eexe.sh"');
      expect((JSON.parse(json.stdout) as AuditReport).repositories[0]?.repositoryName).toBe('team/\u202eexe.sh');
      expect(table.stdout).not.toContain('\u202e');
      expect(table.stdout).toContain('team/\ufffdexe.sh');
    });
  });

  describe('findings', () => {
    it('carries the policy findings of a snapshot, per repository and in the totals, in every format', async () => {
      // Arrange: a two-prefix rule and an untagged rule of 90 days
      const trap = policyText(
        {
          ...keepNewestTagged(1, 'prod', 5),
          selection: { ...keepNewestTagged(1, 'prod', 5).selection, tagPrefixList: ['prod', 'release'] },
        },
        expireUntagged(2, 90),
      );
      const snapshot = snapshotFile([repository('trap', trap), repository('clean', policyText(expireUntagged(1, 7)))]);

      // Act
      const json = await run(['audit', '--snapshot', snapshot, '--format', 'json']);
      const strict = await run(['audit', '--snapshot', snapshot, '--format', 'json', '--max-untagged-days', '120']);
      const csv = await run(['audit', '--snapshot', snapshot, '--format', 'csv']);
      const markdown = await run(['audit', '--snapshot', snapshot, '--format', 'markdown']);
      const html = await run(['audit', '--snapshot', snapshot, '--format', 'html']);
      const table = await run(['audit', '--snapshot', snapshot]);

      // Assert
      const report = JSON.parse(json.stdout) as AuditReport;
      expect(report.totals.repositoriesWithFindings).toBe(1);
      const byName = new Map(report.repositories.map((r) => [r.repositoryName, r]));
      expect(byName.get('trap')?.findings.map((f) => [f.code, f.rulePriority])).toEqual([
        ['TagPrefixListRequiresAll', 1],
        ['UntaggedRetentionLong', 2],
      ]);
      expect(byName.get('trap')?.untaggedRetentionDays).toBe(90);
      expect(byName.get('clean')).toMatchObject({ findings: [], untaggedRetentionDays: 7 });
      expect((JSON.parse(strict.stdout) as AuditReport).repositories.find((r) => r.repositoryName === 'trap')?.findings).toHaveLength(1);
      expect(csv.stdout).toContain('TagPrefixListRequiresAll (rule 1); UntaggedRetentionLong (rule 2),90');
      expect(markdown.stdout).toContain('## Policy findings');
      expect(markdown.stdout).toContain('| us-east-1 | trap | warning | TagPrefixListRequiresAll | rule 1 |');
      expect(html.stdout).toContain('<section data-testid="findings"');
      expect(table.stdout).toContain('2 policy findings');
      expect(table.stdout).toContain('us-east-1 trap rule 2: warning UntaggedRetentionLong:');
    });
  });

  describe('help', () => {
    it('says next to audit that its manifest reads refresh pull times unless the caller is excluded', async () => {
      // Act
      const { stdout } = await run(['audit', '--help']);

      // Assert
      expect(stdout).toContain("Audit changes nothing, but reading manifests (BatchGetImage) refreshes each image's lastRecordedPullTime");
      expect(stdout).toContain('unless your principal is excluded from pull-time updates');
    });
  });
});

describe('cli audit --previous-snapshot --ledger', () => {
  const NOW = Date.parse('2026-11-09T06:00:00.000Z');
  const files = tempFilesEachTest('ecr-janitor-audit-ledger-');
  const sample = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(__dirname, '../../../../events', name), 'utf8')) as Record<string, unknown>;

  describe('the week between two captures', () => {
    const base = blob('base', 10 * GIB);
    const image = (m: Manifest, tags: string[], pushed: string) => ({
      imageDigest: m.digest,
      imageTags: tags,
      imagePushedAt: pushed,
      imageSizeInBytes: m.size,
      imageManifest: m.text,
      imageManifestMediaType: m.mediaType,
      imageStatus: 'ACTIVE',
    });
    const v2 = imageManifest({ config: blob('v2-config', 1), layers: [base, blob('v2', GIB)] });
    const old = imageManifest({ config: blob('old-config', 1), layers: [base, blob('old', 3 * GIB)] });
    const young = imageManifest({ config: blob('young-config', 1), layers: [base, blob('young', GIB)] });
    const policy = mergeDefaultRule(undefined, 7).text;
    const snapshot = (capturedAt: string, images: unknown[]) => ({
      format: 'ecr-janitor-snapshot/1',
      capturedAt,
      registries: [
        {
          accountId: '123456789012',
          region: 'eu-west-1',
          repositories: [
            {
              repositoryName: 'team/app',
              repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team/app',
              createdAt: null,
              tags: [],
              lifecyclePolicyText: policy,
              images,
            },
          ],
        },
      ],
    });

    it('reports what the week freed, by whose rule, and the image ECR did not act on as forecast', async () => {
      const oldFile = files.write(
        'old.json',
        snapshot('2026-11-02T06:00:00.000Z', [
          image(v2, ['v2'], '2026-10-01T00:00:00.000Z'),
          image(old, [], '2026-10-23T00:00:00.000Z'),
          image(young, [], '2026-10-30T00:00:00.000Z'),
        ]),
      );
      const newFile = files.write(
        'new.json',
        snapshot('2026-11-09T06:00:00.000Z', [image(v2, ['v2'], '2026-10-01T00:00:00.000Z'), image(young, [], '2026-10-30T00:00:00.000Z')]),
      );
      const event = sample('policy-execution-expire.json') as { detail: Record<string, unknown> };
      const details = (event.detail.serviceEventDetails ?? {}) as Record<string, unknown>;
      const rules = [{ rulePriority: 1, description: 'Expire untagged images 7 days after push (added by ecr-janitor)', action: 'expire' }];
      const acted = {
        ...event,
        detail: {
          ...event.detail,
          eventTime: '2026-11-03T03:00:00Z',
          recipientAccountId: '123456789012',
          serviceEventDetails: {
            ...details,
            repositoryName: 'team/app',
            lifecycleEventPolicy: { lifecycleEventRules: rules },
            lifecycleEventImageActions: [
              {
                lifecycleEventImage: {
                  digest: old.digest,
                  tagStatus: 'Untagged',
                  tagList: [],
                  pushedAt: Date.parse('2026-10-23T00:00:00Z'),
                },
                rulePriority: 1,
              },
            ],
            lifecycleEventFailureDetails: [],
          },
        },
      };
      const ledger = files.write('ledger.jsonl', '');
      writeFileSync(ledger, `${JSON.stringify(acted)}\n${JSON.stringify(acted)}\n`);
      const ctx = recordingContext(NOW);
      const code = await runCli(
        ['audit', '--snapshot', newFile, '--previous-snapshot', oldFile, '--ledger', ledger, '--format', 'json'],
        ctx,
      );
      expect(code).toBe(0);
      const report = JSON.parse(ctx.stdout()) as AuditReport;
      expect(report.ledger).toEqual({ from: '2026-11-02T06:00:00.000Z', to: '2026-11-09T06:00:00.000Z', actions: 1, failures: 0 });
      expect(report.totals.realized).toMatchObject({
        images: 1,
        freedBytes: 3 * GIB + 1,
        byDefaultRule: { images: 1, freedBytes: 3 * GIB + 1 },
      });
      expect(report.prediction).toMatchObject({ forecastImages: 2, actedAsForecast: 1, forecastNotActed: 1, actedNotForecast: 0 });
      expect(report.repositories[0]?.prediction?.mismatches).toEqual([
        expect.objectContaining({ kind: 'not-acted', imageDigest: young.digest }),
      ]);
    });

    it('refuses --ledger without --previous-snapshot, and --previous-snapshot without --snapshot', async () => {
      const ctx = recordingContext(NOW);
      expect(
        await runCli(
          ['audit', '--snapshot', files.write('s.json', snapshot('2026-11-09T06:00:00.000Z', [])), '--ledger', files.write('l.jsonl', '')],
          ctx,
        ),
      ).toBe(2);
      expect(ctx.stderr()).toMatch(/--previous-snapshot and --ledger go together/);
    });
  });
});
