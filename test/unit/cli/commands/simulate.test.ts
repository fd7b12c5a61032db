import { join } from 'node:path';
import type { ImageExplanation, LifecyclePreview } from '../../../../src/domain/policy';
import { NOW, daysAgo, digestOf, image, rule, textOf } from '../../../fixtures/policy/builders';
import { runCaptured, runRecorded } from '../../../support/cli-context';
import {
  AWS_CLI_FIXTURES as FIXTURES,
  AWS_CLI_POLICY_TEXT as POLICY_TEXT,
  PROD_AND_UNTAGGED_POLICY as policy,
  policyCommandHarness,
} from '../../support/policy-commands';

const { files, file, run } = policyCommandHarness('ecr-janitor-cli-simulate-');

const images = [
  image('prod-old', ['prod-1'], 20),
  image('prod-new', ['prod-2'], 2),
  image('untagged-old', [], 10),
  image('untagged-new', [], 3),
];

const EXPLAIN_NOW = '2026-02-01T00:00:00Z';
const EXPLAIN_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep one prod',
      selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'untagged go after a week',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
};
const EXPLAIN_IMAGES = [
  { imageDigest: 'sha256:a', imageTags: ['prod-1'], imagePushedAt: '2026-01-01T00:00:00Z' },
  { imageDigest: 'sha256:b', imageTags: ['prod-2'], imagePushedAt: '2026-01-02T00:00:00Z' },
  { imageDigest: 'sha256:c', imagePushedAt: '2026-01-30T00:00:00Z' },
  { imageDigest: 'sha256:d', imageTags: ['dev'], imagePushedAt: '2026-01-03T00:00:00Z' },
];

/** `simulate --explain`-style run of EXPLAIN_POLICY over `images` at EXPLAIN_NOW, with more flags. */
async function simulate(images: unknown, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, ctx } = await runRecorded(
    ['simulate', '--policy', file('policy.json', EXPLAIN_POLICY), '--images', file('images.json', images), '--now', EXPLAIN_NOW, ...flags],
    Date.parse(EXPLAIN_NOW),
  );
  return { code, stdout: ctx.stdout(), stderr: ctx.stderr() };
}

