// The CloudTrail events of ECR as EventBridge delivers them: the shapes the event handlers accept,
// checked with zod (docs/events.md says where each shape comes from).
import * as z from 'zod';
import { toEpochMs } from '../../domain/time';

const API_CALL = 'AWS API Call via CloudTrail';
const SERVICE_EVENT = 'AWS Service Event via CloudTrail';

/** The EventBridge envelope of a CloudTrail-recorded ECR call. */
const envelope = z.object({
  id: z.string().min(1),
  'detail-type': z.literal(API_CALL),
  source: z.literal('aws.ecr'),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  time: z.string().optional(),
});

const userIdentity = z
  .object({
    arn: z.string().optional(),
    /** The AWS service that made the call on the account's behalf (`ecr.amazonaws.com`, `replication.ecr.amazonaws.com`). */
    invokedBy: z.string().optional(),
    sessionContext: z
      .object({ sessionIssuer: z.object({ arn: z.string().optional() }).partial().optional() })
      .partial()
      .optional(),
  })
  .partial();

const tag = z.object({
  key: z.string().optional(),
  Key: z.string().optional(),
  value: z.string().optional(),
  Value: z.string().optional(),
});

const commonDetail = {
  eventSource: z.literal('ecr.amazonaws.com'),
  awsRegion: z.string().min(1),
  eventTime: z.string().refine((time) => Number.isFinite(toEpochMs(time)), 'an ISO-8601 time such as 2025-06-03T14:17:44Z'),
  errorCode: z.string().optional(),
  userIdentity: userIdentity.optional(),
};

/**
 * `CreateRepository`, however the repository was born: an API call (the repository in the response;
 * a failed call has an errorCode and no response), a pull-through-cache or create-on-push creation
 * (an `AWS Service Event via CloudTrail` by ECR itself, the name in `serviceEventDetails`), or a
 * replication creation (from `replication.ecr.amazonaws.com`).
 */
export const createRepositoryEvent = envelope
  .extend({
    'detail-type': z.enum([API_CALL, SERVICE_EVENT]),
    detail: z.object({
      ...commonDetail,
      eventSource: z.enum(['ecr.amazonaws.com', 'replication.ecr.amazonaws.com']),
      eventName: z.literal('CreateRepository'),
      eventType: z.string().optional(),
      requestParameters: z
        .object({ repositoryName: z.string().min(1).optional(), registryId: z.string().optional(), tags: z.array(tag).optional() })
        .nullable()
        .optional(),
      responseElements: z
        .object({
          repository: z.object({
            repositoryName: z.string().min(1),
            repositoryArn: z.string().startsWith('arn:'),
            registryId: z.string().regex(/^\d{12}$/),
          }),
        })
        .nullable()
        .optional(),
      serviceEventDetails: z
        .looseObject({ repositoryName: z.string().min(1).optional() })
        .nullable()
        .optional(),
    }),
  })
  .superRefine((event, context) => {
    // EventBridge derives the detail-type from CloudTrail's eventType: a mismatch is not an event AWS sent.
    const expected = { AwsApiCall: API_CALL, AwsServiceEvent: SERVICE_EVENT }[event.detail.eventType ?? ''];
    if (expected !== undefined && expected !== event['detail-type']) {
      context.addIssue({
        code: 'custom',
        path: ['detail-type'],
        message: `is "${event['detail-type']}" but detail.eventType ${event.detail.eventType ?? ''} is delivered as "${expected}"`,
      });
    }
  });

/** `PutLifecyclePolicy` and `DeleteLifecyclePolicy`. */
export const policyChangedEvent = envelope.extend({
  detail: z.object({
    ...commonDetail,
    eventName: z.enum(['PutLifecyclePolicy', 'DeleteLifecyclePolicy']),
    requestParameters: z
      .object({ repositoryName: z.string().min(1), registryId: z.string().optional(), lifecyclePolicyText: z.string().optional() })
      .nullable()
      .optional(),
    resources: z.array(z.looseObject({ ARN: z.string().optional() })).optional(),
  }),
});

export type CreateRepositoryEvent = z.infer<typeof createRepositoryEvent>;
export type PolicyChangedEvent = z.infer<typeof policyChangedEvent>;

/** Parses an event, returning a one-line reason instead of throwing when the shape is wrong. */
export function parseEvent<T>(schema: z.ZodType<T>, event: unknown): { ok: true; event: T } | { ok: false; reason: string } {
  const result = schema.safeParse(event);
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    reason: result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
      .join('; '),
  };
}

/** The tags given in a CreateRepository request (the API takes Key/Value; CloudTrail may log either case). */
export function requestTags(event: CreateRepositoryEvent): Array<{ Key: string; Value: string }> {
  return (event.detail.requestParameters?.tags ?? []).map((t) => ({ Key: t.Key ?? t.key ?? '', Value: t.Value ?? t.value ?? '' }));
}

/** The IAM role ARN behind the call (the session issuer of an assumed role), else the caller's ARN. */
export function callerRoleArn(event: PolicyChangedEvent | CreateRepositoryEvent): string | undefined {
  return event.detail.userIdentity?.sessionContext?.sessionIssuer?.arn ?? event.detail.userIdentity?.arn;
}
