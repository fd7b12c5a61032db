import { Command, Option } from 'commander';
import { renderJson } from '../../adapters/render/json';
import { DEFAULT_LINT_MAX_UNTAGGED_DAYS } from '../../domain/defaults';
import { isWarningOrWorse, lintPolicy, type PolicyFinding } from '../../domain/policy';
import { plural } from '../../domain/text';
import type { CliContext } from '../context';
import { EXIT } from '../errors';
import { parseCountNumber } from '../flags';
import { checkOneStdin, readImages, readValidPolicy } from '../io';

/** How `lint-policy` prints a finding: `rule 3: warning TagPrefixListRequiresAll: …`. */
function findingLine(finding: PolicyFinding): string {
  return `${finding.rulePriority === undefined ? 'policy' : `rule ${finding.rulePriority}`}: ${finding.severity} ${finding.code}: ${finding.message}`;
}

/** `lint-policy`: what a valid policy will never do that its authors likely think it does. */
export function lintPolicyCommand(ctx: CliContext): Command {
  return new Command('lint-policy')
    .description(
      'find rules that never do what their authors likely think (multi-entry tag lists, rules that match nothing, long untagged retention, shadowed rules); exits 1 on any warning',
    )
    .argument('<file>', 'lifecycle policy file (bare, AWS CLI or CloudFormation shape, or a JSON-encoded string); - reads stdin')
    .option('--images <file>', 'the repository\'s images (JSON array or "aws ecr describe-images" output), for the findings that need them')
    .option(
      '--max-untagged-days <n>',
      'untagged images kept longer than this many days after push are a finding',
      parseCountNumber,
      DEFAULT_LINT_MAX_UNTAGGED_DAYS,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, opts: { images?: string; maxUntaggedDays: number; format: 'text' | 'json' }) => {
      checkOneStdin(file, opts.images);
      const { policy, name } = await readValidPolicy(file, ctx);
      const images = opts.images === undefined ? undefined : await readImages(opts.images, ctx);
      const findings = lintPolicy(policy, { lintMaxUntaggedDays: opts.maxUntaggedDays, ...(images ? { images } : {}) });
      const warnings = findings.filter(isWarningOrWorse).length;
      if (opts.format === 'json') ctx.out(renderJson({ findings }));
      else if (findings.length === 0) ctx.out(`${name}: no findings (${plural(policy.rules.length, 'rule')})`);
      else {
        for (const finding of findings) ctx.out(findingLine(finding));
        ctx.out(`\n${name}: ${plural(findings.length, 'finding')}, ${plural(warnings, 'warning')}`);
      }
      if (images === undefined) ctx.err('without --images, rules that match no image (RuleMatchesNothing) are not looked for');
      if (warnings > 0) ctx.exitCode = EXIT.invalid;
    });
}
