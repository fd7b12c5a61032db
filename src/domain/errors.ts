/**
 * The one error family of ecr-janitor. Every error carries a message that names the resource and
 * the likely fix, and keeps the underlying error as `cause`.
 *
 * Each class names itself with a literal `name`: it is the error's code in reports and logs, and the
 * weekly state machine matches errors by it (`ErrorEquals`), so it must not depend on the class
 * name surviving a bundler's minification.
 */
export class JanitorError extends Error {
  override readonly name: string = 'JanitorError';

  /** Builds an error of the family; `cause` keeps the underlying error for logs. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A lifecycle policy text that ECR would reject; `problems` lists every reason. */
export class InvalidPolicyError extends JanitorError {
  override readonly name: string = 'InvalidPolicyError';
  /** Each problem names the rule, the field and the fix. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message, options);
    this.problems = problems;
  }
}

/** The default rule cannot be merged into a policy (rule limit, length limit or a conflicting rule). */
export class MergeError extends JanitorError {
  override readonly name: string = 'MergeError';
}

/** Input (a file, a flag, an event) that does not have the expected shape. */
export class InvalidInputError extends JanitorError {
  override readonly name: string = 'InvalidInputError';
}

/** A setting that is missing or out of range; the message names the setting. */
export class ConfigError extends JanitorError {
  override readonly name: string = 'ConfigError';
}

/** The copy of a member account's report to the organization's central bucket failed; the rest was published. */
export class CentralReportError extends JanitorError {
  override readonly name: string = 'CentralReportError';
}

/**
 * How a failed policy write ended, as far as the caller can know:
 * - `throttled`: refused before it was applied (ThrottlingException); try again later;
 * - `rejected`: refused for good (a 4xx such as InvalidParameterException or RepositoryNotFoundException);
 * - `unknown`: no definite answer (a 5xx, a reset connection, a timeout): the write may have landed,
 *   so the caller must read the policy back before it decides anything.
 */
export type PolicyWriteFailure = 'throttled' | 'rejected' | 'unknown';

/** A `PutLifecyclePolicy` that did not succeed; `code` is the service's error code (e.g. `ThrottlingException`). */
export class PolicyWriteError extends JanitorError {
  override readonly name: string = 'PolicyWriteError';
  /** Whether the write may have been applied; see {@link PolicyWriteFailure}. */
  readonly failure: PolicyWriteFailure;
  /** The service's error code, or the transport's error name. */
  readonly code: string;

  constructor(message: string, failure: PolicyWriteFailure, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
    this.code = code;
  }
}

/**
 * One account could not be entered: its role could not be assumed (no such role, a trust policy or
 * an SCP that refuses), the call timed out. `code` is the service's error code; the account is not
 * read and every other account goes on.
 */
export class AccountAccessError extends JanitorError {
  override readonly name: string = 'AccountAccessError';
  /** The service's error code (`AccessDenied`, `RegionDisabledException`, `TimeoutError` …). */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The organization's accounts could not be listed: the caller is not the management account or a delegated administrator. */
export class OrganizationAccessError extends JanitorError {
  override readonly name: string = 'OrganizationAccessError';
}

/**
 * The code of any thrown value, as reports, logs and the permanent-failure rules use it: a failed
 * policy write's (or account's) service code (`ThrottlingException`, `AccessDenied`), else the error's name (the SDK names its errors
 * after the service's code, e.g. `RepositoryNotFoundException`; the janitor's own carry a literal
 * name), else `Error`.
 *
 * @example errorCode(new InvalidInputError('…')) // 'InvalidInputError'
 */
export function errorCode(error: unknown): string {
  if (error instanceof PolicyWriteError || error instanceof AccountAccessError) return error.code;
  return error instanceof Error ? error.name : 'Error';
}

/**
 * A repair that cannot be settled now, and must be tried again from a fresh read: another restore of
 * the same repository holds the repair lease, or a write's outcome is unknown (it may still land).
 * The event handler throws it so that Lambda retries the event later.
 */
export class RepairPendingError extends JanitorError {
  override readonly name: string = 'RepairPendingError';
}
