// Repository creation templates: ECR's own defaults for the repositories it creates itself (pull-
// through cache, replication, create-on-push). A template applies only at creation, only for the
// scenarios in its `appliedFor`, to the repositories under its prefix: of the templates for that
// scenario, the one with the longest prefix the name lies under (`PREFIX/…`) wins, and `ROOT` takes
// every repository no other template does. Without one, a repository starts with no lifecycle policy.
import { MergeError } from './errors';
import { parsePolicy, policyExpiresUntaggedImages, problemLines, remediatedPolicy, type RemediationSettings } from './policy';
import type { ReportError, ReportWarning } from './report-problems';

/** The creation scenarios a template applies to (`appliedFor`). */
export type CreationScenario = 'PULL_THROUGH_CACHE' | 'REPLICATION' | 'CREATE_ON_PUSH';

/** The prefix of the template that applies to every repository no other template covers. */
export const ROOT_PREFIX = 'ROOT';

/** A repository creation template, as far as the janitor reads it. */
export interface CreationTemplate {
  prefix: string;
  /** The scenarios it applies to, as ECR lists them. */
  appliedFor: readonly string[];
  /** The lifecycle policy it gives new repositories; absent when it gives none. */
  lifecyclePolicy?: string;
}

/** A pull-through-cache rule: its repositories are created as `PREFIX/upstream-path`. */
export interface PullThroughCacheRule {
  ecrRepositoryPrefix: string;
  upstreamRegistryUrl?: string;
}

/** A replication rule of a source registry: where it replicates, and which repositories (name prefixes; none: all). */
export interface ReplicationRule {
  destinations: ReadonlyArray<{ region: string; registryId: string }>;
  repositoryFilters: ReadonlyArray<{ filter: string; filterType: string }>;
}

/** What one region's registry says about the repositories ECR creates in it, or that it replicates away. */
export interface RegistrySettings {
  /** The registry's account. */
  accountId: string;
  region: string;
  templates: CreationTemplate[];
  pullThroughCacheRules: PullThroughCacheRule[];
  /** The rules of this registry as a replication source. */
  replicationRules: ReplicationRule[];
}

/** True when `name` lies under the template's prefix (`PREFIX/…`); ROOT takes every name. */
function lies(name: string, prefix: string): boolean {
  return prefix === ROOT_PREFIX || name.startsWith(`${prefix}/`);
}

/**
 * The template ECR applies to a repository named `name` created by `scenario`: of the templates for
 * that scenario, the one with the longest prefix the name lies under, else ROOT; undefined when none.
 *
 * @example templateFor(templates, 'docker-hub/library/nginx', 'PULL_THROUGH_CACHE')?.prefix // 'docker-hub'
 */
export function templateFor(
  templates: readonly CreationTemplate[],
  name: string,
  scenario: CreationScenario,
): CreationTemplate | undefined {
  let best: CreationTemplate | undefined;
  for (const template of templates) {
    if (!template.appliedFor.includes(scenario) || !lies(name, template.prefix)) continue;
    const length = template.prefix === ROOT_PREFIX ? 0 : template.prefix.length + 1;
    const bestLength = best === undefined ? -1 : best.prefix === ROOT_PREFIX ? 0 : best.prefix.length + 1;
    if (length > bestLength) best = template;
  }
  return best;
}

/**
 * The template every repository whose name starts with `namePrefix` gets when `scenario` creates it
 * (the longest prefix that covers them all, else ROOT), or undefined when some of them would get none.
 * A template with a longer prefix than `namePrefix` covers only some of them, so it does not count.
 *
 * @example coveringTemplate(templates, 'docker-hub/', 'PULL_THROUGH_CACHE')
 */
export function coveringTemplate(
  templates: readonly CreationTemplate[],
  namePrefix: string,
  scenario: CreationScenario,
): CreationTemplate | undefined {
  // Every name starting with namePrefix lies under P exactly when namePrefix itself starts with P/.
  return templateFor(
    templates.filter((t) => t.prefix === ROOT_PREFIX || namePrefix.startsWith(`${t.prefix}/`)),
    namePrefix,
    scenario,
  );
}

/** Why a template's lifecycle policy does not clean untagged images, or undefined when it does. */
export function templateCleanupProblem(template: CreationTemplate): string | undefined {
  if (template.lifecyclePolicy === undefined || template.lifecyclePolicy.trim() === '') return 'no lifecycle policy';
  const parsed = parsePolicy(template.lifecyclePolicy);
  if (!parsed.ok) return `a lifecycle policy that is not valid (${problemLines(parsed).slice(0, 3).join('; ')})`;
  return policyExpiresUntaggedImages(parsed.policy) ? undefined : 'a lifecycle policy that never expires untagged images';
}

/** How a template is named in findings and plans. */
export function templateName(template: CreationTemplate): string {
  return `prefix ${template.prefix} (for ${template.appliedFor.join(', ') || 'nothing'})`;
}

