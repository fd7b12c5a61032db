import type { LifecyclePolicy } from '../../domain/policy';
import type { RemediationAction, RemediationResult } from '../../domain/remediation';
import { oneLine } from '../../domain/text';
import { renderTable } from './table';

function describePolicy(text: string | null | undefined): string {
  if (text === null || text === undefined) return 'none';
  try {
    const policy = JSON.parse(text) as LifecyclePolicy;
    return `${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'}`;
  } catch {
    return 'unreadable';
  }
}

function describeChange(action: RemediationAction): string {
  if (action.after === undefined) return action.message ?? '';
  const after = JSON.parse(action.after) as LifecyclePolicy;
  const added = after.rules.find((r) => r.description?.includes('added by ecr-janitor') && r.selection.tagStatus === 'untagged');
  const what = added
    ? `+ rule ${added.rulePriority}: expire untagged after ${added.selection.countNumber} days`
    : action.shortened
      ? `rule ${action.shortened.rulePriority}: expire untagged after ${action.shortened.toDays} days, not ${action.shortened.fromDays}`
      : describePolicy(action.after);
  return `${what} (${describePolicy(action.after)})${action.renumbered ? ', priorities renumbered in order' : ''}${action.message ? `; ${action.message}` : ''}`;
}

/** The remediation plan (or record) as a table with counts by outcome. */
export function renderRemediationPlan(result: RemediationResult, applied: boolean): string {
  // Skipped repositories are never read, so their policy is unknown rather than "none".
  const notRead = (a: RemediationAction): boolean =>
    a.outcome === 'skipped-excluded' || a.outcome === 'skipped-opt-out' || a.outcome === 'failed';
  const rows = result.actions.map((a) => [
    a.region,
    a.repositoryName,
    a.outcome,
    notRead(a) ? '-' : describePolicy(a.before),
    describeChange(a),
  ]);
  const counts = new Map<string, number>();
  for (const a of result.actions) counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
  const summary = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'no repositories';
  const header = applied ? 'Remediation (applied):' : 'Remediation plan (dry run; nothing was written — add --apply to write):';
  const errors = result.errors.map((e) =>
    oneLine(`error: ${e.region}${e.repositoryName ? `/${e.repositoryName}` : ''}: ${e.code}: ${e.message}`),
  );
  return [header, renderTable(['region', 'repository', 'outcome', 'before', 'after'], rows), '', summary, ...errors].join('\n');
}
