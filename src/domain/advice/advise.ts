import type { AnalysisOptions } from '../analysis';
import { analyseRepository } from '../analysis';
import { assessPolicy } from '../remediation';
import { archivableBytesOf } from '../archive';
import { MAX_ARCHIVE_AFTER_DAYS } from '../defaults';
import type { ImageDetail } from '../image';
import { parseManifest } from '../image';
import { guardContextOf, shortDigest } from '../in-use-guard';
import type { LifecyclePolicy, LifecycleRule, PolicyFinding, PolicyParseResult } from '../policy';
import {
  effectivePushTime,
  formatProblem,
  lintPolicy,
  newestFirstOrder,
  parsePolicy,
  POLICY_LIMITS,
  pullReferenceTime,
  selectsImage,
  storageClassOf,
} from '../policy';
import type { RepositoryState } from '../registry';
import { monthlyArchiveSavingsUsd } from '../report-totals';
import { DAY_MS, toEpochMs } from '../time';
import type { TagFamily } from './families';
import { familiesOf } from './families';
import type { AdviceChecks, RepositoryAdvice } from './types';
import { emptyCheck, fillChecks, sameRules, simulate, withheld, type Simulation } from './checks';
import { ADVISED_MARK, isStandardAny, ordered, ruleOf, type Guarded, type Source } from './rules';
import { roundUsd } from '../money';
import { ADVICE_HORIZON_DAYS, UNCHANGED_REASON } from './types';

/** Settings of {@link adviseRepository}: the audit's (so the figures are the audit's), and the advisor's own. */
export interface AdviceOptions extends AnalysisOptions {
  /** Images pulled within this many days are never acted on. @default 90 */
  keepPulledDays: number;
  /** Releases kept beyond the oldest one pulled. @default 3 */
  rollbackMargin: number;
  /** USD per GB-month of archive storage: with it, the advice archives images not pulled for `archiveAfterDays`. */
  archivePricePerGbMonth: number | null;
}

/** A rule the loop must change: the image it must not act on, the time, and why. */
interface Violation {
  digest: string;
  at: number;
  what: string;
}

const MAX_ROUNDS = 40;

/** A signature or attestation stored under a tag named after its subject (cosign's scheme). */
const SIGNATURE_TAG = /^sha256-([0-9a-f]{64})(?:\.|$)/;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Days from `from` to `at`, rounded up: the smallest age rule that leaves an image of that time alone at `at`. */
function daysSince(from: number, at: number): number {
  // An image without the time leaves the rule nothing to age it by: the rule keeps it.
  return Number.isFinite(from) ? Math.max(1, Math.ceil((at - from) / DAY_MS)) : 0;
}

/** Short words for a digest and why it is guarded, for reasons. */
function describeImage(image: ImageDetail | undefined, digest: string): string {
  const tags = image?.imageTags ?? [];
  return tags.length > 0 ? `${shortDigest(digest)} (${tags.slice(0, 2).join(', ')})` : shortDigest(digest);
}

/**
 * Recommends a lifecycle policy for one repository from how its tags are pushed and pulled, and
 * proves it safe with the engine before recommending it.
 *
 * The tags are grouped into families by shape (see families.ts). The team's policy is the starting
 * point: its rules are kept, in their order, unless one is the reason of a finding (a lint warning,
 * or an image it would act on that must stay), and rules this advisor wrote earlier are derived
 * again. To them it adds, in this order: a rule that claims each fixed name an acting rule would
 * select (`latest`, `prod`: never expired or archived), a count rule per release family (keep the
 * last N: N covers every image of it pulled within `keepPulledDays`, in use, or needed by one, plus
 * `rollbackMargin`), an age rule per ephemeral family (expire D days after push: D covers the same
 * images for 30 more days), the untagged rule (the janitor's `days`, longer when untagged images
 * are pulled, in use or sign a kept image) and, with an archive price, a transition of images not
 * pulled for `archiveAfterDays` (longer when an image pulled within `keepPulledDays` would go).
 *
 * The candidate is validated (ECR's rules), linted, and simulated at `now` and `now + 30 days`; each
 * image in use, pulled within `keepPulledDays`, signing or being a child of a kept image, or holding a
 * fixed name that a rule would act on makes that rule change (a count or an age raised, a team rule
 * dropped) and the candidate is tried again. Advice is withheld (`none`, with the reason) when no
 * such policy exists (an untagged rule that would have to keep untagged images longer than
 * `lintMaxUntaggedDays` or the enforced maximum, in-use sources that could not be read, an invalid stored policy).
 *
 * The figures are the audit's, by its own function: what the recommended policy removes (now and by
 * `now + 30 days`) and its monthly saving beyond the current effective policy's.
 *
 * @example adviseRepository(state, { ...analysisOptions, keepPulledDays: 90, rollbackMargin: 3, archivePricePerGbMonth: null })
 */
