import type { EffectivePolicy } from './analysis';
import { effectivePolicyOf } from './analysis';
import { assessPolicy } from './remediation';
import type { LifecyclePolicy, LifecyclePreview } from './policy';
import { evaluatePolicy } from './policy';
import type { PolicyStatus } from './report';
import type { RepositoryState } from './registry';

/** One policy's preview over a repository's images, shaped like ECR's `GetLifecyclePolicyPreview` answer. */
export interface RepositoryPreview extends LifecyclePreview {
  registryId: string;
  repositoryName: string;
  /** The policy evaluated; null when there is none. */
  lifecyclePolicyText: string | null;
}

/** The repository's own policy and the janitor's effective one, previewed side by side. */
export interface SideBySidePreview {
  registryId: string;
  repositoryName: string;
  region: string;
  /** The time the policies were evaluated at (ISO-8601). */
  now: string;
  own: RepositoryPreview & { policyStatus: PolicyStatus };
  effective: RepositoryPreview & {
    /** False when the janitor leaves the repository's policy as it is. */
    changed: boolean;
    /** Why the janitor would not change it (opted out, excluded, an invalid or unmergeable policy), when it would not. */
    note?: string;
  };
}

const NOTHING: LifecyclePreview = { previewResults: [], summary: { expiringImageTotalCount: 0, transitioningImageTotalCounts: [] } };

/**
 * A policy's preview over a repository's images (nothing acted on when there is no policy).
 *
 * @example previewPolicy(state, policy, text, Date.now()).summary.expiringImageTotalCount
 */
export function previewPolicy(
  state: RepositoryState,
  policy: LifecyclePolicy | undefined,
  lifecyclePolicyText: string | null,
  now: number,
): RepositoryPreview {
  const preview = policy ? evaluatePolicy(policy, state.images, { now }).preview() : NOTHING;
  return { registryId: state.accountId, repositoryName: state.repositoryName, lifecyclePolicyText, ...preview };
}

/** Why the janitor leaves a repository's policy as it is, or undefined when it would change it or it needs nothing. */
function noteOf(decided: EffectivePolicy, options: { optedOut: boolean; excluded: boolean }): string | undefined {
  if (decided.warning) return `${decided.warning.code}: ${decided.warning.message}`;
  if (options.optedOut) return 'the repository is opted out: the janitor leaves its policy as it is';
  if (options.excluded) return 'the repository matches an exclude glob: the janitor leaves its policy as it is';
  return undefined;
}

/**
 * Previews a repository's own lifecycle policy and the janitor's effective one (the default rule
 * merged in where the repository needs it) over its images, side by side, each in the shape of
 * ECR's `GetLifecyclePolicyPreview`.
 *
 * @example previewSideBySide(state, { now: Date.now(), days: 7, optedOut: false, excluded: false })
 */
export function previewSideBySide(
  state: RepositoryState,
  options: { now: number; days: number; optedOut: boolean; excluded: boolean },
): SideBySidePreview {
  const decided = effectivePolicyOf(assessPolicy(state.lifecyclePolicyText, { days: options.days }), options);
  const changed = decided.effective !== undefined && decided.effective !== decided.own;
  const note = noteOf(decided, options);
  return {
    registryId: state.accountId,
    repositoryName: state.repositoryName,
    region: state.region,
    now: new Date(options.now).toISOString(),
    own: { policyStatus: decided.status, ...previewPolicy(state, decided.own, state.lifecyclePolicyText, options.now) },
    effective: {
      changed,
      ...(note === undefined ? {} : { note }),
      ...previewPolicy(state, decided.effective, changed ? JSON.stringify(decided.effective) : state.lifecyclePolicyText, options.now),
    },
  };
}
