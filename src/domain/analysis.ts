import { archivableBytesOf, isActive, withArchiveRule } from './archive';
import type { ImageGraph } from './graph';
import { closeDoomed, naiveBytesOf, reclaimableBytesOf, storedBytesOf } from './graph';
import type { InUseFailure } from './in-use';
import type { AtRiskImage } from './in-use-guard';
import { describeAtRisk, guardContextOf, inUseAtRisk, referrersAtRiskOf } from './in-use-guard';
import type { LifecyclePolicy } from './policy';
import { evaluatePolicy, lintPolicy, untaggedRetentionDays } from './policy';
import type { RepositoryState } from './registry';
import type { PolicyAssessment } from './remediation';
import { assessPolicy } from './remediation';
import type { PolicyStatus, RepositoryReport } from './report';
import type { ReportWarningCode } from './report-problems';
import { monthlyUsd } from './report';
import { DAY_MS } from './time';
import { DEFAULT_ARCHIVE_AFTER_DAYS } from './defaults';

/** Settings of an analysis. */
export interface AnalysisOptions {
  /** Evaluation time, epoch milliseconds. */
  now: number;
  /** Age in days of the default untagged-image rule. @default 7 */
  days: number;
  /** USD per GB-month. @default 0.10 */
  pricePerGbMonth: number;
  /** The repository is opted out by tag. */
  optedOut: boolean;
  /** The repository matches an exclude glob. */
  excluded: boolean;
  /** Days without a pull after which an image counts as archivable. @default 90 */
  archiveAfterDays?: number;
  /** The values of the cost-allocation tag keys, carried into the report row. @default {} */
  costAllocationTags?: Record<string, string>;
  /** The lint's limit: untagged images kept longer than this many days after push get a finding. @default 30 */
  lintMaxUntaggedDays: number;
  /**
   * When set, remediation shortens longer untagged age rules to this many days, and the effective
   * policy is counted with that change. @default undefined (off)
   */
  enforcedMaxUntaggedDays?: number;
  /** The repository's policy as already assessed with `days` and `enforcedMaxUntaggedDays` (a weekly shard hands it on to remediation). @default assessed here */
  assessment?: PolicyAssessment;
  /** What is known of the images in use; absent when no in-use source was read (the guard then has nothing to say). */
  inUse?: AnalysisInUse;
}

/** The in-use knowledge an analysis judges the repository with. */
export interface AnalysisInUse {
  /** The repository's referenced digests, each with its consumers. */
  referenced: ReadonlyMap<string, readonly string[]>;
  /** Sources of the repository's region that could not be read: every image then counts as in use. */
  unknown: readonly InUseFailure[];
  /** Days ahead the policies are evaluated. */
  horizonDays: number;
  /** False: writes are never held (`--guard off`), only reported. */
  guard: boolean;
}

/** A problem with the repository's policy, for the report's `warnings`. */
export interface AnalysisWarning {
  code: ReportWarningCode;
  message: string;
}

/** Outcome of {@link analyseRepository}: the report row and the problems to record. */
export interface Analysis {
  report: RepositoryReport;
  /**
   * Why the effective policy could not be built (an invalid stored policy, a merge conflict), and
   * what makes the sizes approximate (manifests missing, index children missing, image sizes below
   * their layers); empty when there is nothing to say.
   */
  warnings: AnalysisWarning[];
  /** The in-use images at risk, for the report's list; `held` when the guard holds the write because of them. */
  atRisk?: Array<AtRiskImage & { policy: 'with-default-rule' | 'own'; held: boolean }>;
}

/** `n` and the noun, singular or plural: `1 image`, `2 images`. */
function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * What makes a repository's sizes approximate, each as one warning that counts the images and
 * names the first: images whose stored bytes fall back to their reported size, children an index
 * lists but the repository lacks, and images whose reported size is below their own layers.
 *
 * @example sizeWarnings(buildImageGraph(images)) // [{ code: 'ManifestMissing', message: '2 images have no readable manifest …' }]
 */
