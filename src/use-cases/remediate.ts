import pLimit from 'p-limit';
import { JanitorError } from '../domain/errors';
import { mergeDefaultRule } from '../domain/policy';
import type { RepositoryRef } from '../domain/registry';
import type { ReportError } from '../domain/report';
import type { Selection } from '../domain/selection';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import { toReportError } from './errors';

/** What remediation did, or would do, to one repository. */
export type RemediationOutcome =
  /** The merged policy was written. */
  | 'applied'
  /** Dry run: the merged policy would be written. */
  | 'planned'
  /** The policy already expires untagged images: nothing to do. */
  | 'compliant'
  | 'skipped-opt-out'
  | 'skipped-excluded'
  /** The policy changed between the read and the write; left alone, the next run decides again. */
  | 'skipped-changed'
  /** The default rule cannot be merged (rule limit, length, a conflicting rule, an invalid policy). */
  | 'unmergeable'
  /** An AWS error; see `message`. */
  | 'failed';

/** One repository's remediation. */
export interface RemediationAction {
  region: string;
  repositoryName: string;
  outcome: RemediationOutcome;
  /** The policy text before, or null when there was none. */
  before: string | null;
  /** The policy text written or planned. */
  after?: string;
  /** Priorities were renumbered (order kept) to keep the `any` rule last. */
  renumbered?: boolean;
  message?: string;
}

/** Settings of a remediation run. */
export interface RemediateOptions {
  /** Age in days for the default untagged-image rule. @default 7 */
  days: number;
  selection: Selection;
  /** Write policies; without it the run only plans. @default false */
  apply: boolean;
  /** Repositories handled at the same time. @default 8 */
  concurrency: number;
}

/** Outcome of a remediation run. */
export interface RemediationResult {
  actions: RemediationAction[];
  errors: ReportError[];
}

/**
 * Brings one repository's policy up to the janitor's standard: merges the default rule when the
 * policy does not expire untagged images, re-reads the policy just before writing and writes
 * only when it has not changed since it was read.
 */
export async function remediateRepository(
  reader: RegistryReader,
  writer: PolicyWriter | undefined,
  ref: RepositoryRef,
  options: RemediateOptions,
  knownTags?: ReadonlyArray<{ Key: string; Value: string }>,
): Promise<RemediationAction> {
  const base = { region: reader.region, repositoryName: ref.repositoryName };
  if (excludeMatcher(options.selection.exclude)(ref.repositoryName)) return { ...base, outcome: 'skipped-excluded', before: null, message: 'name matches an exclude glob' };
  const tags = knownTags ?? (await reader.listTags(ref));
  if (isOptedOut(tags, options.selection.optOutTag)) return { ...base, outcome: 'skipped-opt-out', before: null, message: `tagged ${options.selection.optOutTag}=true` };
  const before = (await reader.getLifecyclePolicy(ref.repositoryName)) ?? null;
  let merged;
  try {
    merged = mergeDefaultRule(before ?? undefined, options.days);
  } catch (error) {
    if (error instanceof JanitorError) return { ...base, outcome: 'unmergeable', before, message: error.message };
    throw error;
  }
  if (!merged.changed) return { ...base, outcome: 'compliant', before };
  const planned = { ...base, before, after: merged.text, ...(merged.renumbered ? { renumbered: true } : {}) };
  if (!options.apply || !writer) return { ...planned, outcome: 'planned' };
  const current = (await reader.getLifecyclePolicy(ref.repositoryName)) ?? null;
  if (current !== before) return { ...planned, outcome: 'skipped-changed', message: 'the policy changed after it was read; not overwritten' };
  await writer.putLifecyclePolicy(ref.repositoryName, merged.text);
  return { ...planned, outcome: 'applied' };
}

/**
 * Remediates every repository of every region. Dry run unless `apply`; one repository's failure
 * is recorded and never stops the others.
 */
export async function remediate(
  registries: ReadonlyArray<{ reader: RegistryReader; writer?: PolicyWriter }>,
  options: RemediateOptions,
): Promise<RemediationResult> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const actions: RemediationAction[] = [];
  const errors: ReportError[] = [];
  await Promise.all(
    registries.map(async ({ reader, writer }) => {
      let refs: RepositoryRef[];
      try {
        refs = await reader.listRepositories();
      } catch (error) {
        errors.push(toReportError(reader.region, undefined, error));
        return;
      }
      await Promise.all(
        refs.map((ref) =>
          limit(async () => {
            try {
              actions.push(await remediateRepository(reader, writer, ref, options));
            } catch (error) {
              const entry = toReportError(reader.region, ref.repositoryName, error);
              errors.push(entry);
              actions.push({ region: reader.region, repositoryName: ref.repositoryName, outcome: 'failed', before: null, message: `${entry.code}: ${entry.message}` });
            }
          }),
        ),
      );
    }),
  );
  actions.sort((a, b) => a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName));
  return { actions, errors };
}
