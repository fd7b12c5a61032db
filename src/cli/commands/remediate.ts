import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { renderTemplatePlan } from '../../adapters/render/creation-templates';
import { renderJson } from '../../adapters/render/json';
import { renderOrganizationRemediation } from '../../adapters/render/organization-remediation';
import { renderRemediationPlan } from '../../adapters/render/remediation';
import { isAccountFailure, type ReportWarning } from '../../domain/report-problems';
import { forEachAccount, organizationRemediation, type OrganizationRemediation } from '../../use-cases/accounts';
import type { ScanProgress } from '../../use-cases/audit';
import { oneLine } from '../../domain/text';
import type { TemplateOutcome, TemplateRemediation } from '../../domain/creation-templates';
import { remediateCreationTemplates } from '../../use-cases/creation-templates';
import { inUseProvider } from '../../use-cases/in-use';
import { parseAdviceFile } from '../../adapters/advice/advice-file';
import { adoptAdvice } from '../../use-cases/adopt';
import { remediate, type RemediationOutcome, type RemediationResult } from '../../use-cases/remediate';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import {
  addDaysFlag,
  addEnforcedMaxUntaggedDaysFlag,
  addJudgeFlags,
  checkMaxUntaggedDays,
  type JudgeFlags,
  type SourceChoices,
} from '../flags';
import { readJsonFile } from '../io';
import { errorLine, warningLine } from '../problems';
import { progressOf } from '../progress';
import { inUseSourcesOf, judgedAt, openAccountScope, openRegistrySettings, openSources, type AccountSession } from '../sources';

/** Remediate reads live registries (of one account or several), or plans against a snapshot. */
const SOURCES: SourceChoices = { snapshot: true, accounts: true };

/** Flags of `remediate`. */
type RemediateFlags = JudgeFlags & {
  days: number;
  maxUntaggedDays?: number;
  apply: boolean;
  creationTemplates: boolean;
  format: 'table' | 'json';
  adopt?: string;
};

