import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EXIT } from '../../../src/cli/errors';
import { ERROR_PREFIX, runCli, usageHint } from '../../../src/cli/program';
import { recordingContext, runRecorded } from '../../support/cli-context';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

async function run(argv: string[]): Promise<{ code: number; errLines: string[]; stdout: string }> {
  const ctx = recordingContext(NOW);
  const code = await runCli(argv, ctx);
  return { code, errLines: ctx.errLines, stdout: ctx.stdout() };
}

const missingSnapshot = join(tmpdir(), 'ecr-janitor-no-such-dir', 'snapshot.json');

describe('cli program', () => {
  describe('runCli', () => {
    it.each<{ name: string; argv: string[]; message: string; command?: string }>([
      {
        name: "commander's unknown option",
        argv: ['audit', '--no-such-flag'],
        message: "unknown option '--no-such-flag'",
        command: 'audit',
      },
      { name: "commander's unknown command", argv: ['prune'], message: "unknown command 'prune'" },
      {
        name: "commander's invalid flag value",
        argv: ['audit', '--concurrency', '0'],
        message: `option '--concurrency <n>' argument '0' is invalid. "0" is not a whole number from 1 to 64`,
        command: 'audit',
      },
      {
        name: "commander's missing required flag",
        argv: ['snapshot', '--region', 'us-east-1'],
        message: "required option '--out <file>' not specified",
        command: 'snapshot',
      },
      {
        name: "the project's own usage error",
        argv: ['remediate', '--apply', '--snapshot', missingSnapshot],
        message: '--apply cannot be used with --snapshot',
        command: 'remediate',
      },
      {
        name: 'an endpoint that is not an http(s) URL',
        argv: ['audit', '--region', 'us-east-1', '--endpoint', 'localhost:5000'],
        message: `option '--endpoint <url>' argument 'localhost:5000' is invalid. "localhost:5000" is not an http(s) URL`,
        command: 'audit',
      },
    ])('prints $name in the one style, then where to read the usage, and exits 2', async ({ argv, message, command }) => {
      // Act
      const result = await run(argv);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.errLines).toHaveLength(2);
      expect(result.errLines[0]).toMatch(new RegExp(`^${ERROR_PREFIX}[^\\n]*`));
      expect(result.errLines[0]).toContain(message);
      expect(result.errLines[0]).not.toContain('error: error:');
      expect(result.errLines[1]).toBe(usageHint(command));
      expect(result.stdout).toBe('');
    });

    it('prints invalid input in the same style, without the usage hint, and exits 1', async () => {
      // Act
      const result = await run(['audit', '--snapshot', missingSnapshot]);

      // Assert
      expect(result.code).toBe(EXIT.invalid);
      expect(result.errLines).toEqual([`${ERROR_PREFIX}snapshot file ${missingSnapshot} does not exist; check the path`]);
    });
  });

  describe('usageHint', () => {
    it('names the command whose help to read, or the CLI', () => {
      expect([usageHint('audit'), usageHint()]).toEqual([
        '(run "ecr-janitor audit --help" for usage)',
        '(run "ecr-janitor --help" for usage)',
      ]);
    });
  });

  describe('help, version and usage errors', () => {
    it.each([
      ['--help', ['--help'], /Usage: ecr-janitor/],
      ['simulate --help', ['simulate', '--help'], /Usage: ecr-janitor simulate/],
      ['help merge-policy', ['help', 'merge-policy'], /Usage: ecr-janitor merge-policy/],
      ['the help command alone', ['help'], /Usage: ecr-janitor/],
    ])('exits 0 and prints usage on stdout for %s', async (_name, argv, usage) => {
      // Act
      const { code, ctx } = await runRecorded(argv, NOW);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout()).toMatch(usage);
    });

    it('exits 0 and prints the version for --version', async () => {
      // Act
      const { code, ctx } = await runRecorded(['--version'], NOW);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout()).toMatch(/^\d+\.\d+\.\d+$/);
    });

    it.each([
      ['an unknown command', ['tidy-up']],
      ['an unknown top-level flag', ['--colour']],
      ['no command at all', []],
    ])('exits 2 for %s', async (_name, argv) => {
      // Act
      const { code, ctx } = await runRecorded(argv, NOW);

      // Assert
      expect(code).toBe(2);
      expect(ctx.stderr().length).toBeGreaterThan(0);
    });
  });
});
