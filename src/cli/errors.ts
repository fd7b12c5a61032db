import { JanitorError } from '../domain/errors';

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** Invalid input or policy, or an output file that could not be written. */
  invalid: 1,
  /** Usage error: unknown command or flag, bad flag value. */
  usage: 2,
  /** The run finished but some repositories could not be read or changed: listed in the report's errors, or for `remediate` on stderr (failed, unmergeable, or changed during the run). */
  partial: 3,
} as const;

/** A bad flag value or combination; exits with {@link EXIT.usage}. */
export class UsageError extends JanitorError {
  override readonly name: string = 'UsageError';
}

/** An output file that could not be written (no space, permission, read-only file system); exits with {@link EXIT.invalid}. */
export class OutputError extends JanitorError {
  override readonly name: string = 'OutputError';
}

/**
 * Maps an error thrown by a command to the exit code the CLI documents: {@link EXIT.usage} for a
 * usage error, {@link EXIT.invalid} for anything else (invalid input, an invalid or unmergeable policy).
 */
export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError ? EXIT.usage : EXIT.invalid;
}
