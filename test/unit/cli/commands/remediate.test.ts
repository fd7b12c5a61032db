import { remediationProblems } from '../../../../src/cli/commands/remediate';
import { EXIT } from '../../../../src/cli/errors';
import type { RemediationAction, RemediationOutcome, RemediationResult } from '../../../../src/use-cases/remediate';
import { type CapturedRun, runCaptured, tempDirEachTest } from '../../../support/cli-context';
import { expireUntagged, keepNewestTagged, policyText, TAGGED_ONLY } from '../../support/policies';
import { snapshotRepository as repository, writeSnapshot, type SnapshotRepository } from '../../support/snapshot-file';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const tmp = tempDirEachTest('ecr-janitor-cli-remediate-');

/** Writes a one-region snapshot of `repositories` into the test's directory and returns its path. */
const snapshotFile = (repositories: SnapshotRepository[]): string => writeSnapshot(tmp.path, repositories);

/** A policy with 50 tagged rules, the most ECR allows: the untagged rule cannot be added. */
const FULL_POLICY = policyText(...Array.from({ length: 50 }, (_, i) => keepNewestTagged(i + 1, `p${i}-`, 5)));

function action(repositoryName: string, outcome: RemediationOutcome, message?: string): RemediationAction {
  return { region: 'us-east-1', repositoryName, outcome, before: null, ...(message === undefined ? {} : { message }) };
}

const run = (argv: string[]): Promise<CapturedRun> => runCaptured(argv, NOW);

describe('cli remediate', () => {
  describe('exit codes', () => {
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

  describe('control characters', () => {
    it('prints the JSON plan with a bidirectional override escaped', async () => {
      const snapshot = snapshotFile([repository('\u2066bare\u2069', null)]);

      const result = await run(['remediate', '--snapshot', snapshot, '--format', 'json']);

      expect(result.stdout).not.toMatch(/[\u2066\u2069]/);
      expect(result.stdout).toContain('"repositoryName": "\\u2066bare\\u2069"');
      expect((JSON.parse(result.stdout) as RemediationResult).actions[0]?.repositoryName).toBe('\u2066bare\u2069');
    });
  });

  describe('--max-untagged-days', () => {
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

    it('names an in-use source that could not be read apart from a region that could not be listed', () => {
      expect(
        remediationProblems({
          actions: [{ region: 'us-east-1', repositoryName: 'web', outcome: 'held-in-use', before: null }],
          errors: [
            { region: 'eu-west-1', code: 'AccessDeniedException', message: 'no listing' },
            { region: 'us-east-1', source: 'ecs', code: 'AccessDeniedException', message: 'no ECS' },
          ],
        }),
      ).toEqual([
        '1 region could not be listed; 1 in-use source could not be read:',
        'error: eu-west-1: AccessDeniedException: no listing',
        'error: us-east-1 (in-use source ecs): AccessDeniedException: no ECS',
      ]);
    });
  });
});
