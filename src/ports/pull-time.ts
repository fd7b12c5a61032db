import type { PullTimeExclusionAnswer } from '../domain/pull-time-exclusion';

/**
 * Whether a principal is excluded from pull-time updates in a region's registry (so that reading
 * manifests does not refresh `lastRecordedPullTime`). An answer that could not be had says why.
 */
export interface PullTimeExclusionCheck {
  isExcluded(region: string, principalArn: string): Promise<PullTimeExclusionAnswer>;
}
