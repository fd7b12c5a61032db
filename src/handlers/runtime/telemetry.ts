// What each function logs and counts when it is done: every metric the functions emit (namespace
// EcrJanitor) is named here, beside `Errors` (middleware/with-powertools.ts) and `EventsDropped`
// (middleware/drop-permanent-failures.ts). The stack's alarms watch `TeamWritesRestored` and
// `EventsDropped`.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CreatedBy } from '../../adapters/events/repository-events';
import type { RemediationAction } from '../../domain/remediation';
import type { ReportEventDetail } from '../../domain/report-event';
import type { OrganizationReportResult } from '../../use-cases/organization-report';
import type { AggregateOutcome } from '../../use-cases/weekly/aggregate';
import type { ShardOutcome } from '../../use-cases/weekly/audit-shard';
import type { PlanOutcome } from '../../use-cases/weekly/plan';
import type { LedgerEvent } from '../../domain/ledger';
import type { RecordOutcome } from '../../use-cases/ledger-store';
import { logger, metrics } from './powertools';

/** Counts a remediation the janitor wrote or the in-use guard held. */
function countRemediation(action: RemediationAction): void {
  if (action.outcome === 'applied') metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, 1);
  if (action.outcome === 'held-in-use') {
    logger.warn('the in-use guard held the write: the default rule would remove images in use', { action });
    metrics.addMetric('RepositoriesHeld', MetricUnit.Count, 1);
  }
}

/**
 * onRepositoryCreated: logs what was done with the new repository and counts it.
 *
 * @example return recordCreation(await remediateRepository(…), event.createdBy);
 */
export function recordCreation(action: RemediationAction, createdBy: CreatedBy): RemediationAction {
  // Nested, not spread: Powertools drops a top-level `message` key, which is the action's reason.
  logger.info('repository handled', { action, createdBy });
  countRemediation(action);
  return action;
}

/** What onPolicyChanged answers for a janitor write that replaced no newer team write. */
export const OWN_WRITE_OVER_NO_TEAM_WRITE = 'written by ecr-janitor itself, over no newer team write';

/**
 * onPolicyChanged: logs what was done and counts it; a team's write put back is a warning and a
 * `TeamWritesRestored` metric (an alarm fires on it). A janitor write checked against the newest team
 * write and found to replace none needed nothing.
 *
 * @example return recordPolicyChange(await handlePolicyChange(…), change);
 */
export function recordPolicyChange(
  result: { action?: RemediationAction; restoredTeamWrite: boolean },
  change: { eventName: string; calledAt: number },
): RemediationAction | { ignored: string } {
  const { action, restoredTeamWrite } = result;
  if (action === undefined) return { ignored: OWN_WRITE_OVER_NO_TEAM_WRITE };
  if (restoredTeamWrite) {
    logger.warn("restored a team's policy that a janitor write had replaced", {
      eventTime: new Date(change.calledAt).toISOString(),
      action,
    });
    metrics.addMetric('TeamWritesRestored', MetricUnit.Count, 1);
  }
  logger.info('policy change handled', { eventName: change.eventName, action });
  countRemediation(action);
  return action;
}

/** The weekly run's Plan: how many repositories it planned. */
export function recordPlan({ itemCount, plan }: PlanOutcome): void {
  logger.info('weekly run planned', { repositories: itemCount, regions: plan.regions, errors: plan.errors.length });
  metrics.addMetric('RepositoriesPlanned', MetricUnit.Count, itemCount);
}

/** A shard of the weekly run: how many repositories it audited. */
export function recordShard(outcome: ShardOutcome): ShardOutcome {
  logger.info('shard done', { ...outcome });
  metrics.addMetric('RepositoriesAudited', MetricUnit.Count, outcome.repositories);
  return outcome;
}

/** The weekly run's Aggregate: the run's figures as metrics, as the single weekly audit published them. */
export function recordWeeklyRun({ report, detail, shards, manifests }: AggregateOutcome): void {
  logger.info('weekly report published', {
    totals: report.totals,
    remediation: detail.remediation,
    shards,
    manifests,
    artifacts: detail.artifacts,
  });
  const counts: Array<[string, number | undefined]> = [
    ['RepositoriesRemediated', detail.remediation.applied],
    ['RepositoriesHeld', detail.remediation['held-in-use']],
    ['Errors', detail.errorCount],
    ['RepositoriesNotReached', report.notReached.length + shards.missing],
    ['ManifestsFetched', manifests.fetched],
  ];
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value ?? 0);
  metrics.addMetric('StoredBytes', MetricUnit.Bytes, report.totals.storedBytes);
  metrics.addMetric('ReclaimableBytes', MetricUnit.Bytes, report.totals.reclaimableBytes);
  metrics.addMetric('MonthlyCostUsd', MetricUnit.NoUnit, report.totals.monthlyCostUsd);
  metrics.addMetric('ArchivableBytes', MetricUnit.Bytes, report.totals.archivableBytes);
}

/**
 * onPolicyExecuted: logs what was recorded of one lifecycle evaluation and counts its actions
 * (`LifecycleActionsRecorded`).
 *
 * @example return recordLedger(await recordLedgerEvent(store, event), event);
 */
export function recordLedger(
  status: RecordOutcome,
  event: Pick<LedgerEvent, 'eventId' | 'region' | 'repositoryName' | 'actions' | 'failures'>,
): { status: RecordOutcome; actions: number } {
  logger.info('lifecycle evaluation recorded', {
    status,
    eventId: event.eventId,
    actions: event.actions.length,
    failures: event.failures.length,
  });
  metrics.addMetric('LifecycleActionsRecorded', MetricUnit.Count, event.actions.length);
  return { status, actions: event.actions.length };
}

/**
 * The organization's consolidator: how many accounts reported and which did not, and the organization's
 * totals, as metrics (`AccountsMissing` is the one to watch).
 */
export function recordOrgReport({ report, detail, missingAccounts }: OrganizationReportResult & { detail: ReportEventDetail }): void {
  const notRead = detail.accounts?.notRead ?? 0;
  logger.info('organization report published', {
    accounts: report.accounts.length,
    notRead,
    missing: missingAccounts.map((a) => a.accountId),
    artifacts: detail.artifacts,
  });
  metrics.addMetric('AccountsReported', MetricUnit.Count, report.accounts.length - notRead);
  metrics.addMetric('AccountsMissing', MetricUnit.Count, missingAccounts.length);
  metrics.addMetric('StoredBytes', MetricUnit.Bytes, report.totals.storedBytes);
  metrics.addMetric('MonthlyCostUsd', MetricUnit.NoUnit, report.totals.monthlyCostUsd);
}
