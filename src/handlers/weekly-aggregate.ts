import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadWeeklyConfig } from '../config';
import type { ReportEventDetail } from '../domain/report-event';
import { aggregateWeeklyRun, type AggregateDeps, type AggregateOutcome } from '../use-cases/weekly/aggregate';
import { lazily, logger, metrics, withPowertools } from './runtime';
import { aggregateEvent, stepInput } from '../adapters/events/step-inputs';
import { aggregateDeps } from './weekly-runtime';

/** The weekly run's last step (see `aggregateWeeklyRun`): one report from the shards, published as before. */
export function makeHandler(deps: AggregateDeps & { now?: () => number }) {
  return async (event: unknown): Promise<ReportEventDetail> => {
    const { runId, map, mapError } = stepInput(aggregateEvent, event, 'Aggregate');
    logger.appendKeys({ runId });
    const input = {
      runId,
      ...(map ? { resultManifestKey: map.ResultWriterDetails.Key } : {}),
      ...(mapError ? { mapError: { error: mapError.Error ?? 'States.Failed', cause: mapError.Cause ?? '' } } : {}),
    };
    const outcome = await aggregateWeeklyRun(deps, input, { generatedAt: (deps.now ?? Date.now)() });
    const { report, detail, shards, manifests } = outcome;
    addRunMetrics(outcome);
    logger.info('weekly report published', {
      totals: report.totals,
      remediation: detail.remediation,
      shards,
      manifests,
      artifacts: detail.artifacts,
    });
    // The report event's detail: within EventBridge's 256 KB, so within a state's output limit too.
    return detail;
  };
}

/** The run's figures as metrics (namespace EcrJanitor), as the single weekly audit published them. */
function addRunMetrics({ report, detail, shards, manifests }: AggregateOutcome): void {
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

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(aggregateDeps(loadWeeklyConfig(process.env)))));
