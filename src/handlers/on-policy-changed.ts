import { readPolicyChanged } from '../adapters/events/repository-events';
import { eventTimeProblem } from '../domain/event-scope';
import { handlePolicyChange } from '../use-cases/policy-change';
import { eventDependencies, policyChangedDeps, remediationOptions, type PolicyChangedDeps } from './deps/event';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { eventHandler } from './middleware/event-handler';
import { recordPolicyChange } from './runtime/telemetry';

/**
 * `PutLifecyclePolicy` / `DeleteLifecyclePolicy` (see `handlePolicyChange`): merges the default rule back
 * into a weakened policy, or puts back a team's write a janitor write replaced, judged by the in-use guard
 * when `deps.inUse` is given. The janitor's own writes are ignored; an event time ahead of the clock is refused.
 */
export function makeHandler(deps: PolicyChangedDeps) {
  const options = remediationOptions(deps);
  return eventHandler(deps.config, {
    handles: 'a lifecycle policy change',
    read: readPolicyChanged,
    refuse: ({ change }) => eventTimeProblem(change.calledAt, (deps.now ?? Date.now)()),
    act: async ({ ref, change }) => {
      const registry = deps.registry(ref.region);
      return recordPolicyChange(await handlePolicyChange({ reader: registry, writer: registry }, ref, change, options), change);
    },
  });
}

/** The handler over the container's dependencies (tests call it without Powertools), and the deployed handler. */
export const lambdaHandler = lazily(() => makeHandler(policyChangedDeps(eventDependencies())));
export const handler = withPowertools(lambdaHandler);
