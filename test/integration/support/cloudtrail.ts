// ECR API calls as EventBridge delivers them from CloudTrail, made by a team's CI role in moto's account.
import { MOTO_ACCOUNT_ID, MOTO_REGION } from './moto';

/** An ECR call event, as the event handlers receive it. */
export interface EcrCallEvent {
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  region: string;
  detail: Record<string, unknown>;
}

/**
 * The CloudTrail event of `eventName` on `repositoryName`, called now by a CI role (not the janitor).
 *
 * @example await onPolicyChanged(ecrCallEvent('DeleteLifecyclePolicy', 'web'));
 */
export function ecrCallEvent(eventName: string, repositoryName: string, region: string = MOTO_REGION): EcrCallEvent {
  return {
    id: `${eventName}-${repositoryName}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    account: MOTO_ACCOUNT_ID,
    region,
    detail: {
      eventSource: 'ecr.amazonaws.com',
      eventName,
      awsRegion: region,
      eventTime: new Date().toISOString(),
      userIdentity: { arn: `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/ci-deployer/ci` },
      requestParameters: { repositoryName },
    },
  };
}

/** One image a lifecycle rule acted on, as a PolicyExecutionEvent lists it. */
export interface ActedImage {
  digest: string;
  tags?: string[];
  /** Epoch milliseconds, as ECR records it. */
  pushedAt: number;
}

/** A rule of the policy ECR evaluated, as the event repeats it. */
export interface EvaluatedRule {
  rulePriority: number;
  description?: string;
  action?: string;
}

/**
 * ECR's record of a lifecycle evaluation that acted on `images` by rule `rulePriority`, in the
 * EventBridge envelope (`detail-type: AWS Service Event via CloudTrail`), shaped as the documented
 * events are (events/policy-execution-expire.json).
 *
 * @example const line = JSON.stringify(policyExecutionEvent({ repositoryName: 'app', rules, rulePriority: 1, images, at }));
 */
export function policyExecutionEvent(options: {
  repositoryName: string;
  rules: readonly EvaluatedRule[];
  rulePriority: number;
  images: readonly ActedImage[];
  at: number;
  eventId?: string;
  region?: string;
}): EcrCallEvent {
  const region = options.region ?? MOTO_REGION;
  const eventTime = new Date(options.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const eventId = options.eventId ?? `pe-${options.repositoryName}-${options.at}`;
  return {
    id: `eb-${eventId}`,
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.ecr',
    account: MOTO_ACCOUNT_ID,
    region,
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: MOTO_ACCOUNT_ID, invokedBy: 'AWS Internal' },
      eventTime,
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PolicyExecutionEvent',
      awsRegion: region,
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      eventID: eventId,
      readOnly: true,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: MOTO_ACCOUNT_ID,
      serviceEventDetails: {
        repositoryName: options.repositoryName,
        lifecycleEventPolicy: {
          lifecycleEventRules: options.rules.map((r) => ({
            rulePriority: r.rulePriority,
            description: r.description ?? '',
            lifecycleEventSelection: { tagStatus: 'Untagged', countType: 'Time since image pushed', countUnit: 'Days', countNumber: 7 },
            action: r.action ?? 'expire',
          })),
          lastEvaluatedAt: 0,
          policyVersion: 1,
          policyId: 'ceb86829-58e7-9498-920c-aa042e33037b',
        },
        lifecycleEventImageActions: options.images.map((image) => ({
          lifecycleEventImage: {
            digest: image.digest,
            tagStatus: (image.tags ?? []).length > 0 ? 'Tagged' : 'Untagged',
            tagList: image.tags ?? [],
            pushedAt: image.pushedAt,
          },
          rulePriority: options.rulePriority,
        })),
      },
      eventCategory: 'Management',
    },
  };
}
