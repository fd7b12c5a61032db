// What the remediation use-case tests share: a fixed clock, the run's options, and what the janitor writes.
import type { LifecyclePolicy } from '../../../../src/domain/policy';
import { janitorRuleDescription, mergeDefaultRule, parsePolicyOrThrow } from '../../../../src/domain/policy';
import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import type { RemediateOptions } from '../../../../src/use-cases/remediate';
import { FakeRegistry } from '../../support/fake-registry';
import { TAGGED_ONLY, UNTAGGED_30_DAYS } from '../../support/policies';

/** The wall clock the write loop reads: the time stamped into the janitor's rule. */
export const NOW = Date.parse('2026-06-01T12:00:00.000Z');
/** The write loop without real pauses, and with a fixed clock. */
export const instant = { sleep: (): Promise<void> => Promise.resolve(), now: () => NOW, random: () => 0.5 };

export function options(overrides: Partial<RemediateOptions> = {}): RemediateOptions {
  return {
    days: 7,
    selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
    apply: false,
    concurrency: 4,
    pacing: instant,
    ...overrides,
  };
}

/** What the janitor writes into `text`: the merge with its rule stamped with the time of the read before the write. */
export function written(text: string | undefined, days = 7): string {
  return mergeDefaultRule(text, days, { basedOnReadAt: NOW }).text;
}

export function parsed(text: string | undefined): LifecyclePolicy {
  if (text === undefined) throw new Error('expected a policy text');
  return parsePolicyOrThrow(text);
}

/** The default rule the janitor adds, as it appears in a written policy. */
export const janitorRule = (days = 7) =>
  expect.objectContaining({
    description: janitorRuleDescription(days, NOW),
    selection: expect.objectContaining({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: days }),
    action: { type: 'expire' },
  });

/** One region with a repository of every kind remediation distinguishes. */
export function mixedRegion(region = 'eu-west-1'): FakeRegistry {
  return new FakeRegistry(region, [
    { name: 'bare' },
    { name: 'tagged-only', policy: TAGGED_ONLY },
    { name: 'compliant', policy: UNTAGGED_30_DAYS },
    { name: 'opted-out', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
    { name: 'legacy/tool' },
  ]);
}
