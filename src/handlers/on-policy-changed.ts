import { readPolicyChanged } from '../adapters/events/repository-events';
import { eventTimeProblem } from '../domain/event-scope';
import { handlePolicyChange } from '../use-cases/policy-change';
import { eventDependencies, policyChangedDeps, registryOf, remediationOptions, repairOptions, type PolicyChangedDeps } from './deps/event';
import { eventHandler } from './middleware/event-handler';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { recordPolicyChange } from './runtime/telemetry';

/**
 * `PutLifecyclePolicy` / `DeleteLifecyclePolicy` (see `handlePolicyChange`): merges the default rule back, or puts back the newest
 * team write a janitor write replaced (with the repair store its own writes are checked for that, else ignored); refuses future times.
 */
export function makeHandler(deps: PolicyChangedDeps) {
  const options = remediationOptions(deps);
  const scope = { ...deps.config, actsOnOwnCalls: deps.repair !== undefined };
  return eventHandler(scope, {
    handles: 'a lifecycle policy change',
    read: readPolicyChanged,
    refuse: ({ change }) => eventTimeProblem(change.calledAt, (deps.now ?? Date.now)()),
    act: async ({ id, ref, change }, { byJanitor }) => {
      const ports = registryOf(deps, ref.region);
      return recordPolicyChange(await handlePolicyChange(ports, ref, { ...change, byJanitor }, options, repairOptions(deps, id)), change);
    },
  });
}

/** The handler over the container's dependencies (tests call it without Powertools), and the deployed handler. */
export const lambdaHandler = lazily(() => makeHandler(policyChangedDeps(eventDependencies())));
export const handler = withPowertools(lambdaHandler);
