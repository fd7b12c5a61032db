import type { ImageGraph } from './graph';
import type { ImageDetail } from './image';
import type { LifecyclePolicy, LifecycleRule } from './policy';
import { parsePolicy, storageClassOf } from './policy';

/** ECR charges an archived image for at least this many days, even when it is restored or deleted sooner. */
export const ARCHIVE_MINIMUM_CHARGE_DAYS = 90;

/** The description of the suggested rule; it says who suggested it, so nobody takes it for a team's own. */
export function archiveRuleDescription(days: number): string {
  return `Archive images not pulled for ${days} days (suggested by ecr-janitor)`;
}

/**
 * The suggested transition rule: every standard-class image not pulled for `days` days (push time
 * when never pulled) moves to the archive class.
 */
export function archiveRule(days: number, rulePriority: number): LifecycleRule {
  return {
    rulePriority,
    description: archiveRuleDescription(days),
    selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: days },
    action: { type: 'transition', targetStorageClass: 'archive' },
  };
}

/** A policy with the suggested archive rule added last. */
export interface ArchivePlan {
  policy: LifecyclePolicy;
  rule: LifecycleRule;
  /** The rule as a team would paste it into its policy's `rules`. */
  ruleText: string;
}

/**
 * Adds the suggested archive rule to `policy` after every other rule, when ECR would accept the
 * result. A rule added last changes nothing the policy's own rules do (each image is acted on by the
 * first rule that matches it), so the one evaluation serves both. There is no plan when the policy
 * already has an `any` rule in the standard class (that rule matches every image and must stay
 * last, so a transition rule could only take images from it), or when the result would break one
 * of ECR's limits (50 rules, 30,720 characters): the engine's validator decides.
 *
 * @example const plan = withArchiveRule(effective, 90); // plan?.ruleText is the rule to suggest
 */
export function withArchiveRule(policy: LifecyclePolicy, days: number): ArchivePlan | undefined {
  if (!Number.isInteger(days) || days < 1) return undefined;
  if (policy.rules.some((r) => storageClassOf(r) === 'standard' && r.selection.tagStatus === 'any')) return undefined;
  let top = 0;
  for (const r of policy.rules) if (r.rulePriority > top) top = r.rulePriority;
  const rule = archiveRule(days, top + 1);
  const candidate: LifecyclePolicy = { rules: [...policy.rules, rule] };
  const parsed = parsePolicy(JSON.stringify(candidate));
  if (!parsed.ok) return undefined;
  return { policy: candidate, rule, ruleText: JSON.stringify(rule) };
}

/** True for an image in the standard class that is not being restored: the only images a transition moves. */
export function isActive(image: ImageDetail): boolean {
  return image.imageStatus === undefined || image.imageStatus === 'ACTIVE';
}

/**
 * Bytes that leave standard storage when the `moving` images go to the archive class: the blobs
 * some moving image uses and no image staying in standard storage uses. Images that stay are those
 * neither moving, nor removed (`doomed`), nor already archived; a blob shared with an image that
 * stays is still billed at the standard price and does not count.
 *
 * @example archivableBytesOf(graph, new Set(transitioned), doomed)
 */
export function archivableBytesOf(graph: ImageGraph, moving: ReadonlySet<string>, doomed: ReadonlySet<string>): number {
  if (moving.size === 0) return 0;
  const stays = (digest: string): boolean => {
    if (moving.has(digest) || doomed.has(digest)) return false;
    const node = graph.nodes.get(digest);
    return node !== undefined && !node.archived;
  };
  let total = 0;
  for (const blob of graph.blobs.values()) {
    if (blob.users.some((u) => moving.has(u)) && !blob.users.some(stays)) total += blob.size;
  }
  return total;
}
