// What an ECR event means to the janitor: which repository, in which registry and region, made how
// and by whom, and what the call did. The handlers act on these values, never on the event's JSON;
// the repository's ARN is always built from the repository the handler writes (its name, registry
// and region), so nothing else named in the event can decide whose tags are read.
import type { EventOrigin } from '../../domain/event-scope';
import { repositoryArnOf } from '../../domain/region';
import type { RepositoryRef, Tag } from '../../domain/registry';
import { toEpochMs } from '../../domain/time';
import {
  callerRoleArn,
  createRepositoryEvent,
  parseEvent,
  policyChangedEvent,
  requestTags,
  type CreateRepositoryEvent,
  type PolicyChangedEvent,
} from './cloudtrail';

/** What reading an event gave. */
export type Reading<E> =
  | { kind: 'event'; event: E }
  /** A call that failed: it changed nothing, so there is nothing to do. */
  | { kind: 'failed'; reason: string }
  /** Not an event of the expected shape; `reason` names the first problems. */
  | { kind: 'malformed'; reason: string };

/** What every event the handlers act on says. */
export interface RepositoryEvent {
  /** The EventBridge event id (for logs). */
  id: string;
  origin: EventOrigin;
  /** The repository the event is about, with the ARN built from its region, registry and name. */
  ref: RepositoryRef;
}

/** How a repository was born: by an API call, by replication, or by ECR itself (a pull-through cache or a push). */
export type CreatedBy = 'api' | 'replication' | 'ecr';

/** A new repository. */
export interface RepositoryCreated extends RepositoryEvent {
  /** The tags given at creation (an API call's request); empty when the event names none. */
  tags: Tag[];
  createdBy: CreatedBy;
}

/** A lifecycle policy call on a repository. */
export interface PolicyChanged extends RepositoryEvent {
  change: {
    eventName: 'PutLifecyclePolicy' | 'DeleteLifecyclePolicy';
    /** The text the caller put (`PutLifecyclePolicy` only). */
    policyText?: string;
    /** When the call was made (`detail.eventTime`), epoch ms. */
    calledAt: number;
    /** The event's id (a repeated delivery has the same), by which the repair records the call. */
    eventId: string;
  };
}

/**
 * Reads a `CreateRepository` event of any of the shapes in which a repository is born (see
 * `createRepositoryEvent`). The name comes from the API call's response, else ECR's
 * `serviceEventDetails`, else the request.
 *
 * @example const reading = readRepositoryCreated(event); if (reading.kind === 'event') remediate(reading.event.ref);
 */
export function readRepositoryCreated(input: unknown): Reading<RepositoryCreated> {
  const parsed = parseEvent(createRepositoryEvent, input);
  if (!parsed.ok) return { kind: 'malformed', reason: parsed.reason };
  const event = parsed.event;
  const { detail } = event;
  if (detail.errorCode !== undefined) return { kind: 'failed', reason: `the call failed (${detail.errorCode})` };
  const response = detail.responseElements?.repository;
  const repositoryName = response?.repositoryName ?? detail.serviceEventDetails?.repositoryName ?? detail.requestParameters?.repositoryName;
  if (repositoryName === undefined) {
    return {
      kind: 'malformed',
      reason: 'no repository name in detail.responseElements, detail.serviceEventDetails or detail.requestParameters',
    };
  }
  const registryId = response?.registryId ?? detail.requestParameters?.registryId;
  return {
    kind: 'event',
    event: {
      ...common(event, registryId),
      ref: { ...refOf(event, repositoryName, registryId), createdAt: detail.eventTime },
      tags: requestTags(event),
      createdBy: createdBy(event),
    },
  };
}

/**
 * Reads a `PutLifecyclePolicy` or `DeleteLifecyclePolicy` event: the repository the call named and
 * what the call did.
 *
 * @example const reading = readPolicyChanged(event); if (reading.kind === 'event') handle(reading.event.change);
 */
export function readPolicyChanged(input: unknown): Reading<PolicyChanged> {
  const parsed = parseEvent(policyChangedEvent, input);
  if (!parsed.ok) return { kind: 'malformed', reason: parsed.reason };
  const event = parsed.event;
  const { detail } = event;
  if (detail.errorCode !== undefined || !detail.requestParameters) {
    return { kind: 'failed', reason: `the call failed (${detail.errorCode ?? 'no request parameters'})` };
  }
  const { repositoryName, registryId, lifecyclePolicyText } = detail.requestParameters;
  return {
    kind: 'event',
    event: {
      ...common(event, registryId),
      ref: refOf(event, repositoryName, registryId),
      change: {
        eventName: detail.eventName,
        calledAt: toEpochMs(detail.eventTime),
        eventId: event.id,
        ...(lifecyclePolicyText === undefined ? {} : { policyText: lifecyclePolicyText }),
      },
    },
  };
}

/** The event's id and where it comes from. */
function common(event: CreateRepositoryEvent | PolicyChangedEvent, registryId: string | undefined): Pick<RepositoryEvent, 'id' | 'origin'> {
  const callerArn = callerRoleArn(event);
  const origin: EventOrigin = {
    account: event.account,
    region: event.detail.awsRegion,
    ...(registryId === undefined ? {} : { registryId }),
    ...(callerArn === undefined ? {} : { callerArn }),
  };
  return { id: event.id, origin };
}

/** The repository in the region of the call (`detail.awsRegion`), in the registry it named or the event's account. */
function refOf(event: CreateRepositoryEvent | PolicyChangedEvent, repositoryName: string, registryId: string | undefined): RepositoryRef {
  const region = event.detail.awsRegion;
  const accountId = registryId ?? event.account;
  return { accountId, region, repositoryName, repositoryArn: repositoryArnOf(region, accountId, repositoryName) };
}

function createdBy(event: CreateRepositoryEvent): CreatedBy {
  const replication = 'replication.ecr.amazonaws.com';
  if (event.detail.eventSource === replication || event.detail.userIdentity?.invokedBy === replication) return 'replication';
  return event['detail-type'] === 'AWS Service Event via CloudTrail' ? 'ecr' : 'api';
}
