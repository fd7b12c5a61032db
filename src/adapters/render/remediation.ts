import { listConsumers, shortDigest } from '../../domain/in-use-guard';
import type { LifecyclePolicy } from '../../domain/policy';
import type { RemediationAction, RemediationResult } from '../../domain/remediation';
import { oneLine } from '../../domain/text';
import { REFERRERS_AT_RISK_NOTE, namedRepositories, wrapLine } from './format';
import { renderTable } from './table';

/** Images of a held repository the plan lists under the table, at most. */
const HELD_IMAGES_SHOWN = 5;

function describePolicy(text: string | null | undefined): string {
  if (text === null || text === undefined) return 'none';
  try {
    const policy = JSON.parse(text) as LifecyclePolicy;
    return `${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'}`;
  } catch {
    return 'unreadable';
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function describeChange(action: RemediationAction): string {
  if (action.outcome === 'held-in-use') {
    const n = action.inUseAtRisk?.length ?? 0;
    const what = `held: the default rule would remove ${plural(n, 'image', 'images')} in use (listed below)`;
    return action.after === undefined ? what : `${what}; the team's policy was put back as written (${describePolicy(action.after)})`;
  }
  if (action.after === undefined) return action.message ?? '';
  const after = JSON.parse(action.after) as LifecyclePolicy;
  const added = after.rules.find((r) => r.description?.includes('added by ecr-janitor') && r.selection.tagStatus === 'untagged');
  const what = added
    ? `+ rule ${added.rulePriority}: expire untagged after ${added.selection.countNumber} days`
    : action.shortened
      ? `rule ${action.shortened.rulePriority}: expire untagged after ${action.shortened.toDays} days, not ${action.shortened.fromDays}`
      : describePolicy(action.after);
  const referrers = (action.referrersAtRisk ?? 0) > 0 ? `; ${plural(action.referrersAtRisk ?? 0, 'referrer', 'referrers')} at risk` : '';
  return `${what} (${describePolicy(action.after)})${action.renumbered ? ', priorities renumbered in order' : ''}${referrers}${action.message ? `; ${action.message}` : ''}`;
}

/** The lines under the table about the repositories the guard held: each at-risk image with its consumers and the rule. */
function heldLines(actions: readonly RemediationAction[]): string[] {
  const held = actions.filter((a) => a.outcome === 'held-in-use');
  if (held.length === 0) return [];
  const lines = [
    '',
    `Held by the in-use guard (${plural(held.length, 'repository', 'repositories')}; not written, the next run decides again):`,
  ];
  for (const a of held) {
    const images = a.inUseAtRisk ?? [];
    lines.push(`  ${a.region}/${a.repositoryName}:`);
    for (const image of images.slice(0, HELD_IMAGES_SHOWN)) {
      lines.push(`    ${shortDigest(image.imageDigest)} used by ${listConsumers(image.consumers)}; ${image.rule}`);
    }
    if (images.length > HELD_IMAGES_SHOWN) lines.push(`    … and ${images.length - HELD_IMAGES_SHOWN} more (--format json lists them all)`);
  }
  return lines;
}

/** The lines about referrers at risk in the repositories the plan changes, naming them, when there are any. */
function referrerLines(actions: readonly RemediationAction[]): string[] {
  const changed = actions
    .filter((a) => (a.outcome === 'planned' || a.outcome === 'applied') && (a.referrersAtRisk ?? 0) > 0)
    .sort(
      (a, b) =>
        (b.referrersAtRisk ?? 0) - (a.referrersAtRisk ?? 0) ||
        a.region.localeCompare(b.region) ||
        a.repositoryName.localeCompare(b.repositoryName),
    );
  if (changed.length === 0) return [];
  const n = changed.reduce((sum, a) => sum + (a.referrersAtRisk ?? 0), 0);
  const where = namedRepositories(
    changed.map((a) => ({ region: a.region, repositoryName: a.repositoryName, count: a.referrersAtRisk ?? 0 })),
  );
  return [
    '',
    ...wrapLine(
      oneLine(
        `Referrers at risk: ${plural(n, 'referrer', 'referrers')} in ${plural(changed.length, 'repository', 'repositories')} this ${changed.some((a) => a.outcome === 'applied') ? 'run changed' : 'plan changes'} (${where}): ${REFERRERS_AT_RISK_NOTE}`,
      ),
      100,
      '  ',
    ),
  ];
}

/**
 * The remediation plan (or record) as a table with counts by outcome, then the repositories the
 * in-use guard held (each image at risk with its consumers and the rule) and the referrers at risk in
 * the repositories it changes.
 */
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
    oneLine(
      `error: ${e.region}${e.repositoryName ? `/${e.repositoryName}` : ''}${e.source === undefined ? '' : ` (in-use source ${e.source})`}: ${e.code}: ${e.message}`,
    ),
  );
  return [
    header,
    renderTable(['region', 'repository', 'outcome', 'before', 'after'], rows),
    ...heldLines(result.actions),
    ...referrerLines(result.actions),
    '',
    summary,
    ...errors,
  ].join('\n');
}
