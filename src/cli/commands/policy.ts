import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { renderTable } from '../../adapters/render/table';
import { InvalidPolicyError, MergeError } from '../../domain/errors';
import type { ImageDetail } from '../../domain/image';
import { INDEX_MEDIA_TYPES } from '../../domain/image';
import type { LifecyclePolicy, LifecyclePreview, PolicyFinding, PolicyParseResult } from '../../domain/policy';
import {
  POLICY_LIMITS,
  evaluatePolicy,
  isWarningOrWorse,
  lintPolicy,
  parsePolicy,
  parsePolicyOrThrow,
  problemCount,
  problemLines,
  remediatedPolicy,
} from '../../domain/policy';
import type { RepositoryState } from '../../domain/registry';
import { excludeMatcher, isOptedOut } from '../../domain/selection';
import { previewPolicy, previewSideBySide, type SideBySidePreview } from '../../domain/simulation';
import { readRepositoryByName } from '../../use-cases/read-repository-by-name';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import { STDIN, inputName, readJsonFile, readPolicyInput, toImageList } from '../io';
import { openLiveRegistry } from '../live-registry';
import { checkMaxUntaggedDays, parseCountNumber, parseNow, parsePositiveInt } from '../options';
import { DEFAULT_LINT_MAX_UNTAGGED_DAYS, DEFAULT_OPT_OUT_TAG, DEFAULT_UNTAGGED_DAYS } from '../../domain/defaults';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Reads and validates a policy argument (any pasted shape); throws the problems, naming the input. */
async function readValidPolicy(path: string, ctx: CliContext): Promise<{ policy: LifecyclePolicy; text: string; name: string }> {
  const { text, name } = await readPolicyInput(path, ctx);
  return { policy: parsePolicyOrThrow(text, `policy file ${name}`), text, name };
}

/** Reads an images argument: a JSON array of ImageDetail objects or `aws ecr describe-images` output. */
async function readImages(path: string, ctx: CliContext): Promise<ImageDetail[]> {
  return toImageList(await readJsonFile(path, 'images', ctx), `images file ${inputName(path)}`);
}

/** Standard input can feed one argument only. */
function checkOneStdin(...paths: Array<string | undefined>): void {
  if (paths.filter((p) => p === STDIN).length > 1)
    throw new UsageError('only one argument can be read from standard input ("-"); pass the others as files');
}

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
    ctx.out(JSON.stringify(explanations, null, 2));
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
  const registry = openLiveRegistry(opts, counter, ctx.env);
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
      ctx.out(opts.format === 'json' ? JSON.stringify(preview, null, 2) : previewTable(preview, images.length));
      return;
    }
    const state = await readLiveRepository(ctx, { ...opts, repository: opts.repository });
    if (given !== undefined) {
      if (opts.explain) return printExplanations(ctx, given.policy, state.images, opts);
      const preview = previewPolicy(state, given.policy, given.text, now);
      ctx.out(opts.format === 'json' ? JSON.stringify(preview, null, 2) : previewTable(preview, state.images.length));
      return;
    }
    const sideBySide = previewSideBySide(state, {
      now,
      days: opts.days,
      optedOut: isOptedOut(state.tags, opts.optOutTag),
      excluded: excludeMatcher(opts.exclude)(state.repositoryName),
    });
    ctx.out(opts.format === 'json' ? JSON.stringify(sideBySide, null, 2) : sideBySideTable(sideBySide, state.images));
  });
}

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
      const findings = lintPolicy(policy, { maxUntaggedDays: opts.maxUntaggedDays, ...(images ? { images } : {}) });
      const warnings = findings.filter(isWarningOrWorse).length;
      if (opts.format === 'json') ctx.out(JSON.stringify({ findings }, null, 2));
      else if (findings.length === 0) ctx.out(`${name}: no findings (${plural(policy.rules.length, 'rule')})`);
      else {
        for (const finding of findings) ctx.out(findingLine(finding));
        ctx.out(`\n${name}: ${plural(findings.length, 'finding')}, ${plural(warnings, 'warning')}`);
      }
      if (images === undefined) ctx.err('without --images, rules that match no image (RuleMatchesNothing) are not looked for');
      if (warnings > 0) ctx.exitCode = EXIT.invalid;
    });
}

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
      const result = remediatedPolicy(existing, { days: opts.days, maxUntaggedDays: opts.maxUntaggedDays });
      // The first form that fits ECR's limit with the newline that ends the output: indented (or the
      // policy as given when unchanged), else compact.
      const compact = JSON.stringify(result.policy);
      const preferred = opts.compact ? compact : result.changed ? JSON.stringify(result.policy, null, 2) : (existing as string).trimEnd();
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
