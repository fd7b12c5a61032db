import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { exceedsMaxUntaggedDays, parsePolicy, policyExpiresUntaggedImages } from '../domain/policy';
import type { RemediationAction } from '../use-cases/remediate';
import { remediateRepository } from '../use-cases/remediate';
import { callerRoleArn, isCallerOneOf, parseEvent, policyChangedEvent } from './cloudtrail-event';
import { logger, metrics, runtime, withPowertools } from './runtime';

/** What the function did with one event. */
export type PolicyChangedResult = { status: 'ignored'; reason: string } | { status: 'done'; action: RemediationAction };

/**
 * `PutLifecyclePolicy` / `DeleteLifecyclePolicy`: when the repository no longer expires untagged
 * images, merges the default rule back in. The janitor's own writes are recognised by the caller's
 * role and ignored, so it never loops.
 */
export async function lambdaHandler(event: unknown): Promise<PolicyChangedResult> {
  const parsed = parseEvent(policyChangedEvent, event);
  if (!parsed.ok) {
    logger.warn('ignoring an event that is not a lifecycle policy change', { reason: parsed.reason });
    return { status: 'ignored', reason: `unexpected event shape: ${parsed.reason}` };
  }
  const { detail, id, account } = parsed.event;
  logger.appendKeys({ eventId: id });
  if (detail.errorCode !== undefined || !detail.requestParameters) {
    return { status: 'ignored', reason: `the call failed (${detail.errorCode ?? 'no request parameters'})` };
  }
  const { config } = runtime();
  if (isCallerOneOf(parsed.event, config.janitorRoles)) {
    logger.info("ignoring the janitor's own policy write", { caller: callerRoleArn(parsed.event) });
    return { status: 'ignored', reason: 'written by ecr-janitor itself' };
  }
  const repositoryName = detail.requestParameters.repositoryName;
  if (detail.eventName === 'PutLifecyclePolicy' && detail.requestParameters.lifecyclePolicyText !== undefined) {
    const written = parsePolicy(detail.requestParameters.lifecyclePolicyText);
    if (written.ok && policyExpiresUntaggedImages(written.policy) && !exceedsMaxUntaggedDays(written.policy, config.maxUntaggedDays)) {
      return { status: 'ignored', reason: 'the new policy still expires untagged images' };
    }
  }
  const registry = runtime().registry(detail.awsRegion);
  const accountId = detail.requestParameters.registryId ?? account;
  const repositoryArn =
    detail.resources?.find((r) => r.ARN?.includes(':repository/'))?.ARN ??
    `arn:aws:ecr:${detail.awsRegion}:${accountId}:repository/${repositoryName}`;
  const ref = { accountId, region: detail.awsRegion, repositoryName, repositoryArn };
  // The event is only a hint: the policy is read again and merged from what ECR holds now.
  const action = await remediateRepository(registry, registry, ref, {
    days: config.defaultDays,
    apply: !config.dryRun,
    concurrency: 1,
    selection: config,
    maxUntaggedDays: config.maxUntaggedDays,
  });
  // Nested, not spread: Powertools drops a top-level `message` key, which is the action's reason.
  logger.info('policy change handled', { eventName: detail.eventName, action });
  if (action.outcome === 'applied') metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, 1);
  return { status: 'done', action };
}

/** The deployed handler. */
export const handler = withPowertools(lambdaHandler);
