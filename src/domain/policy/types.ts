/** `tagStatus` of a rule's selection. */
export type TagStatus = 'tagged' | 'untagged' | 'any';
/** Storage class a rule selects; `standard` when omitted. */
export type StorageClass = 'standard' | 'archive';
/** How a rule counts. */
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned';
/** What a rule does to the images it acts on. */
export type ActionType = 'expire' | 'transition';

/** The selection of a lifecycle rule, exactly as ECR's policy language writes it. */
export interface RuleSelection {
  tagStatus: TagStatus;
  tagPatternList?: string[];
  tagPrefixList?: string[];
  storageClass?: StorageClass;
  countType: CountType;
  countUnit?: 'days';
  countNumber: number;
}

/** One lifecycle rule. */
export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: RuleSelection;
  action: { type: ActionType; targetStorageClass?: 'archive' };
}

/** A lifecycle policy document. */
export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

/** The limits ECR puts on a policy. */
export const POLICY_LIMITS = {
  maxRules: 50,
  minLength: 100,
  maxLength: 30_720,
  maxWildcardsPerPattern: 4,
  /**
   * The largest `rulePriority` and `countNumber`. The User Guide's policy template types both as
   * `integer`, and the ECR API model declares rule priorities (`LifecyclePolicyRulePriority`) as a
   * Smithy `integer`: a signed 32-bit number, so at most 2^31 - 1.
   */
  maxInteger: 2_147_483_647,
  /** Images must spend this many days in archive before a lifecycle rule may delete them (User Guide, lifecycle policy examples). */
  minDaysInArchive: 90,
} as const;

/** The storage class a rule selects, with ECR's default applied. */
export function storageClassOf(rule: LifecycleRule): StorageClass {
  return rule.selection.storageClass ?? 'standard';
}

/**
 * True when the rule expires untagged images of the standard class — what the janitor requires of
 * every repository: an `untagged` or `any` rule whose action is `expire`.
 */
export function expiresUntaggedImages(rule: LifecycleRule): boolean {
  return (
    storageClassOf(rule) === 'standard' &&
    (rule.selection.tagStatus === 'untagged' || rule.selection.tagStatus === 'any') &&
    rule.action.type === 'expire'
  );
}

/** True when some rule of the policy expires untagged standard images. */
export function policyExpiresUntaggedImages(policy: LifecyclePolicy): boolean {
  return policy.rules.some(expiresUntaggedImages);
}
