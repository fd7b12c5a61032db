// The weekly run's functions against moto, driven as the state machine drives them (Plan, shards of a
// Distributed Map, Aggregate): their own ECR, S3 and EventBridge clients (AWS_ENDPOINT_URL → moto)
// audit seeded repositories, remediate, write the artifacts to a bucket and publish the report event,
// which a rule on the default bus delivers to an SQS queue the test reads.
import type { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RepositoryReport } from '../../../src/domain/report';
import type { ReportEventDetail } from '../../../src/domain/report-event';
import { logger } from '../../../src/handlers/runtime/powertools';
import { FUNCTION_ENV, restoreLambdaEnv, useLambdaEnv, type LambdaEnvKey } from '../support/lambda-env';
import { ecrClientForMoto, MOTO_REGION, motoClientConfig, resetMoto } from '../support/moto';
import { blobDigest, createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { rulesOf } from '../support/policy-rules';
import { createQueue, purgeQueue, sqsClientForMoto, takeMessages } from '../support/sqs';
import { runWeeklyExecution } from '../support/state-machine';

// jest only honours a top-level testTimeout (the integration project's own is ignored), and moto
// loads S3, SQS and EventBridge on their first call: allow for a slow machine.
jest.setTimeout(30_000);

const BUCKET = 'ecr-janitor-prod-reportbucket-1a2b3c4d5e6f';
const QUEUE = 'ecr-janitor-report-events';
const DAY_MS = 86_400_000;

const TAGGED_ONLY = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep 5 releases',
      selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 5 },
      action: { type: 'expire' },
    },
  ],
};
const COMPLIANT = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
});

/** The deployed function's own role, as serverless.yml passes it in AUDIT_ROLE_ARN. */
const AUDIT_ROLE_ARN = 'arn:aws:iam::123456789012:role/ecr-janitor-prod-us-east-1-audit';

/**
 * The scheduled function's environment: serverless.yml's, with its report bucket, over the moto
 * region, without AUDIT_ROLE_ARN (no pull-time exclusion check) unless `vars` set it.
 */
function useEnv(vars: Partial<Record<LambdaEnvKey, string>> = {}): void {
  useLambdaEnv({
    ...FUNCTION_ENV,
    REGIONS: MOTO_REGION,
    EXCLUDE: 'sandbox/**',
    PRICE_PER_GB_MONTH: '0.10',
    CONCURRENCY: '4',
    REPORT_BUCKET: BUCKET,
    ...vars,
  });
}

/** The report artifact, as far as these tests read it. */
interface ReportJson {
  totals: unknown;
  repositories: unknown[];
  apiCalls: Record<string, number>;
  apiRetries: Record<string, number>;
  errors: unknown[];
  warnings: Array<{ region: string; repositoryName: string; code: string; message: string }>;
  recommendedPolicies?: { location?: string };
}

/**
 * The ECR calls of one run over the seeded region: one listing; per repository one
 * GetLifecyclePolicy, ListTagsForResource and DescribeImages, and one BatchGetImage when it has
 * images (sandbox/tmp has none) whose manifests are not yet in the bucket's manifest cache (after
 * the first run, none). Remediation reads nothing more, but the policy and the tags of each
 * repository it writes are read again just before the write (an opt-out added since must win), and
 * the policy is read back after it.
 */
function expectedCalls(written: number, { manifestsCached }: { manifestsCached: boolean }): Record<string, number> {
  const repositories = 5;
  const calls: Record<string, number> = {
    ...(manifestsCached ? {} : { BatchGetImage: repositories - 1 }),
    DescribeImages: repositories,
    DescribeRepositories: 1,
    GetLifecyclePolicy: repositories + 2 * written,
    ListTagsForResource: repositories + written,
    ...(written > 0 ? { PutLifecyclePolicy: written } : {}),
    // The in-use guard: one page of clusters (none), functions (none), event buses, rules of the default
    // bus (the test's own rule, whose targets are read), schedules (none) and job definitions (none).
    ListClusters: 1,
    ListFunctions: 1,
    ListEventBuses: 1,
    ListRules: 1,
    ListTargetsByRule: 1,
    ListSchedules: 1,
    DescribeJobDefinitions: 1,
    // Plan reads the registry's settings once (moto answers HTTP 500: a RegistrySettingsUnread warning).
    DescribeRepositoryCreationTemplates: 1,
    DescribePullThroughCacheRules: 1,
    DescribeRegistry: 1,
    // And its BLOB_MOUNTING setting (the emulator does not know it: a warning).
    GetAccountSetting: 1,
  };
  return { ...calls, total: Object.values(calls).reduce((sum, n) => sum + n, 0) };
}

