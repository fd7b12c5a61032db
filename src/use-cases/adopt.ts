import pLimit from 'p-limit';
import type { AdviceFile, RepositoryAdvice } from '../domain/advice';
import { parsePolicyOrThrow } from '../domain/policy';
import type { RepositoryRef } from '../domain/registry';
import type { RemediationAction, RemediationResult } from '../domain/remediation';
import type { ReportError } from '../domain/report-problems';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import { toReportError } from './errors';
import { guardOf, heldDecision, heldMessage, notesOf, type Judge } from './remediation/guard';
import { pacingOf, type RemediateOptions } from './remediation/options';
import { safeWrite, type Decision } from './remediation/safe-write';

/** Settings of {@link adoptAdvice}: those of a remediation run, without the default rule's. */
export type AdoptOptions = Pick<RemediateOptions, 'selection' | 'apply' | 'concurrency' | 'pacing' | 'signal' | 'guard'>;

/** What adopting an advice file did: the remediation result, and the repositories it had no policy for. */
export interface AdoptResult extends RemediationResult {
  /** Repositories of the file whose advice is `none` (withheld, or nothing to change): never written. */
  withoutAdvice: number;
}

/** Why a policy is not written because it changed since the advice was made. */
const CHANGED_SINCE =
  "the policy changed since the advice was made (it is no longer the advice file's currentPolicyText); not written: advise again";

/**
 * Adopts one repository's advice: writes its recommended policy only while the repository's policy is
 * still the one the advice was made from, with every guarantee of a remediation write — an excluded
 * or opted-out repository (tags read again) is skipped, the in-use guard judges the recommended
 * policy on fresh reads of the images and of what is in use, the policy is read again right before
 * the write (a policy changed since the advice is `skipped-changed`, never overwritten), the write is
 * one attempt and is read back. A dry run (`planned`) unless `apply`.
 */
async function adoptOne(
  target: { reader: RegistryReader; writer?: PolicyWriter | undefined },
  entry: RepositoryAdvice,
  options: AdoptOptions,
): Promise<RemediationAction> {
  const { reader, writer } = target;
  const head = { region: entry.region, repositoryName: entry.repositoryName };
  if (excludeMatcher(options.selection.exclude)(entry.repositoryName))
    return { ...head, outcome: 'skipped-excluded', before: null, message: 'name matches an exclude glob' };
  const recommended = entry.recommendedPolicyText as string;
  const policy = parsePolicyOrThrow(recommended, `the recommended policy of ${entry.region}/${entry.repositoryName}`);
  const ref: RepositoryRef = {
    accountId: entry.accountId,
    region: entry.region,
    repositoryName: entry.repositoryName,
    repositoryArn: `arn:aws:ecr:${entry.region}:${entry.accountId}:repository/${entry.repositoryName}`,
  };
  const [current, tags] = await Promise.all([
    reader.getLifecyclePolicy(entry.repositoryName).then((text) => text ?? null),
    reader.listTags(ref),
  ]);
  if (isOptedOut(tags, options.selection.optOutTag))
    return { ...head, outcome: 'skipped-opt-out', before: null, message: `tagged ${options.selection.optOutTag}=true` };
  if (current === recommended)
    return { ...head, outcome: 'compliant', before: current, message: 'the recommended policy is already in place' };
  if (current !== entry.currentPolicyText) return { ...head, outcome: 'skipped-changed', before: current, message: CHANGED_SINCE };
  let judge: Judge | undefined;
  if (options.guard) judge = await guardOf(reader, ref, options.guard);
  const decide = (seen: string | null): Decision => {
    if (seen !== entry.currentPolicyText) return { done: { ...head, outcome: 'skipped-changed', before: seen, message: CHANGED_SINCE } };
    const judgement = judge?.(policy, recommended);
    if (judgement?.hold) {
      const why = heldMessage(judgement.atRisk, options.guard?.horizonDays ?? 0, 'the recommended policy');
      return heldDecision(head, seen, judgement, `${why}; not written: advise again`);
    }
    return { write: recommended, notes: notesOf(judgement, options.guard) };
  };
  const first = decide(current);
  if ('done' in first) return first.done;
  if (!options.apply || !writer) {
    const { outcome: _outcome, ...notes } = first.notes ?? {};
    return { ...head, outcome: 'planned', before: current, after: recommended, ...notes };
  }
  return safeWrite({
    target: { reader, writer },
    ref,
    base: current,
    decide,
    // The tags were read just now; the first round reads them again, so an opt-out added since wins.
    recheckTags: true,
    selection: options.selection,
    pacing: pacingOf(options),
    signal: options.signal,
  });
}

/**
 * Adopts an advice file (`advise --format json`): for each repository with a policy to adopt, writes
 * it through its region's registry with every guarantee of a remediation write (see `adoptOne`).
 * `none` advice is never written. One repository's failure is recorded and never stops the others.
 *
 * @example const result = await adoptAdvice(registries, file, { selection, apply: true, concurrency: 8, guard });
 */
export async function adoptAdvice(
  registries: ReadonlyArray<{ reader: RegistryReader; writer?: PolicyWriter }>,
  file: AdviceFile,
  options: AdoptOptions,
): Promise<AdoptResult> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const byRegion = new Map(registries.map((r) => [r.reader.region, r]));
  const actions: RemediationAction[] = [];
  const errors: ReportError[] = [];
  const adoptable = file.repositories.filter((entry) => entry.advice === 'policy');
  await Promise.all(
    adoptable.map((entry) =>
      limit(async () => {
        const head = { region: entry.region, repositoryName: entry.repositoryName };
        if (options.signal?.aborted) {
          actions.push({ ...head, outcome: 'not-reached', before: null, message: 'the run stopped before this repository' });
          return;
        }
        const registry = byRegion.get(entry.region);
        if (registry === undefined) {
          const message = `the advice is for ${entry.region}, which this run does not reach; pass --region ${entry.region}`;
          errors.push({ ...head, code: 'RegionNotSelected', message });
          actions.push({ ...head, outcome: 'failed', before: null, message: `RegionNotSelected: ${message}` });
          return;
        }
        try {
          actions.push(await adoptOne(registry, entry, options));
        } catch (error) {
          const e = toReportError(entry.region, entry.repositoryName, error);
          errors.push(e);
          actions.push({ ...head, outcome: 'failed', before: null, message: `${e.code}: ${e.message}` });
        }
      }),
    ),
  );
  actions.sort((a, b) => a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName));
  return { actions, errors, withoutAdvice: file.repositories.length - adoptable.length };
}
