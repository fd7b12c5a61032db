import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/program';
import type { LifecyclePreview } from '../../../../src/domain/policy';
import { janitorRuleDescription, parsePolicy } from '../../../../src/domain/policy';
import { NOW, daysAgo, digestOf, image, policyOf, rule, textOf } from '../../../fixtures/policy/builders';
import { recordingContext, type RecordingContext } from '../../../support/cli-context';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-cli-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file into the test's temp directory and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Untagged images expire 7 days after push; prod images beyond the newest one expire. */
const policy = policyOf(
  rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 }),
  rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
);

const images = [
  image('prod-old', ['prod-1'], 20),
  image('prod-new', ['prod-2'], 2),
  image('untagged-old', [], 10),
  image('untagged-new', [], 3),
];

async function run(argv: string[], ctx = recordingContext(NOW)): Promise<{ code: number; ctx: RecordingContext }> {
  const code = await runCli(argv, ctx);
  return { code, ctx };
}

describe('cli policy commands', () => {
  describe('simulate', () => {
    it('prints the preview as JSON by default, shaped like GetLifecyclePolicyPreview', async () => {
      // Arrange
      const args = ['simulate', '--policy', file('policy.json', policy), '--images', file('images.json', images)];

      // Act
      const { code, ctx } = await run(args);

      // Assert
      expect(code).toBe(0);
      expect(JSON.parse(ctx.stdout())).toEqual({
        previewResults: [
          {
            imageDigest: digestOf('prod-old'),
            imageTags: ['prod-1'],
            imagePushedAt: daysAgo(20),
            action: { type: 'EXPIRE' },
            appliedRulePriority: 1,
            storageClass: 'STANDARD',
          },
          {
            imageDigest: digestOf('untagged-old'),
            imageTags: [],
            imagePushedAt: daysAgo(10),
            action: { type: 'EXPIRE' },
            appliedRulePriority: 2,
            storageClass: 'STANDARD',
          },
        ],
        summary: { expiringImageTotalCount: 2, transitioningImageTotalCounts: [] },
      });
      expect(ctx.errLines).toEqual([]);
    });

    it('accepts the output of "aws ecr describe-images" ({"imageDetails":[…]})', async () => {
      // Arrange
      const args = ['simulate', '--policy', file('policy.json', policy), '--images', file('describe.json', { imageDetails: images })];

      // Act
      const { code, ctx } = await run(args);

      // Assert
      expect(code).toBe(0);
      expect((JSON.parse(ctx.stdout()) as LifecyclePreview).previewResults.map((r) => r.imageDigest)).toEqual([
        digestOf('prod-old'),
        digestOf('untagged-old'),
      ]);
    });

    it.each([
      ['--now=2026-01-25T00:00:00Z', '2026-01-25T00:00:00Z', []],
      ['--now with an offset', '2026-02-05T02:00:00+02:00', [digestOf('untagged-old'), digestOf('untagged-new')]],
    ])('evaluates at the time given by %s instead of the clock', async (_name, now, untaggedExpired) => {
      // Arrange
      const args = ['simulate', '--policy', file('policy.json', policy), '--images', file('images.json', images), '--now', now];

      // Act
      const { code, ctx } = await run(args);

      // Assert
      expect(code).toBe(0);
      const preview = JSON.parse(ctx.stdout()) as LifecyclePreview;
      expect(preview.previewResults.filter((r) => r.appliedRulePriority === 2).map((r) => r.imageDigest)).toEqual(untaggedExpired);
    });

    it('renders a table with a summary line when --format table', async () => {
      // Arrange
      const args = ['simulate', '--policy', file('policy.json', policy), '--images', file('images.json', images), '--format', 'table'];

      // Act
      const { code, ctx } = await run(args);

      // Assert
      expect(code).toBe(0);
      const lines = ctx.stdout().split('\n');
      expect(lines[0]).toMatch(/^digest\s+tags\s+pushed\s+class\s+action\s+rule$/);
      expect(lines[1]).toMatch(/^-+( +-+){5}$/);
      expect(lines[2]).toContain(digestOf('prod-old').slice(0, 19));
      expect(lines[2]).toMatch(/prod-1\s+\S+\s+STANDARD\s+EXPIRE\s+1$/);
      expect(lines[3]).toMatch(/<untagged>\s+\S+\s+STANDARD\s+EXPIRE\s+2$/);
      expect(ctx.stdout()).toContain('2 to expire, 0 to archive, 2 kept (of 4)');
    });

    it('exits 1 and lists the policy problems, naming the file, when the policy is invalid', async () => {
      // Arrange
      const policyPath = file('bad-policy.json', {
        rules: [rule(1, { tagStatus: 'tagged' }), rule(2, { tagStatus: 'any', countNumber: 0 })],
      });

      // Act
      const { code, ctx } = await run(['simulate', '--policy', policyPath, '--images', file('images.json', images)]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toContain(`policy file ${policyPath} is not a valid ECR lifecycle policy`);
      expect(ctx.stderr()).toContain('rule #1 (priority 1) selection:');
      expect(ctx.stderr()).toContain('rule #2 (priority 2) selection.countNumber:');
    });

    it.each([
      ['policy', 'does not exist'],
      ['images', 'does not exist'],
    ])('exits 1 with a message naming the missing %s file', async (which, reason) => {
      // Arrange
      const missing = join(dir, `no-such-${which}.json`);
      const policyPath = which === 'policy' ? missing : file('policy.json', policy);
      const imagesPath = which === 'images' ? missing : file('images.json', images);

      // Act
      const { code, ctx } = await run(['simulate', '--policy', policyPath, '--images', imagesPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`${which} file ${missing} ${reason}; check the path`);
    });

    it('exits 1 naming the images file when it is malformed JSON', async () => {
      // Arrange
      const imagesPath = file('images.json', '[{"imageDigest": "sha256:1"');

      // Act
      const { code, ctx } = await run(['simulate', '--policy', file('policy.json', policy), '--images', imagesPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`images file ${imagesPath} is not valid JSON`);
    });

    it('exits 1 naming the policy file when it is malformed JSON', async () => {
      // Arrange
      const policyPath = file('policy.json', `${textOf(policy)}}`);

      // Act
      const { code, ctx } = await run(['simulate', '--policy', policyPath, '--images', file('images.json', images)]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${policyPath} is not a valid ECR lifecycle policy`);
      expect(ctx.stderr()).toContain('is not valid JSON');
    });

    it.each([
      ['an object without imageDetails', { images: [] }, /must hold a JSON array of images/],
      ['an image without a digest', [{ imageTags: ['x'] }], /image #1 has no "imageDigest"/],
      [
        'tags that are not strings',
        [{ imageDigest: 'sha256:1', imageTags: [1] }],
        /image #1 has "imageTags" that is not a list of strings/,
      ],
    ])('exits 1 when the images file holds %s', async (_name, content, message) => {
      // Arrange
      const imagesPath = file('images.json', content);

      // Act
      const { code, ctx } = await run(['simulate', '--policy', file('policy.json', policy), '--images', imagesPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toMatch(message);
      expect(ctx.stderr()).toContain(imagesPath);
    });

    it.each([
      ['an unknown flag', ['--verbose']],
      ['a --now that is not a time', ['--now', 'yesterday']],
      ['an unknown format', ['--format', 'yaml']],
    ])('exits 2 with a usage message for %s', async (_name, extra) => {
      // Arrange
      const args = ['simulate', '--policy', file('policy.json', policy), '--images', file('images.json', images), ...extra];

      // Act
      const { code, ctx } = await run(args);

      // Assert
      expect(code).toBe(2);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toMatch(/error:/);
    });

    it('exits 2 when a required option is missing', async () => {
      // Act
      const { code, ctx } = await run(['simulate', '--policy', file('policy.json', policy)]);

      // Assert
      expect(code).toBe(2);
      expect(ctx.stderr()).toContain('--images');
    });

    it('names the expected time format when --now is bad', async () => {
      // Act
      const { ctx } = await run([
        'simulate',
        '--policy',
        file('policy.json', policy),
        '--images',
        file('images.json', images),
        '--now',
        '31/01/2026',
      ]);

      // Assert
      expect(ctx.stderr()).toContain('"31/01/2026" is not an ISO-8601 time; write e.g. 2026-01-31T00:00:00Z');
    });
  });

  describe('validate-policy', () => {
    it('exits 0 and says the policy is valid', async () => {
      // Arrange
      const policyPath = file('policy.json', policy);

      // Act
      const { code, ctx } = await run(['validate-policy', policyPath]);

      // Assert
      expect(code).toBe(0);
      expect(ctx.outLines).toEqual([`${policyPath}: valid ECR lifecycle policy (2 rules)`]);
      expect(ctx.errLines).toEqual([]);
    });

    it('exits 1 and writes every problem to stderr', async () => {
      // Arrange: three problems in three places
      const policyPath = file('policy.json', {
        rules: [
          rule(1, { tagStatus: 'tagged', tagPatternList: ['a*b*c*d*e*'] }),
          { ...rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7 }) },
          rule(3, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }),
        ],
      });

      // Act
      const { code, ctx } = await run(['validate-policy', policyPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.outLines).toEqual([]);
      const stderr = ctx.stderr();
      expect(stderr).toContain(`${policyPath} is not a valid ECR lifecycle policy (3 problems)`);
      expect(stderr).toContain('rule #1 (priority 1) selection.tagPatternList[0]:');
      expect(stderr).toContain('rule #2 (priority 2) selection.countUnit:');
      expect(stderr).toContain('rule #3 (priority 3) selection.countType:');
    });

    it('exits 1 naming the file when it does not exist', async () => {
      // Arrange
      const missing = join(dir, 'absent.json');

      // Act
      const { code, ctx } = await run(['validate-policy', missing]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${missing} does not exist`);
    });

    it('exits 1 naming the file when it is a directory', async () => {
      // Act
      const { code, ctx } = await run(['validate-policy', dir]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${dir} is a directory, not a file`);
    });

    it('exits 1 naming the file when it is malformed JSON', async () => {
      // Arrange
      const policyPath = file('policy.json', '{"rules": [');

      // Act
      const { code, ctx } = await run(['validate-policy', policyPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`${policyPath} is not a valid ECR lifecycle policy`);
      expect(ctx.stderr()).toContain('policy (text): is not valid JSON');
    });

    it('exits 2 when the file argument is missing', async () => {
      // Act
      const { code, ctx } = await run(['validate-policy']);

      // Assert
      expect(code).toBe(2);
      expect(ctx.stderr()).toMatch(/missing required argument/);
    });
  });

  describe('merge-policy', () => {
    it('prints the default policy alone when no --policy is given', async () => {
      // Act
      const { code, ctx } = await run(['merge-policy']);

      // Assert
      expect(code).toBe(0);
      const printed = JSON.parse(ctx.stdout()) as { rules: unknown[] };
      expect(printed).toEqual({
        rules: [
          {
            rulePriority: 1,
            description: janitorRuleDescription(7),
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
            action: { type: 'expire' },
          },
        ],
      });
      expect(parsePolicy(ctx.stdout()).ok).toBe(true);
    });

    it('uses --days for the new rule', async () => {
      // Act
      const { code, ctx } = await run(['merge-policy', '--days', '30']);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout()).toContain('"countNumber": 30');
      expect(ctx.stdout()).toContain(janitorRuleDescription(30));
    });

    it('merges the rule into an existing policy given with --policy', async () => {
      // Arrange
      const tagged = rule(4, { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 20 });
      const policyPath = file('policy.json', policyOf(tagged));

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', policyPath, '--days', '14']);

      // Assert
      expect(code).toBe(0);
      const printed = JSON.parse(ctx.stdout()) as { rules: Array<{ rulePriority: number }> };
      expect(printed.rules[0]).toEqual(tagged);
      expect(printed.rules[1]).toMatchObject({ rulePriority: 5, selection: { tagStatus: 'untagged', countNumber: 14 } });
      expect(ctx.errLines).toEqual([]);
    });

    it('prints the policy text unchanged and says so on stderr when it already expires untagged images', async () => {
      // Arrange
      const text = `${JSON.stringify(policy, null, 4)}\n`;
      const policyPath = file('policy.json', text);

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', policyPath]);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout()).toBe(text.trimEnd());
      expect(ctx.errLines).toEqual(['the policy already expires untagged images; it is unchanged']);
    });

    it('says on stderr when priorities were renumbered', async () => {
      // Arrange
      const policyPath = file(
        'policy.json',
        policyOf(
          rule(
            1,
            { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
            { type: 'transition', targetStorageClass: 'archive' },
          ),
        ),
      );

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', policyPath]);

      // Assert
      expect(code).toBe(0);
      expect((JSON.parse(ctx.stdout()) as { rules: Array<{ rulePriority: number }> }).rules.map((r) => r.rulePriority)).toEqual([1, 2]);
      expect(ctx.stderr()).toMatch(/renumbered/);
    });

    it('exits 1 with the merge problem when the policy cannot take the rule', async () => {
      // Arrange
      const policyPath = file('policy.json', {
        rules: Array.from({ length: 50 }, (_, i) => rule(i + 1, { tagStatus: 'tagged', tagPrefixList: [`t${i}`] })),
      });

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', policyPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toMatch(/already has 50 rules/);
    });

    it('exits 1 naming the file when --policy does not exist', async () => {
      // Arrange
      const missing = join(dir, 'nope.json');

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', missing]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${missing} does not exist`);
    });

    it('exits 1 when the existing policy is malformed JSON', async () => {
      // Arrange
      const policyPath = file('policy.json', 'rules: []');

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', policyPath]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toMatch(/the existing lifecycle policy is not valid[\s\S]*is not valid JSON/);
    });

    it.each(['0', '-3', '1.5', 'seven'])('exits 2 when --days is %p', async (days) => {
      // Act
      const { code, ctx } = await run(['merge-policy', '--days', days]);

      // Assert
      expect(code).toBe(2);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toContain('is not a positive whole number');
    });
  });

  describe('program', () => {
    it.each([
      ['--help', ['--help'], /Usage: ecr-janitor/],
      ['simulate --help', ['simulate', '--help'], /Usage: ecr-janitor simulate/],
      ['help merge-policy', ['help', 'merge-policy'], /Usage: ecr-janitor merge-policy/],
      ['the help command alone', ['help'], /Usage: ecr-janitor/],
    ])('exits 0 and prints usage on stdout for %s', async (_name, argv, usage) => {
      // Act
      const { code, ctx } = await run(argv);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout()).toMatch(usage);
    });

    it('exits 0 and prints the version for --version', async () => {
      // Act
      const { code, ctx } = await run(['--version']);

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
      const { code, ctx } = await run(argv);

      // Assert
      expect(code).toBe(2);
      expect(ctx.stderr().length).toBeGreaterThan(0);
    });
  });
});
