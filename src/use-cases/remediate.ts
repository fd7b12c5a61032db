import pLimit from 'p-limit';
import { JanitorError } from '../domain/errors';
import { remediatedPolicy } from '../domain/policy';
import type { RepositoryRef, RepositoryState, Tag } from '../domain/registry';
import type { RemediationAction, RemediationResult } from '../domain/remediation';
import type { ReportError } from '../domain/report';
import type { Selection } from '../domain/selection';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import { toReportError } from './errors';

export type { RemediationAction, RemediationOutcome, RemediationResult } from '../domain/remediation';

/** Settings of a remediation run. */
export interface RemediateOptions {
  /** Age in days for the default untagged-image rule. @default 7 */
  days: number;
  selection: Selection;
  /** Write policies; without it the run only plans. @default false */
  apply: boolean;
  /** Repositories handled at the same time. @default 8 */
  concurrency: number;
  /** When set, an untagged rule that expires images later than this many days after push is shortened to it. @default undefined (off) */
  maxUntaggedDays?: number;
}

/**
 * What an audit already read about a repository: enough to decide its remediation without reading
 * it again. (The images are left out, so holding every repository of a run costs little.)
 */
export interface AuditedRepository extends RepositoryRef {
  tags: Tag[];
  /** The lifecycle policy text as the audit read it, or null when there was none. */
  lifecyclePolicyText: string | null;
}

/**
 * The part of a repository's state that remediation needs.
 *
 * @example const audited: AuditedRepository[] = []; await audit(readers, { …, onRepositoryState: (s) => audited.push(auditedRepositoryOf(s)) });
 */
export function auditedRepositoryOf(state: RepositoryState): AuditedRepository {
  const { images: _images, ...audited } = state;
  return audited;
}

/**
 * Brings one repository's policy up to the janitor's standard: merges the default rule when the
 * policy does not expire untagged images, re-reads the policy just before writing and writes
 * only when it has not changed since it was read.
 *
 * @param knownTags the repository's tags when the caller already has them; listed otherwise
 * @param knownPolicyText the policy text the caller already read (null: it had none); read
 *   otherwise. Either way it is read again just before a write, and nothing is written if it changed.
 */
export async function remediateRepository(
  reader: RegistryReader,
  writer: PolicyWriter | undefined,
  ref: RepositoryRef,
  options: RemediateOptions,
  knownTags?: readonly Tag[],
  knownPolicyText?: string | null,
): Promise<RemediationAction> {
  const base = { region: reader.region, repositoryName: ref.repositoryName };
  if (excludeMatcher(options.selection.exclude)(ref.repositoryName))
    return { ...base, outcome: 'skipped-excluded', before: null, message: 'name matches an exclude glob' };
  const tags = knownTags ?? (await reader.listTags(ref));
  if (isOptedOut(tags, options.selection.optOutTag))
    return { ...base, outcome: 'skipped-opt-out', before: null, message: `tagged ${options.selection.optOutTag}=true` };
  const before = knownPolicyText !== undefined ? knownPolicyText : ((await reader.getLifecyclePolicy(ref.repositoryName)) ?? null);
  let merged;
  try {
    merged = remediatedPolicy(before ?? undefined, options);
  } catch (error) {
    if (error instanceof JanitorError) return { ...base, outcome: 'unmergeable', before, message: error.message };
    throw error;
  }
  if (!merged.changed) return { ...base, outcome: 'compliant', before, ...(merged.note ? { message: merged.note } : {}) };
  const shortened = merged.shortened ? { shortened: merged.shortened } : {};
  const planned = { ...base, before, after: merged.text, ...(merged.renumbered ? { renumbered: true } : {}), ...shortened };
  if (!options.apply || !writer) return { ...planned, outcome: 'planned' };
  // Just before writing: the policy again, and the tags again when they came from an earlier read
  // (an audit may have read them minutes ago; an opt-out added since must win).
  const [current, currentTags] = await Promise.all([
    reader.getLifecyclePolicy(ref.repositoryName).then((text) => text ?? null),
    knownTags === undefined ? Promise.resolve(tags) : reader.listTags(ref),
  ]);
  if (isOptedOut(currentTags, options.selection.optOutTag))
    return { ...base, outcome: 'skipped-opt-out', before: null, message: `tagged ${options.selection.optOutTag}=true (since it was read)` };
  if (current !== before)
    return { ...planned, outcome: 'skipped-changed', message: 'the policy changed after it was read; not overwritten' };
  await writer.putLifecyclePolicy(ref.repositoryName, merged.text);
  return { ...planned, outcome: 'applied' };
}

/** Gathers a run's actions and errors; a repository whose remediation throws is recorded as failed. */
function remediationRun() {
  const actions: RemediationAction[] = [];
  const errors: ReportError[] = [];
  return {
    errors,
    async attempt(region: string, repositoryName: string, remediateOne: () => Promise<RemediationAction>): Promise<void> {
      try {
        actions.push(await remediateOne());
      } catch (error) {
        const entry = toReportError(region, repositoryName, error);
        errors.push(entry);
        actions.push({ region, repositoryName, outcome: 'failed', before: null, message: `${entry.code}: ${entry.message}` });
      }
    },
    result(): RemediationResult {
      actions.sort((a, b) => a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName));
      return { actions, errors };
    },
  };
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
  const run = remediationRun();
  await Promise.all(
    registries.map(async ({ reader, writer }) => {
      let refs: RepositoryRef[];
      try {
        refs = await reader.listRepositories();
      } catch (error) {
        run.errors.push(toReportError(reader.region, undefined, error));
        return;
      }
      await Promise.all(
        refs.map((ref) =>
          limit(() => run.attempt(reader.region, ref.repositoryName, () => remediateRepository(reader, writer, ref, options))),
        ),
      );
    }),
  );
  return run.result();
}

/**
 * Remediates the repositories an audit read, deciding from the tags and policy it read instead of
 * listing and reading every repository again; each policy is still read again just before it is
 * written. Each repository goes through the registry of its region. Dry run unless `apply`; one
 * repository's failure is recorded and never stops the others.
 *
 * @example
 * const audited: AuditedRepository[] = [];
 * const report = await audit(readers, { …, onRepositoryState: (s) => audited.push(auditedRepositoryOf(s)) });
 * const result = await remediateAudited(registries, audited, { days: 7, apply: true, … });
 */
export async function remediateAudited(
  registries: ReadonlyArray<{ reader: RegistryReader; writer?: PolicyWriter }>,
  audited: readonly AuditedRepository[],
  options: RemediateOptions,
  unread: readonly RepositoryRef[] = [],
): Promise<RemediationResult> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const byRegion = new Map(registries.map((r) => [r.reader.region, r]));
  const run = remediationRun();
  const remediateOne = (ref: RepositoryRef, known?: AuditedRepository): Promise<void> =>
    limit(() =>
      run.attempt(ref.region, ref.repositoryName, async () => {
        const registry = byRegion.get(ref.region);
        if (!registry) throw new Error(`no registry was given for ${ref.region}, where ${ref.repositoryName} was audited`);
        return known
          ? remediateRepository(registry.reader, registry.writer, ref, options, known.tags, known.lifecyclePolicyText)
          : remediateRepository(registry.reader, registry.writer, ref, options);
      }),
    );
  // A repository the audit could not read whole (its images throttled, say) still gets its policy:
  // remediation needs only its tags and policy, read afresh.
  await Promise.all([...audited.map((repository) => remediateOne(repository, repository)), ...unread.map((ref) => remediateOne(ref))]);
  return run.result();
}
