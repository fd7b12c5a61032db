// Runs the ecr-janitor CLI in-process against the moto server, as a user would from a shell: the
// credentials come from the SDK's default chain (environment variables), the endpoint and region
// from flags. Nothing here may ever reach real AWS: every live run passes --endpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RemediationAction } from '../../../../src/use-cases/remediate';
import { runCaptured, tempDirEachTest as tempDirEachTestWith, type CapturedRun } from '../../../support/cli-context';
import { motoEndpoint } from '../../support/moto';
import { MOTO_IN_USE_SCAN } from '../../support/workloads';

/** The time the fake context reports (the report's `generatedAt`, a snapshot's `capturedAt`). */
export const GENERATED_AT = '2026-06-01T12:00:00.000Z';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** What one CLI run produced: its exit code, stdout and stderr. */
export type CliRun = CapturedRun;

/** The commands that scan for images in use (and take `--in-use-scan`). */
const SCANNING_COMMANDS: ReadonlySet<string> = new Set(['audit', 'remediate', 'snapshot', 'weekly']);

/**
 * Runs `ecr-janitor ARGS` in-process and returns its exit code and output. A live run against moto
 * that names no in-use sources scans those moto has ({@link MOTO_IN_USE_SCAN}), as a deployment
 * would be configured where a service is not offered.
 *
 * @example const { code, stdout } = await janitor(['audit', ...moto(), '--format', 'json']);
 */
export function janitor(args: readonly string[], now: number = Date.parse(GENERATED_AT)): Promise<CliRun> {
  const endpoint = args.indexOf('--endpoint');
  const againstMoto = endpoint !== -1 && args[endpoint + 1] === motoEndpoint();
  const scanning = SCANNING_COMMANDS.has(args[0] ?? '') && againstMoto && !args.includes('--in-use-scan');
  return runCaptured(scanning ? [...args, '--in-use-scan', MOTO_IN_USE_SCAN] : args, now);
}

/**
 * The flags that point a live run at moto: `--endpoint MOTO --region REGIONS`.
 *
 * @example await janitor(['audit', ...moto('us-east-1,eu-west-1')]);
 */
export function moto(regions = 'us-east-1'): string[] {
  return ['--endpoint', motoEndpoint(), '--region', regions];
}

const CREDENTIAL_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
] as const;

/**
 * Gives the SDK's default credential chain moto's fake keys through the environment, as the CLI
 * reads them, and returns a function that restores the environment. Regions are unset so every
 * run must name its own.
 *
 * @example const restore = useMotoCredentials(); afterAll(restore);
 */
export function useMotoCredentials(): () => void {
  const saved = new Map(CREDENTIAL_KEYS.map((key) => [key, process.env[key]]));
  for (const key of CREDENTIAL_KEYS) delete process.env[key];
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'ecr-janitor-cli-it-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A fresh temporary directory for each test of the enclosing describe block, removed after the test.
 * Read `path` inside a test (or a `beforeEach` declared after this call).
 *
 * @example
 * const dir = tempDirEachTest();
 * it('writes the report', async () => { await janitor(['audit', ...moto(), '--out', dir.path]); });
 */
export function tempDirEachTest(): { readonly path: string } {
  return tempDirEachTestWith('ecr-janitor-cli-it-');
}

/**
 * A 127.0.0.1 port that nothing listens on: the OS hands out a free one, which is closed again at
 * once. Connections to it are refused immediately (no timeouts), and it never leaves the machine.
 */
export function closedLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`unexpected server address ${String(address)}`));
      });
    });
  });
}

/** What `remediate --format json` prints. */
export interface RemediationJson {
  apply: boolean;
  actions: RemediationAction[];
  errors: Array<{ region: string; repositoryName?: string; code: string; message: string }>;
  apiCalls: Record<string, number>;
}

/**
 * Parses a run's stdout as JSON of the expected shape (a test fails if it is not JSON at all).
 *
 * @example const report = stdoutJson<AuditReport>(run);
 */
export function stdoutJson<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

/** The outcome of each repository, keyed `region/name`, for compact assertions. */
export function outcomes(result: RemediationJson): Record<string, string> {
  return Object.fromEntries(result.actions.map((a) => [`${a.region}/${a.repositoryName}`, a.outcome]));
}
