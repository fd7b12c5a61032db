import { EXIT, UsageError } from '../../../../src/cli/errors';
import { addDaysFlag, addEnforcedMaxUntaggedDaysFlag, addSelectionFlags, checkMaxUntaggedDays } from '../../../../src/cli/flags/selection';
import { DEFAULT_OPT_OUT_TAG, DEFAULT_UNTAGGED_DAYS } from '../../../../src/domain/defaults';
import { type CapturedRun, runCaptured, tempDirEachTest } from '../../../support/cli-context';
import { flagHelp, parsedFlags } from '../../support/flags';
import { writeSnapshot, type SnapshotRepository } from '../../support/snapshot-file';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const tmp = tempDirEachTest('ecr-janitor-cli-flags-');

/** Writes a one-region snapshot of `repositories` into the test's directory and returns its path. */
const snapshotFile = (repositories: SnapshotRepository[]): string => writeSnapshot(tmp.path, repositories);

const run = (argv: string[]): Promise<CapturedRun> => runCaptured(argv, NOW);

describe('cli selection flags', () => {
  describe('addSelectionFlags', () => {
    it('collects every --exclude in order, with the named opt-out tag by default', () => {
      expect(parsedFlags(addSelectionFlags, [])).toEqual({ exclude: [], optOutTag: DEFAULT_OPT_OUT_TAG });
      expect(parsedFlags(addSelectionFlags, ['--exclude', 'base/*', '--exclude', 'tools', '--opt-out-tag', 'keep'])).toEqual({
        exclude: ['base/*', 'tools'],
        optOutTag: 'keep',
      });
    });
  });

  describe('addDaysFlag and addEnforcedMaxUntaggedDaysFlag', () => {
    const add = (c: Parameters<typeof addDaysFlag>[0]) => addEnforcedMaxUntaggedDaysFlag(addDaysFlag(c));

    it('take the default rule at its named age and no enforced maximum unless given', () => {
      expect(parsedFlags(add, [])).toEqual({ days: DEFAULT_UNTAGGED_DAYS });
      expect(parsedFlags(add, ['--days', '3', '--max-untagged-days', '30'])).toEqual({ days: 3, maxUntaggedDays: 30 });
    });

    it('refuses a maximum beyond the largest countNumber, naming the flag', () => {
      expect(parsedFlags(add, ['--max-untagged-days', '2147483648'])).toContain(
        "option '--max-untagged-days <n>' argument '2147483648' is invalid",
      );
    });
  });

  describe('checkMaxUntaggedDays', () => {
    it('accepts no maximum, or one at least the default rule', () => {
      expect(() => checkMaxUntaggedDays(undefined, 7)).not.toThrow();
      expect(() => checkMaxUntaggedDays(7, 7)).not.toThrow();
    });

    it('refuses a maximum the default rule itself would break', () => {
      expect(() => checkMaxUntaggedDays(5, 7)).toThrow(UsageError);
      expect(() => checkMaxUntaggedDays(5, 7)).toThrow('--max-untagged-days 5 is below --days 7: the default rule itself would break it');
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

  describe('help', () => {
    it('describes --days of audit and remediate with one text', async () => {
      // Act
      const [audit, remediate] = [await flagHelp('audit', '--days'), await flagHelp('remediate', '--days')];

      // Assert: the same text (the help pads the flag column to each command's longest flag).
      expect(audit.replace(/\s+/g, ' ')).toBe(remediate.replace(/\s+/g, ' '));
      expect(audit).toContain('expires untagged images this many days after push');
    });
  });
});