export function adviseRepository(state: RepositoryState, options: AdviceOptions): RepositoryAdvice {
  const now = options.now;
  const horizon = now + ADVICE_HORIZON_DAYS * DAY_MS;
  const times = [now, horizon];
  const checks: AdviceChecks = {
    validation: { passed: false, problems: [] },
    lint: { passed: false, findings: [] },
    simulatedAt: times.map((t) => new Date(t).toISOString()),
    inUse: emptyCheck(),
    pulledRecently: { ...emptyCheck(), days: options.keepPulledDays },
    indexChildrenOfKept: emptyCheck(),
    referrersOfKept: emptyCheck(),
    fixedNames: emptyCheck(),
  };
  // The stored policy, assessed once (or as the caller assessed it) for the team's rules and the audit's figures.
  const { assessment: given, ...settings } = options;
  const stored =
    given ??
    assessPolicy(state.lifecyclePolicyText, {
      days: options.days,
      ...(options.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: options.enforcedMaxUntaggedDays }),
    });
  if (stored.invalid !== undefined) return withheld(state, `${stored.invalid}; fix it first (ecr-janitor validate-policy)`, checks);
  // Each candidate text is validated once; one equal to the stored text is not parsed again.
  const parses = new Map<string, PolicyParseResult>();
  if (stored.text !== null && stored.parsed !== undefined) parses.set(stored.text, stored.parsed);
  const validated = (text: string): PolicyParseResult => {
    let parsed = parses.get(text);
    if (parsed === undefined) {
      parsed = parsePolicy(text);
      parses.set(text, parsed);
    }
    return parsed;
  };
  const unknown = options.inUse?.unknown ?? [];
  if (unknown.length > 0) {
    const sources = unknown.map((f) => `${f.source}: ${f.code}`).join(', ');
    return withheld(
      state,
      `what the region's workloads use is unknown (${sources}), so every image counts as in use; advise again once they can be read`,
      checks,
    );
  }

  // Each manifest is read once, not by every evaluation and graph below (a digest's manifest never changes).
  const images = state.images.map((image) =>
    image.parsedManifest !== undefined || image.imageManifest === undefined
      ? image
      : { ...image, parsedManifest: parseManifest(image.imageManifest, image.imageManifestMediaType) },
  );
  const context = guardContextOf(images, options.inUse?.referenced ?? new Map(), []);
  const { graph } = context;
  const byDigest = new Map(images.map((image, i) => [image.imageDigest, i]));
  // What must stay, and why: in use, pulled recently, and what those need (their index, their subject).
  const guarded = new Map<string, Guarded>();
  for (const digest of context.inUse.keys()) guarded.set(digest, 'in use');
  const pulledSince = now - options.keepPulledDays * DAY_MS;
  const pulled = new Set<string>();
  for (const image of images) {
    if (!(toEpochMs(image.lastRecordedPullTime) >= pulledSince)) continue;
    pulled.add(image.imageDigest);
    if (!guarded.has(image.imageDigest)) guarded.set(image.imageDigest, 'pulled');
  }
  const queue = [...guarded.keys()];
  while (queue.length > 0) {
    const digest = queue.pop() as string;
    const node = graph.nodes.get(digest);
    const why = guarded.get(digest) as Guarded;
    for (const needed of [...(node?.parents ?? []), ...(node?.subject === undefined ? [] : [node.subject])]) {
      if (graph.nodes.has(needed) && !guarded.has(needed)) {
        guarded.set(needed, why);
        queue.push(needed);
      }
    }
  }
  const tags = familiesOf(images);
  const fixed = new Set(tags.fixedNames);
  // Fixed names matter in the standard class: an archived image is not pulled by its name until restored.
  const hasFixedName = (image: ImageDetail): boolean =>
    image.imageStatus !== 'ARCHIVED' && (image.imageTags ?? []).some((t) => fixed.has(t));
  // Signatures stored under a tag (`sha256-<hex>.sig`) name their subject in the tag.
  const signedSubject = (image: ImageDetail): string | undefined => {
    for (const tag of image.imageTags ?? []) {
      const m = SIGNATURE_TAG.exec(tag);
      if (m && graph.nodes.has(`sha256:${m[1]}`)) return `sha256:${m[1]}`;
    }
    return undefined;
  };

  const untaggedCap = Math.min(options.lintMaxUntaggedDays, options.enforcedMaxUntaggedDays ?? Infinity);
  const teamRules = [...(stored.policy?.rules ?? [])].sort((a, b) => a.rulePriority - b.rulePriority);
  let sources: Source[] = teamRules
    .filter((rule) => !(rule.description ?? '').endsWith(ADVISED_MARK))
    .map((rule) => ({ kind: 'team', rule }));
  const dropped: string[] = [];
  const left: string[] = [];
  const protectedNames = new Set<string>();
  const expressible = tags.families.filter((f): f is TagFamily & { pattern: string } => f.pattern !== undefined);
  const standardImages = images.filter((image) => image.imageStatus !== 'ARCHIVED');
  for (const family of expressible) {
    const select = selectsImage({
      rulePriority: 1,
      selection: { tagStatus: 'tagged', tagPatternList: [family.pattern], countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    });
    if (!standardImages.some(select)) continue;
    sources.push(
      family.kind === 'release'
        ? { kind: 'release', family, needed: 0, why: new Set(), covers: 0 }
        : { kind: 'ephemeral', family, neededDays: 0, why: new Set(), covers: 0 },
    );
  }
  for (const family of tags.families)
    if (family.unexpressible !== undefined)
      left.push(`${family.shape} tags such as ${family.examples[0] ?? family.prefix}: ${family.unexpressible}`);
  const archiveWanted = options.archivePricePerGbMonth !== null;

  const sortTime = Float64Array.from(images, (image) => {
    const t = effectivePushTime(image);
    return Number.isNaN(t) ? -Infinity : t;
  });
  let newestFirst: Uint32Array | undefined;
  const rankOf = (rule: LifecycleRule, digest: string): number => {
    newestFirst ??= newestFirstOrder(sortTime, (i) => images[i]?.imageDigest ?? '');
    const select = selectsImage(rule);
    let rank = 0;
    for (const i of newestFirst) {
      const image = images[i] as ImageDetail;
      if (!select(image)) continue;
      rank++;
      if (image.imageDigest === digest) return rank;
    }
    return rank;
  };

  /** Each image's rank among a rule's matches, newest first, as `imageCountMoreThan` ranks them. */
  const ranksOf = (rule: LifecycleRule): Map<string, number> => {
    newestFirst ??= newestFirstOrder(sortTime, (i) => images[i]?.imageDigest ?? '');
    const select = selectsImage(rule);
    const ranks = new Map<string, number>();
    for (const i of newestFirst) {
      const image = images[i] as ImageDetail;
      if (select(image)) ranks.set(image.imageDigest, ranks.size + 1);
    }
    return ranks;
  };

  let policy: LifecyclePolicy = { rules: [] };
  let order: Source[] = [];
  const build = (): void => {
    const teamUntagged = sources.some(
      (s) => s.kind === 'team' && storageClassOf(s.rule) === 'standard' && s.rule.selection.tagStatus === 'untagged',
    );
    const teamAny = sources.some((s) => s.kind === 'team' && isStandardAny(s.rule));
    if (!teamUntagged && !sources.some((s) => s.kind === 'untagged')) sources.push({ kind: 'untagged', neededDays: 0, why: new Set() });
    if (teamUntagged) sources = sources.filter((s) => s.kind !== 'untagged');
    if (archiveWanted && !teamAny && !sources.some((s) => s.kind === 'archive'))
      sources.push({ kind: 'archive', neededDays: 0, why: new Set() });
    if (teamAny) sources = sources.filter((s) => s.kind !== 'archive');
    order = ordered(sources);
    const rules = order.map((s, i) => ruleOf(s, i + 1, options, untaggedCap));
    policy = { rules };
  };
  const sourceAt = (priority: number): Source | undefined => order[priority - 1];
  const guardedImages = [...guarded].map(([digest, why]) => ({ image: images[byDigest.get(digest) ?? -1] as ImageDetail, why }));
  /**
   * Sets each advised rule's count or age from the images it must leave alone (those it selects
   * first: an image an earlier rule selects is that rule's to decide): the rank of the oldest, or
   * the age each will have at the end of the horizon. The simulation then checks what else goes.
   */
  const cover = (): void => {
    const selectors = policy.rules.map((rule) => selectsImage(rule));
    order.forEach((source, r) => {
      if (source.kind === 'team' || source.kind === 'protect') return;
      const owned = guardedImages.filter(({ image }) => selectors[r]?.(image) === true && !selectors.slice(0, r).some((s) => s(image)));
      if (source.kind === 'release' || source.kind === 'ephemeral') source.covers = owned.length;
      if (owned.length === 0) return;
      const ranks = source.kind === 'release' ? ranksOf(policy.rules[r] as LifecycleRule) : undefined;
      for (const { image, why } of owned) {
        if (source.kind === 'release') source.needed = Math.max(source.needed, ranks?.get(image.imageDigest) ?? 0);
        else if (source.kind === 'archive') source.neededDays = Math.max(source.neededDays, daysSince(pullReferenceTime(image), horizon));
        else source.neededDays = Math.max(source.neededDays, daysSince(effectivePushTime(image), horizon));
        if (source.kind === 'untagged') source.why.add(why === 'pulled' ? `pulled in the last ${options.keepPulledDays} days` : why);
        else source.why.add(why);
      }
    });
  };

  let problem: string | undefined;
  let sims: Simulation[] = [];
  let simulated: LifecyclePolicy | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    build();
    cover();
    build();
    // Fixed names and signature tags that an acting rule selects are claimed first by a rule of their own.
    const selectors = policy.rules.filter((_, i) => order[i]?.kind !== 'protect').map((r) => selectsImage(r));
    const newlyProtected: Source[] = [];
    for (const image of standardImages) {
      if (!selectors.some((s) => s(image))) continue;
      for (const tag of image.imageTags ?? []) {
        const name = fixed.has(tag) ? tag : SIGNATURE_TAG.test(tag) ? 'sha256-*' : undefined;
        if (name === undefined || protectedNames.has(name)) continue;
        protectedNames.add(name);
        newlyProtected.push({ kind: 'protect', name, exact: name !== 'sha256-*' });
      }
    }
    if (newlyProtected.length > 0) {
      sources.push(...newlyProtected);
      continue;
    }
    const text = JSON.stringify(policy);
    const parsed = validated(text);
    if (!parsed.ok) {
      // Over ECR's limits: leave out the smallest family (the archive rule first), and say so.
      const victim =
        [...order].reverse().find((s) => s.kind === 'archive') ??
        [...order].reverse().find((s) => s.kind === 'ephemeral' || s.kind === 'release');
      if (victim === undefined) {
        problem = `no policy within ECR's limits: ${parsed.problems.slice(0, 3).map(formatProblem).join(' ')}`;
        break;
      }
      sources = sources.filter((s) => s !== victim);
      left.push(
        victim.kind === 'archive'
          ? "the archive rule: the policy would break ECR's limits"
          : `${victim.family.pattern}: the policy would break ECR's limits with its rule`,
      );
      continue;
    }
    const findings = lintPolicy(policy, { images, lintMaxUntaggedDays: options.lintMaxUntaggedDays }).filter(
      (f) => f.severity === 'warning',
    );
    let changed = false;
    for (const finding of findings) {
      const source = finding.rulePriority === undefined ? undefined : sourceAt(finding.rulePriority);
      if (source === undefined) continue;
      if (source.kind === 'untagged') {
        problem = `the untagged rule would break the lint: ${finding.message}`;
        break;
      }
      if (source.kind === 'protect') continue;
      sources = sources.filter((s) => s !== source);
      changed = true;
      if (source.kind === 'team')
        dropped.push(
          `rule ${source.rule.rulePriority}${source.rule.description === undefined ? '' : ` ("${source.rule.description}")`}: ${finding.code}`,
        );
      else if (finding.code === 'ShadowedRule' && source.kind !== 'archive')
        left.push(`${source.family.pattern}: the current policy's rules already select its images`);
      else left.push(`${source.kind === 'archive' ? 'the archive rule' : source.family.pattern}: ${finding.code} (${finding.message})`);
    }
    if (problem !== undefined) break;
    if (changed) continue;

    sims = times.map((t) => simulate(policy, images, graph, t));
    simulated = policy;
    const violations = new Map<number, Violation[]>();
    times.forEach((at, k) => {
      const sim = sims[k] as Simulation;
      const acted = (digest: string): boolean => sim.doomed.has(digest) || sim.transitioned.has(digest);
      const flag = (digest: string, what: string): void => {
        const priority = sim.blame.get(digest);
        if (priority === undefined) return;
        const list = violations.get(priority) ?? [];
        list.push({ digest, at, what });
        violations.set(priority, list);
      };
      for (const [digest, why] of guarded) if (acted(digest)) flag(digest, why);
      for (const [digest, node] of graph.nodes) {
        if (!acted(digest)) continue;
        const image = node.image;
        if (node.subject !== undefined && graph.nodes.has(node.subject) && !sim.doomed.has(node.subject))
          flag(digest, 'signs a kept image');
        const signed = signedSubject(image);
        if (signed !== undefined && !sim.doomed.has(signed)) flag(digest, 'signs a kept image');
        if (node.parents.some((p) => !sim.doomed.has(p))) flag(digest, 'is a child of a kept index');
        if (hasFixedName(image)) flag(digest, 'holds a fixed name');
      }
    });
    if (violations.size === 0) break;
    for (const [priority, list] of violations) {
      const source = sourceAt(priority);
      const rule = policy.rules[priority - 1];
      if (source === undefined || rule === undefined) continue;
      const first = list[0] as Violation;
      const image = images[byDigest.get(first.digest) ?? -1];
      if (source.kind === 'protect') {
        problem = `the rule that keeps ${source.name} would act on ${describeImage(image, first.digest)}`;
        break;
      }
      if (source.kind === 'team') {
        sources = sources.filter((s) => s !== source);
        if (source.kind === 'team')
          dropped.push(
            `rule ${source.rule.rulePriority}${source.rule.description === undefined ? '' : ` ("${source.rule.description}")`}: it would ${source.rule.action.type} ${plural(new Set(list.map((v) => v.digest)).size, 'image')} that must stay, e.g. ${describeImage(image, first.digest)}, which ${first.what === 'pulled' ? `was pulled in the last ${options.keepPulledDays} days` : first.what === 'in use' ? 'is in use' : first.what}`,
          );
        continue;
      }
      // Each violation means the rule acts on an image it must leave: its rank is beyond the count,
      // its age beyond the days. Raising the count to the rank (the age to the days) leaves it alone.
      for (const v of list) {
        const i = byDigest.get(v.digest);
        const img = i === undefined ? undefined : images[i];
        if (img === undefined) continue;
        if (source.kind === 'release') {
          source.needed = Math.max(source.needed, rankOf(rule, v.digest));
          if (v.what === 'pulled' || v.what === 'in use') source.why.add(v.what);
        } else if (source.kind === 'ephemeral' || source.kind === 'untagged') {
          source.neededDays = Math.max(source.neededDays, daysSince(effectivePushTime(img), v.at));
          if (source.kind === 'untagged')
            source.why.add(v.what === 'pulled' ? `pulled in the last ${options.keepPulledDays} days` : v.what);
          else if (v.what === 'pulled' || v.what === 'in use') source.why.add(v.what);
        } else {
          source.neededDays = Math.max(source.neededDays, daysSince(pullReferenceTime(img), v.at));
          if (v.what === 'pulled' || v.what === 'in use') source.why.add(v.what);
        }
      }
      if (source.kind === 'untagged' && Math.max(options.days, source.neededDays) > untaggedCap) {
        const first = list[0] as Violation;
        const count = new Set(list.map((v) => v.digest)).size;
        const which =
          first.what === 'pulled'
            ? `pulled in the last ${options.keepPulledDays} days`
            : first.what === 'in use'
              ? 'in use'
              : `that ${count === 1 ? 'signs' : 'sign'} a kept image`;
        problem =
          `an untagged rule would have to keep untagged images ${Math.max(options.days, source.neededDays)} days, longer than the ${untaggedCap} days allowed (--max-untagged-days), ` +
          `because ${plural(count, 'untagged image')} ${which} ${count === 1 ? 'is' : 'are'} older (e.g. ${shortDigest(first.digest)}); ` +
          (first.what === 'signs a kept image'
            ? 'ECR has no lifecycle exception for referrers: store signatures under a tag, or raise --max-untagged-days'
            : 'tag what is still used, or raise --max-untagged-days');
      }
      if (
        (source.kind === 'ephemeral' || source.kind === 'archive') &&
        source.neededDays > Math.min(POLICY_LIMITS.maxInteger, MAX_ARCHIVE_AFTER_DAYS)
      ) {
        sources = sources.filter((s) => s !== source);
        left.push(`${source.kind === 'archive' ? 'the archive rule' : source.family.pattern}: no age keeps what must stay`);
      }
    }
    if (problem !== undefined) break;
    if (round === MAX_ROUNDS - 1) problem = `no safe policy was found in ${MAX_ROUNDS} rounds`;
  }

  const text = JSON.stringify(policy);
  const parsed = validated(text);
  checks.validation = { passed: parsed.ok, problems: parsed.ok ? [] : parsed.problems.map(formatProblem) };
  const findings: PolicyFinding[] = parsed.ok ? lintPolicy(policy, { images, lintMaxUntaggedDays: options.lintMaxUntaggedDays }) : [];
  checks.lint = {
    passed: parsed.ok && !findings.some((f) => f.severity === 'warning'),
    findings: findings.map((f) => `${f.code} (${f.severity}): ${f.message}`),
  };
  if (simulated !== policy) sims = parsed.ok ? times.map((t) => simulate(policy, images, graph, t)) : [];
  fillChecks(checks, { graph, inUse: context.inUse, pulled, sims, hasFixedName, signedSubject });
  if (problem !== undefined) return withheld(state, `advice withheld: ${problem}`, checks);
  const actedOn = [checks.inUse, checks.pulledRecently, checks.indexChildrenOfKept, checks.referrersOfKept, checks.fixedNames].some(
    (c) => c.actedOnNow > 0 || c.actedOnIn30Days > 0,
  );
  if (!checks.validation.passed || !checks.lint.passed || actedOn)
    return withheld(state, 'advice withheld: the recommended policy did not pass its checks (see checks)', checks);
  if (stored.policy !== undefined && sameRules(stored.policy, policy)) return withheld(state, UNCHANGED_REASON, checks);

  // The audit's own figures, for the current state and for the recommended policy (assessed afresh: another text).
  const current = analyseRepository({ ...state, images }, { ...settings, assessment: stored }).report;
  const adopted = { ...state, images, lifecyclePolicyText: text };
  const recommended = analyseRepository(adopted, settings).report;
  const later = analyseRepository(adopted, { ...settings, now: horizon }).report;
  const moving = new Set([...(sims[0]?.transitioned ?? [])].filter((d) => !sims[0]?.doomed.has(d)));
  const archiveBytes = archivableBytesOf(graph, moving, sims[0]?.doomed ?? new Set());
  const archivePrice = options.archivePricePerGbMonth;
  const extra = roundUsd(recommended.monthlySavingsUsd - current.monthlySavingsUsd);
  const added = order.filter((s) => s.kind !== 'team').length;
  const kept = order.length - added;
  const parts = [
    `adds ${plural(added, 'rule')}${kept > 0 ? `, keeps ${plural(kept, 'rule')} of the current policy` : ''}`,
    ...(dropped.length > 0 ? [`removes ${dropped.join('; ')}`] : []),
    `removes ${plural(recommended.doomedImages, 'image')} now and ${plural(later.doomedImages, 'image')} within ${ADVICE_HORIZON_DAYS} days`,
    ...(left.length > 0 ? [`no rule for ${left.join('; ')}`] : []),
  ];
  return {
    accountId: state.accountId,
    region: state.region,
    repositoryName: state.repositoryName,
    advice: 'policy',
    reason: parts.join('; '),
    currentPolicyText: state.lifecyclePolicyText,
    recommendedPolicyText: text,
    removedNow: { images: recommended.doomedImages, bytes: recommended.reclaimableBytes },
    removedIn30Days: { images: later.doomedImages, bytes: later.reclaimableBytes },
    monthlyExtraSavingsUsd: extra,
    monthlyArchiveSavingsUsd:
      archivePrice === null ? null : (monthlyArchiveSavingsUsd(archiveBytes, options.pricePerGbMonth, archivePrice) ?? 0),
    checks,
  };
}
