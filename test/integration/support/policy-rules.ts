// The rules of a lifecycle policy as ECR returns its text, for handler tests that check what the
// janitor wrote: the shape is the wire JSON, not the domain model, so a test sees what ECR stores.

/** A lifecycle rule as it stands in a policy text. */
export interface LifecycleRuleJson {
  rulePriority: number;
  description?: string;
  selection: { tagStatus: string; tagPatternList?: string[]; countType: string; countUnit?: string; countNumber: number };
  action: { type: string };
}

/** The selection and action of the janitor's default rule at the default 7 days (its priority and description vary). */
export const UNTAGGED_7_DAYS = {
  selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
  action: { type: 'expire' },
};

/**
 * The rules of a policy text, as `getPolicy` returns it; throws when the repository has no policy.
 *
 * @example expect(rulesOf(await getPolicy(ecr, 'team/api'))).toEqual([expect.objectContaining(UNTAGGED_7_DAYS)]);
 */
export function rulesOf(text: string | undefined): LifecycleRuleJson[] {
  if (text === undefined) throw new Error('the repository has no lifecycle policy');
  return (JSON.parse(text) as { rules: LifecycleRuleJson[] }).rules;
}

/** A team's policy that keeps ten releases and selects no untagged image: remediation merges the default rule in. */
export const TAGGED_ONLY_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep ten releases',
      selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 10 },
      action: { type: 'expire' },
    },
  ],
};

/** A team's policy that already expires untagged images (after 14 days): compliant. */
export const UNTAGGED_14_DAYS_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images after 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};
