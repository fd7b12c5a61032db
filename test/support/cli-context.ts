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
 * A fresh temporary directory for each test of the enclosing file or describe block, removed after
 * the test. Read `path` inside a test (or a `beforeEach` declared after this call).
 *
 * @example
 * const tmp = tempDirEachTest('ecr-janitor-cli-');
 * it('writes the report', async () => { await runCli(['audit', '--snapshot', file, '--out', join(tmp.path, 'out')], ctx); });
 */
export function tempDirEachTest(prefix: string): { readonly path: string } {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get path(): string {
      if (dir === undefined) throw new Error('tempDirEachTest(): the directory exists only while a test runs');
      return dir;
    },
  };
}

/**
 * A fresh temporary directory for each test of the enclosing file or describe block (`dir`), with a
 * function that writes a file there (objects as indented JSON) and returns its path.
 *
 * @example
 * const files = tempFilesEachTest('ecr-janitor-cli-');
 * it('validates', async () => { await runCli(['validate-policy', files.write('p.json', policy)], ctx); });
 */
export function tempFilesEachTest(prefix: string): { write(name: string, content: unknown): string; readonly dir: string } {
  const dir = tempDirEachTest(prefix);
  return {
    get dir(): string {
      return dir.path;
    },
    write(name, content) {
      const path = join(dir.path, name);
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

/** What one in-process CLI run produced. */
export interface CapturedRun {
  /** The exit code `runCli` returned. */
  code: number;
  /** Everything written to stdout, lines joined with newlines. */
  stdout: string;
  /** Everything written to stderr, lines joined with newlines. */
  stderr: string;
}

/**
 * Runs the CLI in-process with a {@link recordingContext} at `now` and returns its exit code, stdout
 * and stderr.
 *
 * @example const { code, stderr } = await runCaptured(['audit', '--snapshot', file], NOW);
 */
export async function runCaptured(argv: readonly string[], now: number, options: { env?: CliEnvironment } = {}): Promise<CapturedRun> {
  const ctx = recordingContext(now, options);
  const code = await runCli(argv, ctx);
  return { code, stdout: ctx.stdout(), stderr: ctx.stderr() };
}
