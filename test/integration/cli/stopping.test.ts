// The CLI against endpoints that hang or are slow, and under SIGINT/SIGTERM: it never hangs, and
// what it reports says what it did not reach. The signal tests run the bundled CLI as a real process.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { WORKLOAD_SOURCES } from '../../../src/domain/in-use';
import type { AuditReport } from '../../../src/domain/report';
import { silentServer, slowEcrServer, type LocalServer } from '../support/fake-ecr-server';
import { janitor, stdoutJson, tempDir, useMotoCredentials } from './support/cli';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('ecr-janitor stopping', () => {
  let restoreEnv: () => void;
  beforeAll(() => {
    restoreEnv = useMotoCredentials();
  });
  afterAll(() => restoreEnv());

  describe('an endpoint that accepts connections and never answers', () => {
    let silent: LocalServer;
    beforeEach(async () => {
      silent = await silentServer();
    });
    afterEach(() => silent.close());

    it('gives up with a timeout error and exit code 3 instead of hanging', async () => {
      // Act: short timeouts keep the test quick; the defaults give up within two minutes (see clients.test.ts).
      const run = await janitor([
        'audit',
        '--endpoint',
        silent.endpoint,
        '--region',
        'us-east-1',
        '--request-timeout',
        '300',
        '--max-attempts',
        '2',
        '--format',
        'json',
      ]);

      // Assert
      expect(run.code).toBe(3);
      const report = stdoutJson<AuditReport>(run);
      expect(report.errors).toEqual([
        {
          region: 'us-east-1',
          // The in-use sources went first and found the endpoint silent: the listing is not even sent.
          code: 'EndpointUnresponsiveError',
          message: expect.stringMatching(
            /^region failure: its repositories could not be listed: not sent: 127\.0\.0\.1:\d+ left the calls before it without an answer \(3 timeouts in a row of 300 ms\)/,
          ),
        },
        // The in-use sources time out the same way (or are not sent at all, once the creation templates
        // read beside them found the endpoint silent), and the guard holds every write.
        ...[...WORKLOAD_SOURCES].sort().map((source) => ({
          region: 'us-east-1',
          source,
          code: expect.stringMatching(/^(TimeoutError|EndpointUnresponsiveError)$/),
          message: expect.stringMatching(
            /in us-east-1 could not be read, so every write that could remove an image is held, in every region: (timed out|not sent): /,
          ),
        })),
      ]);
      expect(silent.received).toBeGreaterThanOrEqual(2);
    });

    it.each([
      ['audit', []],
      ['snapshot', ['--out', 'SNAPSHOT']],
      ['weekly', ['--bucket', 'reports']],
    ])(
      '%s ends within a few request timeouts with exit 3, whatever the attempts allowed, saying from the start what it waits for',
      async (command, extra) => {
        // Arrange: the default 8 attempts; with timeouts retried like throttles this took 8 timeouts and
        // 25 s of pauses per call, one call after another.
        const dir = tempDir();
        const args = extra.map((a) => (a === 'SNAPSHOT' ? path.join(dir.path, 'snapshot.json') : a));
        const started = Date.now();

        // Act
        const run = await janitor([command, '--endpoint', silent.endpoint, '--region', 'us-east-1', '--request-timeout', '1000', ...args]);

        // Assert
        const elapsed = Date.now() - started;
        dir.remove();
        expect(run.code).toBe(3);
        expect(elapsed).toBeLessThan(6_000);
        expect(run.stderr.split('\n')[0]).toMatch(
          /^(reading us-east-1: what is in use, then the repositories|planning run \S+: the repositories and what is in use in us-east-1)…$/,
        );
        // The calls sent together before the endpoint is known silent (the listing, the registry's
        // settings, each in-use source's first call) at most twice each, the later ones not at all.
        expect(silent.received).toBeLessThanOrEqual(2 * (WORKLOAD_SOURCES.length + 2));
      },
      20_000,
    );
  });

  describe('signals (the bundled CLI as a process)', () => {
    let dir: ReturnType<typeof tempDir>;
    let cli: string;
    let slow: LocalServer;

    beforeAll(() => {
      dir = tempDir();
      cli = path.join(dir.path, 'cli.js');
      buildSync({
        entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
        outfile: cli,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        logLevel: 'silent',
        mainFields: ['module', 'main'],
      });
    });
    afterAll(() => dir.remove());
    beforeEach(async () => {
      slow = await slowEcrServer({ repositories: Array.from({ length: 40 }, (_, i) => `app-${i}`), delayMs: 400 });
    });
    afterEach(() => slow.close());

    /**
     * Starts an audit of the slow endpoint, sends `signal` once stderr says `when` (by default: the
     * listing is done and repositories are being read), and collects what it printed.
     */
    function auditThen(
      signal: NodeJS.Signals,
      extra: readonly string[] = [],
      when = 'repositories to read',
    ): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [cli, 'audit', '--endpoint', slow.endpoint, '--region', 'us-east-1', '--concurrency', '2', '--format', 'json', ...extra],
          { env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } },
        );
        let stdout = '';
        let stderr = '';
        let sent = false;
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (!sent && stderr.includes(when)) {
            sent = true;
            child.kill(signal);
          }
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it.each([
      { signal: 'SIGINT' as const, code: 130 },
      { signal: 'SIGTERM' as const, code: 143 },
    ])('stops starting work on $signal, prints the report marked incomplete and exits $code', async ({ signal, code }) => {
      // Act
      const run = await auditThen(signal);

      // Assert
      expect(run.code).toBe(code);
      const report = JSON.parse(run.stdout) as AuditReport;
      expect(report.complete).toBe(false);
      expect(report.notReached.length).toBeGreaterThan(0);
      expect(report.notReached.every((n) => n.reason === 'interrupted')).toBe(true);
      expect(report.repositories.length + report.notReached.length).toBe(40);
      expect(run.stderr).toContain(`${signal}: starting no new work`);
    });

    it.each([
      { signal: 'SIGINT' as const, code: 130 },
      { signal: 'SIGTERM' as const, code: 143 },
    ])('stops at once on $signal while it waits for an --in-use pipe that never ends, and writes nothing', async ({ signal, code }) => {
      // Arrange: a pipe with a writer that never writes nor closes, as `--in-use <(sleep 1000)` is.
      const fifo = path.join(dir.path, `in-use-${signal}`);
      execFileSync('mkfifo', [fifo]);
      const writer = openSync(fifo, constants.O_RDWR);
      const out = path.join(dir.path, `out-${signal}`);
      try {
        // Act
        const started = Date.now();
        const run = await auditThen(signal, ['--in-use', fifo, '--out', out], 'what is in use');

        // Assert
        expect(run.code).toBe(code);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(run.stderr).toContain(`ecr-janitor: error: interrupted while reading ${fifo}: nothing was done`);
        expect(run.stdout).toBe('');
        expect(existsSync(out)).toBe(false);
      } finally {
        closeSync(writer);
      }
    });

    it('writes whole artifacts only, and no temporary files, when interrupted with --out', async () => {
      // Arrange
      const out = path.join(dir.path, 'out-interrupted');

      // Act
      const run = await auditThen('SIGINT', ['--out', out]);

      // Assert
      expect(run.code).toBe(130);
      expect(readdirSync(out).sort()).toEqual(['cost-groups.csv', 'report.csv', 'report.html', 'report.json', 'report.md']);
      expect((JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as AuditReport).complete).toBe(false);
    });
  });
});
