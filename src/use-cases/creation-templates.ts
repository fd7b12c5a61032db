// The repositories ECR creates itself start from its creation templates: `audit` reports the
// templates that give no untagged cleanup and the pull-through-cache rules and replication rules no
// template covers; `remediate --creation-templates` merges the default rule into those templates.
import {
  creationTemplateWarnings,
  planTemplate,
  type CreationTemplate,
  type RegistrySettings,
  type TemplateAction,
  type TemplateRemediation,
} from '../domain/creation-templates';
import { PolicyWriteError } from '../domain/errors';
import type { ReportWarning } from '../domain/report-problems';
import { oneLine } from '../domain/text';
import type { CreationTemplateWriter, RegistrySettingsReader } from '../ports/registry-settings';
import { toReportError } from './errors';

/** The IAM actions that read a registry's settings, named when they cannot be read. */
const READ_ACTIONS = 'ecr:DescribeRepositoryCreationTemplates, ecr:DescribePullThroughCacheRules and ecr:DescribeRegistry';

/** Reads one region's settings, or says why it could not. */
async function readSettings(reader: RegistrySettingsReader): Promise<RegistrySettings | ReportWarning> {
  try {
    const [templates, pullThroughCacheRules, replication] = await Promise.all([
      reader.creationTemplates(),
      reader.pullThroughCacheRules(),
      reader.replication(),
    ]);
    return {
      accountId: replication.accountId,
      region: reader.region,
      templates,
      pullThroughCacheRules,
      replicationRules: replication.rules,
    };
  } catch (error) {
    const { code, message } = toReportError(reader.region, undefined, error);
    return {
      region: reader.region,
      repositoryName: '',
      code: 'RegistrySettingsUnread',
      message: oneLine(
        `The creation templates, pull-through-cache rules and replication of ${reader.region} could not be read (${code}: ${message}): ` +
          `the repositories ECR creates itself there were not judged. The caller needs ${READ_ACTIONS}.`,
      ),
    };
  }
}

/**
 * Reads the settings of every region (at once) and judges them together: a replication rule is judged
 * against the templates of its destination when that region is among `readers`. A region whose settings
 * cannot be read (an emulator without these APIs, a missing permission) is a `RegistrySettingsUnread`
 * warning, never a failure of the run.
 *
 * @example const { warnings } = await auditCreationTemplates(regions.map((r) => createRegistrySettings({ region: r, counter })));
 */
export async function auditCreationTemplates(readers: readonly RegistrySettingsReader[]): Promise<{ warnings: ReportWarning[] }> {
  const read = await Promise.all(readers.map(readSettings));
  const settings = read.filter((r): r is RegistrySettings => 'templates' in r);
  const unread = read.filter((r): r is ReportWarning => !('templates' in r));
  return { warnings: [...unread, ...settings.flatMap((s) => creationTemplateWarnings(s, settings))] };
}

/** One region's registry settings, read and (live) written. */
export interface SettingsSource {
  reader: RegistrySettingsReader;
  /** Absent: nothing is written there. */
  writer?: CreationTemplateWriter;
}

/** Options of {@link remediateCreationTemplates}. */
export interface TemplateRemediationOptions {
  /** Age in days of the default untagged-image rule. */
  days: number;
  /** The enforced maximum: shorten a longer untagged rule to this many days, as for repositories. @default off */
  enforcedMaxUntaggedDays?: number;
  /** Write; without it every template is planned only. */
  apply: boolean;
}

/** The template of `prefix` among `templates`. */
const withPrefix = (templates: readonly CreationTemplate[], prefix: string) => templates.find((t) => t.prefix === prefix);

/**
 * Merges the default rule into the lifecycle policy of every creation template that does not clean
 * untagged images, with the same merge as repositories (`planTemplate`). A write re-reads the template
 * first and is skipped when it changed since it was planned; it is read back afterwards. Only the
 * lifecycle policy changes: a template never gains a scenario (create-on-push is never turned on).
 * A region that cannot be read is an error; the others go on.
 *
 * @example const { actions } = await remediateCreationTemplates([{ reader, writer }], { days: 7, apply: true });
 */
export async function remediateCreationTemplates(
  sources: readonly SettingsSource[],
  options: TemplateRemediationOptions,
): Promise<TemplateRemediation> {
  const result: TemplateRemediation = { actions: [], errors: [] };
  const perRegion = await Promise.all(sources.map((source) => remediateRegion(source, options)));
  for (const region of perRegion) {
    result.actions.push(...region.actions);
    result.errors.push(...region.errors);
  }
  return result;
}

async function remediateRegion(source: SettingsSource, options: TemplateRemediationOptions): Promise<TemplateRemediation> {
  const { reader, writer } = source;
  let templates: CreationTemplate[];
  try {
    templates = await reader.creationTemplates();
  } catch (error) {
    const entry = toReportError(reader.region, undefined, error);
    return { actions: [], errors: [{ ...entry, message: `its creation templates could not be read: ${entry.message}` }] };
  }
  const actions: TemplateAction[] = [];
  for (const template of templates) {
    const base = {
      region: reader.region,
      prefix: template.prefix,
      appliedFor: [...template.appliedFor],
      before: template.lifecyclePolicy ?? null,
    };
    const plan = planTemplate(template, {
      days: options.days,
      ...(options.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: options.enforcedMaxUntaggedDays }),
    });
    if (plan.outcome === 'compliant') actions.push({ ...base, outcome: 'compliant' });
    else if (plan.outcome === 'unmergeable') actions.push({ ...base, outcome: 'unmergeable', message: plan.message });
    else if (!options.apply || writer === undefined) actions.push({ ...base, outcome: 'planned', after: plan.lifecyclePolicy });
    else actions.push({ ...base, ...(await write(reader, writer, template, plan.lifecyclePolicy)) });
  }
  return { actions, errors: [] };
}

/** Writes one template's merged policy: re-read, one put, read back. */
async function write(
  reader: RegistrySettingsReader,
  writer: CreationTemplateWriter,
  template: CreationTemplate,
  merged: string,
): Promise<Pick<TemplateAction, 'outcome' | 'after' | 'message'>> {
  try {
    const now = withPrefix(await reader.creationTemplates(), template.prefix);
    if (now === undefined) return { outcome: 'skipped-changed', message: 'the template is gone; nothing was written' };
    if (now.lifecyclePolicy !== template.lifecyclePolicy)
      return { outcome: 'skipped-changed', message: 'its lifecycle policy changed since it was read; the next run decides' };
    await writer.putCreationTemplateLifecyclePolicy(template.prefix, merged);
    const after = withPrefix(await reader.creationTemplates(), template.prefix);
    if (after?.lifecyclePolicy !== merged)
      return { outcome: 'skipped-changed', message: 'another writer replaced the lifecycle policy right after this write' };
    return { outcome: 'applied', after: merged };
  } catch (error) {
    const failure = error instanceof PolicyWriteError ? ` (${error.failure === 'unknown' ? 'it may have landed' : error.failure})` : '';
    return { outcome: 'failed', message: oneLine(`${toReportError(reader.region, undefined, error).message}${failure}`) };
  }
}
