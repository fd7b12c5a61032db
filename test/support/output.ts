// Keeps what code under test writes to stdout and stderr (a Lambda's JSON logs and metrics) out of
// the test run's output, and hands it to the test.
/**
 * Runs `fn` with process.stdout and process.stderr captured. Resolves with `fn`'s value and what
 * was written; when `fn` fails, the output is dropped and its error rethrown.
 *
 * @example const { output } = await captureOutput(() => handler(event, context));
 */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    const value = await fn();
    return { value, output: chunks.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
