import pLimit from 'p-limit';
import type { RepositoryRef } from '../domain/registry';
import type { RemediationAction, RemediationResult } from '../domain/remediation';
import type { ReportError } from '../domain/report-problems';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import { regionFailure, toReportError } from './errors';
import type { RemediateOptions } from './remediation/options';
import type { AuditedRepository } from './remediation/repository';
import { remediateRepository } from './remediation/repository';

export type { RemediationAction, RemediationOutcome, RemediationResult } from '../domain/remediation';
export type { GuardOptions, RemediateOptions, RemediationTarget, WritePacing } from './remediation/options';
export type { AuditedRepository } from './remediation/repository';
export { auditedRepositoryOf, remediateRepository } from './remediation/repository';
export { restoreTeamWrite } from './remediation/restore';

/**
 * Gathers a run's actions and errors; a repository whose remediation throws is recorded as failed,
 * and once `signal` fires, repositories not started or still in hand are recorded as not reached.
 */
function remediationRun(signal: AbortSignal | undefined) {
  const actions: RemediationAction[] = [];
  const errors: ReportError[] = [];
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal?.aborted) resolve('stopped');
    else signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  return {
    errors,
    async attempt(region: string, repositoryName: string, remediateOne: () => Promise<RemediationAction>): Promise<void> {
      const notReached = (message: string): void => {
        actions.push({ region, repositoryName, outcome: 'not-reached', before: null, message });
      };
      if (signal?.aborted) return notReached('the run stopped before this repository');
      try {
        const action = await Promise.race([remediateOne(), stopped]);
        if (action === 'stopped') return notReached('the run stopped while this repository was in hand; a write may still land');
        actions.push(action);
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
  const run = remediationRun(options.signal);
  await Promise.all(
    registries.map(async ({ reader, writer }) => {
      let refs: RepositoryRef[];
      try {
        refs = await reader.listRepositories();
      } catch (error) {
        const listingError = regionFailure(reader.region, error);
        run.errors.push(listingError);
        options.onProgress?.({ region: reader.region, done: 0, total: 0, listingError });
        return;
      }
      let done = 0;
      options.onProgress?.({ region: reader.region, done, total: refs.length });
      await Promise.all(
        refs.map((ref) =>
          limit(async () => {
            await run.attempt(reader.region, ref.repositoryName, () => remediateRepository({ reader, writer }, ref, options));
            done++;
            options.onProgress?.({ region: reader.region, done, total: refs.length });
          }),
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
  const run = remediationRun(options.signal);
  const remediateOne = (ref: RepositoryRef, known?: AuditedRepository): Promise<void> =>
    limit(() =>
      run.attempt(ref.region, ref.repositoryName, async () => {
        const registry = byRegion.get(ref.region);
        if (!registry) throw new Error(`no registry was given for ${ref.region}, where ${ref.repositoryName} was audited`);
        return known
          ? remediateRepository(registry, ref, options, {
              tags: known.tags,
              policyText: known.lifecyclePolicyText,
              ...(known.assessment === undefined ? {} : { assessment: known.assessment }),
              ...(known.images === undefined ? {} : { images: known.images }),
            })
          : remediateRepository(registry, ref, options);
      }),
    );
  // A repository the audit could not read whole (its images throttled, say) still gets its policy:
  // remediation needs only its tags and policy, read afresh.
  await Promise.all([...audited.map((repository) => remediateOne(repository, repository)), ...unread.map((ref) => remediateOne(ref))]);
  return run.result();
}
