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
