/** Lifecycle policy texts the use-case and analysis tests store in fake repositories. */
import type { LifecyclePolicy, LifecycleRule } from '../../../src/domain/policy';

/** A tagged rule keeping the newest `count` images tagged `prefix*`. */
export function keepNewestTagged(rulePriority: number, prefix: string, count: number): LifecycleRule {
  return {
    rulePriority,
    description: `Keep the newest ${count} images tagged ${prefix}*`,
    selection: { tagStatus: 'tagged', tagPrefixList: [prefix], countType: 'imageCountMoreThan', countNumber: count },
    action: { type: 'expire' },
  };
}

/** An untagged rule expiring untagged images `days` after push. */
export function expireUntagged(rulePriority: number, days: number): LifecycleRule {
  return {
    rulePriority,
    description: `Expire untagged images after ${days} days (team rule)`,
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  };
}

/** An untagged rule that archives instead of expiring: present, but never cleans anything up. */
export function archiveUntagged(rulePriority: number, days: number): LifecycleRule {
  return {
    ...expireUntagged(rulePriority, days),
    description: `Archive untagged images after ${days} days (team rule)`,
    action: { type: 'transition', targetStorageClass: 'archive' },
  };
}

/** The text of a policy of `rules`, as ECR stores it. */
export function policyText(...rules: LifecycleRule[]): string {
  const policy: LifecyclePolicy = { rules };
  return JSON.stringify(policy);
}

/** A policy that only manages tagged images: it exists, yet untagged images pile up. */
export const TAGGED_ONLY = policyText(keepNewestTagged(1, 'release', 1));

/** A compliant policy: untagged images go after 30 days. */
export const UNTAGGED_30_DAYS = policyText(keepNewestTagged(1, 'release', 5), expireUntagged(2, 30));

/** Stored text ECR would never accept (countNumber 0, no countUnit); the janitor must not build on it. */
export const INVALID_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'broken rule written by hand, padded to the minimum length',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 0 },
      action: { type: 'expire' },
    },
  ],
});
