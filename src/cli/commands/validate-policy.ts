import { Command } from 'commander';
import { InvalidPolicyError } from '../../domain/errors';
import { parsePolicy, problemCount, problemLines, type PolicyParseResult } from '../../domain/policy';
import { plural } from '../../domain/text';
import type { CliContext } from '../context';
import { readPolicyInput } from '../io';

/** The validation's problems as an error naming the input and how many there are. */
function invalid(name: string, result: PolicyParseResult & { ok: false }): InvalidPolicyError {
  const n = problemCount(result);
  return new InvalidPolicyError(`${name} is not a valid ECR lifecycle policy (${plural(n, 'problem')})`, problemLines(result));
}

/** `validate-policy`: every problem ECR would reject the policy for. */
export function validatePolicyCommand(ctx: CliContext): Command {
  return new Command('validate-policy')
    .description('check a lifecycle policy against every rule ECR enforces, listing every problem at once')
    .argument('<file>', 'lifecycle policy file (bare, AWS CLI or CloudFormation shape, or a JSON-encoded string); - reads stdin')
    .action(async (file: string) => {
      const { text, name } = await readPolicyInput(file, ctx);
      const result = parsePolicy(text);
      if (!result.ok) throw invalid(name, result);
      ctx.out(`${name}: valid ECR lifecycle policy (${plural(result.policy.rules.length, 'rule')})`);
    });
}
