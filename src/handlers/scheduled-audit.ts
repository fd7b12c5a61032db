import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isPullTimeUpdateExcluded } from '../adapters/aws/pull-time-exclusions';
import { InUseCatalog } from '../domain/in-use';
import { pullTimeExclusionWarning } from '../domain/pull-time-exclusion';
import type { RepositoryRef } from '../domain/registry';
import type { ReportWarning } from '../domain/report';
import type { ReportEventDetail } from '../domain/report-event';
import { audit } from '../use-cases/audit';
import { collectInUse } from '../use-cases/in-use';
import { publishReport } from '../use-cases/publish-report';
import { auditedRepositoryOf, remediateAudited, type AuditedRepository } from '../use-cases/remediate';
import { parseEvent, scheduledEvent } from './cloudtrail-event';
import { deadlineBefore, type RemainingTime } from './deadline';
import { inUseSourceNames, inUseSources } from './in-use-runtime';
import { reportAdapters, type ReportAdapters } from './report-runtime';
import { logger, metrics, runtime, withPowertools, type Runtime } from './runtime';

/**
 * A warning for each configured region whose registry records the audit role's pulls, or could not
 * say whether it does; none when AUDIT_ROLE_ARN is unset. The regions are asked at the same time.
 */
async function pullTimeWarnings(rt: Runtime, adapters: ReportAdapters): Promise<ReportWarning[]> {
  const roleArn = rt.config.auditRoleArn;
  if (roleArn === undefined) return [];
  const warnings = await Promise.all(
    rt.config.regions.map(async (region) => {
      let reason = 'no answer';
      const excluded = await isPullTimeUpdateExcluded(adapters.exclusionsClient(region), roleArn, {
        onUnknown: (why, error) => {
          reason = why;
          logger.warn('could not check the pull-time update exclusion of the audit role', { region, reason: why, error: error as Error });
        },
      });
      return pullTimeExclusionWarning(region, roleArn, excluded === undefined ? { excluded, reason } : { excluded });
    }),
  );
  return warnings.filter((w): w is ReportWarning => w !== undefined);
}

/** By region, a region's registry-wide warnings (no repository) before its repositories' ones. */
function byRegion(a: ReportWarning, b: ReportWarning): number {
  return a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName);
}

/** The audit stops when 3 minutes (or a fifth of the time, if less) are left: room to remediate and publish. */
export const AUDIT_MARGIN = { marginMs: 180_000, share: 0.2 };
/** Remediation stops when 45 seconds (or a twentieth of the time, if less) are left: room to publish. */
export const PUBLISH_MARGIN = { marginMs: 45_000, share: 0.05 };

/**
 * The weekly safety net: reads what ECS and Lambda run (and the configured list of images in use),
 * audits every configured region, remediates every repository that lacks untagged cleanup (unless
 * dry-run) where the in-use guard allows it, checks that the audit role is excluded from pull-time updates
 * (when AUDIT_ROLE_ARN is set), writes the report artifacts and publishes the report event.
 */
