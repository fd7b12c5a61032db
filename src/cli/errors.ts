import { EndpointUnresponsiveError, isTimeout } from '../adapters/aws/timeout-budget';
import { JanitorError } from '../domain/errors';

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** Invalid input or policy, or an output file that could not be written. */
  invalid: 1,
  /** Usage error: unknown command or flag, bad flag value. */
  usage: 2,
  /**
   * The run finished but some repositories could not be read or changed: listed in the report's
   * errors, or for `remediate` on stderr (failed, unmergeable, or changed during the run); or it
   * could not go on because an endpoint did not answer (run it again later).
   */
  partial: 3,
  /** Stopped by SIGINT (130) or SIGTERM (143, the context says which) before the run could finish: 128 + the signal's number. */
  interrupted: 130,
} as const;

/** A bad flag value or combination; exits with {@link EXIT.usage}. */
export class UsageError extends JanitorError {
  override readonly name: string = 'UsageError';
}

/**
 * The run was stopped by SIGINT or SIGTERM before it did anything (while it waited for an input,
 * a pipe that never ends): it exits with the signal's code and writes nothing.
 */
export class InterruptedError extends JanitorError {
  override readonly name: string = 'InterruptedError';
}

/** An output file that could not be written (no space, permission, read-only file system); exits with {@link EXIT.invalid}. */
export class OutputError extends JanitorError {
  override readonly name: string = 'OutputError';
}

/**
 * Whether `error`, or an error it was caused by, is an endpoint that did not answer: a timeout, or
 * a call not sent to an endpoint that had gone silent. Nothing is wrong with the input then.
 */
export function isUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    if (isTimeout(current) || current instanceof EndpointUnresponsiveError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Maps an error thrown by a command to the exit code the CLI documents: {@link EXIT.usage} for a
 * usage error, {@link EXIT.partial} for an endpoint that did not answer, {@link EXIT.invalid} for
 * anything else (invalid input, an invalid or unmergeable policy).
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  return isUnreachable(error) ? EXIT.partial : EXIT.invalid;
}
