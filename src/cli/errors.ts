import { InvalidInputError, InvalidPolicyError, JanitorError, MergeError } from '../domain/errors';

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** Invalid input or policy. */
  invalid: 1,
  /** Usage error: unknown command or flag, bad flag value. */
  usage: 2,
  /** The run finished but some repositories failed; see the report's errors. */
  partial: 3,
} as const;

/** A bad flag value or combination; exits with {@link EXIT.usage}. */
export class UsageError extends JanitorError {}

/** Maps an error thrown by a command to the exit code the CLI documents. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof InvalidInputError || error instanceof InvalidPolicyError || error instanceof MergeError) return EXIT.invalid;
  return EXIT.invalid;
}