/**
 * The findings about one region's registry settings, as report warnings of the region (repository
 * name empty): a template whose lifecycle policy does not clean untagged images
 * (`CreationTemplateWithoutCleanup`), a pull-through-cache rule no PULL_THROUGH_CACHE template covers
 * (`PullThroughCacheWithoutTemplate`), and a replication rule whose repositories no REPLICATION
 * template of the destination covers (`ReplicationWithoutTemplate`). Destinations are judged only
 * when their registry is among `all` (the same account, an audited region).
 *
 * @example creationTemplateWarnings(settings, allSettings)
 */
export function creationTemplateWarnings(settings: RegistrySettings, all: readonly RegistrySettings[]): ReportWarning[] {
  const { region } = settings;
  const warnings: ReportWarning[] = [];
  const fix = `ecr-janitor remediate --creation-templates --apply --region ${region}`;
  for (const template of settings.templates) {
    const problem = templateCleanupProblem(template);
    if (problem === undefined) continue;
    warnings.push({
      region,
      repositoryName: '',
      code: 'CreationTemplateWithoutCleanup',
      message:
        `The repository creation template ${templateName(template)} gives the repositories ECR creates from it ${problem}: ` +
        `they start without untagged cleanup. Merge the default rule into it: ${fix}`,
    });
  }
  for (const rule of settings.pullThroughCacheRules) {
    if (coveringTemplate(settings.templates, `${rule.ecrRepositoryPrefix}/`, 'PULL_THROUGH_CACHE') !== undefined) continue;
    const upstream = rule.upstreamRegistryUrl === undefined ? '' : ` (from ${rule.upstreamRegistryUrl})`;
    warnings.push({
      region,
      repositoryName: '',
      code: 'PullThroughCacheWithoutTemplate',
      message:
        `No repository creation template for PULL_THROUGH_CACHE covers the pull-through-cache rule ${rule.ecrRepositoryPrefix}${upstream}: ` +
        `its repositories start with no lifecycle policy. Create one: aws ecr create-repository-creation-template --prefix ${rule.ecrRepositoryPrefix} ` +
        `--applied-for PULL_THROUGH_CACHE --lifecycle-policy file://policy.json --region ${region}`,
    });
  }
  for (const rule of settings.replicationRules) {
    const filters = rule.repositoryFilters.length === 0 ? [''] : rule.repositoryFilters.map((f) => f.filter);
    for (const destination of rule.destinations) {
      const target = all.find((s) => s.accountId === destination.registryId && s.region === destination.region);
      if (target === undefined) continue;
      for (const filter of filters) {
        if (coveringTemplate(target.templates, filter, 'REPLICATION') !== undefined) continue;
        const which = filter === '' ? 'every repository' : `the repositories starting with ${filter}`;
        warnings.push({
          region,
          repositoryName: '',
          code: 'ReplicationWithoutTemplate',
          message:
            `${region} replicates ${which} to ${destination.region}, where no repository creation template for REPLICATION covers them all: ` +
            `the repositories replication creates there start with no lifecycle policy. Create one in ${destination.region} ` +
            `(${filter === '' || !filter.includes('/') ? 'prefix ROOT' : `prefix ${filter.slice(0, filter.lastIndexOf('/'))}`}, --applied-for REPLICATION).`,
        });
      }
    }
  }
  return warnings;
}

/** What remediating one template does or would do. */
export type TemplateOutcome = 'applied' | 'planned' | 'compliant' | 'unmergeable' | 'skipped-changed' | 'failed';

/** What remediating one template did, or would do (`remediate --creation-templates`). */
export interface TemplateAction {
  region: string;
  prefix: string;
  appliedFor: string[];
  outcome: TemplateOutcome;
  /** The lifecycle policy it had; null when none. */
  before: string | null;
  /** The lifecycle policy written (`applied`) or to be written (`planned`). */
  after?: string;
  message?: string;
}

/** What remediating the templates of a run did: one action per template, and the regions it could not read. */
export interface TemplateRemediation {
  actions: TemplateAction[];
  errors: ReportError[];
}

/** The janitor's plan for one template: its lifecycle policy with the default rule merged in, or why none. */
export type TemplatePlan =
  { outcome: 'compliant' } | { outcome: 'unmergeable'; message: string } | { outcome: 'planned'; lifecyclePolicy: string };

/**
 * The same merge as for a repository's policy (`remediatedPolicy`): the default rule added where
 * untagged images are never expired (and, with `enforcedMaxUntaggedDays`, a longer untagged rule shortened).
 *
 * @example planTemplate(template, { days: 7 }) // { outcome: 'planned', lifecyclePolicy: '{"rules":[…]}' }
 */
export function planTemplate(
  template: CreationTemplate,
  settings: Pick<RemediationSettings, 'days' | 'enforcedMaxUntaggedDays'>,
): TemplatePlan {
  const existing = template.lifecyclePolicy === undefined || template.lifecyclePolicy.trim() === '' ? undefined : template.lifecyclePolicy;
  try {
    const result = remediatedPolicy(existing, settings);
    return result.changed ? { outcome: 'planned', lifecyclePolicy: result.text } : { outcome: 'compliant' };
  } catch (error) {
    if (error instanceof MergeError) return { outcome: 'unmergeable', message: error.message };
    throw error;
  }
}
