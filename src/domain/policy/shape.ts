import * as z from 'zod';
import type { LifecyclePolicy } from './types';

/**
 * The shape of {@link LifecyclePolicy}, field by field (the compiler holds it to the type). The
 * checks of validate.ts say what is wrong in words; this only lets the checked document be typed as a policy,
 * the document itself kept as written (its keys in their order, for the text the janitor writes back).
 */
const policyShape: z.ZodType<LifecyclePolicy> = z.object({
  rules: z.array(
    z.object({
      rulePriority: z.number(),
      description: z.string().optional(),
      selection: z.object({
        tagStatus: z.enum(['tagged', 'untagged', 'any']),
        tagPatternList: z.array(z.string()).optional(),
        tagPrefixList: z.array(z.string()).optional(),
        storageClass: z.enum(['standard', 'archive']).optional(),
        countType: z.enum(['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned']),
        countUnit: z.literal('days').optional(),
        countNumber: z.number(),
      }),
      action: z.object({ type: z.enum(['expire', 'transition']), targetStorageClass: z.literal('archive').optional() }),
    }),
  ),
});

/** True when `doc` has the shape of a lifecycle policy (after the checks of `parsePolicy`, always). */
export function isPolicyShaped(doc: unknown): doc is LifecyclePolicy {
  return policyShape.safeParse(doc).success;
}
