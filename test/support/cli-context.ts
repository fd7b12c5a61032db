// A CliContext for running the CLI in-process, shared by the unit tests (test/unit) and the CLI
// integration tests (test/integration/cli): jest's roots are per project, a plain import is not.
import type { CliContext } from '../../src/cli/context';

/** A {@link CliContext} that keeps what the CLI wrote, stdout and stderr apart. */
export interface RecordingContext extends CliContext {
  /** Every line written to stdout, in order. */
  readonly outLines: string[];
  /** Every line written to stderr, in order. */
  readonly errLines: string[];
  /** stdout as one text, lines joined with newlines. */
  stdout(): string;
  /** stderr as one text, lines joined with newlines. */
  stderr(): string;
}

/**
 * A context that records stdout and stderr, with a clock fixed at `now` (epoch milliseconds) and
 * no terminal (so no progress bars).
 *
 * @example
 * const ctx = recordingContext(Date.parse('2026-06-01T12:00:00.000Z'));
 * const code = await runCli(['validate-policy', 'policy.json'], ctx);
 * expect(ctx.errLines).toEqual([]);
 */
export function recordingContext(now: number): RecordingContext {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return {
    outLines,
    errLines,
    out: (text) => outLines.push(text),
    err: (text) => errLines.push(text),
    now: () => now,
    interactive: false,
    exitCode: 0,
    stdout: () => outLines.join('\n'),
    stderr: () => errLines.join('\n'),
  };
}
