import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remediationProblems } from '../../../../src/cli/commands/remediate';
import { EXIT, UsageError, exitCodeFor } from '../../../../src/cli/errors';
import { runCli } from '../../../../src/cli/program';
import { ConfigError, InvalidInputError, InvalidPolicyError, MergeError } from '../../../../src/domain/errors';
import type { SnapshotFile } from '../../../../src/adapters/snapshot/format';
import type { AuditReport } from '../../../../src/domain/report';
import { SNAPSHOT_FORMAT } from '../../../../src/adapters/snapshot/format';
import type { RemediationAction, RemediationOutcome, RemediationResult } from '../../../../src/use-cases/remediate';
import { recordingContext } from '../../../support/cli-context';
import { expireUntagged, keepNewestTagged, policyText, TAGGED_ONLY } from '../../support/policies';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-cli-registry-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function repository(
  repositoryName: string,
  lifecyclePolicyText: string | null,
): SnapshotFile['registries'][number]['repositories'][number] {
  return {
    repositoryName,
    repositoryArn: `arn:aws:ecr:us-east-1:111122223333:repository/${repositoryName}`,
    createdAt: null,
    tags: [],
    lifecyclePolicyText,
    images: [],
  };
}

/** Writes a one-region snapshot of `repositories` into the test's directory and returns its path. */
function snapshotFile(repositories: SnapshotFile['registries'][number]['repositories']): string {
  const path = join(dir, 'snapshot.json');
  const file: SnapshotFile = {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-05-01T00:00:00.000Z',
    registries: [{ accountId: '111122223333', region: 'us-east-1', repositories }],
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

/** A policy with 50 tagged rules, the most ECR allows: the untagged rule cannot be added. */
const FULL_POLICY = policyText(...Array.from({ length: 50 }, (_, i) => keepNewestTagged(i + 1, `p${i}-`, 5)));

function action(repositoryName: string, outcome: RemediationOutcome, message?: string): RemediationAction {
  return { region: 'us-east-1', repositoryName, outcome, before: null, ...(message === undefined ? {} : { message }) };
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const ctx = recordingContext(NOW);
  const code = await runCli(argv, ctx);
  return { code, stdout: ctx.stdout(), stderr: ctx.stderr() };
}

describe('cli registry commands', () => {
  describe('remediate', () => {
    it('exits 0 and writes only its progress to stderr when every repository can be remediated', async () => {
      // Arrange
      const snapshot = snapshotFile([repository('app', TAGGED_ONLY), repository('bare', null)]);

      // Act
      const result = await run(['remediate', '--snapshot', snapshot]);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      expect(result.stderr.split('\n')).toEqual(['us-east-1: 2 repositories to read', 'us-east-1: done']);
    });

    it('exits 3 and names the repository and the reason on stderr when a policy cannot be merged', async () => {
      // Arrange
      const snapshot = snapshotFile([repository('full', FULL_POLICY), repository('bare', null)]);

      // Act
      const result = await run(['remediate', '--snapshot', snapshot, '--format', 'json']);

      // Assert
      expect(result.code).toBe(EXIT.partial);
      expect(result.stderr).toContain('1 repository was not remediated:');
      expect(result.stderr).toContain('unmergeable: us-east-1/full: the policy already has 50 rules');
      expect(result.stderr).not.toContain('bare');
      expect((JSON.parse(result.stdout) as RemediationResult).actions.map((a) => a.outcome)).toEqual(['planned', 'unmergeable']);
    });
  });

  describe('audit', () => {
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
      const path = join(dir, 'failed.json');
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
      const file = join(dir, 'reports');
      writeFileSync(file, '');

      // Act
      const result = await run(['audit', '--snapshot', join(dir, 'missing.json'), '--out', file]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`--out ${file} exists and is not a directory`);
      expect(result.stderr).not.toContain('missing.json');
    });

    it('exits 1 without a stack trace and leaves no temporary file when a report cannot be written', async () => {
      // Arrange: a directory where report.md must go.
      const out = join(dir, 'out');
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
      const history = join(dir, 'history.json');
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
      const out = join(dir, 'reports');

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

  describe('remediate --max-untagged-days', () => {
    it('plans to shorten a longer untagged rule, and leaves one within the limit alone', async () => {
      // Arrange
      const snapshot = snapshotFile([
        repository('slow', policyText(keepNewestTagged(1, 'v', 5), expireUntagged(2, 90))),
        repository('quick', policyText(expireUntagged(1, 14))),
      ]);

      // Act
      const result = await run(['remediate', '--snapshot', snapshot, '--max-untagged-days', '30', '--format', 'json']);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      const printed = JSON.parse(result.stdout) as { actions: RemediationAction[] };
      const slow = printed.actions.find((a) => a.repositoryName === 'slow');
      expect(slow).toMatchObject({ outcome: 'planned', shortened: { rulePriority: 2, fromDays: 90, toDays: 30 } });
      expect(JSON.parse(slow?.after ?? '{}')).toMatchObject({
        rules: [{ rulePriority: 1 }, { rulePriority: 2, selection: { countNumber: 30 } }],
      });
      expect(printed.actions.find((a) => a.repositoryName === 'quick')?.outcome).toBe('compliant');
    });

    it('leaves the policies alone without the flag (enforcement is off by default)', async () => {
      // Arrange
      const snapshot = snapshotFile([repository('slow', policyText(expireUntagged(1, 90)))]);

      // Act
      const result = await run(['remediate', '--snapshot', snapshot, '--format', 'json']);

      // Assert
      expect((JSON.parse(result.stdout) as { actions: RemediationAction[] }).actions[0]?.outcome).toBe('compliant');
    });

    it('exits 2 when the maximum is below the default rule age', async () => {
      // Act
      const result = await run(['remediate', '--snapshot', snapshotFile([]), '--days', '14', '--max-untagged-days', '10']);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain('--max-untagged-days 10 is below --days 14: the default rule itself would break it');
    });
  });

  describe('--days limits', () => {
    it.each(['audit', 'remediate'])('%s exits 2 for --days 99999999999999999999 instead of writing countNumber 1e20', async (command) => {
      // Act
      const result = await run([command, '--snapshot', snapshotFile([]), '--days', '99999999999999999999']);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('is more than 2147483647, the largest countNumber ECR accepts');
    });
  });

  describe('audit findings', () => {
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

  describe('snapshot', () => {
    it.each([
      ['a directory', (): string => dir, 'is a directory'],
      ['a file under /proc', (): string => '/proc/self/snapshot.json', '/proc is a special file system'],
      ['a file in a missing directory', (): string => join(dir, 'no', 'snapshot.json'), 'does not exist; create it first'],
    ])('exits 2 before reading anything when --out is %s', async (_case, out, message) => {
      // Act: the endpoint is never called (a closed port would fail the run with exit 3).
      const result = await run(['snapshot', '--region', 'us-east-1', '--endpoint', 'http://127.0.0.1:9', '--out', out()]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(message);
    });

    it.each([
      ['--exclude', 'sandbox/*'],
      ['--opt-out-tag', 'team:frozen'],
    ])('exits 2 when given %s, which only audit and remediate take', async (flag, value) => {
      // Act
      const result = await run([
        'snapshot',
        '--region',
        'us-east-1',
        '--endpoint',
        'http://127.0.0.1:9',
        '--out',
        join(dir, 'out.json'),
        flag,
        value,
      ]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`unknown option '${flag}'`);
      expect(result.stdout).toBe('');
    });
  });

  describe('help', () => {
    /** The help text of one flag of a command: its line and any continuation lines. */
    async function flagHelp(command: string, flag: string): Promise<string> {
      const { stdout } = await run([command, '--help']);
      const lines = stdout.split('\n');
      const start = lines.findIndex((line) => line.trimStart().startsWith(flag));
      const rest = lines.slice(start + 1);
      const end = rest.findIndex((line) => /^\s+-/.test(line));
      return [lines[start], ...rest.slice(0, end)].map((line) => line?.trim()).join(' ');
    }

    it("gives snapshot's --region a default that a capture can have", async () => {
      // Act
      const [snapshot, audit] = [await flagHelp('snapshot', '--region'), await flagHelp('audit', '--region')];

      // Assert
      expect(snapshot).toMatch(/\(default: AWS_REGION\)$/);
      expect(snapshot).not.toContain('snapshot');
      expect(audit).toContain('with --snapshot, every region in the file');
    });

    it('says next to audit that its manifest reads refresh pull times unless the caller is excluded', async () => {
      // Act
      const { stdout } = await run(['audit', '--help']);

      // Assert
      expect(stdout).toContain("Audit changes nothing, but reading manifests (BatchGetImage) refreshes each image's lastRecordedPullTime");
      expect(stdout).toContain('unless your principal is excluded from pull-time updates');
    });

    it('describes --days of audit and remediate with one text', async () => {
      // Act
      const [audit, remediate] = [await flagHelp('audit', '--days'), await flagHelp('remediate', '--days')];

      // Assert: the same text (the help pads the flag column to each command's longest flag).
      expect(audit.replace(/\s+/g, ' ')).toBe(remediate.replace(/\s+/g, ' '));
      expect(audit).toContain('expires untagged images this many days after push');
    });
  });

  describe('remediationProblems', () => {
    it.each(['applied', 'planned', 'compliant', 'skipped-opt-out', 'skipped-excluded'] as const)(
      'reports nothing when a repository is %s',
      (outcome) => {
        // Act
        const problems = remediationProblems({ actions: [action('app', outcome)], errors: [] });

        // Assert
        expect(problems).toEqual([]);
      },
    );

    it.each(['failed', 'unmergeable', 'skipped-changed'] as const)('names a repository that is %s, with its reason', (outcome) => {
      // Act
      const problems = remediationProblems({ actions: [action('ok', 'applied'), action('app', outcome, 'the reason')], errors: [] });

      // Assert
      expect(problems).toEqual(['1 repository was not remediated:', `${outcome}: us-east-1/app: the reason`]);
    });

    it('keeps each problem on one line with its control characters visible, whatever the name and message hold', () => {
      // Act
      const problems = remediationProblems({ actions: [action('evil\u001b[2J', 'failed', 'line one\nline two\r')], errors: [] });

      // Assert
      expect(problems).toEqual(['1 repository was not remediated:', 'failed: us-east-1/evil\u241b[2J: line one line two']);
    });

    it('reports a region it could not list once, and a failed repository once although it is also an error', () => {
      // Arrange
      const result: RemediationResult = {
        actions: [action('denied', 'failed', 'AccessDeniedException: not authorized'), action('changed', 'skipped-changed')],
        errors: [
          { region: 'eu-west-1', code: 'UnrecognizedClientException', message: 'region not enabled' },
          { region: 'us-east-1', repositoryName: 'denied', code: 'AccessDeniedException', message: 'not authorized' },
        ],
      };

      // Act
      const problems = remediationProblems(result);

      // Assert
      expect(problems).toEqual([
        '2 repositories were not remediated; 1 region could not be listed:',
        'error: eu-west-1: UnrecognizedClientException: region not enabled',
        'failed: us-east-1/denied: AccessDeniedException: not authorized',
        'skipped-changed: us-east-1/changed',
      ]);
    });
  });

  describe('exitCodeFor', () => {
    it.each([
      ['a usage error', new UsageError('bad flag'), EXIT.usage],
      ['invalid input', new InvalidInputError('not JSON'), EXIT.invalid],
      ['an invalid policy', new InvalidPolicyError('bad policy', []), EXIT.invalid],
      ['a merge error', new MergeError('too many rules'), EXIT.invalid],
      ['a configuration error', new ConfigError('missing'), EXIT.invalid],
      ['an error from elsewhere', new Error('boom'), EXIT.invalid],
    ])('returns the documented code for %s', (_case, error, code) => {
      // Act
      const exitCode = exitCodeFor(error);

      // Assert
      expect(exitCode).toBe(code);
    });
  });
});
