// What people paste into the policy commands: AWS CLI output and input documents, CloudFormation
// properties, JSON-encoded strings, standard input, files with a byte-order mark; and the limits
// that keep huge or out-of-range input from doing harm.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LifecyclePolicy, LifecyclePreview } from '../../../../src/domain/policy';
import { janitorRuleDescription, parsePolicy } from '../../../../src/domain/policy';
import { NOW, image, policyOf, rule, textOf } from '../../../fixtures/policy/builders';
import { runRecorded, tempFilesEachTest } from '../../../support/cli-context';

const FIXTURES = join(__dirname, '../../../fixtures/policy/aws-cli');

/** The policy the AWS CLI fixtures hold: untagged images expire 14 days after push. */
const POLICY_TEXT = (JSON.parse(readFileSync(join(FIXTURES, 'get-lifecycle-policy.json'), 'utf8')) as { lifecyclePolicyText: string })
  .lifecyclePolicyText;

const files = tempFilesEachTest('ecr-janitor-cli-inputs-');

const file = (name: string, content: unknown): string => files.write(name, content);

const run = (argv: string[], stdin?: string) => runRecorded(argv, NOW, stdin);

const SHAPES = [
  ['aws ecr get-lifecycle-policy output', 'get-lifecycle-policy.json', '"aws ecr get-lifecycle-policy" output'],
  ['put-lifecycle-policy --cli-input-json', 'put-lifecycle-policy.cli-input.json', '--cli-input-json document'],
  ['start-lifecycle-policy-preview --cli-input-json', 'start-lifecycle-policy-preview.cli-input.json', '--cli-input-json document'],
  ['a CloudFormation LifecyclePolicy property', 'cloudformation-lifecycle-policy.json', 'CloudFormation LifecyclePolicy property'],
  ['a JSON-encoded string (Terraform state)', 'json-encoded-string.json', 'a JSON-encoded string'],
] as const;

