import { readRepositoryCreated } from '../adapters/events/repository-events';
import { remediateRepository } from '../use-cases/remediate';
import { eventDependencies, registryOf, remediationOptions, repositoryCreatedDeps, type RepositoryCreatedDeps } from './deps/event';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { eventHandler } from './middleware/event-handler';
import { recordCreation } from './runtime/telemetry';

/**
 * A new repository, however it was born (an API call, a pull-through cache, replication, a push): gives
 * it the default lifecycle policy at once, in the region the event names (see `eventHandler` for what
 * is left alone, dropped or retried).
 */
export function makeHandler(deps: RepositoryCreatedDeps) {
  const options = remediationOptions(deps);
  return eventHandler(deps.config, {
    handles: 'a CreateRepository call',
    read: readRepositoryCreated,
    act: async ({ ref, tags, createdBy }) => {
      // Tags given at creation are known; otherwise the repository's tags are read (they may have been added since).
      const action = await remediateRepository(registryOf(deps, ref.region), ref, options, tags.length > 0 ? { tags } : {});
      return recordCreation(action, createdBy);
    },
  });
}

/** The handler over the container's dependencies (tests call it without Powertools), and the deployed handler. */
export const lambdaHandler = lazily(() => makeHandler(repositoryCreatedDeps(eventDependencies())));
export const handler = withPowertools(lambdaHandler);
