import type { AtRiskImage } from './in-use';
import type { ReportError } from './report';

/** What remediation did, or would do, to one repository. */
export type RemediationOutcome =
  /** The merged policy was written. */
  | 'applied'
  /** Dry run: the merged policy would be written. */
  | 'planned'
  /** The policy already expires untagged images: nothing to do. */
  | 'compliant'
  | 'skipped-opt-out'
  | 'skipped-excluded'
  /** The policy kept changing between the janitor's reads; left alone, the next run decides again. */
  | 'skipped-changed'
  /** The default rule cannot be merged (rule limit, length, a conflicting rule, an invalid policy). */
  | 'unmergeable'
  /** An AWS error; see `message`. */
  | 'failed'
  /** The run stopped (its time ran out, or it was interrupted) before this repository was done. */
  | 'not-reached'
  /**
   * The in-use guard held the write: the merged policy would remove an image a workload still
   * pulls (listed in `inUseAtRisk`), or what the region's workloads use could not be read. A
   * decision, not a failure; the next run decides again.
   */
  | 'held-in-use';

/** One repository's remediation. */
export interface RemediationAction {
  region: string;
  repositoryName: string;
  outcome: RemediationOutcome;
  /** The policy text before, or null when there was none. */
  before: string | null;
  /** The policy text written or planned. */
  after?: string;
  /** Priorities were renumbered (order kept) to keep the `any` rule last. */
  renumbered?: boolean;
  /**
   * `applied` only: what reading the policy back right after the write found — the text written
   * (`matches`), another writer's text already (`changed`), or nothing readable (`unreadable`).
   */
  readBack?: 'matches' | 'changed' | 'unreadable';
  /** `applied` only: the round of the write loop whose write landed (1 unless throttled or changed first). */
  writeAttempts?: number;
  /** The untagged rule shortened to the maximum untagged age (`--max-untagged-days`, `maxUntaggedDays`). */
  shortened?: { rulePriority: number; fromDays: number; toDays: number };
  message?: string;
  /**
   * In-use images the written (or planned, or held) policy removes within the guard's horizon, with
   * their consumers; present when the guard judged the write.
   */
  inUseAtRisk?: AtRiskImage[];
  /**
   * Untagged referrers (signatures, SBOMs, attestations) the written (or planned) policy expires
   * while their subject stays; present when the repository's images were read.
   */
  referrersAtRisk?: number;
}

/** Outcome of a remediation run. */
export interface RemediationResult {
  actions: RemediationAction[];
  errors: ReportError[];
}
