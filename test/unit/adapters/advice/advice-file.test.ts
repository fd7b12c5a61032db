import { parseAdviceFile } from '../../../../src/adapters/advice/advice-file';
import type { AdviceFile } from '../../../../src/domain/advice';
import { InvalidInputError } from '../../../../src/domain/errors';
import { advised, entryOf } from '../../support/advice';

/** The advice file as `advise --format json` writes it: plain JSON. */
async function written(): Promise<AdviceFile> {
  const { file } = await advised();
  return JSON.parse(JSON.stringify(file)) as AdviceFile;
}

describe('advice/advice-file', () => {
  describe('parseAdviceFile', () => {
    it('reads the file advise writes', async () => {
      const { file } = await advised();
      expect(parseAdviceFile(JSON.parse(JSON.stringify(file)), 'advice.json')).toEqual(file);
    });

    it.each([
      ['null', null, 'undefined'],
      ['an array', [], 'undefined'],
      ['a text', 'ecr-janitor-advice/1', 'undefined'],
      ['an object without a format', { repositories: [] }, 'undefined'],
      ['another version of the format', { format: 'ecr-janitor-advice/2' }, '"ecr-janitor-advice/2"'],
      ['a snapshot file', { format: 'ecr-janitor-snapshot/1' }, '"ecr-janitor-snapshot/1"'],
    ])('refuses %s as not an advice file, saying what its format is', (_name, doc, format) => {
      expect(() => parseAdviceFile(doc, 'in.json')).toThrow(
        `advice file in.json is not of format ecr-janitor-advice/1 (its format is ${format}); write it with "ecr-janitor advise --format json"`,
      );
    });

    it('names the field that is wrong and the fix', async () => {
      // Arrange
      const file = await written();
      const doc = { ...file, repositories: [{ ...entryOf(file, 'api'), accountId: '1234' }] };

      // Act / Assert
      expect(() => parseAdviceFile(doc, 'advice.json')).toThrow(
        'advice file advice.json: repositories.0.accountId must be a 12-digit AWS account id; write it again with "ecr-janitor advise --format json"',
      );
    });

    it.each<[string, (file: AdviceFile) => unknown]>([
      ['totals', ({ totals: _totals, ...rest }) => rest],
      ['settings.keepPulledDays', (file) => ({ ...file, settings: { ...file.settings, keepPulledDays: '90' } })],
      [
        'repositories.1.advice',
        (file) => ({ ...file, repositories: [entryOf(file, 'api'), { ...entryOf(file, 'web'), advice: 'maybe' }] }),
      ],
      [
        'repositories.0.removedNow.images',
        (file) => ({ ...file, repositories: [{ ...entryOf(file, 'web'), removedNow: { images: -1, bytes: 0 } }] }),
      ],
      ['errors.0.code', (file) => ({ ...file, errors: [{ region: 'eu-west-1', message: 'AccessDenied' }] })],
    ])('refuses a file whose %s is missing or of the wrong kind, naming it', async (where, edit) => {
      // Arrange
      const doc = edit(await written());

      // Act / Assert
      expect(() => parseAdviceFile(doc, 'advice.json')).toThrow(InvalidInputError);
      expect(() => parseAdviceFile(doc, 'advice.json')).toThrow(`advice file advice.json: ${where} `);
    });

    it('refuses a repository that is in the file twice', async () => {
      // Arrange
      const file = await written();
      const doc = { ...file, repositories: [entryOf(file, 'web'), entryOf(file, 'api'), entryOf(file, 'web')] };

      // Act / Assert
      expect(() => parseAdviceFile(doc, 'advice.json')).toThrow(
        'advice file advice.json: repositories[2] (111122223333/eu-west-1/web) is in the file twice',
      );
    });

    it('accepts the same repository name in two regions', async () => {
      // Arrange
      const file = await written();
      const doc = { ...file, repositories: [entryOf(file, 'web'), { ...entryOf(file, 'web'), region: 'us-east-1' }] };

      // Act / Assert
      expect(parseAdviceFile(doc, 'advice.json').repositories.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    });

    it('refuses advice of a policy without the policy', async () => {
      // Arrange
      const file = await written();
      const doc = { ...file, repositories: [{ ...entryOf(file, 'api'), advice: 'policy', recommendedPolicyText: null }] };

      // Act / Assert
      expect(() => parseAdviceFile(doc, 'advice.json')).toThrow(
        'advice file advice.json: repositories[0] (111122223333/eu-west-1/api) advises a policy but has no recommendedPolicyText',
      );
    });

    it('refuses a file that recommends a policy ECR would refuse, whole', async () => {
      // Arrange
      const file = await written();
      const broken = { ...file, repositories: [{ ...entryOf(file, 'web'), recommendedPolicyText: '{"rules":[]}' }] };

      // Act / Assert
      expect(() => parseAdviceFile(broken, 'advice.json')).toThrow(InvalidInputError);
      expect(() => parseAdviceFile(broken, 'advice.json')).toThrow(
        /repositories\[0\] \(111122223333\/eu-west-1\/web\) recommends a policy ECR would refuse/,
      );
    });

    it("lists each of ECR's objections to a recommended policy, one a line", async () => {
      // Arrange: a rule ECR refuses twice over (no tag list for tagged images, and a count of 0)
      const file = await written();
      const policy = {
        rules: [
          {
            rulePriority: 1,
            description: 'a rule written by hand into the advice file',
            selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 0 },
            action: { type: 'expire' },
          },
        ],
      };
      const doc = { ...file, repositories: [{ ...entryOf(file, 'web'), recommendedPolicyText: JSON.stringify(policy) }] };

      // Act
      const error: unknown = (() => {
        try {
          parseAdviceFile(doc, 'advice.json');
          return undefined;
        } catch (e) {
          return e;
        }
      })();

      // Assert
      expect(error).toBeInstanceOf(InvalidInputError);
      const lines = (error as Error).message.split('\n');
      expect(lines[0]).toBe('advice file advice.json: repositories[0] (111122223333/eu-west-1/web) recommends a policy ECR would refuse:');
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}- \S/);
    });
  });
});
