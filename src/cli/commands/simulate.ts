import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { renderJson } from '../../adapters/render/json';
import { renderTable } from '../../adapters/render/table';
import { DEFAULT_OPT_OUT_TAG, DEFAULT_UNTAGGED_DAYS } from '../../domain/defaults';
import type { ImageDetail } from '../../domain/image';
import { INDEX_MEDIA_TYPES } from '../../domain/image';
import type { LifecyclePolicy, LifecyclePreview } from '../../domain/policy';
import { evaluatePolicy } from '../../domain/policy';
import type { RepositoryState } from '../../domain/registry';
import { excludeMatcher, isOptedOut } from '../../domain/selection';
import { previewPolicy, previewSideBySide, type SideBySidePreview } from '../../domain/simulation';
import { plural } from '../../domain/text';
import { readRepositoryByName } from '../../use-cases/read-repository-by-name';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { collect, parseCountNumber, parseNow, parsePositiveInt } from '../flags';
import { checkOneStdin, readImages, readValidPolicy } from '../io';
import { openLiveRegistry } from '../sources';

/** Warns when index manifests are missing: their children would look like ordinary untagged images. */
function warnUnreadIndexes(ctx: CliContext, images: readonly ImageDetail[]): void {
  const unreadIndexes = images.filter(
    (i) => i.imageManifest === undefined && i.imageManifestMediaType !== undefined && INDEX_MEDIA_TYPES.has(i.imageManifestMediaType),
  ).length;
  if (unreadIndexes > 0) {
    // Without the index's manifest its children look like ordinary untagged images, which ECR protects.
    ctx.err(
      `warning: ${unreadIndexes} image index${unreadIndexes === 1 ? '' : 'es'} without "imageManifest": their children cannot be recognised and may be shown as expired, which ECR would not do. Add each index's manifest (aws ecr batch-get-image) or audit the repository with "ecr-janitor audit".`,
    );
  }
}

/** `expired 2, archived 0, kept 5 (of 7)`-style line of a preview. */
function summaryLine(preview: LifecyclePreview, total: number): string {
  const transitioning = preview.summary.transitioningImageTotalCounts[0]?.imageTotalCount ?? 0;
  return `${preview.summary.expiringImageTotalCount} to expire, ${transitioning} to archive, ${total - preview.previewResults.length} kept (of ${total})`;
}

/** The preview as a table with its summary line. */
function previewTable(preview: LifecyclePreview, total: number): string {
  const rows = preview.previewResults.map((r) => [
    r.imageDigest.slice(0, 19),
    r.imageTags.join(',') || '<untagged>',
    r.imagePushedAt ?? '',
    r.storageClass,
    r.action.type,
    String(r.appliedRulePriority),
  ]);
  return `${renderTable(['digest', 'tags', 'pushed', 'class', 'action', 'rule'], rows)}\n\n${summaryLine(preview, total)}`;
}

/** The side-by-side preview as one table: every image either policy acts on, with each policy's action. */
function sideBySideTable(preview: SideBySidePreview, images: readonly ImageDetail[]): string {
  const acted = (p: LifecyclePreview): Map<string, string> =>
    new Map(p.previewResults.map((r) => [r.imageDigest, `${r.action.type} (rule ${r.appliedRulePriority})`]));
  const own = acted(preview.own);
  const effective = acted(preview.effective);
  const rows = images
    .filter((i) => own.has(i.imageDigest) || effective.has(i.imageDigest))
    .map((i) => [
      i.imageDigest.slice(0, 19),
      (i.imageTags ?? []).join(',') || '<untagged>',
      i.imageStatus === 'ARCHIVED' ? 'ARCHIVE' : 'STANDARD',
      own.get(i.imageDigest) ?? 'kept',
      effective.get(i.imageDigest) ?? 'kept',
    ]);
  const ownLabel = preview.own.lifecyclePolicyText === null ? 'no policy' : `own policy (${preview.own.policyStatus})`;
  const effectiveLabel = preview.effective.changed ? 'effective policy (the janitor would change it)' : 'effective policy (unchanged)';
  return [
    `${preview.repositoryName} in ${preview.region} at ${preview.now}: ${images.length} images`,
    '',
    renderTable(['digest', 'tags', 'class', 'own', 'effective'], rows),
    '',
    `${ownLabel}: ${summaryLine(preview.own, images.length)}`,
    `${effectiveLabel}: ${summaryLine(preview.effective, images.length)}`,
    ...(preview.effective.note === undefined ? [] : [`note: ${preview.effective.note}`]),
  ].join('\n');
}

/** Flags of `simulate`. */
interface SimulateFlags {
  policy?: string;
  images?: string;
  repository?: string;
  region?: string;
  endpoint?: string;
  maxAttempts?: number;
  days: number;
  optOutTag: string;
  exclude: string[];
  now?: number;
  format: 'json' | 'table';
  explain: boolean;
}

