import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remediationProblems } from '../../../../src/cli/commands/registry';
import { EXIT, UsageError, exitCodeFor } from '../../../../src/cli/errors';
import { runCli } from '../../../../src/cli/program';
import { ConfigError, InvalidInputError, InvalidPolicyError, MergeError } from '../../../../src/domain/errors';
import type { SnapshotFile } from '../../../../src/domain/registry';
import type { AuditReport } from '../../../../src/domain/report';
import { SNAPSHOT_FORMAT } from '../../../../src/domain/registry';
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
    it('exits 0 and writes nothing to stderr when every repository can be remediated', async () => {
      // Arrange
      const snapshot = snapshotFile([repository('app', TAGGED_ONLY), repository('bare', null)]);

      // Act
      const result = await run(['remediate', '--snapshot', snapshot]);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      expect(result.stderr).toBe('');
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
