import type { TemplateAction, TemplateRemediation } from '../../domain/creation-templates';
import type { LifecyclePolicy } from '../../domain/policy';
import { oneLine } from '../../domain/text';
import { renderTable } from './table';

/** A lifecycle policy in a few words: its rule count, or none. */
function rules(text: string | null | undefined): string {
  if (text === null || text === undefined) return 'none';
  try {
    const n = (JSON.parse(text) as LifecyclePolicy).rules.length;
    return `${n} rule${n === 1 ? '' : 's'}`;
  } catch {
    return 'unreadable';
  }
}

function change(action: TemplateAction): string {
  if (action.after === undefined) return action.message ?? '';
  const added = (JSON.parse(action.after) as LifecyclePolicy).rules.find(
    (r) => r.description?.includes('added by ecr-janitor') && r.selection.tagStatus === 'untagged',
  );
  const what = added
    ? `+ rule ${added.rulePriority}: expire untagged after ${added.selection.countNumber} days`
    : 'untagged rule shortened';
  return `${what} (${rules(action.after)})`;
}

/**
 * The creation-template plan (or record) of `remediate --creation-templates`: one row per template
 * with its scenarios, then counts by outcome and the regions that could not be read.
 *
 * @example ctx.out(renderTemplatePlan(result, opts.apply));
 */
export function renderTemplatePlan(result: TemplateRemediation, applied: boolean): string {
  const rows = result.actions.map((a) => [a.region, a.prefix, a.appliedFor.join(','), a.outcome, rules(a.before), change(a)]);
  const counts = new Map<string, number>();
  for (const a of result.actions) counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
  const summary = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'no creation templates';
  return [
    applied ? 'Creation templates (applied):' : 'Creation templates (dry run; nothing was written — add --apply to write):',
    renderTable(['region', 'prefix', 'applied for', 'outcome', 'before', 'after'], rows),
    '',
    summary,
    ...result.errors.map((e) => oneLine(`error: ${e.region}: ${e.code}: ${e.message}`)),
  ].join('\n');
}
