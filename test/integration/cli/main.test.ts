// The CLI as a user runs it: the bundled entry point in its own Node process. What only the real
// process shows is checked here (the SDK's Node-version notice is printed by the process, once).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { closedLocalPort, tempDir } from './support/cli';

describe('ecr-janitor entry point (bundled, own process)', () => {
  let dir: ReturnType<typeof tempDir>;
  let cli: string;

  beforeAll(async () => {
    dir = tempDir();
    cli = join(dir.path, 'cli.js');
    // As scripts/build.mjs bundles it.
    await build({
      entryPoints: [join(__dirname, '../../../src/cli/main.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      mainFields: ['module', 'main'],
      logLevel: 'error',
    });
  });

  afterAll(() => {
    dir.remove();
  });

  it("does not print the SDK's Node-version notice, yet builds a client and reports the region failure", async () => {
    // Arrange: nothing listens on the port, so the one call fails at once; the variable the test
    // runner sets is removed, as it is in a user's shell.
    const endpoint = `http://127.0.0.1:${await closedLocalPort()}`;
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

    // Act
    const run = spawnSync(process.execPath, [cli, 'audit', '--endpoint', endpoint, '--region', 'us-east-1', '--max-attempts', '1'], {
      env,
      encoding: 'utf8',
    });

    // Assert
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('us-east-1: region failure: its repositories could not be listed');
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|will require node/);
  });
});