describe('cli policy inputs', () => {
  describe('validate-policy', () => {
    it.each(SHAPES)('validates the policy inside %s and says which shape it recognised', async (_name, fixture, shape) => {
      // Arrange
      const path = join(FIXTURES, fixture);

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(code).toBe(0);
      expect(ctx.outLines).toEqual([`${path}: valid ECR lifecycle policy (1 rule)`]);
      expect(ctx.errLines).toEqual([
        expect.stringMatching(new RegExp(`^${path}: read the lifecycle policy from .*${shape.replace(/[.*"-]/g, '.')}`)),
      ]);
    });

    it('reads standard input for "-"', async () => {
      // Act
      const { code, ctx } = await run(['validate-policy', '-'], readFileSync(join(FIXTURES, 'get-lifecycle-policy.json'), 'utf8'));

      // Assert
      expect(code).toBe(0);
      expect(ctx.outLines).toEqual(['standard input: valid ECR lifecycle policy (1 rule)']);
      expect(ctx.stderr()).toContain(
        'standard input: read the lifecycle policy from the "lifecyclePolicyText" of "aws ecr get-lifecycle-policy" output',
      );
    });

    it('ignores a UTF-8 byte-order mark and says nothing about the shape of a bare policy', async () => {
      // Arrange
      const path = file('bom.json', `\uFEFF${POLICY_TEXT}\n`);

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(code).toBe(0);
      expect(ctx.errLines).toEqual([]);
    });

    it('validates the text inside the CLI output, so its problems are the policy problems', async () => {
      // Arrange: get-lifecycle-policy output holding a policy with countNumber 0
      const broken = POLICY_TEXT.replace('"countNumber":14', '"countNumber":0');
      const path = file('cli.json', { registryId: '123456789012', repositoryName: 'web', lifecyclePolicyText: broken, lastEvaluatedAt: 0 });

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`${path} is not a valid ECR lifecycle policy (1 problem)`);
      expect(ctx.stderr()).toContain('rule #1 (priority 1) selection.countNumber: must be a positive integer, got 0');
      // The shape is named once; the problems are the policy's own, not complaints about the CLI fields.
      expect(ctx.errLines.slice(1).join('\n')).not.toContain('lifecyclePolicyText');
    });

    it('exits 1 with a clear message when lifecyclePolicyText is not a string', async () => {
      // Arrange
      const path = file('object.json', { repositoryName: 'web', lifecyclePolicyText: JSON.parse(POLICY_TEXT) as unknown });

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${path}: "lifecyclePolicyText" must be a string holding the policy JSON`);
    });

    it('keeps the existing message for a document of another shape', async () => {
      // Arrange
      const path = file('other.json', { policy: JSON.parse(POLICY_TEXT) as unknown });

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain('policy policy: is not a field of a lifecycle policy');
      expect(ctx.stderr()).toContain('policy rules: is missing');
    });

    it('lists every problem in one run, cross-rule ones of rules with problems of their own included', async () => {
      // Arrange: rule 2 repeats rule 1's priority and has countNumber 0
      const path = file('policy.json', {
        rules: [
          rule(3, { tagStatus: 'tagged', tagPrefixList: ['prod'] }),
          rule(3, { tagStatus: 'tagged', tagPrefixList: ['beta'], countNumber: 0 }),
        ],
      });

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain('(2 problems)');
      expect(ctx.stderr()).toContain('rule #2 (priority 3) selection.countNumber: must be a positive integer, got 0');
      expect(ctx.stderr()).toContain('rule #2 (priority 3) rulePriority: repeats the priority of rule #1');
    });

    it('caps the list of a 50 MB file of broken rules with "and N more", with the total in the first line', async () => {
      // Arrange: 200,000 rules, each with countNumber 0 and a long description
      const description = 'd'.repeat(130);
      const rules = Array.from({ length: 200_000 }, (_, i) => ({
        rulePriority: i + 1,
        description,
        selection: { tagStatus: 'tagged', tagPatternList: [`t${i}*`], countType: 'imageCountMoreThan', countNumber: 0 },
        action: { type: 'expire' },
      }));
      const path = file('huge.json', JSON.stringify({ rules }));

      // Act
      const { code, ctx } = await run(['validate-policy', path]);

      // Assert
      expect(readFileSync(path).length).toBeGreaterThan(50_000_000);
      expect(code).toBe(1);
      const lines = ctx.errLines.join('\n').split('\n');
      expect(lines[0]).toBe(`ecr-janitor: error: ${path} is not a valid ECR lifecycle policy (200002 problems):`);
      expect(lines).toHaveLength(1 + 1000 + 1);
      expect(lines[lines.length - 1]).toBe('  - … and 199002 more problems (only the first 1000 are listed; fix these and run again)');
    });
  });

  describe('simulate', () => {
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

  describe('merge-policy', () => {
    it('merges into the policy inside a CloudFormation property and prints the bare policy', async () => {
      // Arrange: a tagged-only policy as CloudFormation holds it
      const tagged = textOf(
        policyOf(rule(1, { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 20 })),
      );
      const path = file('cfn.json', { LifecyclePolicyText: tagged });

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', path]);

      // Assert
      expect(code).toBe(0);
      const printed = JSON.parse(ctx.stdout()) as LifecyclePolicy;
      expect(printed.rules.map((r) => r.selection.tagStatus)).toEqual(['tagged', 'untagged']);
      expect(ctx.stderr()).toContain('CloudFormation LifecyclePolicy property');
    });

    it('prints compact JSON with --compact', async () => {
      // Act
      const { code, ctx } = await run(['merge-policy', '--compact']);

      // Assert
      expect(code).toBe(0);
      expect(ctx.outLines).toHaveLength(1);
      expect(ctx.stdout()).toBe(JSON.stringify(JSON.parse(ctx.stdout())));
    });

    /** A tagged-only policy whose merge is `mergedLength` characters compact (the description pads it). */
    function taggedPolicyMergingTo(mergedLength: number): string {
      const tagged = (description: string): LifecyclePolicy => ({
        rules: [
          { ...rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 5 }), description },
        ],
      });
      const withDefault = (p: LifecyclePolicy): string =>
        JSON.stringify({
          rules: [
            ...p.rules,
            {
              rulePriority: 2,
              description: janitorRuleDescription(7),
              selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
              action: { type: 'expire' },
            },
          ],
        });
      const padding = mergedLength - withDefault(tagged('')).length;
      return JSON.stringify(tagged('d'.repeat(padding)));
    }

    it('prints the compact policy, and says so, when the indented one would pass 30,720 characters', async () => {
      // Arrange: compact 30,600 characters; indented, past the limit only through the added indentation
      const path = file('long.json', taggedPolicyMergingTo(30_600));

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', path]);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout().length).toBe(30_600);
      expect(parsePolicy(ctx.stdout()).ok).toBe(true);
      expect(ctx.stderr()).toMatch(/would be \d+ characters as indented, over ECR's 30720: printed compact/);
    });

    it('fails rather than print a policy that even compact, with its final newline, passes 30,720 characters', async () => {
      // Arrange: exactly 30,720 characters compact, so 30,721 with the newline that ends the output
      const path = file('too-long.json', taggedPolicyMergingTo(30_720));

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', path]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toContain(
        "the policy would be 30721 characters with the newline that ends it, over ECR's limit of 30720 even compact",
      );
    });

    it.each(['99999999999999999999', '2147483648'])('exits 2 for --days %s, over the largest countNumber ECR accepts', async (days) => {
      // Act
      const { code, ctx } = await run(['merge-policy', '--days', days]);

      // Assert
      expect(code).toBe(2);
      expect(ctx.outLines).toEqual([]);
      expect(ctx.stderr()).toContain(`"${days}" is more than 2147483647, the largest countNumber ECR accepts (a 32-bit integer)`);
    });

    it('accepts --days 2147483647', async () => {
      // Act
      const { code, ctx } = await run(['merge-policy', '--days', '2147483647']);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stdout()).toContain('"countNumber": 2147483647');
    });

    it('shortens a longer untagged rule with --max-untagged-days and says so', async () => {
      // Arrange: the fixture policy keeps untagged images 14 days
      const path = join(FIXTURES, 'get-lifecycle-policy.json');

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', path, '--max-untagged-days', '10']);

      // Assert
      expect(code).toBe(0);
      expect((JSON.parse(ctx.stdout()) as LifecyclePolicy).rules[0]?.selection.countNumber).toBe(10);
      expect(ctx.stderr()).toContain('untagged rule 1 was shortened from 14 to 10 days');
    });

    it('exits 2 when --max-untagged-days is below --days', async () => {
      // Act
      const { code, ctx } = await run(['merge-policy', '--days', '14', '--max-untagged-days', '7']);

      // Assert
      expect(code).toBe(2);
      expect(ctx.stderr()).toContain('--max-untagged-days 7 is below --days 14');
    });
  });
});
