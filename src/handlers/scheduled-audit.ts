import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ReportEventDetail } from '../domain/report-event';
import { audit } from '../use-cases/audit';
import { publishReport } from '../use-cases/publish-report';
import { auditedRepositoryOf, remediateAudited, type AuditedRepository } from '../use-cases/remediate';
import { parseEvent, scheduledEvent } from './cloudtrail-event';
import { reportAdapters } from './report-runtime';
import { logger, metrics, runtime, withPowertools } from './runtime';

/**
 * The weekly safety net: audits every configured region, remediates every repository that lacks
 * untagged cleanup (unless dry-run), writes the report artifacts and publishes the report event.
 */
export async function lambdaHandler(event: unknown): Promise<ReportEventDetail> {
  const parsed = parseEvent(scheduledEvent, event);
  if (parsed.ok && parsed.event.id !== undefined) logger.appendKeys({ eventId: parsed.event.id });
  const rt = runtime();
  // The counter lives as long as the container: the report counts only what this invocation calls.
  const callsBefore = rt.counter.snapshot();
  const { config } = rt;
  const registries = config.regions.map((region) => rt.registry(region));
  const selection = { optOutTag: config.optOutTag, exclude: config.exclude };
  const now = Date.now();
  // Remediation decides from the tags and policies the audit read, rather than reading them all again;
  // a repository the audit could not read is in the report's errors and is left alone.
  const audited: AuditedRepository[] = [];
  const report = await audit(registries, {
    now, generatedAt: now, days: config.defaultDays, pricePerGbMonth: config.pricePerGbMonth, selection, concurrency: config.concurrency,
    onRepositoryState: (state) => audited.push(auditedRepositoryOf(state)),
  });
  const remediation = await remediateAudited(registries.map((r) => ({ reader: r, writer: r })), audited, { days: config.defaultDays, apply: !config.dryRun, concurrency: config.concurrency, selection });
  const counts: Record<string, number> = {};
  for (const a of remediation.actions) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
  const calls = rt.counter.since(callsBefore);
  const detail = await publishReport({ ...report, errors: [...report.errors, ...remediation.errors], apiCalls: calls.calls, apiRetries: calls.retries }, reportAdapters(rt), counts);
  metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, counts.applied ?? 0);
  metrics.addMetric('StoredBytes', MetricUnit.Bytes, report.totals.storedBytes);
  metrics.addMetric('ReclaimableBytes', MetricUnit.Bytes, report.totals.reclaimableBytes);
  metrics.addMetric('MonthlyCostUsd', MetricUnit.NoUnit, report.totals.monthlyCostUsd);
  metrics.addMetric('Errors', MetricUnit.Count, detail.errorCount);
  logger.info('scheduled audit done', { totals: report.totals, remediation: counts, errors: detail.errorCount, artifacts: detail.artifacts });
  return detail;
}

/** The deployed handler. */
export const handler = withPowertools(lambdaHandler);
