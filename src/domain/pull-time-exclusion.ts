import type { ReportWarning } from './report-problems';

/** What the registry of one region said about the audit role's pull-time update exclusion. */
export type PullTimeExclusionAnswer =
  | { excluded: true }
  | { excluded: false }
  /** The list could not be read; `reason` is one sentence naming the cause. */
  | { excluded: undefined; reason: string };

/** The AWS CLI command that excludes `roleArn` from pull-time updates in `region`. */
export function registerExclusionCommand(roleArn: string, region: string): string {
  return `aws ecr register-pull-time-update-exclusion --principal-arn ${roleArn} --region ${region}`;
}

/**
 * The report warning for the audit role's pull-time update exclusion in one region: none when it is
 * excluded; `PullTimesRecorded` when it is not (every audit's `BatchGetImage` refreshes
 * `lastRecordedPullTime`, so `sinceImagePulled` rules never fire), with the command that fixes it;
 * `PullTimeExclusionUnknown` when the list could not be read, with why and what to verify.
 *
 * @example
 * pullTimeExclusionWarning('eu-west-1', roleArn, { excluded: false });
 * // { region: 'eu-west-1', repositoryName: '', code: 'PullTimesRecorded', message: '… aws ecr register-pull-time-update-exclusion …' }
 */
export function pullTimeExclusionWarning(region: string, roleArn: string, answer: PullTimeExclusionAnswer): ReportWarning | undefined {
  if (answer.excluded === true) return undefined;
  const fix = registerExclusionCommand(roleArn, region);
  if (answer.excluded === false) {
    return {
      region,
      repositoryName: '',
      code: 'PullTimesRecorded',
      message:
        `The audit role ${roleArn} is not excluded from pull-time updates in ${region}: every audit reads each image's manifest, ` +
        'so ECR records a pull and keeps lastRecordedPullTime fresh, and lifecycle rules that count sinceImagePulled never archive (transition) an image. ' +
        `Register the role once: ${fix}`,
    };
  }
  return {
    region,
    repositoryName: '',
    code: 'PullTimeExclusionUnknown',
    message:
      `Could not check whether the audit role ${roleArn} is excluded from pull-time updates in ${region}: ${answer.reason}. ` +
      'If it is not, every audit refreshes lastRecordedPullTime and sinceImagePulled rules never fire. ' +
      `Verify that the role is listed by: aws ecr list-pull-time-update-exclusions --region ${region}; if it is missing, run: ${fix}. ` +
      "Check too that the function's role may call ecr:ListPullTimeUpdateExclusions (the stack grants it; a permissions boundary or SCP may not).",
  };
}
