import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { JanitorConfig } from '../config';
import type { RepositoryRef } from '../domain/registry';
import type { RemediationAction } from '../domain/remediation';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import { remediateRepository, type WritePacing } from '../use-cases/remediate';
import { createRepositoryEvent, parseEvent, requestTags, type CreateRepositoryEvent } from '../adapters/events/cloudtrail';
import { eventRemediationOptions, outOfScope, settlePermanentFailures, type EventResult } from './event-outcome';
import { logger, metrics, runtime, withPowertools } from './runtime';

/** What the function did with one event. */
export type CreatedResult = EventResult<RemediationAction>;

/** What the handler needs: its settings and the ECR registry of a region. */
export interface RepositoryCreatedDeps {
  config: Pick<JanitorConfig, 'defaultDays' | 'dryRun' | 'optOutTag' | 'exclude' | 'regions' | 'enforcedMaxUntaggedDays'>;
  registry(region: string): RegistryReader & PolicyWriter;
  /** @default the write loop's defaults */
  pacing?: Partial<WritePacing>;
}

/**
 * `CreateRepository` (CloudTrail via EventBridge): gives the new repository the default lifecycle
 * policy at once, in the region the event names. Failed calls, opted-out and excluded repositories,
 * other accounts' registries and unconfigured regions are left alone; a malformed event is logged
 * and acknowledged; an error retrying cannot mend (the repository already deleted) is dropped; other
 * AWS failures throw so Lambda retries.
 */
export function makeHandler(deps: () => RepositoryCreatedDeps): (event: unknown) => Promise<CreatedResult> {
  return async (event) => {
    const parsed = parseEvent(createRepositoryEvent, event);
    if (!parsed.ok) {
      logger.warn('ignoring an event that is not a CreateRepository call', { reason: parsed.reason });
      return { status: 'ignored', reason: `unexpected event shape: ${parsed.reason}` };
    }
    logger.appendKeys({ eventId: parsed.event.id });
    const { config, registry, pacing } = deps();
    const target = createdTarget(parsed.event, config);
    if ('ignored' in target) return { status: 'ignored', reason: target.ignored };
    const { ref } = target;
    const options = eventRemediationOptions(config, pacing);
    return settlePermanentFailures({ region: ref.region, repositoryName: ref.repositoryName }, async () => {
      const registryOf = registry(ref.region);
      // Tags given at creation are known; otherwise the repository's tags are read (they may have been added since).
      const tags = requestTags(parsed.event);
      const action = await remediateRepository({ reader: registryOf, writer: registryOf }, ref, options, tags.length > 0 ? { tags } : {});
      // Nested, not spread: Powertools drops a top-level `message` key, which is the action's reason.
      logger.info('repository handled', { action });
      if (action.outcome === 'applied') metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, 1);
      return { status: 'done', action };
    });
  };
}

/** The new repository an event is about, or why it is not the janitor's to act on (logged). */
function createdTarget(
  event: CreateRepositoryEvent,
  config: RepositoryCreatedDeps['config'],
): { ignored: string } | { ref: RepositoryRef } {
  const { detail, account } = event;
  const repository = detail.responseElements?.repository;
  if (detail.errorCode !== undefined || !repository) {
    logger.info('ignoring a failed CreateRepository call', { errorCode: detail.errorCode });
    return { ignored: `the call failed (${detail.errorCode ?? 'no repository in the response'})` };
  }
  const region = detail.awsRegion;
  const notOurs = outOfScope({ account, region }, repository.registryId, config.regions);
  if (notOurs !== undefined) {
    logger.info('ignoring a repository out of scope', { region, repositoryName: repository.repositoryName, reason: notOurs });
    return { ignored: notOurs };
  }
  return {
    ref: {
      accountId: repository.registryId,
      region,
      repositoryName: repository.repositoryName,
      repositoryArn: repository.repositoryArn,
      createdAt: detail.eventTime,
    },
  };
}

/** The handler over the container's runtime (built on first use from the environment). */
export const lambdaHandler = makeHandler(() => {
  const rt = runtime();
  return { config: rt.config, registry: (region) => rt.registry(region) };
});

/** The deployed handler. */
export const handler = withPowertools(lambdaHandler);
