// `ecr-janitor weekly --ledger` against moto: two weekly runs a week apart with the ledger in a moto
// bucket. The first writes the default rule and forecasts what it will expire; in between, "ECR"
// expires the orphan (moto never runs lifecycle policies: the test deletes it and writes the event
// ECR would record, delivered twice); the second run reads the ledger and says what was freed, by
// which rule, and that ECR did what was forecast.
import { BatchDeleteImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditReport } from '../../../src/domain/report';
import { parsePolicy } from '../../../src/domain/policy';
import { policyExecutionEvent } from '../support/cloudtrail';
import { ecrClientForMoto, motoClientConfig, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { DAY_MS, janitor, moto, stdoutJson, tempDir, useMotoCredentials } from './support/cli';

jest.setTimeout(60_000);

const BUCKET = 'ecr-janitor-weekly-ledger-it';
const REPOSITORY = 'ledger/app';

interface WeeklyJson {
  detail: { summary: string; artifacts: { json: string }; cumulativeRealized?: { since: string; weeks: number; freedBytes: number } };
}

describe('ecr-janitor weekly --ledger (moto)', () => {
  let restore: () => void;
  let ecr: ECRClient;
  let s3: S3Client;
  let dir: ReturnType<typeof tempDir>;

  async function objectText(key: string): Promise<string> {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await out.Body?.transformToString()) ?? '';
  }
  async function keys(prefix: string): Promise<string[]> {
    return ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '');
  }
  const weekly = (runId: string, now: number, extra: string[] = []) =>
    janitor(['weekly', ...moto(), '--bucket', BUCKET, '--no-bulk-tags', '--apply', '--run-id', runId, '--format', 'json', ...extra], now);

  beforeAll(async () => {
    restore = useMotoCredentials();
    await resetMoto();
    ecr = ecrClientForMoto();
    s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    dir = tempDir();
  });

  afterAll(() => {
    ecr.destroy();
    s3.destroy();
    dir.remove();
    restore();
  });

  it('says what the week freed, how much by the janitor’s rule, and that ECR did what was forecast', async () => {
    // Arrange: a release and an orphan that share a 5 MB base layer.
    await createRepository(ecr, REPOSITORY);
    const base = { size: 5_000_000, digest: `sha256:${'b'.repeat(64)}` };
    await pushImage(ecr, REPOSITORY, { manifest: imageManifest({ layers: [base, 1_000_000] }), tag: 'v1' });
    const orphanManifest = imageManifest({ config: 2_000, layers: [base, 3_000_000] });
    const orphan = await pushUntaggedImage(ecr, REPOSITORY, orphanManifest);
    const pushedAt = Date.now();
    // The first run, eight days after the push: the default rule is written; the orphan is due.
    const firstAt = pushedAt + 8 * DAY_MS;
    const first = await weekly('ledger-1', firstAt, ['--ledger']);
    expect(first.code).toBe(0);
    const written = (await getPolicy(ecr, REPOSITORY)) as string;
    const parsed = parsePolicy(written);
    if (!parsed.ok) throw new Error('the written policy does not parse');
    // ECR acts a day later; its event reaches the ledger file twice (a redelivery).
    await ecr.send(new BatchDeleteImageCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: orphan.digest }] }));
    const event = policyExecutionEvent({
      repositoryName: REPOSITORY,
      rules: parsed.policy.rules.map((r) => ({
        rulePriority: r.rulePriority,
        ...(r.description === undefined ? {} : { description: r.description }),
      })),
      rulePriority: 1,
      images: [{ digest: orphan.digest, pushedAt }],
      at: firstAt + DAY_MS,
    });
    const file = join(dir.path, 'ledger.jsonl');
    writeFileSync(file, `${JSON.stringify(event)}\n${JSON.stringify(event.detail)}\n`);

    // Act: the next week's run, with the ledger file recorded in the bucket first.
    const second = await weekly('ledger-2', firstAt + 7 * DAY_MS, ['--ledger', file]);

    // Assert: the orphan's own config and layer were freed (the base stays with v1), by the default rule.
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${file}: 2 events, 2 recorded in the bucket's ledger`);
    const out = stdoutJson<WeeklyJson>(second);
    const freed = 2_000 + 3_000_000;
    expect(out.detail.summary).toMatch(/^saved 0\.00 GiB .* last week, 0\.00 GiB .* by the janitor's rule; /);
    // The total counts both weeks that read the ledger, the first of which freed nothing.
    expect(out.detail.cumulativeRealized).toMatchObject({ weeks: 2, freedBytes: freed });
    const report = JSON.parse(await objectText(out.detail.artifacts.json)) as AuditReport;
    expect(report.totals.realized).toMatchObject({ images: 1, freedBytes: freed, byDefaultRule: { images: 1, freedBytes: freed } });
    expect(report.prediction).toMatchObject({ forecastImages: 1, actedAsForecast: 1, actedNotForecast: 0, forecastNotActed: 0 });
    expect(report.repositories[0]?.prediction?.mismatches).toEqual([]);
    expect(report.ledger).toMatchObject({ from: new Date(firstAt).toISOString(), actions: 1, failures: 0 });
    // One record for the event however often it came; the forecast of next week beside the cache.
    expect(await keys('ledger/v1/us-east-1/')).toHaveLength(1);
    expect(await keys('cache/forecast/v1/us-east-1/')).toEqual([`cache/forecast/v1/us-east-1/${encodeURIComponent(REPOSITORY)}.json`]);
    const history = JSON.parse(await objectText('reports/history.json')) as { weeks: Array<{ cumulativeRealized?: unknown }> };
    expect(history.weeks.at(-1)?.cumulativeRealized).toMatchObject({ weeks: 2, freedBytes: freed });
  });

  it('refuses a ledger file that holds something else, naming the line, before the run', async () => {
    const file = join(dir.path, 'not-a-ledger.jsonl');
    writeFileSync(file, '{"eventName":"PutImage"}\n');

    const run = await weekly('ledger-bad', Date.now(), ['--ledger', file]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not-a-ledger\.jsonl, line 1: not an ECR PolicyExecutionEvent/);
    expect(await keys('runs/ledger-bad/')).toEqual([]);
  });
});