export function sizeWarnings(graph: ImageGraph): AnalysisWarning[] {
  const warnings: AnalysisWarning[] = [];
  const fallbacks = graph.sizeFallbacks;
  if (fallbacks.length > 0) {
    let bytes = 0;
    for (const digest of fallbacks) bytes += graph.nodes.get(digest)?.image.imageSizeInBytes ?? 0;
    warnings.push({
      code: 'ManifestMissing',
      message:
        `${counted(fallbacks.length, 'image')} (e.g. ${fallbacks[0]}) ${fallbacks.length === 1 ? 'has' : 'have'} no readable manifest (missing, or neither an image manifest nor an index): ` +
        `their stored bytes fall back to their imageSizeInBytes (${bytes} bytes in all), so layers they share are counted once per image and index children or signatures among them are not recognised. ` +
        'Capture the manifests again (BatchGetImage) for exact figures.',
    });
  }
  if (graph.missingChildren.size > 0) {
    let children = 0;
    for (const list of graph.missingChildren.values()) children += list.length;
    const [index, missing] = [...graph.missingChildren][0] as [string, string[]];
    warnings.push({
      code: 'IndexChildMissing',
      message:
        `${counted(graph.missingChildren.size, 'image index', 'image indexes')} (e.g. ${index}) ${graph.missingChildren.size === 1 ? 'lists' : 'list'} ${counted(children, 'child manifest')} that the repository does not hold (e.g. ${missing[0]}): ` +
        'their layers are not in the stored bytes.',
    });
  }
  const below: Array<{ digest: string; size: number; layers: number }> = [];
  for (const [digest, node] of graph.nodes) {
    const size = node.image.imageSizeInBytes;
    const layers = node.manifest?.kind === 'manifest' ? node.manifest.layerBytes : undefined;
    if (size !== undefined && layers !== undefined && size < layers) below.push({ digest, size, layers });
  }
  const first = below[0];
  if (first !== undefined) {
    warnings.push({
      code: 'ImageSizeBelowBlobs',
      message:
        `${counted(below.length, 'image')} (e.g. ${first.digest}: ${first.size} < ${first.layers} bytes) ${below.length === 1 ? 'reports' : 'report'} an imageSizeInBytes smaller than the layers of ${below.length === 1 ? 'its' : 'their'} own manifest, as the moto emulator does (ECR reports at least the layers): ` +
        'naiveBytes understates; stored bytes come from the manifests.',
    });
  }
  return warnings;
}

/** A repository's own policy and the janitor's effective one, as {@link effectivePolicyOf} decides them. */
export interface EffectivePolicy {
  status: PolicyStatus;
  /** The repository's own policy, when it has a valid one. */
  own?: LifecyclePolicy;
  /** What the janitor leaves or makes of it; undefined when there is nothing valid to evaluate. */
  effective?: LifecyclePolicy;
  warning?: AnalysisWarning;
}

/**
 * The repository's own policy and its effective policy, read off its assessment: its own when the
 * janitor leaves it alone (opted out, excluded, invalid) or it needs nothing, else the change the
 * assessment found (the default rule merged in and, with an enforced maximum, a longer untagged age
 * rule shortened). Warns about an invalid stored policy always, but about a policy the janitor
 * cannot change only when it would change it.
 *
 * @example effectivePolicyOf(assessPolicy(state.lifecyclePolicyText, { days: 7 }), { optedOut: false, excluded: false }).effective
 */
export function effectivePolicyOf(assessment: PolicyAssessment, options: Pick<AnalysisOptions, 'optedOut' | 'excluded'>): EffectivePolicy {
  const { status, policy: own, invalid, change } = assessment;
  const result: EffectivePolicy = { status, ...(own ? { own, effective: own } : {}) };
  if (invalid !== undefined) return { ...result, warning: { code: 'InvalidStoredPolicy', message: invalid } };
  if (options.optedOut || options.excluded) return result;
  if (change.kind === 'merge') return { ...result, effective: change.policy };
  if (change.kind === 'unmergeable') return { ...result, warning: { code: 'PolicyNotMergeable', message: change.reason } };
  return result;
}

