// A member account of an organization rollout, against moto: the weekly run, given the central
// bucket, copies its JSON report to accounts/<accountId>/<date>/ there; and the packaged template's
// rule, placed on the report bus as the stack places it, carries the report event to the central bus,
// where a rule of the organization's side (here: an SQS queue) receives it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ReportEventDetail } from '../../../src/domain/report-event';
import { logger } from '../../../src/handlers/runtime/powertools';
import { FUNCTION_ENV, restoreLambdaEnv, useLambdaEnv } from '../support/lambda-env';
import { MOTO_ACCOUNT_ID, MOTO_REGION, ecrClientForMoto, motoClientConfig, resetMoto } from '../support/moto';
import { createRepository, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { createQueue, sqsClientForMoto, takeMessages } from '../support/sqs';
import { runWeeklyExecution } from '../support/state-machine';

jest.setTimeout(30_000);

const TEMPLATE_PATH = path.resolve(__dirname, '..', '..', '..', '.serverless', 'cloudformation-template-update-stack.json');
const BUCKET = 'ecr-janitor-prod-reportbucket-member';
const CENTRAL_BUCKET = 'ecr-janitor-org-reports';
const CENTRAL_BUS = 'ecr-janitor-org';
const CENTRAL_BUS_ARN = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:event-bus/${CENTRAL_BUS}`;

/** The packaged rule that forwards the report event to the central bus. */
function centralRule(): { EventPattern: unknown; EventBusName: unknown; Targets: Array<{ Arn: unknown }> } {
  if (!existsSync(TEMPLATE_PATH)) throw new Error(`${TEMPLATE_PATH} does not exist: run \`npm run package\` first`);
  const template = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as {
    Resources: Record<string, { Properties: { EventPattern: unknown; EventBusName: unknown; Targets: Array<{ Arn: unknown }> } }>;
  };
  const rule = template.Resources.CentralReportEventsRule;
  if (rule === undefined) throw new Error('the packaged template has no CentralReportEventsRule');
  return rule.Properties;
}

describe('the weekly run of a member account (moto)', () => {
  let ecr: ECRClient;
  let s3: S3Client;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let centralQueueUrl: string;

  async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
  }

  async function objectText(bucket: string, key: string): Promise<string> {
    return (await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString('utf-8')) ?? '';
  }

  function useEnv(centralBucket: string): void {
    useLambdaEnv({
      ...FUNCTION_ENV,
      REGIONS: MOTO_REGION,
      REPORT_BUCKET: BUCKET,
      CENTRAL_BUCKET: centralBucket,
      ACCOUNT_ID: MOTO_ACCOUNT_ID,
    });
  }

  beforeAll(async () => {
    await resetMoto();
    logger.setLogLevel('SILENT');
    ecr = ecrClientForMoto();
    s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    events = new EventBridgeClient(motoClientConfig());
    sqs = sqsClientForMoto();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: CENTRAL_BUCKET }));

    // The organization's side: the central bus, and what listens on it.
    await events.send(new CreateEventBusCommand({ Name: CENTRAL_BUS }));
    const queue = await createQueue(sqs, 'central-report-events');
    centralQueueUrl = queue.url;
    await events.send(
      new PutRuleCommand({ Name: 'org-listener', EventBusName: CENTRAL_BUS, EventPattern: JSON.stringify({ source: ['ecr-janitor'] }) }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'org-listener', EventBusName: CENTRAL_BUS, Targets: [{ Id: 'q', Arn: queue.arn }] }));

    // The member's side: the packaged rule on the report bus (ReportBus defaults to "default"), aimed at the central bus.
    const rule = centralRule();
    expect(rule.EventBusName).toEqual({ Ref: 'ReportBus' });
    expect(rule.Targets.map((t) => t.Arn)).toEqual([{ Ref: 'CentralEventBusArn' }]);
    await events.send(new PutRuleCommand({ Name: 'central-report-events', EventPattern: JSON.stringify(rule.EventPattern) }));
    await events.send(
      new PutTargetsCommand({
        Rule: 'central-report-events',
        Targets: [{ Id: 'central-bus', Arn: CENTRAL_BUS_ARN, RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/central-report-events` }],
      }),
    );

    await createRepository(ecr, 'team-a/web-api');
    await pushImage(ecr, 'team-a/web-api', { manifest: imageManifest({ layers: [9_000_000] }), tag: 'v1' });
    await pushUntaggedImage(ecr, 'team-a/web-api', imageManifest({ layers: [4_000_000] }));
  });

  afterAll(() => {
    ecr.destroy();
    s3.destroy();
    events.destroy();
    sqs.destroy();
    restoreLambdaEnv();
    logger.setLogLevel('INFO');
  });

  describe('with the central bucket and bus set', () => {
    let detail: ReportEventDetail;
    let date: string;

    beforeAll(async () => {
      useEnv(CENTRAL_BUCKET);
      detail = await runWeeklyExecution();
      date = detail.generatedAt.slice(0, 10);
    });

    it('copies the JSON report, unchanged, to accounts/<accountId>/<date>/report.json of the central bucket, and nothing else', async () => {
      const key = `accounts/${MOTO_ACCOUNT_ID}/${date}/report.json`;
      expect(await keysUnder(CENTRAL_BUCKET, '')).toEqual([key]);
      const copy = await objectText(CENTRAL_BUCKET, key);
      expect(copy).toBe(await objectText(BUCKET, detail.artifacts.json));
      expect((JSON.parse(copy) as { totals: { repositories: number } }).totals.repositories).toBe(1);
    });

    it('delivers the report event to the central bus through the packaged rule', async () => {
      const received = (await takeMessages(sqs, centralQueueUrl)) as Array<{
        source: string;
        'detail-type': string;
        detail: ReportEventDetail;
      }>;
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ source: 'ecr-janitor', 'detail-type': 'ECR Janitor Cost Report' });
      expect(received[0]?.detail.totals).toEqual(detail.totals);
    });
  });

  describe('with a central bucket that refuses the copy', () => {
    it('publishes the report in the account and its event, then fails naming the central bucket', async () => {
      useEnv('no-such-central-bucket');
      await expect(runWeeklyExecution()).rejects.toMatchObject({
        name: 'CentralReportError',
        message: expect.stringContaining(`s3://no-such-central-bucket/accounts/${MOTO_ACCOUNT_ID}/`) as unknown,
      });
      const local = await keysUnder(BUCKET, 'reports/');
      expect(local.filter((k) => k.endsWith('/report.json')).length).toBeGreaterThan(0);
      expect(await takeMessages(sqs, centralQueueUrl)).toHaveLength(1);
    });
  });
});
