import { InvalidArgumentError } from 'commander';
import { EXIT } from '../../../src/cli/errors';
import { parseEndpoint, parseIntInRange, parsePricePerGbMonth } from '../../../src/cli/flags';
import { type CapturedRun, runCaptured, tempDirEachTest } from '../../support/cli-context';
import { writeSnapshot, type SnapshotRepository } from '../support/snapshot-file';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const tmp = tempDirEachTest('ecr-janitor-cli-flags-');

/** Writes a one-region snapshot of `repositories` into the test's directory and returns its path. */
const snapshotFile = (repositories: SnapshotRepository[]): string => writeSnapshot(tmp.path, repositories);

const run = (argv: string[]): Promise<CapturedRun> => runCaptured(argv, NOW);

function rejection(parse: (value: string) => unknown, value: string): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error(`"${value}" was accepted`);
}

describe('cli flags', () => {
  describe('parsePricePerGbMonth', () => {
    const price = parsePricePerGbMonth;

    it.each([
      ['0.10', 0.1],
      ['0', 0],
      ['2', 2],
      ['.5', 0.5],
      ['3.', 3],
      [' 0.023 ', 0.023],
      ['100', 100],
    ])('reads "%s" as %d', (value, expected) => {
      expect(price(value)).toBe(expected);
    });

    it.each(['0x10', '1e3', '1E-1', '-1', '+1', 'Infinity', 'NaN', '', ' ', '0.1.2', '1,5', '0b1'])(
      'refuses "%s", which is no plain decimal number',
      (value) => {
        expect(rejection(price, value)).toContain('is not a decimal number such as 0.10');
      },
    );

    it('refuses a number above the bound and says the unit', () => {
      expect(rejection(price, '100.01')).toBe('"100.01" is more than 100 USD per GB-month; is it in the right unit?');
    });

    it('refuses a number too long to be finite', () => {
      expect(rejection(price, '9'.repeat(400))).toContain('is more than 100');
    });
  });

  describe('parseIntInRange', () => {
    const concurrency = parseIntInRange(1, 64, 'the reason');

    it.each([
      ['1', 1],
      ['64', 64],
      ['08', 8],
    ])('reads "%s" as %d', (value, expected) => {
      expect(concurrency(value)).toBe(expected);
    });

    it.each(['0', '65', '-1', '1.5', '0x10', '1e1', '', 'eight', '99999999999999999999'])(
      'refuses "%s" and states the range and why',
      (value) => {
        expect(rejection(concurrency, value)).toBe(`"${value}" is not a whole number from 1 to 64 (the reason)`);
      },
    );
  });

  describe('parseEndpoint', () => {
    it.each(['http://127.0.0.1:5000', 'https://ecr.eu-west-1.amazonaws.com', 'http://localhost:4566/'])('accepts %s', (value) => {
      expect(parseEndpoint(value)).toBe(value);
    });

    it.each(['localhost:5000', '127.0.0.1:5000', 'ftp://127.0.0.1', 'file:///tmp/x', 'http://', 'not a url', ''])(
      'refuses "%s" with an example',
      (value) => {
        expect(rejection(parseEndpoint, value)).toBe(`"${value}" is not an http(s) URL; write e.g. http://127.0.0.1:5000`);
      },
    );
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

    it('describes --days of audit and remediate with one text', async () => {
      // Act
      const [audit, remediate] = [await flagHelp('audit', '--days'), await flagHelp('remediate', '--days')];

      // Assert: the same text (the help pads the flag column to each command's longest flag).
      expect(audit.replace(/\s+/g, ' ')).toBe(remediate.replace(/\s+/g, ' '));
      expect(audit).toContain('expires untagged images this many days after push');
    });
  });
});
