/** What a CLI command needs from its surroundings; tests pass their own. */
export interface CliContext {
  /** Writes a line of data to stdout. */
  out(text: string): void;
  /** Writes a line of diagnostics or progress to stderr. */
  err(text: string): void;
  /** The current time in epoch milliseconds. */
  now(): number;
  /** True when stderr is a terminal (progress bars). */
  readonly interactive: boolean;
  /** Set by a command that finished with a non-zero outcome (e.g. 3 when some repositories failed). */
  exitCode: number;
  /**
   * Fires (reason `interrupted`) when the user asks the run to stop: commands then start no new work,
   * finish or drop what is in hand, and write nothing half-done. @default never
   */
  readonly signal?: AbortSignal;
  /** The exit code of the interruption once {@link CliContext.signal} fired: 130 for SIGINT, 143 for SIGTERM. */
  interruptedExitCode?(): number | undefined;
  /** Reads standard input to its end, for file arguments given as `-`; absent where there is none. */
  readStdin?(): Promise<string>;
  /** The environment variables a command may read; the real process's in {@link processContext}, tests pass their own. */
  readonly env: CliEnvironment;
}

/**
 * The environment variables the CLI itself reads (the SDK reads its own, such as credentials, from
 * the process): the region a live run uses when `--region` is not given.
 */
export interface CliEnvironment {
  readonly AWS_REGION?: string;
  readonly AWS_DEFAULT_REGION?: string;
}

/**
 * The region a live run uses when `--region` is not given: `AWS_REGION`, else `AWS_DEFAULT_REGION`,
 * as the AWS CLI and SDKs read them; undefined when neither is set (or both are empty).
 *
 * @example defaultRegion({ AWS_DEFAULT_REGION: 'eu-west-1' }) // 'eu-west-1'
 */
export function defaultRegion(env: CliEnvironment): string | undefined {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region === undefined || region === '' ? undefined : region;
}

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** The real process's context: its output streams, clock, signals, standard input and environment. */
export function processContext(): CliContext {
  const controller = new AbortController();
  let interrupted: number | undefined;
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (interrupted !== undefined) {
        // A second signal: stop at once. Artifacts are renamed into place whole, so none is half-written.
        err(`ecr-janitor: ${name} again: stopping now`);
        process.exit(SIGNAL_EXIT_CODES[name]);
      }
      interrupted = SIGNAL_EXIT_CODES[name];
      err(`ecr-janitor: ${name}: starting no new work; finishing what is in hand (send it again to stop at once)`);
      controller.abort('interrupted');
    });
  }
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err,
    now: () => Date.now(),
    interactive: Boolean(process.stderr.isTTY),
    exitCode: 0,
    signal: controller.signal,
    interruptedExitCode: () => interrupted,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
