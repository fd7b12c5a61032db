import { join } from 'node:path';
import { EXIT } from '../../../../src/cli/errors';
import { type CapturedRun, runCaptured, tempDirEachTest } from '../../../support/cli-context';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const tmp = tempDirEachTest('ecr-janitor-cli-snapshot-');

const run = (argv: string[]): Promise<CapturedRun> => runCaptured(argv, NOW);

describe('cli snapshot', () => {
  describe('usage errors', () => {
    it.each([
      ['a directory', (): string => tmp.path, 'is a directory'],
      ['a file under /proc', (): string => '/proc/self/snapshot.json', '/proc is a special file system'],
      ['a file in a missing directory', (): string => join(tmp.path, 'no', 'snapshot.json'), 'does not exist; create it first'],
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
        join(tmp.path, 'out.json'),
        flag,
        value,
      ]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`unknown option '${flag}'`);
      expect(result.stdout).toBe('');
    });
  });
});
