import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Reading, RepositoryEvent } from '../../adapters/events/repository-events';
import { InvalidInputError } from '../../domain/errors';
import { isJanitorCall, notOurs, type EventScope } from '../../domain/event-scope';
import { dropPermanentFailures, type Dropped } from './drop-permanent-failures';
import { logger } from '../runtime/powertools';

/** What an event handler did with one event. */
export type EventResult<A> =
  | { status: 'ignored'; reason: string }
  /** An error that retrying cannot mend (the repository is gone, ECR refused the request): logged, counted, acknowledged. */
  | Dropped
  | { status: 'done'; action: A };

/** What an event function's action may answer instead of an action: the event needed nothing (logged, acknowledged). */
export interface Ignored {
  ignored: string;
}

/** How an event was called, as far as the action needs to know. */
export interface CallContext {
  /** The janitor made the call itself (only reaches an action when the scope `actsOnOwnCalls`). */
  byJanitor: boolean;
}

/** One event function: what it reads, and what it does with an event that is the janitor's. */
export interface EventHandlerSpec<E extends RepositoryEvent, A> {
  /** What the function handles, for the log line of an event of another shape (`a CreateRepository call`). */
  handles: string;
  read(event: unknown): Reading<E>;
  /** Why an event must be refused (logged, acknowledged, not retried), or undefined. @default none refused */
  refuse?(event: E): string | undefined;
  act(event: E, call: CallContext): Promise<A | Ignored>;
}

// middy's own default when a caller (a test, a script) passes no Lambda context; nothing here reads it.
const NO_CONTEXT = {} as Context;

/**
 * The handler of an ECR event function: reads the event (a malformed one and a failed call are
 * acknowledged), leaves alone what is not the janitor's (its own calls, another account's registry,
 * a region not configured — see `notOurs`), refuses what `spec.refuse` names, and acts on the rest
 * (an action may answer that the event needed nothing);
 * an error retrying cannot mend is dropped by {@link dropPermanentFailures}, any other is thrown so
 * that Lambda retries the event.
 *
 * @example export function makeHandler(deps) { return eventHandler(deps.config, { handles: 'a CreateRepository call', read: readRepositoryCreated, act }); }
 */
export function eventHandler<E extends RepositoryEvent, A>(
  scope: EventScope,
  spec: EventHandlerSpec<E, A>,
): (event: unknown, context?: Context) => Promise<EventResult<A>> {
  const handle = middy(
    async (input: unknown): Promise<EventResult<A>> => {
      const reading = spec.read(input);
      if (reading.kind === 'malformed') {
        logger.warn(`ignoring an event that is not ${spec.handles}`, { reason: reading.reason });
        return { status: 'ignored', reason: `unexpected event shape: ${reading.reason}` };
      }
      if (reading.kind === 'failed') {
        logger.info(`ignoring ${spec.handles} that failed`, { reason: reading.reason });
        return { status: 'ignored', reason: reading.reason };
      }
      const { event } = reading;
      logger.appendKeys({ eventId: event.id, region: event.ref.region, repositoryName: event.ref.repositoryName });
      const ignored = notOurs(event.origin, scope);
      if (ignored !== undefined) {
        logger.info("ignoring an event that is not the janitor's to act on", { reason: ignored, caller: event.origin.callerArn });
        return { status: 'ignored', reason: ignored };
      }
      const refused = spec.refuse?.(event);
      if (refused !== undefined) throw new InvalidInputError(refused);
      const acted = await spec.act(event, { byJanitor: isJanitorCall(event.origin, scope.janitorRoles ?? []) });
      if (isIgnored(acted)) {
        logger.info('the event needed nothing', { reason: acted.ignored });
        return { status: 'ignored', reason: acted.ignored };
      }
      return { status: 'done', action: acted };
      // No timeout of its own: the function's outer middy (withPowertools) has the Lambda's.
    },
    { timeoutEarlyInMillis: 0 },
  ).use(dropPermanentFailures());
  return (event, context) => handle(event, context ?? NO_CONTEXT);
}

function isIgnored(value: unknown): value is Ignored {
  return typeof value === 'object' && value !== null && 'ignored' in value && typeof value.ignored === 'string';
}