interface ReportEnvelope {
  source: string;
  'detail-type': string;
  detail: ReportEventDetail;
}

describe('the weekly run (moto)', () => {
  let ecr: ECRClient;
  let s3: S3Client;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let queueUrl: string;

  async function objectText(key: string): Promise<string> {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  }

  /** The JSON report a run published. */
  async function reportOf(detail: ReportEventDetail): Promise<ReportJson> {
    return JSON.parse(await objectText(detail.artifacts.json)) as ReportJson;
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
  }

  beforeAll(async () => {
    await resetMoto();
    logger.setLogLevel('SILENT'); // the Powertools wiring has its own test
    ecr = ecrClientForMoto();
    s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    events = new EventBridgeClient(motoClientConfig());
    sqs = sqsClientForMoto();

    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const queue = await createQueue(sqs, QUEUE);
    queueUrl = queue.url;
    await events.send(
      new PutRuleCommand({
        Name: 'ecr-janitor-report',
        EventPattern: JSON.stringify({ source: ['ecr-janitor'], 'detail-type': ['ECR Janitor Cost Report'] }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'ecr-janitor-report', Targets: [{ Id: 'queue', Arn: queue.arn }] }));

    const base = { size: 28_000_000, digest: blobDigest('debian-base') };
    // No policy: remediated.
    await createRepository(ecr, 'team-a/web-api');
    await pushImage(ecr, 'team-a/web-api', { manifest: imageManifest({ layers: [base, 6_000_000] }), tag: 'v1' });
    await pushUntaggedImage(ecr, 'team-a/web-api', imageManifest({ layers: [base, 5_000_000] }));
    await pushUntaggedImage(ecr, 'team-a/web-api', imageManifest({ layers: [base, 4_000_000] }));
    // Already expires untagged images: left as it is.
    await createRepository(ecr, 'team-b/worker', { policyText: COMPLIANT });
    await pushImage(ecr, 'team-b/worker', { manifest: imageManifest({ layers: [12_000_000] }), tag: 'v3' });
    // Tagged-only policy: the untagged rule is merged in.
    await createRepository(ecr, 'team-c/batch', { policyText: TAGGED_ONLY });
    await pushUntaggedImage(ecr, 'team-c/batch', imageManifest({ layers: [3_000_000] }));
    // Opted out and excluded: audited, never changed.
    await createRepository(ecr, 'team-d/legacy', { tags: { 'ecr-janitor:opt-out': 'true' } });
    await pushUntaggedImage(ecr, 'team-d/legacy', imageManifest({ layers: [2_000_000] }));
    await createRepository(ecr, 'sandbox/tmp');
  });

  beforeEach(() => {
    useEnv();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(() => {
    ecr.destroy();
    s3.destroy();
    events.destroy();
    sqs.destroy();
    restoreLambdaEnv();
    logger.setLogLevel('INFO');
  });

  describe('first run', () => {
    let detail: ReportEventDetail;
    let date: string;
    /** Every registry call of the run (its steps' calls added up), as the report counts them. */
    let invocationCalls: Record<string, number>;

    beforeAll(async () => {
      useEnv();
      const before = Date.now();
      detail = await runWeeklyExecution({ batchSize: 2 });
      invocationCalls = (await reportOf(detail)).apiCalls;
      date = detail.generatedAt.slice(0, 10);
      expect(Date.parse(detail.generatedAt)).toBeGreaterThanOrEqual(before - 1_000);
    });

    it('reports every repository of the region', () => {
      expect(detail.totals).toMatchObject({
        repositories: 5,
        repositoriesWithoutLifecyclePolicy: 3,
        repositoriesWithoutUntaggedCleanup: 4,
      });
      expect(detail.totals.storedBytes).toBeGreaterThan(0);
      expect(detail.topRepositories.map((r) => r.repositoryName).sort()).toEqual([
        'sandbox/tmp',
        'team-a/web-api',
        'team-b/worker',
        'team-c/batch',
        'team-d/legacy',
      ]);
      expect(detail.errorCount).toBe(0);
      expect(detail.change).toBeNull();
    });

    it('writes report.{json,csv,md,html}, cost-groups.csv and advice.json under reports/YYYY-MM-DD/', async () => {
      const prefix = `reports/${date}/`;
      expect(await keysUnder(prefix)).toEqual(
        [
          ...['json', 'csv', 'md', 'html'].map((ext) => `${prefix}report.${ext}`),
          `${prefix}cost-groups.csv`,
          `${prefix}advice.json`,
        ].sort(),
      );
      expect(await objectText(`${prefix}cost-groups.csv`)).toContain('name-prefix,team-a,1,');
      expect(detail.artifacts).toEqual({
        location: `s3://${BUCKET}`,
        json: `${prefix}report.json`,
        csv: `${prefix}report.csv`,
        costGroupsCsv: `${prefix}cost-groups.csv`,
        markdown: `${prefix}report.md`,
        html: `${prefix}report.html`,
        advice: `${prefix}advice.json`,
      });
      const json = await reportOf(detail);
      // The weekly report links the advice file it wrote next to it.
      expect(json.recommendedPolicies?.location).toBe(`s3://${BUCKET}/${prefix}advice.json`);
      expect(JSON.parse(await objectText(`${prefix}advice.json`))).toMatchObject({
        format: 'ecr-janitor-advice/1',
        totals: { repositories: 5 },
      });
      expect(json.totals).toEqual(detail.totals);
      expect(json.repositories).toHaveLength(5);
      expect(await objectText(detail.artifacts.csv)).toContain('team-a/web-api');
      expect(await objectText(detail.artifacts.markdown)).toContain('team-a/web-api');
      expect(await objectText(detail.artifacts.html)).toMatch(/<html[\s>]/i);
    });

    it('writes the history: one week, with its totals and its groups', async () => {
      const history = JSON.parse(await objectText('reports/history.json')) as {
        format: string;
        weeks: Array<{ date: string; storedBytes: number; groups: Record<string, Record<string, unknown>> }>;
      };
      expect(history.format).toBe('ecr-janitor-history/2');
      expect(history.weeks).toEqual([expect.objectContaining({ date, storedBytes: detail.totals.storedBytes })]);
      expect(Object.keys(history.weeks[0]?.groups['name-prefix'] ?? {}).sort()).toEqual([
        'sandbox',
        'team-a',
        'team-b',
        'team-c',
        'team-d',
      ]);
    });

    it('applies the default rule where it was missing and leaves the rest alone', async () => {
      const rules = async (name: string) => {
        const text = await getPolicy(ecr, name);
        return text === undefined
          ? undefined
          : (JSON.parse(text) as { rules: Array<{ selection: { tagStatus: string; countNumber: number } }> }).rules;
      };
      expect(await rules('team-a/web-api')).toEqual([
        expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countNumber: 7 }) }),
      ]);
      expect((await rules('team-c/batch'))?.map((r) => r.selection.tagStatus)).toEqual(['tagged', 'untagged']);
      expect(await getPolicy(ecr, 'team-b/worker')).toBe(COMPLIANT);
      expect(await getPolicy(ecr, 'team-d/legacy')).toBeUndefined();
      expect(await getPolicy(ecr, 'sandbox/tmp')).toBeUndefined();
      expect(detail.remediation).toEqual({ applied: 2, compliant: 1, 'skipped-opt-out': 1, 'skipped-excluded': 1 });
    });

    it('reads each repository once: remediation reuses what the audit read and re-reads policy and tags only before writing, and the policy after', () => {
      expect(invocationCalls).toMatchObject({
        DescribeRepositories: 1,
        ListTagsForResource: 5 + 2,
        GetLifecyclePolicy: 5 + 2 + 2,
        PutLifecyclePolicy: 2,
      });
    });

    it('reports the ECR calls of the audit and the remediation in the report', async () => {
      const json = await reportOf(detail);

      expect(json.apiCalls).toEqual(expectedCalls(2, { manifestsCached: false }));
      // moto answers GetAccountSetting with a 500: the setting's read is tried twice, no other call is retried.
      expect(json.apiRetries).toEqual({ GetAccountSetting: 1 });
    });

    it('checks no pull-time update exclusion without AUDIT_ROLE_ARN', async () => {
      const json = await reportOf(detail);

      // moto reports a manifest's config size as imageSizeInBytes, has no creation templates (HTTP 500)
      // and does not know GetAccountSetting: those warnings are moto's, not the exclusion's.
      const others = json.warnings.filter((w) => w.code !== 'ImageSizeBelowBlobs');
      expect(others.map((w) => [w.region, w.code]).sort()).toEqual([
        [MOTO_REGION, 'BlobMountingUnknown'],
        [MOTO_REGION, 'RegistrySettingsUnread'],
      ]);
      expect(invocationCalls.ListPullTimeUpdateExclusions).toBeUndefined();
    });

    it('publishes the report event, which reaches a rule on the default bus', async () => {
      const received = (await takeMessages(sqs, queueUrl)) as ReportEnvelope[];
      expect(received).toHaveLength(1);
      const [event] = received;
      expect(event?.source).toBe('ecr-janitor');
      expect(event?.['detail-type']).toBe('ECR Janitor Cost Report');
      expect(event?.detail).toEqual(JSON.parse(JSON.stringify(detail)));
      expect(event?.detail.totals.repositories).toBe(5);
      expect(event?.detail.topRepositories.length).toBeGreaterThan(0);
      expect(event?.detail.artifacts.html).toBe(`reports/${date}/report.html`);
      // The stack's ledger is read from the first run on: nothing was recorded yet, so nothing saved.
      expect(event?.detail.summary).toMatch(
        /^saved 0\.00 GiB \(\$0\.00\/month\) last week, .*; 5 repositories, 4 without untagged cleanup; stored /,
      );
    });
  });

  describe('a week later', () => {
    let first: ReportEventDetail;
    let second: ReportEventDetail;
    let secondDate: string;

    beforeAll(async () => {
      first = await runWeeklyExecution({ batchSize: 2 });
      await purgeQueue(sqs, queueUrl);
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 8 * DAY_MS);
      useEnv();
      second = await runWeeklyExecution({ batchSize: 2 });
      secondDate = second.generatedAt.slice(0, 10);
      jest.restoreAllMocks();
    });

    it('reports the change since the previous report', () => {
      expect(second.change).not.toBeNull();
      expect(second.change).toMatchObject({ since: first.generatedAt, repositories: 0, images: 0, storedBytes: 0 });
      // A week on, the untagged images are older than 7 days: what the applied policy reclaims grows.
      expect(second.change?.reclaimableBytes).toBeGreaterThan(0);
      expect(second.summary).toContain(`; stored +0.00 GiB since ${first.generatedAt.slice(0, 10)}`);
    });

    it('finds nothing more to remediate', () => {
      expect(second.remediation).toEqual({ compliant: 3, 'skipped-opt-out': 1, 'skipped-excluded': 1 });
    });

    it("keeps both weeks in the history and writes the new week's artifacts", async () => {
      const history = JSON.parse(await objectText('reports/history.json')) as { weeks: Array<{ date: string }> };
      expect(history.weeks.map((h) => h.date)).toEqual([first.generatedAt.slice(0, 10), secondDate]);
      expect(await keysUnder(`reports/${secondDate}/`)).toHaveLength(6);
    });

    it('publishes the new report with its change', async () => {
      const received = (await takeMessages(sqs, queueUrl)) as ReportEnvelope[];
      expect(received.map((e) => e.detail.change?.since)).toEqual([first.generatedAt]);
    });
  });
  describe('two more runs', () => {
    let first: ReportJson;
    let second: ReportJson;

    beforeAll(async () => {
      useEnv();
      const firstDetail = await runWeeklyExecution({ batchSize: 2 });
      first = await reportOf(firstDetail);
      const secondDetail = await runWeeklyExecution({ batchSize: 3 });
      second = await reportOf(secondDetail);
    });

    it("reports only each run's own calls, and reads no manifest it has read before", () => {
      expect(first.apiCalls).toEqual(expectedCalls(0, { manifestsCached: true }));
      expect(second.apiCalls).toEqual(expectedCalls(0, { manifestsCached: true }));
    });

    it('reports the same figures whatever the batch size', () => {
      expect(second.totals).toEqual(first.totals);
      expect(second.repositories).toEqual(first.repositories);
    });
  });

  describe('with maxUntaggedDays', () => {
    let detail: ReportEventDetail;
    let json: ReportJson;

    beforeAll(async () => {
      // team-b/worker expires untagged images 14 days after push; the limit is 10.
      useEnv({ MAX_UNTAGGED_DAYS: '10' });
      detail = await runWeeklyExecution({ batchSize: 2 });
      json = await reportOf(detail);
    });

    it('shortens the longer untagged rule and leaves the others alone', async () => {
      expect(detail.remediation).toMatchObject({ applied: 1 });
      expect(rulesOf(await getPolicy(ecr, 'team-b/worker'))).toEqual([
        expect.objectContaining({
          rulePriority: 1,
          selection: expect.objectContaining({ tagStatus: 'untagged', countNumber: 10 }) as unknown,
        }),
      ]);
    });

    it("reports the finding against the repository's policy as it was read, with the limit it was given", () => {
      const worker = (json.repositories as RepositoryReport[]).find((r) => r.repositoryName === 'team-b/worker');
      expect(worker?.findings.map((f) => f.code)).toEqual(['UntaggedRetentionLong']);
      expect(worker?.untaggedRetentionDays).toBe(14);
      expect(detail.findingCount).toBeGreaterThanOrEqual(1);
      expect(detail.totals.repositoriesWithFindings).toBeGreaterThanOrEqual(1);
    });
  });

  describe('a shard that fails after its retries', () => {
    let detail: ReportEventDetail;
    let json: ReportJson;

    beforeAll(async () => {
      useEnv();
      // Batches of two in name order: [sandbox/tmp, team-a/web-api], [team-b/worker, team-c/batch], [team-d/legacy].
      detail = await runWeeklyExecution({ batchSize: 2, failBatch: (index) => index === 1 });
      json = await reportOf(detail);
    });

    it('reports each of its repositories as an error saying why, never as missing', () => {
      expect(json.errors).toEqual([
        expect.objectContaining({
          repositoryName: 'team-b/worker',
          code: 'ShardFailed',
          message: expect.stringContaining('States.Timeout'),
        }),
        expect.objectContaining({ repositoryName: 'team-c/batch', code: 'ShardFailed' }),
      ]);
      expect(detail.errorCount).toBe(2);
    });

    it("still reports and publishes the other shards' repositories", () => {
      expect((json.repositories as RepositoryReport[]).map((r) => r.repositoryName).sort()).toEqual([
        'sandbox/tmp',
        'team-a/web-api',
        'team-d/legacy',
      ]);
      expect(detail.totals.repositories).toBe(3);
    });
  });

  // moto does not implement ListPullTimeUpdateExclusions (it answers 500): the check's own client
  // gives up after two attempts, and the report says the exclusion could not be checked. Last in the
  // file: it rewrites the day's artifacts that the blocks above read.
  describe('with AUDIT_ROLE_ARN, against an ECR without the exclusion list', () => {
    const REGIONS = [MOTO_REGION, 'eu-west-1'];
    let detail: ReportEventDetail;
    let json: ReportJson;

    beforeAll(async () => {
      useEnv({ REGIONS: REGIONS.join(','), AUDIT_ROLE_ARN });
      detail = await runWeeklyExecution({ batchSize: 2 });
      json = await reportOf(detail);
    });

    it('warns PullTimeExclusionUnknown once per region, saying what to verify', () => {
      // moto's image sizes, missing creation templates and unknown GetAccountSetting bring warnings of their own, left out here.
      const exclusion = json.warnings.filter(
        (w) => w.code !== 'ImageSizeBelowBlobs' && w.code !== 'RegistrySettingsUnread' && w.code !== 'BlobMountingUnknown',
      );
      expect(exclusion.map((w) => [w.region, w.repositoryName, w.code])).toEqual(
        REGIONS.map((region) => [region, '', 'PullTimeExclusionUnknown']).sort(),
      );
      for (const w of exclusion) {
        expect(w.message).toContain('HTTP 500');
        expect(w.message).toContain(`aws ecr register-pull-time-update-exclusion --principal-arn ${AUDIT_ROLE_ARN} --region ${w.region}`);
      }
    });

    it('still succeeds, with no error and every repository reported', () => {
      expect(detail.errorCount).toBe(0);
      expect(json.errors).toEqual([]);
      expect(detail.totals.repositories).toBe(5);
    });

    it("counts the check's calls in the report: one per region, retried once", () => {
      expect(json.apiCalls.ListPullTimeUpdateExclusions).toBe(REGIONS.length);
      expect(json.apiRetries).toEqual({ ListPullTimeUpdateExclusions: REGIONS.length, GetAccountSetting: REGIONS.length });
    });
  });
});
