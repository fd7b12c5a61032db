import * as z from 'zod';

/** A CloudTrail-recorded ECR API call as EventBridge delivers it (ECR-FACTS §4). */
const envelope = z.object({
  id: z.string().min(1),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.literal('aws.ecr'),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  time: z.string().optional(),
});

const userIdentity = z
  .object({
    arn: z.string().optional(),
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
  eventTime: z.string().min(1),
  errorCode: z.string().optional(),
  userIdentity: userIdentity.optional(),
};

/** `CreateRepository`: the repository comes from the response; a failed call has an errorCode and no response. */
export const createRepositoryEvent = envelope.extend({
  detail: z.object({
    ...commonDetail,
    eventName: z.literal('CreateRepository'),
    requestParameters: z
      .object({ repositoryName: z.string().min(1), tags: z.array(tag).optional() })
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
  }),
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
export function callerRoleArn(event: PolicyChangedEvent): string | undefined {
  return event.detail.userIdentity?.sessionContext?.sessionIssuer?.arn ?? event.detail.userIdentity?.arn;
}

/**
 * True when the call was made by one of `roles` — each a role ARN, or a role name of the event's
 * own account (`arn:…:iam::ACCOUNT:role/NAME` or the assumed-role form `arn:…:sts::ACCOUNT:assumed-role/NAME/…`).
 */
export function isCallerOneOf(event: PolicyChangedEvent, roles: readonly string[]): boolean {
  const arn = callerRoleArn(event);
  if (arn === undefined || roles.length === 0) return false;
  if (roles.includes(arn)) return true;
  const match = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(?:role\/(?:.*\/)?|assumed-role\/)([^/]+)/.exec(arn);
  return match !== null && match[1] === event.account && roles.includes(match[2] as string);
}
