// `ecr-janitor weekly` end to end against moto: the weekly pipeline in one process — Plan, shards on
// a worker pool, Aggregate — with its run objects, manifest cache and report in a moto bucket. A
// proxy in front of moto makes one shard's result write fail with 500s, as S3 might.
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { AuditReport } from '../../../src/domain/report';
import { shardKey } from '../../../src/domain/weekly';
import { faultProxy } from '../support/fake-ecr-server';
import { ecrClientForMoto, motoClientConfig, motoEndpoint, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { MOTO_IN_USE_SCAN } from '../support/workloads';
import { janitor, moto, stdoutJson, useMotoCredentials } from './support/cli';

jest.setTimeout(60_000);

const BUCKET = 'ecr-janitor-weekly-it';
const NAMES = ['app/a', 'app/b', 'app/c', 'app/d', 'app/e'];

interface WeeklyJson {
  runId: string;
  shards: { total: number; failed: number };
  manifests: { cached: number; fetched: number };
  detail: { errorCount: number; remediation: Record<string, number>; artifacts: { json: string }; totals: { repositories: number } };
}

describe('ecr-janitor weekly (moto)', () => {
  let restore: () => void;
  let ecr: ECRClient;
  let s3: S3Client;

  async function report(key: string): Promise<AuditReport> {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse((await out.Body?.transformToString()) ?? '{}') as AuditReport;
  }

  /** `weekly` against moto (or what `target` names) in shards of two, as JSON. */
  const weekly = (runId: string, extra: string[] = [], target = moto()) =>
    janitor([
      'weekly',
      ...target,
      '--bucket',
      BUCKET,
      '--batch-size',
      '2',
      '--workers',
      '2',
      '--no-bulk-tags',
      '--run-id',
      runId,
      '--format',
      'json',
      ...extra,
    ]);

  beforeAll(async () => {
    restore = useMotoCredentials();
    await resetMoto();
    ecr = ecrClientForMoto();
    s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const [i, name] of NAMES.entries()) {
      await createRepository(ecr, name, name === 'app/e' ? { tags: { 'ecr-janitor:opt-out': 'true' } } : {});
      await pushImage(ecr, name, { manifest: imageManifest({ layers: [1_000_000 + i] }), tag: 'v1' });
      await pushUntaggedImage(ecr, name, imageManifest({ layers: [2_000_000 + i] }));
    }
  });

  afterAll(() => {
    ecr.destroy();
    s3.destroy();
    restore();
  });

  it('plans without --apply: the report in the bucket, every repository, nothing written', async () => {
    const run = await weekly('dry-run');

    expect(run.code).toBe(0);
    const out = stdoutJson<WeeklyJson>(run);
    expect(out.shards).toEqual({ total: 3, failed: 0 });
    expect(out.detail.remediation).toEqual({ planned: 4, 'skipped-opt-out': 1 });
    expect((await report(out.detail.artifacts.json)).repositories.map((r) => r.repositoryName).sort()).toEqual(NAMES);
    expect(await getPolicy(ecr, 'app/a')).toBeUndefined();
    expect(run.stderr).toContain('shard 3/3 done');
  });

  it('with --apply writes the default rule, and a second run reads no manifest again', async () => {
    const first = stdoutJson<WeeklyJson>(await weekly('apply-1', ['--apply']));
    const second = await weekly('apply-2', ['--apply']);

    expect(first.detail.remediation).toEqual({ applied: 4, 'skipped-opt-out': 1 });
    expect(await getPolicy(ecr, 'app/a')).toContain('added by ecr-janitor');
    expect(await getPolicy(ecr, 'app/e')).toBeUndefined();
    const again = stdoutJson<WeeklyJson>(second);
    expect(again.manifests.fetched).toBe(0);
    expect(again.detail.remediation).toEqual({ compliant: 4, 'skipped-opt-out': 1 });
    const calls = (await report(again.detail.artifacts.json)).apiCalls;
    expect(calls.BatchGetImage).toBeUndefined();
    expect(calls.PutLifecyclePolicy).toBeUndefined();
  });

  it('reports the repositories of a shard whose result S3 keeps refusing as errors, exits 3, and reports the rest', async () => {
    // Arrange: every write of the shard holding app/c and app/d fails with a 500.
    const failing = shardKey('fault-1', [
      { region: 'us-east-1', repositoryName: 'app/c' },
      { region: 'us-east-1', repositoryName: 'app/d' },
    ]);
    const proxy = await faultProxy(motoEndpoint(), (r) => r.method === 'PUT' && r.url.includes(failing));
    try {
      // Act
      // The proxy stands for moto: the in-use sources moto answers.
      const run = await weekly('fault-1', ['--in-use-scan', MOTO_IN_USE_SCAN], ['--endpoint', proxy.endpoint, '--region', 'us-east-1']);

      // Assert
      expect(run.code).toBe(3);
      const out = stdoutJson<WeeklyJson>(run);
      expect(out.shards).toEqual({ total: 3, failed: 1 });
      expect(proxy.failed).toBeGreaterThanOrEqual(2);
      const json = await report(out.detail.artifacts.json);
      expect(json.errors.map((e) => [e.repositoryName, e.code])).toEqual([
        ['app/c', 'ShardFailed'],
        ['app/d', 'ShardFailed'],
      ]);
      expect(json.repositories.map((r) => r.repositoryName).sort()).toEqual(['app/a', 'app/b', 'app/e']);
      expect(run.stderr).toMatch(/^error: us-east-1\/app\/c: ShardFailed: not audited: its shard failed after its retries/m);
    } finally {
      await proxy.close();
    }
  });

  it('keeps the run objects under runs/<run id>/ and one manifest cache object per repository', async () => {
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key ?? '');

    expect(keys).toEqual(expect.arrayContaining(['runs/apply-1/plan.json', 'runs/apply-1/items.json']));
    expect(keys.filter((k) => k.startsWith('runs/apply-1/shards/'))).toHaveLength(3);
    expect(keys.filter((k) => k.startsWith('cache/manifests/v1/us-east-1/')).sort()).toEqual(
      NAMES.map((n) => `cache/manifests/v1/us-east-1/${encodeURIComponent(n)}.json`),
    );
  });

  it('names the bucket and the fix when the bucket does not exist, without a stack trace, and prints no report', async () => {
    const run = await janitor(['weekly', ...moto(), '--bucket', 'no-such-weekly-bucket', '--run-id', 'nobucket-1']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no-such-weekly-bucket/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['a bucket name S3 refuses', ['--bucket', 'Not_A_Bucket'], /--bucket: "Not_A_Bucket" is not an S3 bucket name/],
    ['a batch size past the limit', ['--bucket', BUCKET, '--batch-size', '5000'], /--batch-size/],
    ['a run id that cannot be part of a key', ['--bucket', BUCKET, '--run-id', '../x'], /--run-id: run id "..\/x" must be/],
  ])('refuses %s with a usage error before any call', async (_case, flags, message) => {
    const run = await janitor(['weekly', ...moto(), ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
