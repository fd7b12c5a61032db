import { Command } from 'commander';
import { MergeError } from '../../domain/errors';
import { DEFAULT_UNTAGGED_DAYS } from '../../domain/defaults';
import { POLICY_LIMITS, remediatedPolicy } from '../../domain/policy';
import type { CliContext } from '../context';
import { checkMaxUntaggedDays, parseCountNumber } from '../flags';
import { readPolicyInput } from '../io';
import { escapeControls, safeJson } from '../../domain/text';

/** True when `text` and the newline that ends the output fit ECR's length limit. */
function fitsWithNewline(text: string): boolean {
  return text.length + 1 <= POLICY_LIMITS.maxLength;
}

/** `merge-policy`: the policy with the janitor's untagged-image rule merged in. */
export function mergePolicyCommand(ctx: CliContext): Command {
  return new Command('merge-policy')
    .description('print a policy with the default untagged-image rule merged in (without --policy: the default policy alone)')
    .option(
      '--policy <file>',
      'existing lifecycle policy file (bare, AWS CLI or CloudFormation shape, or a JSON-encoded string); - reads stdin',
    )
    .option('--days <n>', 'expire untagged images this many days after push', parseCountNumber, DEFAULT_UNTAGGED_DAYS)
    .option('--max-untagged-days <n>', 'also shorten an untagged rule that waits longer than this many days', parseCountNumber)
    .option(
      '--compact',
      `print compact JSON (it is printed anyway when the indented text would pass ECR's ${POLICY_LIMITS.maxLength} characters)`,
      false,
    )
    .action(async (opts: { policy?: string; days: number; maxUntaggedDays?: number; compact: boolean }) => {
      checkMaxUntaggedDays(opts.maxUntaggedDays, opts.days);
      const existing = opts.policy === undefined ? undefined : (await readPolicyInput(opts.policy, ctx)).text;
      const result = remediatedPolicy(existing, { days: opts.days, enforcedMaxUntaggedDays: opts.maxUntaggedDays });
      // The first form that fits ECR's limit with the newline that ends the output: indented (or the
      // policy as given when unchanged), else compact.
      // Control characters and bidirectional marks in descriptions are printed as JSON escapes, which
      // ECR reads back to the same text.
      const compact = safeJson(result.policy);
      const preferred = opts.compact
        ? compact
        : result.changed
          ? safeJson(result.policy, 2)
          : escapeControls((existing as string).trimEnd());
      const printed = [preferred, compact].find(fitsWithNewline);
      if (printed === undefined) {
        throw new MergeError(
          `the policy would be ${compact.length + 1} characters with the newline that ends it, over ECR's limit of ${POLICY_LIMITS.maxLength} even compact; shorten descriptions or remove rules`,
        );
      }
      if (printed !== preferred)
        ctx.err(
          `the policy would be ${preferred.length} characters as ${result.changed ? 'indented' : 'given'}, over ECR's ${POLICY_LIMITS.maxLength}: printed compact`,
        );
      ctx.out(printed);
      if (!result.changed) ctx.err(`the policy already expires untagged images${result.note ? ` (${result.note})` : ''}; it is unchanged`);
      if (result.renumbered) ctx.err('rule priorities were renumbered (order kept) so the "any" rule stays last');
      if (result.shortened)
        ctx.err(
          `untagged rule ${result.shortened.rulePriority} was shortened from ${result.shortened.fromDays} to ${result.shortened.toDays} days`,
        );
    });
}
