import { join } from 'node:path';
import type { LifecyclePolicy } from '../../../../src/domain/policy';
import { janitorRuleDescription, parsePolicy } from '../../../../src/domain/policy';
import { policyOf, rule, textOf } from '../../../fixtures/policy/builders';
import { expectEscapedJson, HOSTILE } from '../../../support/hostile-text';
import { AWS_CLI_FIXTURES as FIXTURES, PROD_AND_UNTAGGED_POLICY as policy, policyCommandHarness } from '../../support/policy-commands';

const { files, file, run } = policyCommandHarness('ecr-janitor-cli-merge-');

describe('cli merge-policy', () => {
  describe('default rule', () => {
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
      const missing = join(files.dir, 'nope.json');

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

  describe('inputs and limits', () => {
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

  describe('control and bidirectional characters', () => {
    const tagged = { ...rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'] }), description: HOSTILE };

    it.each([
      ['merged and indented', []],
      ['merged and compact', ['--compact']],
    ])('prints a description holding them as JSON escapes that parse back to it (%s)', async (_, flags) => {
      // Arrange
      const path = file('hostile.json', policyOf(tagged));

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', path, ...flags]);

      // Assert
      expect(code).toBe(0);
      const printed = JSON.parse(ctx.stdout()) as LifecyclePolicy;
      expectEscapedJson(ctx.stdout(), printed);
      expect(printed.rules[0]?.description).toBe(HOSTILE);
      expect(printed.rules).toHaveLength(2);
    });

    it('prints a policy that needs no rule escaped too, and parsing to the policy given', async () => {
      // Arrange: an untagged rule already in place, so the policy is printed as given
      const given = policyOf(tagged, {
        ...rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 }),
      });
      const path = file('unchanged.json', given);

      // Act
      const { code, ctx } = await run(['merge-policy', '--policy', path]);

      // Assert
      expect(code).toBe(0);
      expect(ctx.stderr()).toContain('it is unchanged');
      expectEscapedJson(ctx.stdout(), given);
    });
  });
});
