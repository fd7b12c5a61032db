/** What the tests of the policy commands (simulate, validate-policy, merge-policy) share. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOW, policyOf, rule } from '../../fixtures/policy/builders';
import { runRecorded, tempFilesEachTest } from '../../support/cli-context';

/** The AWS CLI documents that hold one lifecycle policy, each in the shape of one command. */
export const AWS_CLI_FIXTURES = join(__dirname, '../../fixtures/policy/aws-cli');

/** The policy the AWS CLI fixtures hold: untagged images expire 14 days after push. */
export const AWS_CLI_POLICY_TEXT = (
  JSON.parse(readFileSync(join(AWS_CLI_FIXTURES, 'get-lifecycle-policy.json'), 'utf8')) as { lifecyclePolicyText: string }
).lifecyclePolicyText;

/** Untagged images expire 7 days after push; prod images beyond the newest one expire. */
export const PROD_AND_UNTAGGED_POLICY = policyOf(
  rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 }),
  rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
);

/**
 * A temporary directory for each test (`files`), a function that writes a file there and returns
 * its path, and `run`: the CLI in-process at the policy fixtures' NOW, with `stdin` for `-`.
 *
 * @example const { file, run } = policyCommandHarness('ecr-janitor-cli-simulate-');
 */
export function policyCommandHarness(prefix: string) {
  const files = tempFilesEachTest(prefix);
  return {
    files,
    file: (name: string, content: unknown): string => files.write(name, content),
    run: (argv: string[], stdin?: string) => runRecorded(argv, NOW, stdin),
  };
}
