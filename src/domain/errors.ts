/**
 * The one error family of ecr-janitor. Every error carries a message that names the resource and
 * the likely fix, and keeps the underlying error as `cause`.
 */
export class JanitorError extends Error {
  /** Builds an error of the family; `cause` keeps the underlying error for logs. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A lifecycle policy text that ECR would reject; `problems` lists every reason. */
export class InvalidPolicyError extends JanitorError {
  /** Each problem names the rule, the field and the fix. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message, options);
    this.problems = problems;
  }
}

/** The default rule cannot be merged into a policy (rule limit, length limit or a conflicting rule). */
export class MergeError extends JanitorError {}

/** Input (a file, a flag, an event) that does not have the expected shape. */
export class InvalidInputError extends JanitorError {}

/** A setting that is missing or out of range; the message names the setting. */
export class ConfigError extends JanitorError {}
