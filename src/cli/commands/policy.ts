import { Command, Option } from 'commander';
import { InvalidPolicyError } from '../../domain/errors';
import { INDEX_MEDIA_TYPES } from '../../domain/image';
import {
  evaluatePolicy,
  formatProblem,
  mergeDefaultRule,
  parsePolicy,
  parsePolicyOrThrow,
  DEFAULT_UNTAGGED_DAYS,
} from '../../domain/policy';
import { renderTable } from '../../adapters/render/table';
import { readJsonFile, readTextFile, toImageList } from '../io';
import { parseNow, parsePositiveInt } from '../options';
import type { CliContext } from '../context';

/** `simulate`: what a policy would do to a list of images at a given time. */
export function simulateCommand(ctx: CliContext): Command {
  return new Command('simulate')
    .description("show which images a lifecycle policy expires or archives, shaped like ECR's GetLifecyclePolicyPreview")
    .requiredOption('--policy <file>', 'lifecycle policy JSON file')
    .requiredOption('--images <file>', 'JSON array of ImageDetail objects, or the output of "aws ecr describe-images"')
    .option('--now <iso-8601>', 'evaluate at this time (default: now)', parseNow)
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .option('--explain', 'list every image with the rules that match it and why it is acted on or kept', false)
    .action(async (opts: { policy: string; images: string; now?: number; format: 'json' | 'table'; explain: boolean }) => {
      const policy = parsePolicyOrThrow(await readTextFile(opts.policy, 'policy'), `policy file ${opts.policy}`);
      const images = toImageList(await readJsonFile(opts.images, 'images'), `images file ${opts.images}`);
      const unreadIndexes = images.filter(
        (i) => i.imageManifest === undefined && i.imageManifestMediaType !== undefined && INDEX_MEDIA_TYPES.has(i.imageManifestMediaType),
      ).length;
      if (unreadIndexes > 0) {
        // Without the index's manifest its children look like ordinary untagged images, which ECR protects.
        ctx.err(
          `warning: ${unreadIndexes} image index${unreadIndexes === 1 ? '' : 'es'} without "imageManifest": their children cannot be recognised and may be shown as expired, which ECR would not do. Add each index's manifest (aws ecr batch-get-image) or audit the repository with "ecr-janitor audit".`,
        );
      }
      const evaluation = evaluatePolicy(policy, images, { now: opts.now ?? ctx.now() });
      if (opts.explain) {
        const explanations = images.map((_, i) => evaluation.explain(i));
        if (opts.format === 'json') ctx.out(JSON.stringify(explanations, null, 2));
        else
          ctx.out(
            renderTable(
              ['digest', 'tags', 'class', 'matched rules', 'outcome'],
              explanations.map((e) => [
                e.imageDigest.slice(0, 19),
                e.imageTags.join(',') || '<untagged>',
                e.storageClass,
                e.matchedRulePriorities.join(',') || '-',
                e.reason,
              ]),
            ),
          );
        return;
      }
      const preview = evaluation.preview();
      if (opts.format === 'json') {
        ctx.out(JSON.stringify(preview, null, 2));
        return;
      }
      const rows = preview.previewResults.map((r) => [
        r.imageDigest.slice(0, 19),
        r.imageTags.join(',') || '<untagged>',
        r.imagePushedAt ?? '',
        r.action.type,
        String(r.appliedRulePriority),
      ]);
      ctx.out(renderTable(['digest', 'tags', 'pushed', 'action', 'rule'], rows));
      const transitioning = preview.summary.transitioningImageTotalCounts[0]?.imageTotalCount ?? 0;
      ctx.out(
        `\n${preview.summary.expiringImageTotalCount} to expire, ${transitioning} to archive, ${images.length - preview.previewResults.length} kept (of ${images.length})`,
      );
    });
}

/** `validate-policy`: every problem ECR would reject the policy for. */
export function validatePolicyCommand(ctx: CliContext): Command {
  return new Command('validate-policy')
    .description('check a lifecycle policy against every rule ECR enforces')
    .argument('<file>', 'lifecycle policy JSON file')
    .action(async (file: string) => {
      const result = parsePolicy(await readTextFile(file, 'policy'));
      if (!result.ok)
        throw new InvalidPolicyError(
          `${file} is not a valid ECR lifecycle policy (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'})`,
          result.problems.map(formatProblem),
        );
      ctx.out(`${file}: valid ECR lifecycle policy (${result.policy.rules.length} rule${result.policy.rules.length === 1 ? '' : 's'})`);
    });
}

/** `merge-policy`: the policy with the janitor's untagged-image rule merged in. */
export function mergePolicyCommand(ctx: CliContext): Command {
  return new Command('merge-policy')
    .description('print a policy with the default untagged-image rule merged in (without --policy: the default policy alone)')
    .option('--policy <file>', 'existing lifecycle policy JSON file')
    .option('--days <n>', 'expire untagged images this many days after push', parsePositiveInt, DEFAULT_UNTAGGED_DAYS)
    .action(async (opts: { policy?: string; days: number }) => {
      const existing = opts.policy === undefined ? undefined : await readTextFile(opts.policy, 'policy');
      const result = mergeDefaultRule(existing, opts.days);
      ctx.out(result.changed ? JSON.stringify(result.policy, null, 2) : result.text.trimEnd());
      if (!result.changed) ctx.err('the policy already expires untagged images; it is unchanged');
      else if (result.renumbered) ctx.err('rule priorities were renumbered (order kept) so the "any" rule stays last');
    });
}
