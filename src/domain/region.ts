/** The shape of an AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`). */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Region-name prefixes of the AWS partitions other than `aws`, longest first. */
const PARTITIONS: ReadonlyArray<readonly [string, string]> = [
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-iso-', 'aws-iso'],
  ['us-gov-', 'aws-us-gov'],
  ['cn-', 'aws-cn'],
];

/**
 * The partition a region belongs to, for building ARNs (`arn:PARTITION:ecr:…`).
 *
 * @example partitionOf('cn-north-1') // 'aws-cn'
 */
export function partitionOf(region: string): string {
  return PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * The ARN of repository `repositoryName` in `region` of registry `registryId`, in the region's partition.
 *
 * @example repositoryArnOf('cn-north-1', '123456789012', 'team-a/web-api') // 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/team-a/web-api'
 */
export function repositoryArnOf(region: string, registryId: string, repositoryName: string): string {
  return `arn:${partitionOf(region)}:ecr:${region}:${registryId}:repository/${repositoryName}`;
}