describe('cli simulate', () => {
  describe('images and policy files', () => {
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
      const missing = join(files.dir, `no-such-${which}.json`);
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

  describe('inputs and flag combinations', () => {
    const images = [image('old', [], 30), image('new', [], 1)];

    it('evaluates the policy inside aws ecr get-lifecycle-policy output', async () => {
      // Act
      const { code, ctx } = await run([
        'simulate',
        '--policy',
        join(FIXTURES, 'get-lifecycle-policy.json'),
        '--images',
        file('i.json', images),
      ]);

      // Assert
      expect(code).toBe(0);
      expect((JSON.parse(ctx.stdout()) as LifecyclePreview).summary.expiringImageTotalCount).toBe(1);
      expect(ctx.stderr()).toContain('"aws ecr get-lifecycle-policy" output');
    });

    it('reads the images from standard input for --images -', async () => {
      // Act
      const { code, ctx } = await run(
        ['simulate', '--policy', file('p.json', POLICY_TEXT), '--images', '-'],
        JSON.stringify({ imageDetails: images }),
      );

      // Assert
      expect(code).toBe(0);
      expect((JSON.parse(ctx.stdout()) as LifecyclePreview).previewResults).toHaveLength(1);
    });

    it.each([
      ['both --images and --repository', ['--policy', 'p.json', '--images', 'i.json', '--repository', 'web'], 'one place'],
      ['neither --images nor --repository', ['--policy', 'p.json'], '--images FILE or --repository NAME'],
      ['--images without --policy', ['--images', 'i.json'], 'needs --policy'],
      [
        '--region without --repository',
        ['--policy', 'p.json', '--images', 'i.json', '--region', 'eu-west-1'],
        '--region only apply with --repository',
      ],
      ['--days without --repository', ['--policy', 'p.json', '--images', 'i.json', '--days', '3'], '--days only apply with --repository'],
      ['--explain without a policy', ['--repository', 'web', '--explain'], '--explain needs one policy'],
      ['standard input twice', ['--policy', '-', '--images', '-'], 'only one argument can be read from standard input'],
    ])('exits 2 for %s', async (_name, flags, message) => {
      // Act
      const { code, ctx } = await run(['simulate', ...flags]);

      // Assert
      expect(code).toBe(2);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toContain(message);
    });

    it.each([
      ['a region that is not one', ['--region', 'mars-1'], '"mars-1" is not an AWS region name'],
      ['an endpoint that is not a URL', ['--region', 'us-east-1', '--endpoint', 'localhost 5000'], '"localhost 5000" is not a URL'],
    ])('exits 2 before any call for --repository with %s', async (_name, flags, message) => {
      // Act
      const { code, ctx } = await run(['simulate', '--repository', 'web', ...flags]);

      // Assert
      expect(code).toBe(2);
      expect(ctx.stderr()).toContain(message);
    });
  });

  describe('--repository region', () => {
    it.each([
      ['no region anywhere', {}, 'no region: pass --region us-east-1 or set AWS_REGION'],
      ['AWS_REGION of the environment, when it is no region name', { AWS_REGION: 'mars-1' }, '"mars-1" is not an AWS region name'],
      ['AWS_DEFAULT_REGION when AWS_REGION is not set', { AWS_DEFAULT_REGION: 'moon-2' }, '"moon-2" is not an AWS region name'],
    ])('reads the region from the environment of its context: %s', async (_case, env, message) => {
      // Act
      const { code, stderr } = await runCaptured(['simulate', '--repository', 'web'], NOW, { env });

      // Assert
      expect(code).toBe(2);
      expect(stderr).toContain(message);
    });
  });

  describe('--explain', () => {
    it('explains every image in input order: matched rules, the acting rule, or why it is kept', async () => {
      const run = await simulate(EXPLAIN_IMAGES, '--explain');

      expect(run.code).toBe(0);
      const explained = JSON.parse(run.stdout) as ImageExplanation[];
      expect(explained.map((e) => e.imageDigest)).toEqual(['sha256:a', 'sha256:b', 'sha256:c', 'sha256:d']);
      expect(explained[0]).toMatchObject({ matchedRulePriorities: [1], appliedRulePriority: 1, action: { type: 'EXPIRE' } });
      expect(explained[1]).toMatchObject({ matchedRulePriorities: [1], keepReason: 'within-count' });
      expect(explained[2]).toMatchObject({ matchedRulePriorities: [2], keepReason: 'not-old-enough' });
      expect(explained[3]).toMatchObject({ matchedRulePriorities: [], keepReason: 'no-rule-matched' });
    });

    it('prints a table with one line per image and its reason', async () => {
      const run = await simulate(EXPLAIN_IMAGES, '--explain', '--format', 'table');

      const lines = run.stdout.split('\n');
      expect(lines).toHaveLength(2 + EXPLAIN_IMAGES.length);
      expect(lines.find((l) => l.startsWith('sha256:a'))).toContain('expired by rule 1');
      expect(lines.find((l) => l.startsWith('sha256:d'))).toContain('kept: no rule selects');
    });
  });

  describe('image indexes without manifests', () => {
    it('warns on stderr that their children cannot be recognised, and still answers', async () => {
      const index = {
        imageDigest: 'sha256:i',
        imageTags: ['multi'],
        imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
        imagePushedAt: '2026-01-01T00:00:00Z',
      };
      const run = await simulate([...EXPLAIN_IMAGES, index]);

      expect(run.code).toBe(0);
      expect(run.stderr).toContain('1 image index without "imageManifest"');
      expect(JSON.parse(run.stdout)).toHaveProperty('previewResults');
    });

    it('does not warn when every index carries its manifest', async () => {
      const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
      const index = {
        imageDigest: 'sha256:i',
        imageTags: ['multi'],
        imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
        imageManifest: manifest,
        imagePushedAt: '2026-01-01T00:00:00Z',
      };
      const run = await simulate([...EXPLAIN_IMAGES, index]);

      expect(run.stderr).toBe('');
    });
  });
});