export async function lambdaHandler(event: unknown, context?: RemainingTime): Promise<ReportEventDetail> {
  const parsed = parseEvent(scheduledEvent, event);
  if (parsed.ok && parsed.event.id !== undefined) logger.appendKeys({ eventId: parsed.event.id });
  const rt = runtime();
  // The counter lives as long as the container: the report counts only what this invocation calls.
  const callsBefore = rt.counter.snapshot();
  const { config } = rt;
  const registries = config.regions.map((region) => rt.registry(region));
  const selection = { optOutTag: config.optOutTag, exclude: config.exclude };
  const now = Date.now();
  // Stop reading with room left to remediate what was read, and remediating with room left to publish:
  // a run cut short still reports (marked incomplete, with what it did not reach), never times out silent.
  const auditDeadline = deadlineBefore(context, AUDIT_MARGIN);
  const remediationDeadline = deadlineBefore(context, PUBLISH_MARGIN);
  // Remediation decides from the tags and policies the audit read, rather than reading them all again;
  // a repository the audit could not read is in the report's errors and is left alone.
  const audited: AuditedRepository[] = [];
  const unread: RepositoryRef[] = [];
  // What runs on which image, read before any repository is judged; a source that fails holds its region's writes.
  const { catalogs, errors: inUseErrors } = await collectInUse(config.regions, inUseSources(rt));
  const inUse = { catalogs, errors: inUseErrors, mode: config.guard, horizonDays: config.guardHorizonDays, sources: inUseSourceNames(rt) };
  const report = await audit(registries, {
    now,
    generatedAt: now,
    days: config.defaultDays,
    pricePerGbMonth: config.pricePerGbMonth,
    selection,
    concurrency: config.concurrency,
    costAllocationTagKeys: config.costAllocationTagKeys,
    archiveAfterDays: config.archiveAfterDays,
    archivePricePerGbMonth: config.archivePricePerGbMonth ?? null,
    maxUntaggedDays: config.maxUntaggedDays,
    enforceMaxUntaggedDays: config.maxUntaggedDays,
    inUse,
    // The images of the repositories where a write may be due stay (compact) for the guard: nothing is read twice.
    onRepositoryState: (state) =>
      audited.push(
        auditedRepositoryOf(state, {
          keepImagesFor: selection,
          settings: { days: config.defaultDays, maxUntaggedDays: config.maxUntaggedDays },
        }),
      ),
    onRepositoryFailed: (ref) => unread.push(ref),
    ...(auditDeadline.signal ? { signal: auditDeadline.signal } : {}),
  });
  auditDeadline.clear();
  const remediation = await remediateAudited(
    registries.map((r) => ({ reader: r, writer: r })),
    audited,
    {
      days: config.defaultDays,
      apply: !config.dryRun,
      concurrency: config.concurrency,
      selection,
      ...(remediationDeadline.signal ? { signal: remediationDeadline.signal } : {}),
      maxUntaggedDays: config.maxUntaggedDays,
      guard: {
        enabled: config.guard === 'on',
        horizonDays: config.guardHorizonDays,
        inUse: { forRegion: async (region) => catalogs.get(region) ?? new InUseCatalog() },
        now: () => now,
      },
    },
    unread,
  );
  remediationDeadline.clear();
  const counts: Record<string, number> = {};
  for (const a of remediation.actions) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
  const adapters = reportAdapters(rt);
  // Warnings only: whatever the check finds, errors and the run's outcome stay as they are.
  const warnings = [...report.warnings, ...(await pullTimeWarnings(rt, adapters))].sort(byRegion);
  const calls = rt.counter.since(callsBefore);
  const detail = await publishReport(
    { ...report, errors: [...report.errors, ...remediation.errors], warnings, apiCalls: calls.calls, apiRetries: calls.retries },
    { ...adapters, onHistoryProblem: (problem) => logger.warn('report history was not read whole', { problem }) },
    counts,
  );
  metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, counts.applied ?? 0);
  metrics.addMetric('RepositoriesHeld', MetricUnit.Count, counts['held-in-use'] ?? 0);
  metrics.addMetric('StoredBytes', MetricUnit.Bytes, report.totals.storedBytes);
  metrics.addMetric('ReclaimableBytes', MetricUnit.Bytes, report.totals.reclaimableBytes);
  metrics.addMetric('MonthlyCostUsd', MetricUnit.NoUnit, report.totals.monthlyCostUsd);
  metrics.addMetric('ArchivableBytes', MetricUnit.Bytes, report.totals.archivableBytes);
  metrics.addMetric('Errors', MetricUnit.Count, detail.errorCount);
  metrics.addMetric('RepositoriesNotReached', MetricUnit.Count, report.notReached.length + (counts['not-reached'] ?? 0));
  if (!report.complete || (counts['not-reached'] ?? 0) > 0) {
    logger.warn('the run stopped before it was done: the report is incomplete', {
      notReached: report.notReached.length,
      remediationNotReached: counts['not-reached'] ?? 0,
    });
  }
  logger.info('scheduled audit done', {
    totals: report.totals,
    remediation: counts,
    errors: detail.errorCount,
    warnings: warnings.length,
    artifacts: detail.artifacts,
  });
  return detail;
}

/** The deployed handler. */
export const handler = withPowertools(lambdaHandler);
