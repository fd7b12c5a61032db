import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rule } from '../../../fixtures/policy/builders';
import {
  AWS_CLI_FIXTURES as FIXTURES,
  AWS_CLI_POLICY_TEXT as POLICY_TEXT,
  PROD_AND_UNTAGGED_POLICY as policy,
  policyCommandHarness,
} from '../../support/policy-commands';

const { files, file, run } = policyCommandHarness('ecr-janitor-cli-validate-');

const SHAPES = [
  ['aws ecr get-lifecycle-policy output', 'get-lifecycle-policy.json', '"aws ecr get-lifecycle-policy" output'],
  ['put-lifecycle-policy --cli-input-json', 'put-lifecycle-policy.cli-input.json', '--cli-input-json document'],
  ['start-lifecycle-policy-preview --cli-input-json', 'start-lifecycle-policy-preview.cli-input.json', '--cli-input-json document'],
  ['a CloudFormation LifecyclePolicy property', 'cloudformation-lifecycle-policy.json', 'CloudFormation LifecyclePolicy property'],
  ['a JSON-encoded string (Terraform state)', 'json-encoded-string.json', 'a JSON-encoded string'],
] as const;

describe('cli validate-policy', () => {
  describe('exit codes', () => {
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
      const missing = join(files.dir, 'absent.json');

      // Act
      const { code, ctx } = await run(['validate-policy', missing]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${missing} does not exist`);
    });

    it('exits 1 naming the file when it is a directory', async () => {
      // Act
      const { code, ctx } = await run(['validate-policy', files.dir]);

      // Assert
      expect(code).toBe(1);
      expect(ctx.stderr()).toContain(`policy file ${files.dir} is a directory, not a file`);
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

  describe('inputs', () => {
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
});
