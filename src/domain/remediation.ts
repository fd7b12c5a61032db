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
  /** The policy changed between the read and the write; left alone, the next run decides again. */
  | 'skipped-changed'
  /** The default rule cannot be merged (rule limit, length, a conflicting rule, an invalid policy). */
  | 'unmergeable'
  /** An AWS error; see `message`. */
  | 'failed';

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
  /** The untagged rule shortened to the maximum untagged age (`--max-untagged-days`, `maxUntaggedDays`). */
  shortened?: { rulePriority: number; fromDays: number; toDays: number };
  message?: string;
}

/** Outcome of a remediation run. */
export interface RemediationResult {
  actions: RemediationAction[];
  errors: ReportError[];
}
