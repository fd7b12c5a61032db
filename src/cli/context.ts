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
  /** Reads standard input to its end, for file arguments given as `-`; absent where there is none. */
  readStdin?(): Promise<string>;
}

/** The real process's context. */
export function processContext(): CliContext {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    now: () => Date.now(),
    interactive: Boolean(process.stderr.isTTY),
    exitCode: 0,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
