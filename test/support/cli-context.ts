// A CliContext for running the CLI in-process, shared by the unit tests (test/unit) and the CLI
// integration tests (test/integration/cli): jest's roots are per project, a plain import is not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext, CliEnvironment } from '../../src/cli/context';
import { runCli } from '../../src/cli/program';

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
 * no terminal (so no progress bars). `stdin`, when given, is what a `-` file argument reads; `env`
 * is the environment the commands see (none by default, so no test takes a region from the machine).
 *
 * @example
 * const ctx = recordingContext(Date.parse('2026-06-01T12:00:00.000Z'));
 * const code = await runCli(['validate-policy', 'policy.json'], ctx);
 * expect(ctx.errLines).toEqual([]);
 */
export function recordingContext(now: number, options: { stdin?: string; env?: CliEnvironment } = {}): RecordingContext {
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
    env: options.env ?? {},
    stdout: () => outLines.join('\n'),
    stderr: () => errLines.join('\n'),
    ...(options.stdin === undefined ? {} : { readStdin: () => Promise.resolve(options.stdin as string) }),
  };
}

/**
 * A fresh temporary directory for each test of the enclosing file or describe block, with a
 * function that writes a file there (objects as indented JSON) and returns its path.
 *
 * @example
 * const files = tempFilesEachTest('ecr-janitor-cli-');
 * it('validates', async () => { await runCli(['validate-policy', files.write('p.json', policy)], ctx); });
 */
export function tempFilesEachTest(prefix: string): { write(name: string, content: unknown): string } {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    write(name, content) {
      if (dir === undefined) throw new Error('tempFilesEachTest(): files can be written only while a test runs');
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}

/**
 * Runs the CLI in-process with a {@link recordingContext} and returns its exit code and context.
 *
 * @example const { code, ctx } = await runRecorded(['lint-policy', '-'], NOW, policyText);
 */
export async function runRecorded(argv: readonly string[], now: number, stdin?: string): Promise<{ code: number; ctx: RecordingContext }> {
  const ctx = recordingContext(now, stdin === undefined ? {} : { stdin });
  const code = await runCli(argv, ctx);
  return { code, ctx };
}
