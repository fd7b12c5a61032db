/** Archive-class lifecycle rules the policy tests build again and again. */
import type { LifecycleRule } from '../../../src/domain/policy';
import { rule } from '../../fixtures/policy/builders';

/** An archive-class rule expiring untagged images `days` after they were archived. */
export function untaggedInArchive(rulePriority: number, days: number): LifecycleRule {
  return rule(rulePriority, {
    tagStatus: 'untagged',
    storageClass: 'archive',
    countType: 'sinceImageTransitioned',
    countUnit: 'days',
    countNumber: days,
  });
}
