import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { remediateRepository } from '../use-cases/remediate';
import type { RemediationAction } from '../use-cases/remediate';
import { createRepositoryEvent, parseEvent, requestTags } from './cloudtrail-event';
import { logger, metrics, runtime, withPowertools } from './runtime';

/** What the function did with one event. */
export type CreatedResult = { status: 'ignored'; reason: string } | { status: 'done'; action: RemediationAction };

/**
 * `CreateRepository` (CloudTrail via EventBridge): gives the new repository the default lifecycle
 * policy at once. Failed calls, opted-out and excluded repositories are left alone; a malformed
 * event is logged and acknowledged; an AWS failure throws so Lambda retries.
 */
export async function lambdaHandler(event: unknown): Promise<CreatedResult> {
  const parsed = parseEvent(createRepositoryEvent, event);
  if (!parsed.ok) {
    logger.warn('ignoring an event that is not a CreateRepository call', { reason: parsed.reason });
    return { status: 'ignored', reason: `unexpected event shape: ${parsed.reason}` };
  }
  const { detail, id } = parsed.event;
  logger.appendKeys({ eventId: id });
  const repository = detail.responseElements?.repository;
  if (detail.errorCode !== undefined || !repository) {
    logger.info('ignoring a failed CreateRepository call', { errorCode: detail.errorCode });
    return { status: 'ignored', reason: `the call failed (${detail.errorCode ?? 'no repository in the response'})` };
  }
  const { config } = runtime();
  const tags = requestTags(parsed.event);
  const registry = runtime().registry(detail.awsRegion);
  const ref = {
    accountId: repository.registryId,
    region: detail.awsRegion,
    repositoryName: repository.repositoryName,
    repositoryArn: repository.repositoryArn,
    createdAt: detail.eventTime,
  };
  // Tags given at creation are known; otherwise the repository's tags are read (they may have been added since).
  const action = await remediateRepository(
    registry,
    registry,
    ref,
    { days: config.defaultDays, apply: !config.dryRun, concurrency: 1, selection: config, maxUntaggedDays: config.maxUntaggedDays },
    tags.length > 0 ? tags : undefined,
  );
  // Nested, not spread: Powertools drops a top-level `message` key, which is the action's reason.
  logger.info('repository handled', { action });
  if (action.outcome === 'applied') metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, 1);
  return { status: 'done', action };
}

/** The deployed handler. */
export const handler = withPowertools(lambdaHandler);
