// What a command reads: registries opened from flags (live or a snapshot), and the in-use sources
// offline (snapshots with and without an in-use record, list files). Live reading and scanning
// against an emulator are in test/integration/cli/.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallCounter } from '../../../src/adapters/aws/call-counter';
import { EcrRegistry } from '../../../src/adapters/aws/ecr';
import { SnapshotRegistry } from '../../../src/adapters/snapshot/snapshot-registry';
import { EXIT, UsageError } from '../../../src/cli/errors';
import type { SourceFlags } from '../../../src/cli/flags';
import { clientOptionsOf, inUseSourcesOf, judgedAt, openSources } from '../../../src/cli/sources';
import { InvalidInputError } from '../../../src/domain/errors';
import type { AuditReport } from '../../../src/domain/report';
import type { SnapshotFile } from '../../../src/adapters/snapshot/format';
import { SNAPSHOT_FORMAT } from '../../../src/adapters/snapshot/format';
import { type CapturedRun, runCaptured } from '../../support/cli-context';
import { imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const CAPTURED = '2026-03-01T00:00:00.000Z';
const ACCOUNT = '111122223333';
const REGISTRY = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;

const running = imageManifest({ config: blob('running-config', 100), layers: [blob('running', 5_000)] });
const idle = imageManifest({ config: blob('idle-config', 100), layers: [blob('idle', 5_000)] });

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-cli-in-use-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A one-region snapshot captured 2026-03-01: repository `web` without a policy holds an untagged image
 * pushed 20 days before the capture (`running`) and another 30 days before (`idle`); `inUse` is the
 * registry's in-use record.
 */
function snapshotFile(registry: Partial<SnapshotFile['registries'][number]> = {}, others: SnapshotFile['registries'] = []): string {
  const path = join(dir, 'snapshot.json');
  const file: SnapshotFile = {
    format: SNAPSHOT_FORMAT,
    capturedAt: CAPTURED,
    registries: [
      {
        accountId: ACCOUNT,
        region: 'us-east-1',
        ...registry,
        repositories: [
          {
            repositoryName: 'web',
            repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/web`,
            createdAt: null,
            tags: [],
            lifecyclePolicyText: null,
            images: [imageOf(running, { pushedDaysAgo: 20 }), imageOf(idle, { pushedDaysAgo: 30 })],
          },
        ],
      },
      ...others,
    ],
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

function listFile(text: string): string {
  const path = join(dir, 'in-use.txt');
  writeFileSync(path, text);
  return path;
}

const run = (argv: string[]): Promise<CapturedRun> => runCaptured(argv, NOW);

/** The flags a command that reads registries has when none is given but `overrides`. */
function flags(overrides: Partial<SourceFlags> = {}): SourceFlags {
  return {
    maxAttempts: 8,
    retryMode: 'adaptive',
    connectTimeout: 3000,
    requestTimeout: 10_000,
    concurrency: 8,
    progressInterval: 5,
    ...overrides,
  };
}

describe('cli sources', () => {
  describe('openSources', () => {
    const run = () => ({ counter: new CallCounter(), env: {} });

    it('opens a live registry, reader and writer, in each region of --region, once each and in order', async () => {
      // Act
      const sources = await openSources(flags({ region: 'eu-west-1,us-east-1,eu-west-1' }), { snapshot: true }, run());

      // Assert
      expect(sources.registries.map((s) => s.reader.region)).toEqual(['eu-west-1', 'us-east-1']);
      for (const source of sources.registries) {
        expect(source.reader).toBeInstanceOf(EcrRegistry);
        expect(source.writer).toBe(source.reader);
      }
      expect(sources.snapshot).toBeUndefined();
    });

    it("opens the environment's region, from the run's environment, when --region is not given", async () => {
      // Act
      const sources = await openSources(
        flags(),
        { snapshot: false },
        { counter: new CallCounter(), env: { AWS_DEFAULT_REGION: 'ap-south-1' } },
      );

      // Assert
      expect(sources.registries.map((s) => s.reader.region)).toEqual(['ap-south-1']);
    });

    it.each([
      [
        'a command that reads snapshots',
        { snapshot: true },
        'no region: pass --region us-east-1[,eu-west-1…], set AWS_REGION, or use --snapshot FILE',
      ],
      [
        'a command that reads live registries only',
        { snapshot: false },
        'no region: pass --region us-east-1[,eu-west-1…] or set AWS_REGION',
      ],
    ])('refuses to run without a region, naming the ways to give one, for %s', async (_case, choices, message) => {
      // Act
      const act = openSources(flags(), choices, run());

      // Assert
      await expect(act).rejects.toThrow(new UsageError(message));
    });

    it('opens each region of a snapshot read-only, with its capture time and its in-use record', async () => {
      // Act
      const sources = await openSources(flags({ snapshot: snapshotFile() }), { snapshot: true }, run());

      // Assert
      expect(sources.registries.map((s) => [s.reader.region, s.writer])).toEqual([['us-east-1', undefined]]);
      expect(sources.registries[0]?.reader).toBeInstanceOf(SnapshotRegistry);
      expect(sources.snapshot?.capturedAt).toBe(Date.parse(CAPTURED));
      expect(sources.snapshot?.inUse.recorded).toBe(false);
    });

    it.each([
      ['--endpoint with --snapshot', { endpoint: 'http://127.0.0.1:5000' }, '--snapshot and --endpoint cannot be combined'],
      ['a region the snapshot does not hold', { region: 'eu-west-1' }, '--region eu-west-1: the snapshot'],
    ])('refuses %s', async (_case, overrides, message) => {
      // Act
      const act = openSources(flags({ snapshot: snapshotFile(), ...overrides }), { snapshot: true }, run());

      // Assert
      await expect(act).rejects.toThrow(UsageError);
      await expect(act).rejects.toThrow(message);
    });

    it('names the file when the snapshot cannot be read', async () => {
      // Act
      const act = openSources(flags({ snapshot: join(dir, 'missing.json') }), { snapshot: true }, run());

      // Assert
      await expect(act).rejects.toThrow(InvalidInputError);
      await expect(act).rejects.toThrow(`snapshot file ${join(dir, 'missing.json')} does not exist`);
    });
  });

  describe('judgedAt', () => {
    it("judges a snapshot at its capture time, and a live run at the clock's time", () => {
      // Act
      const offline = judgedAt(
        { registries: [], snapshot: { capturedAt: 1_000, inUse: { entries: [], failures: [], warnings: [], recorded: false } } },
        () => 2_000,
      );
      const live = judgedAt({ registries: [] }, () => 2_000);

      // Assert
      expect([offline, live]).toEqual([1_000, 2_000]);
    });
  });

  describe('clientOptionsOf', () => {
    it("gives every AWS client of a run the flags' retries, timeouts and endpoint", () => {
      // Act
      const withEndpoint = clientOptionsOf(flags({ endpoint: 'http://127.0.0.1:5000', retryMode: 'standard' }));
      const without = clientOptionsOf(flags());

      // Assert
      expect(withEndpoint).toEqual({
        maxAttempts: 8,
        retryMode: 'standard',
        connectionTimeoutMs: 3000,
        requestTimeoutMs: 10_000,
        endpoint: 'http://127.0.0.1:5000',
      });
      expect(without).not.toHaveProperty('endpoint');
    });
  });

  describe('inUseSourcesOf', () => {
    it('reads a list of 300,000 images whole, without spreading them into one call', async () => {
      // Arrange: more entries than a call can take as arguments.
      const file = join(dir, 'big.txt');
      const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;
      writeFileSync(file, Array.from({ length: 300_000 }, (_, i) => `app@${digest(i)}`).join('\n'));

      // Act
      const inUse = await inUseSourcesOf({ ...flags(), inUse: [file], inUseScan: [] }, { counter: new CallCounter() });

      // Assert
      expect(inUse?.sources.entries).toHaveLength(300_000);
      expect(inUse?.sources.entries?.[299_999]).toMatchObject({ repositoryName: 'app', imageDigest: digest(299_999) });
    });
  });
});

describe('cli sources: images in use', () => {
  describe('audit --snapshot', () => {
    it("judges with the snapshot's in-use record: the repository is held and the image listed with its consumer", async () => {
      // Arrange
      const snapshot = snapshotFile({ inUse: [{ repositoryName: 'web', imageDigest: running.digest, consumer: 'ecs:service/prod/web' }] });

      // Act
      const result = await run(['audit', '--snapshot', snapshot, '--format', 'json']);

      // Assert
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(result.code).toBe(EXIT.ok);
      expect(report.guard).toEqual({ mode: 'on', horizonDays: 7, sources: ['snapshot'] });
      expect(report.totals).toMatchObject({ inUseImages: 1, inUseAtRisk: 1, repositoriesHeld: 1 });
      expect(report.inUseAtRiskImages).toEqual([
        expect.objectContaining({ imageDigest: running.digest, consumers: ['ecs:service/prod/web'], held: true }),
      ]);
      expect(report.warnings.map((w) => w.code)).toEqual(['InUseImageAtRisk']);
      // Held: the repository keeps its own policy (none), so nothing is reclaimable.
      expect(report.repositories[0]?.reclaimableBytes).toBe(0);
    });

    it('adds the images of --in-use files, and ignores images of other registries in them', async () => {
      // Arrange
      const snapshot = snapshotFile();
      const list = listFile(`# from kubectl\ndocker-pullable://${REGISTRY}/web@${idle.digest} docker.io/library/nginx@${running.digest}\n`);

      // Act
      const result = await run(['audit', '--snapshot', snapshot, '--in-use', list, '--format', 'json']);

      // Assert
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.guard?.sources).toEqual([`list:${list}`]);
      expect(report.inUseAtRiskImages?.map((i) => [i.imageDigest, i.consumers])).toEqual([[idle.digest, [`list:${list}`]]]);
    });

    it('exits 1 naming the file and line of a malformed list, before reading anything else', async () => {
      // Arrange
      const list = listFile(`web@${idle.digest}\nweb:latest\n`);

      // Act
      const result = await run(['audit', '--snapshot', snapshotFile(), '--in-use', list]);

      // Assert
      expect(result.code).toBe(EXIT.invalid);
      expect(result.stderr).toContain(`in-use list ${list}, line 2: "web:latest" is not an image pinned by digest`);
      expect(result.stdout).toBe('');
    });

    it("exits 3 with the region's error when the snapshot recorded a source it could not read", async () => {
      // Arrange
      const snapshot = snapshotFile({
        inUse: [],
        inUseErrors: [{ source: 'lambda', code: 'AccessDeniedException', message: 'not authorized' }],
      });

      // Act
      const result = await run(['audit', '--snapshot', snapshot, '--format', 'json']);

      // Assert
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(result.code).toBe(EXIT.partial);
      expect(report.errors).toEqual([expect.objectContaining({ region: 'us-east-1', source: 'lambda', code: 'AccessDeniedException' })]);
      // Unknown: every image the default rule would remove may be in use.
      expect(report.totals.repositoriesHeld).toBe(1);
    });

    it('holds the writes of a region read alone when another region of the file recorded a source it could not read', async () => {
      // Arrange: eu-west-1's ECS could not be read at capture; its tasks may run us-east-1's images.
      const snapshot = snapshotFile({ inUse: [] }, [
        {
          accountId: ACCOUNT,
          region: 'eu-west-1',
          repositories: [],
          inUse: [],
          inUseErrors: [{ source: 'ecs', code: 'AccessDeniedException', message: 'not authorized' }],
        },
      ]);

      // Act
      const result = await run(['audit', '--snapshot', snapshot, '--region', 'us-east-1', '--format', 'json']);

      // Assert
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(result.code).toBe(EXIT.partial);
      expect(report.errors).toEqual([expect.objectContaining({ region: 'eu-west-1', source: 'ecs' })]);
      expect(report.totals.repositoriesHeld).toBe(1);
    });

    it('reports what an in-use source could not see at capture as a warning of its region', async () => {
      // Arrange
      const snapshot = snapshotFile({
        inUse: [],
        inUseWarnings: [{ source: 'ecs', code: 'InUseReferenceUnresolved', message: 'a task definition chosen at run time' }],
      });

      // Act
      const result = await run(['audit', '--snapshot', snapshot, '--format', 'json']);

      // Assert
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(result.code).toBe(0);
      expect(report.warnings).toContainEqual({
        region: 'us-east-1',
        repositoryName: '',
        code: 'InUseReferenceUnresolved',
        message: 'in-use source ecs: a task definition chosen at run time',
      });
    });

    it('has no in-use figures for a snapshot without an in-use record (an older file)', async () => {
      const report = JSON.parse((await run(['audit', '--snapshot', snapshotFile(), '--format', 'json'])).stdout) as AuditReport;
      expect(report.guard).toBeUndefined();
      expect(report.totals).toMatchObject({ inUseImages: 0, repositoriesHeld: 0 });
    });

    it('takes the horizon from --guard-horizon-days', async () => {
      // Arrange: the running image was pushed 20 days before the capture; with --days 30 it is removed in 10 days.
      const snapshot = snapshotFile({ inUse: [{ repositoryName: 'web', imageDigest: running.digest, consumer: 'lambda:api:1' }] });

      // Act
      const short = JSON.parse(
        (await run(['audit', '--snapshot', snapshot, '--days', '30', '--guard-horizon-days', '9', '--format', 'json'])).stdout,
      ) as AuditReport;
      const long = JSON.parse(
        (await run(['audit', '--snapshot', snapshot, '--days', '30', '--guard-horizon-days', '11', '--format', 'json'])).stdout,
      ) as AuditReport;

      // Assert
      expect(short.totals.repositoriesHeld).toBe(0);
      expect(long.totals.repositoriesHeld).toBe(1);
    });
  });

  describe('remediate --snapshot', () => {
    it('plans held-in-use and exits 0: holding is a decision, not a failure', async () => {
      // Arrange
      const snapshot = snapshotFile({ inUse: [{ repositoryName: 'web', imageDigest: running.digest, consumer: 'ecs:task/prod/abc' }] });

      // Act
      const result = await run(['remediate', '--snapshot', snapshot]);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toMatch(/web\s+held-in-use\s+none\s+held: the default rule would remove 1 image in use/);
      expect(result.stdout).toContain('used by ecs:task/prod/abc');
      // Progress only: no error, no problem line.
      expect(result.stderr).not.toMatch(/error|not remediated|could not/);
    });

    it('plans the write with --guard off and lists the images at risk in JSON', async () => {
      // Arrange
      const snapshot = snapshotFile({ inUse: [{ repositoryName: 'web', imageDigest: running.digest, consumer: 'ecs:task/prod/abc' }] });

      // Act
      const result = await run(['remediate', '--snapshot', snapshot, '--guard', 'off', '--format', 'json']);

      // Assert
      const { actions } = JSON.parse(result.stdout) as { actions: Array<{ outcome: string; inUseAtRisk: unknown[]; message: string }> };
      expect(actions).toEqual([
        expect.objectContaining({
          outcome: 'planned',
          inUseAtRisk: [expect.objectContaining({ imageDigest: running.digest })],
          message: expect.stringContaining('in-use guard off'),
        }),
      ]);
    });
  });

  describe('usage errors', () => {
    it.each([
      ['--in-use-scan with a snapshot', ['audit', '--in-use-scan', 'ecs'], /--in-use-scan cannot read a snapshot/],
      [
        'an unknown source',
        ['audit', '--in-use-scan', 'eks'],
        /"eks" is not an in-use source; write a comma-separated list of ecs, lambda.*, or all, or none/,
      ],
      ['a negative horizon', ['remediate', '--guard-horizon-days', '-1'], /"-1" is not a whole number of days from 0 to 3650/],
      ['a guard mode that does not exist', ['remediate', '--guard', 'maybe'], /Allowed choices are on, off/],
    ])('exits 2 for %s', async (_label, argv, message) => {
      const result = await run([...argv, '--snapshot', snapshotFile()]);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toMatch(message);
    });
  });
});