/** `remediate`: merge the default rule into every policy that lacks one (dry run unless --apply). */
export function remediateCommand(ctx: CliContext): Command {
  const command = new Command('remediate').description(
    'merge the default untagged-image rule into every policy that lacks one; dry run unless --apply',
  );
  addJudgeFlags(command, SOURCES);
  addEnforcedMaxUntaggedDaysFlag(addDaysFlag(command))
    .option('--apply', 'write the policies (PutLifecyclePolicy); without it nothing is written', false)
    .option(
      '--adopt <file>',
      'write the recommended policies of an advice file (advise --format json) instead of merging the default rule, each only while the policy is still the one advised from',
    )
    .option(
      '--creation-templates',
      'also merge the rule into the lifecycle policy of each repository creation template that lacks it (UpdateRepositoryCreationTemplate; only the lifecycle policy changes, create-on-push is never turned on)',
      false,
    )
    .addOption(new Option('--format <format>', 'output on stdout').choices(['table', 'json']).default('table'))
    .action(async (opts: RemediateFlags) => {
      checkMaxUntaggedDays(opts.maxUntaggedDays, opts.days);
      if (opts.apply && opts.snapshot !== undefined)
        throw new UsageError('--apply cannot be used with --snapshot: a snapshot is read-only; drop --snapshot to write to ECR');
      if (opts.creationTemplates && opts.snapshot !== undefined)
        throw new UsageError(
          '--creation-templates cannot be used with --snapshot: a snapshot holds no creation templates; drop --snapshot',
        );
      if (opts.creationTemplates && opts.adopt !== undefined)
        throw new UsageError(
          '--creation-templates cannot be used with --adopt: an advice file holds repository policies, not templates; run them apart',
        );
      // Refused before any account is entered: each account's templates are remediated in that account.
      if (opts.creationTemplates && (opts.accounts !== undefined || opts.org === true))
        throw new UsageError(
          '--creation-templates cannot be used with --accounts or --org yet: remediate the creation templates in each account apart',
        );
      const counter = new CallCounter();
      const progress = progressOf(ctx, opts);
      const adoptAcross = (): UsageError =>
        new UsageError(
          "--adopt cannot be used with --accounts, --org or a snapshot of several accounts: an advice file is one account's; adopt it in each account apart",
        );
      // Refused before any account is entered.
      if (opts.adopt !== undefined && (opts.accounts !== undefined || opts.org === true)) throw adoptAcross();
      const scope = await openAccountScope(opts, SOURCES, { counter, env: ctx.env });
      if (scope !== undefined && opts.adopt !== undefined) throw adoptAcross();
      if (scope === undefined) {
        const sources = await openSources(opts, SOURCES, { counter, env: ctx.env });
        if (opts.adopt !== undefined) {
          // Read once a write is due, over every region of the run: a compliant account costs no workload scan.
          const inUse = await inUseSourcesOf(opts, {
            ...(sources.snapshot ? { snapshot: sources.snapshot.inUse } : {}),
            counter,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
          const regions = sources.registries.map((s) => s.reader.region);
          const provider = inUseProvider(regions, inUse?.sources ?? { scannersFor: () => [] });
          // A snapshot is judged as it was when captured, as audit does.
          const now = judgedAt(sources, () => ctx.now());
          if (opts.maxUntaggedDays !== undefined)
            throw new UsageError('--max-untagged-days does not apply with --adopt: the advice file holds the policies to write');
          const advice = parseAdviceFile(await readJsonFile(opts.adopt, 'advice'), opts.adopt);
          const adopted = await adoptAdvice(sources.registries, advice, {
            apply: opts.apply,
            concurrency: opts.concurrency,
            selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
            guard: { enabled: opts.guard === 'on', horizonDays: opts.guardHorizonDays, inUse: provider, now: () => now },
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
          adopted.errors.push(...provider.errors());
          const adoptWarnings = provider.warnings();
          if (opts.format === 'json')
            ctx.out(
              renderJson({ apply: opts.apply, adopt: opts.adopt, ...adopted, warnings: adoptWarnings, apiCalls: counter.snapshot().calls }),
            );
          else ctx.out(renderRemediationPlan(adopted, opts.apply));
          for (const w of adoptWarnings) ctx.err(warningLine(w));
          if (adopted.withoutAdvice > 0)
            ctx.err(
              `${adopted.withoutAdvice} repositor${adopted.withoutAdvice === 1 ? 'y has' : 'ies have'} no policy to adopt in ${opts.adopt} (advice "none")`,
            );
          const problems = remediationProblems(adopted);
          if (problems.length > 0) {
            for (const line of problems) ctx.err(line);
            ctx.exitCode = EXIT.partial;
          }
          return;
        }
        if (sources.snapshot === undefined)
          progress.begin(
            `reading ${sources.registries.map((s) => s.reader.region).join(', ')}: the repositories, then what is in use where a write is due`,
          );
        const { warnings, ...result } = await remediateOne(opts, ctx, { sources, counter }, progress.update);
        progress.done();
        const templates = opts.creationTemplates
          ? await remediateCreationTemplates(openRegistrySettings(opts, sources, { counter }), {
              days: opts.days,
              ...(opts.maxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: opts.maxUntaggedDays }),
              apply: opts.apply,
            })
          : undefined;
        if (opts.format === 'json') {
          const creationTemplates = templates === undefined ? {} : { creationTemplates: templates };
          ctx.out(renderJson({ apply: opts.apply, ...result, warnings, ...creationTemplates, apiCalls: counter.snapshot().calls }));
        } else {
          ctx.out(renderRemediationPlan(result, opts.apply));
          if (templates !== undefined) ctx.out(`\n${renderTemplatePlan(templates, opts.apply)}`);
        }
        for (const w of warnings) ctx.err(warningLine(w));
        reportProblems(ctx, [...remediationProblems(result), ...(templates === undefined ? [] : templateProblems(templates))]);
        return;
      }
      // Each account through its own role, with every guarantee of a single account's run.
      const outcomes = await forEachAccount(
        scope.accounts,
        scope.opener,
        (session, account) =>
          remediateOne(opts, ctx, session, (p) => progress.update({ ...p, region: `${account.accountId} ${p.region}` })),
        { concurrency: scope.concurrency, ...(ctx.signal ? { signal: ctx.signal } : {}) },
      );
      progress.done();
      const result = organizationRemediation(outcomes);
      // What the in-use sources could not see, in every account, each line naming its account.
      const warnings = outcomes.flatMap(({ account, result: one }) =>
        (one?.warnings ?? []).map((w) => ({ ...w, accountId: account.accountId })),
      );
      if (opts.format === 'json') {
        ctx.out(renderJson({ apply: opts.apply, ...result, warnings, apiCalls: counter.snapshot().calls }));
      } else {
        ctx.out(renderOrganizationRemediation(result, opts.apply));
      }
      for (const w of warnings) ctx.err(warningLine(w));
      reportProblems(ctx, organizationProblems(result));
    });
  return command;
}

/** Prints what could not be done, and exits 3 when there is any. */
function reportProblems(ctx: CliContext, problems: readonly string[]): void {
  if (problems.length === 0) return;
  for (const line of problems) ctx.err(line);
  ctx.exitCode = EXIT.partial;
}

/** The remediation of one account: its repositories read, judged with what is in use there, and written (with --apply). */
async function remediateOne(
  opts: RemediateFlags,
  ctx: CliContext,
  session: AccountSession,
  onProgress: (progress: ScanProgress) => void,
): Promise<RemediationResult & { warnings: ReportWarning[] }> {
  const { sources, counter, credentials } = session;
  // Read once a write is due, over every region of the account, through its credentials: a compliant account costs no workload scan.
  const inUse = await inUseSourcesOf(opts, {
    ...(sources.snapshot ? { snapshot: sources.snapshot.inUse } : {}),
    counter,
    ...(credentials === undefined ? {} : { credentials }),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const regions = sources.registries.map((s) => s.reader.region);
  const provider = inUseProvider(regions, inUse?.sources ?? { scannersFor: () => [] });
  // A snapshot is judged as it was when captured, as audit does.
  const now = judgedAt(sources, () => ctx.now());
  const result = await remediate(sources.registries, {
    days: opts.days,
    enforcedMaxUntaggedDays: opts.maxUntaggedDays,
    apply: opts.apply,
    concurrency: opts.concurrency,
    selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
    guard: { enabled: opts.guard === 'on', horizonDays: opts.guardHorizonDays, inUse: provider, now: () => now },
    onProgress,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  result.errors.push(...provider.errors());
  return { ...result, warnings: provider.warnings() };
}

/**
 * What `remediate` over several accounts reports on stderr before exiting 3: each account's problems
 * (as for one account, the repositories prefixed with the account id), and one line per account not
 * entered; empty when every account was handled whole.
 */
export function organizationProblems(result: OrganizationRemediation): string[] {
  const lines: string[] = [];
  const notEntered = result.errors.filter(isAccountFailure);
  for (const account of result.accounts.filter((a) => a.read)) {
    const own = remediationProblems({
      actions: result.actions.filter((a) => a.accountId === account.accountId).map((a) => ({ ...a, region: `${a.accountId}/${a.region}` })),
      // The errors say their account themselves (errorLine prints it before the region).
      errors: account.errors,
    });
    lines.push(...own);
  }
  if (notEntered.length > 0) {
    lines.push(`${notEntered.length} account${notEntered.length === 1 ? ' was' : 's were'} not read (nothing was changed there):`);
    lines.push(...notEntered.map(errorLine));
  }
  return lines;
}

/** Outcomes that leave a repository without untagged cleanup although the janitor may change it. */
const NOT_REMEDIATED: ReadonlySet<RemediationOutcome> = new Set<RemediationOutcome>([
  'failed',
  'unmergeable',
  'skipped-changed',
  'not-reached',
  'unknown-outcome',
]);

/**
 * What `remediate` reports on stderr before exiting 3: one line per region it could not list and
 * per repository it could not bring up to standard (failed, unmergeable, or changed under it), with
 * the reason; empty when every repository was handled.
 *
 * @example remediationProblems(result) // ['unmergeable: us-east-1/app: the policy already has 50 rules, …']
 */
export function remediationProblems(result: RemediationResult): string[] {
  // A repository's own error is also its `failed` action: each is reported once, from the action.
  const regional = result.errors.filter((e) => e.repositoryName === undefined);
  const regions = regional.map(errorLine);
  const unlisted = regional.filter((e) => e.source === undefined).length;
  const unscanned = regional.length - unlisted;
  const repositories = result.actions
    .filter((a) => NOT_REMEDIATED.has(a.outcome))
    .map((a) => oneLine(`${a.outcome}: ${a.region}/${a.repositoryName}${a.message === undefined ? '' : `: ${a.message}`}`));
  if (regions.length === 0 && repositories.length === 0) return [];
  const summary = [
    repositories.length > 0 ? `${repositories.length} repositor${repositories.length === 1 ? 'y was' : 'ies were'} not remediated` : '',
    unlisted > 0 ? `${unlisted} region${unlisted === 1 ? '' : 's'} could not be listed` : '',
    unscanned > 0 ? `${unscanned} in-use source${unscanned === 1 ? '' : 's'} could not be read` : '',
  ].filter((part) => part !== '');
  return [`${summary.join('; ')}:`, ...regions, ...repositories];
}

/** Template outcomes that leave a creation template without untagged cleanup although the janitor may change it. */
const TEMPLATE_NOT_REMEDIATED: ReadonlySet<TemplateOutcome> = new Set<TemplateOutcome>(['failed', 'unmergeable', 'skipped-changed']);

/**
 * What `remediate --creation-templates` reports on stderr before exiting 3: a line per region whose
 * templates could not be read and per template it could not bring up to standard; empty when none.
 *
 * @example templateProblems(result) // ['1 creation template was not remediated:', 'unmergeable: us-east-1/ROOT: …']
 */
export function templateProblems(result: TemplateRemediation): string[] {
  const templates = result.actions
    .filter((a) => TEMPLATE_NOT_REMEDIATED.has(a.outcome))
    .map((a) => oneLine(`${a.outcome}: ${a.region}/${a.prefix}${a.message === undefined ? '' : `: ${a.message}`}`));
  const regions = result.errors.map(errorLine);
  if (templates.length === 0 && regions.length === 0) return [];
  const summary = [
    templates.length > 0 ? `${templates.length} creation template${templates.length === 1 ? ' was' : 's were'} not remediated` : '',
    regions.length > 0 ? `the creation templates of ${regions.length} region${regions.length === 1 ? '' : 's'} could not be read` : '',
  ].filter((part) => part !== '');
  return [`${summary.join('; ')}:`, ...regions, ...templates];
}