/**
 * Audits one repository: classifies its images, computes de-duplicated storage, and what its
 * effective policy (see {@link effectivePolicyOf}) removes at `now`, with index children and
 * referrers that go with the removed images. It also counts the referrers at risk: untagged
 * signatures, SBOMs and attestations the effective policy expires while their subject stays, and
 * lints the repository's own policy against its images.
 *
 * With `inUse`, it also judges the images in use (see in-use-guard.ts): those the policy the janitor would
 * leave removes by `now + horizonDays` are counted (`inUseAtRisk`); when the janitor's change would
 * remove one — or any image at all while a source of the region is unknown — the guard holds the
 * write (`heldInUse`, warning `InUseImageAtRisk`) and the repository's own policy stays the effective
 * one. In-use images that the repository's own policy removes get the warning `InUseImageExpiring`.
 */
export function analyseRepository(state: RepositoryState, options: AnalysisOptions): Analysis {
  const assessment =
    options.assessment ??
    assessPolicy(state.lifecyclePolicyText, {
      days: options.days,
      ...(options.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: options.enforcedMaxUntaggedDays }),
    });
  const { status, own, effective: planned, warning } = effectivePolicyOf(assessment, options);
  const warnings: AnalysisWarning[] = warning === undefined ? [] : [warning];
  // What the janitor would write: its change to the repository's own policy, when it changes it.
  const merged = planned !== undefined && planned !== own ? planned : undefined;
  let effective = planned;

  const context = guardContextOf(state.images, options.inUse?.referenced ?? new Map(), options.inUse?.unknown ?? []);
  const { graph } = context;
  warnings.push(...sizeWarnings(graph));
  // The guard: what the policy the janitor would leave removes of the images in use, by the end of the horizon.
  let atRisk: Analysis['atRisk'];
  let held = false;
  let inUseAtRiskCount = 0;
  if (options.inUse !== undefined) {
    const { guard, horizonDays } = options.inUse;
    const at = options.now + horizonDays * DAY_MS;
    const known = { ...context, unknown: [] };
    atRisk = [];
    if (merged !== undefined) {
      const mergedAtRisk = inUseAtRisk(merged, known, at);
      // A region whose workloads could not be read: every image the write would remove may be in use.
      const unknownAtRisk = context.unknown.length > 0 ? inUseAtRisk(merged, context, at) : [];
      held = guard && (mergedAtRisk.length > 0 || unknownAtRisk.length > 0);
      inUseAtRiskCount = mergedAtRisk.length;
      atRisk.push(...mergedAtRisk.map((image) => ({ ...image, policy: 'with-default-rule' as const, held })));
      if (mergedAtRisk.length > 0 || unknownAtRisk.length > 0) {
        const what =
          mergedAtRisk.length > 0
            ? `the default rule would remove ${mergedAtRisk.length} image${mergedAtRisk.length === 1 ? '' : 's'} in use within ${horizonDays} days: ${describeAtRisk(mergedAtRisk)}`
            : `what the region's workloads use is unknown (${context.unknown.map((f) => `${f.source}: ${f.code}`).join(', ')}), and the default rule would remove ${unknownAtRisk.length} image${unknownAtRisk.length === 1 ? '' : 's'} within ${horizonDays} days`;
        warnings.push({
          code: 'InUseImageAtRisk',
          message: guard
            ? `not remediated: ${what}. Tag or redeploy what is in use (or exclude the repository); the next run decides again`
            : `the in-use guard is off, so remediation writes the policy anyway: ${what}`,
        });
      }
    }
    if (own !== undefined) {
      const ownAtRisk = inUseAtRisk(own, known, at);
      if (merged === undefined) {
        inUseAtRiskCount = ownAtRisk.length;
        atRisk.push(...ownAtRisk.map((image) => ({ ...image, policy: 'own' as const, held: false })));
      }
      if (ownAtRisk.length > 0) {
        warnings.push({
          code: 'InUseImageExpiring',
          message: `the repository's own lifecycle policy removes ${ownAtRisk.length} image${ownAtRisk.length === 1 ? '' : 's'} in use within ${horizonDays} days: ${describeAtRisk(ownAtRisk)}. Tag or redeploy what is in use, or change the rule`,
        });
      }
    }
  }
  // A held repository keeps its own policy: that is what removes images, and what reclaimable means.
  if (held) effective = own;

  const expired: string[] = [];
  // The suggested archive rule goes last, so it changes nothing the policy's own rules do: one
  // evaluation tells both what the policy removes and what a transition would move.
  // A repository the janitor leaves without a policy (opted out, excluded) can still be told how to archive.
  const base = effective ?? (state.lifecyclePolicyText === null ? { rules: [] } : undefined);
  const plan = base === undefined ? undefined : withArchiveRule(base, options.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS);
  const transitioned: Array<{ digest: string; suggested: boolean }> = [];
  const evaluated = plan?.policy ?? effective;
  if (evaluated) {
    const evaluation = evaluatePolicy(evaluated, state.images, { now: options.now });
    for (const i of evaluation.actedIndexes) {
      const image = state.images[i] as { imageDigest: string };
      const action = evaluation.actionOf(i);
      if (action === 'expire') expired.push(image.imageDigest);
      else if (action === 'transition' && isActive(state.images[i] as (typeof state.images)[number]))
        transitioned.push({ digest: image.imageDigest, suggested: evaluation.appliedRulePriorityOf(i) === plan?.rule.rulePriority });
    }
  }
  const doomed = closeDoomed(graph, expired);
  const moving = new Set(transitioned.filter((t) => !doomed.has(t.digest)).map((t) => t.digest));
  const archivableBytes = archivableBytesOf(graph, moving, doomed);
  // Suggested only where it moves bytes that the policy's own transition rules (if any) do not.
  const ownOnly = new Set(transitioned.filter((t) => !t.suggested && moving.has(t.digest)).map((t) => t.digest));
  const archiveRuleSuggestion = plan !== undefined && archivableBytes > archivableBytesOf(graph, ownOnly, doomed) ? plan.ruleText : null;
  // A referrer is at risk when the policy takes it for an ordinary untagged image while its
  // subject stays (a referrer whose subject goes, or is already gone, is removed by ECR anyway).
  const referrersAtRisk = referrersAtRiskOf(graph, expired, doomed);
  let untaggedImages = 0;
  let indexChildren = 0;
  let referrers = 0;
  let archivedImages = 0;
  for (const node of graph.nodes.values()) {
    if (node.kind === 'orphan') untaggedImages++;
    else if (node.kind === 'index-child') indexChildren++;
    else if (node.kind === 'referrer') referrers++;
    if (node.archived) archivedImages++;
  }
  const storedBytes = storedBytesOf(graph);
  const reclaimableBytes = reclaimableBytesOf(graph, doomed);
  const report: RepositoryReport = {
    accountId: state.accountId,
    region: state.region,
    repositoryName: state.repositoryName,
    policyStatus: status,
    optedOut: options.optedOut,
    excluded: options.excluded,
    images: state.images.length,
    untaggedImages,
    indexChildren,
    referrers,
    referrersAtRisk,
    archivedImages,
    doomedImages: doomed.size,
    storedBytes,
    naiveBytes: naiveBytesOf(state.images),
    reclaimableBytes,
    monthlyCostUsd: monthlyUsd(storedBytes, options.pricePerGbMonth),
    monthlySavingsUsd: monthlyUsd(reclaimableBytes, options.pricePerGbMonth),
    archivableBytes,
    archiveRuleSuggestion,
    costAllocationTags: options.costAllocationTags ?? {},
    findings: own ? lintPolicy(own, { images: state.images, lintMaxUntaggedDays: options.lintMaxUntaggedDays }) : [],
    untaggedRetentionDays: own ? untaggedRetentionDays(own) : null,
    inUseImages: context.inUse.size,
    inUseAtRisk: inUseAtRiskCount,
    heldInUse: held,
  };
  return { report, warnings, ...(atRisk === undefined ? {} : { atRisk }) };
}
