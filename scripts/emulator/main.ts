// `npm run emulator [-- --port N]`: starts the ECR emulator (moto, from .venv), seeds a small demo
// account into it, prints the endpoint and the commands to try, and runs until Ctrl-C. Nothing leaves
// 127.0.0.1 and nothing is kept: the next start seeds a fresh account.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { DEMO_REGION, seedDemoAccount, type DemoRepository } from './account';
import { installMoto, removeLog, startMotoServer, stopMotoServer } from './moto-server';

/** The port the emulator listens on unless `--port` says otherwise (moto's own default). */
const DEFAULT_PORT = 5000;

const USAGE = 'usage: npm run emulator [-- --port N]   (N from 1 to 65535, or 0 for any free port)';

/** The port `args` ask for; throws with the usage on anything else. */
export function portFrom(args: readonly string[]): number | undefined {
  if (args.length === 0) return DEFAULT_PORT;
  const [flag, value, ...rest] = args;
  const port = /^\d+$/.test(value ?? '') ? Number(value) : Number.NaN;
  if (flag !== '--port' || rest.length > 0 || !(port >= 0 && port <= 65_535)) throw new Error(USAGE);
  return port === 0 ? undefined : port;
}

/**
 * What the emulator prints once the account is seeded: the endpoint, the repositories, and the exact
 * commands to run against it from another terminal.
 *
 * @example console.log(instructions('http://127.0.0.1:5000', repositories, new Date()));
 */
export function instructions(endpoint: string, repositories: readonly DemoRepository[], seededAt: Date): string {
  const images = repositories.reduce((n, r) => n + r.images, 0);
  const width = Math.max(...repositories.map((r) => r.repositoryName.length));
  const flags = `--endpoint ${endpoint} --region ${DEMO_REGION}`;
  // moto stamps every push with its own clock: looking 30 days ahead lets the 7- and 14-day rules act.
  const later = new Date(seededAt.getTime() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const commands: Array<[string, string]> = [
    [`node dist/cli.js audit ${flags}`, 'policies, untagged images, stored bytes today'],
    [`node dist/cli.js audit ${flags} --now ${later}`, 'in 30 days: what the policies remove'],
    [`node dist/cli.js remediate ${flags}`, 'where the default rule would be merged in'],
    [`node dist/cli.js remediate ${flags} --apply`, 'merge it (PutLifecyclePolicy); audit again'],
    [`node dist/cli.js snapshot ${flags} --out account.json`, 'capture it; then: audit --snapshot account.json'],
  ];
  const commandWidth = Math.max(...commands.map(([command]) => command.length));
  return [
    `ECR emulator (moto) at ${endpoint}, region ${DEMO_REGION}: ${repositories.length} repositories, ${images} images.`,
    ...repositories.map((r) => `  ${r.repositoryName.padEnd(width)}  ${r.about}`),
    '',
    'In another terminal, from this directory (the emulator takes any credentials):',
    '  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing',
    ...commands.map(([command, what]) => `  ${command.padEnd(commandWidth)}  # ${what}`),
    '',
    "moto reports a manifest's config size as imageSizeInBytes: the audit's naive sum (those sizes added up) is tiny beside",
    'stored (each blob of the manifests once per repository, what ECR bills), and it warns ImageSizeBelowBlobs.',
    "moto does not report a referrer's subject either, so remediate's plan cannot count the shop/api signature at risk",
    'as it would against ECR; audit, which reads every manifest, does. account.json is ignored by git.',
    'Press Ctrl-C to stop; nothing is kept.',
  ].join('\n');
}

async function main(): Promise<void> {
  const port = portFrom(process.argv.slice(2));
  const root = process.cwd();
  if (!existsSync(path.join(root, 'scripts', 'moto.sh')))
    throw new Error(`run it from the project's root directory (npm run emulator); ${root} has no scripts/moto.sh`);

  const python = installMoto(root);
  // startMotoServer says when the port is taken (or answered by something that is not moto), with the fix.
  const server = await startMotoServer(python, port);
  const { child, endpoint, logFile } = server;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await stopMotoServer(child);
    removeLog(logFile);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write('\nstopping the emulator\n');
      void stop(0);
    });
  }
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`moto exited (${code ?? signal}); its log was ${logFile}\n`);
    process.exit(1);
  });
  // Runs as long as moto does (the server is started unreferenced, as the tests need it).
  child.ref();

  const client = new ECRClient({
    endpoint,
    region: DEMO_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
  try {
    const repositories = await seedDemoAccount(client);
    process.stdout.write(`${instructions(endpoint, repositories, new Date())}\n`);
  } catch (error) {
    process.stderr.write(`could not seed the demo account: ${error instanceof Error ? error.message : String(error)}\n`);
    await stop(1);
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