/** Checks the flag combinations of `simulate`: images from a file or a repository, and what goes with each. */
function checkSimulateFlags(opts: SimulateFlags, command: Command): void {
  if ((opts.images === undefined) === (opts.repository === undefined))
    throw new UsageError('simulate needs the images from one place: --images FILE or --repository NAME');
  if (opts.images !== undefined) {
    if (opts.policy === undefined)
      throw new UsageError('simulate --images needs --policy FILE (or read a repository live with --repository NAME)');
    const live = ['region', 'endpoint', 'maxAttempts', 'days', 'optOutTag', 'exclude'].filter(
      (flag) => command.getOptionValueSource(flag) === 'cli',
    );
    if (live.length > 0)
      throw new UsageError(
        `--${live.map((f) => f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(', --')} only apply with --repository NAME`,
      );
  }
  if (opts.explain && opts.policy === undefined)
    throw new UsageError('--explain needs one policy: pass --policy FILE (without it, --repository previews two policies side by side)');
  checkOneStdin(opts.policy, opts.images);
}

/** Prints each image with the rules that match it and why it is acted on or kept. */
function printExplanations(ctx: CliContext, policy: LifecyclePolicy, images: readonly ImageDetail[], opts: SimulateFlags): void {
  const evaluation = evaluatePolicy(policy, images, { now: opts.now ?? ctx.now() });
  const explanations = images.map((_, i) => evaluation.explain(i));
  if (opts.format === 'json') {
    ctx.out(renderJson(explanations));
    return;
  }
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
}

/** Reads the repository live and reports what was read on stderr. */
async function readLiveRepository(ctx: CliContext, opts: SimulateFlags & { repository: string }): Promise<RepositoryState> {
  const counter = new CallCounter();
  const registry = openLiveRegistry(opts, { counter, env: ctx.env });
  const state = await readRepositoryByName(registry, opts.repository);
  ctx.err(
    `read ${plural(state.images.length, 'image')} of ${state.repositoryName} in ${state.region} (${plural(counter.snapshot().calls.total ?? 0, 'API call')})`,
  );
  return state;
}

/** `simulate`: what a policy would do to a list of images, or to a repository read live, at a given time. */
export function simulateCommand(ctx: CliContext): Command {
  const command = new Command('simulate')
    .description(
      "show which images a lifecycle policy expires or archives, shaped like ECR's GetLifecyclePolicyPreview; with --repository the images are read live, and without --policy the repository's own and the janitor's effective policy are shown side by side",
    )
    .option('--policy <file>', 'lifecycle policy file (bare, AWS CLI or CloudFormation shape, or a JSON-encoded string); - reads stdin')
    .option('--images <file>', 'JSON array of ImageDetail objects, or the output of "aws ecr describe-images"; - reads stdin')
    .option('--repository <name>', 'read the images (status ANY) and their manifests from this ECR repository instead of --images')
    .option('--region <region>', 'with --repository: its AWS region (default: AWS_REGION)')
    .option('--endpoint <url>', 'with --repository: ECR endpoint URL, e.g. a local emulator')
    .option('--max-attempts <n>', 'with --repository: attempts per AWS call, retries of throttling included', parsePositiveInt)
    .option(
      '--days <n>',
      'with --repository and no --policy: age in days of the default untagged rule',
      parseCountNumber,
      DEFAULT_UNTAGGED_DAYS,
    )
    .option(
      '--opt-out-tag <key>',
      'with --repository and no --policy: repositories tagged KEY=true keep their own policy',
      DEFAULT_OPT_OUT_TAG,
    )
    .option(
      '--exclude <glob>',
      'with --repository and no --policy: repository-name glob the janitor never changes (repeatable)',
      collect,
      [],
    )
    .option('--now <iso-8601>', 'evaluate at this time (default: now)', parseNow)
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .option('--explain', 'list every image with the rules that match it and why it is acted on or kept', false);
  return command.action(async (opts: SimulateFlags) => {
    checkSimulateFlags(opts, command);
    const now = opts.now ?? ctx.now();
    const given = opts.policy === undefined ? undefined : await readValidPolicy(opts.policy, ctx);
    if (opts.repository === undefined) {
      const images = await readImages(opts.images as string, ctx);
      warnUnreadIndexes(ctx, images);
      // checkSimulateFlags made --policy required with --images.
      const policy = given?.policy as LifecyclePolicy;
      if (opts.explain) return printExplanations(ctx, policy, images, opts);
      const preview = evaluatePolicy(policy, images, { now }).preview();
      ctx.out(opts.format === 'json' ? renderJson(preview) : previewTable(preview, images.length));
      return;
    }
    const state = await readLiveRepository(ctx, { ...opts, repository: opts.repository });
    if (given !== undefined) {
      if (opts.explain) return printExplanations(ctx, given.policy, state.images, opts);
      const preview = previewPolicy(state, given.policy, given.text, now);
      ctx.out(opts.format === 'json' ? renderJson(preview) : previewTable(preview, state.images.length));
      return;
    }
    const sideBySide = previewSideBySide(state, {
      now,
      days: opts.days,
      optedOut: isOptedOut(state.tags, opts.optOutTag),
      excluded: excludeMatcher(opts.exclude)(state.repositoryName),
    });
    ctx.out(opts.format === 'json' ? renderJson(sideBySide) : sideBySideTable(sideBySide, state.images));
  });
}
