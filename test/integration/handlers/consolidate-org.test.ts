// The organization's report on moto: an organization of three accounts, two of which wrote their
// weekly report to the central bucket; the consolidator (its handler over the adapters it builds from
// its environment, every client sent to moto by AWS_ENDPOINT_URL) lists the organization's accounts,
// reads the reports, writes the organization's artifacts, publishes one event on the central bus and
// sends one e-mail (an SQS queue subscribed to the topic stands for the mailbox). Every call it makes
// is recorded and held against its role in org.json: action, resource and list prefix.
import { ECRClient } from '@aws-sdk/client-ecr';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { EcrRegistry } from '../../../src/adapters/aws/ecr';
import { reportRenderer } from '../../../src/adapters/render/report-renderer';
import { loadOrgReportConfig } from '../../../src/config';
import { memberReportKey } from '../../../src/domain/accounts';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import type { AuditReport } from '../../../src/domain/report';
import { ORGANIZATION_REPORT_EVENT_DETAIL_TYPE, type ReportEventDetail } from '../../../src/domain/report-event';
import { makeHandler } from '../../../src/handlers/consolidate-org';
import { orgReportDeps } from '../../../src/handlers/deps/org-report';
import { logger } from '../../../src/handlers/runtime/powertools';
import { audit } from '../../../src/use-cases/audit';
import { restoreLambdaEnv, useLambdaEnv } from '../support/lambda-env';
import { MOTO_ACCOUNT_ID, MOTO_REGION, motoClientConfig, resetMoto } from '../support/moto';
import { configIn, createOrganization, type TestAccount } from '../support/organization';
import { createRepository, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { createQueue, sqsClientForMoto, takeMessages } from '../support/sqs';
import { janitor, moto } from '../cli/support/cli';
import { orgTemplate } from '../../../scripts/org/org-template';
import { isRecord } from '../../../scripts/org/template';

const BUCKET = 'org-central-reports';
const TODAY = new Date().toISOString().slice(0, 10);

/** One AWS call: its IAM action, the resource it acts on and, for a list, its prefix. */
interface Call {
  action: string;
  resource: string;
  prefix?: string;
}

/** The IAM action and resource of each call the consolidator's clients send. */
const CALLS = [
  [S3Client, 's3'],
  [EventBridgeClient, 'events'],
  [SNSClient, 'sns'],
  [OrganizationsClient, 'organizations'],
] as const;

/** Records every call of the consolidator's clients into `into`, as IAM sees it. */
function recordCalls(into: Call[]): void {
  for (const [Client, service] of CALLS) {
    const original = Client.prototype.send;
    jest.spyOn(Client.prototype, 'send').mockImplementation(function (this: InstanceType<typeof Client>, ...args: unknown[]) {
      const command = args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      const operation = command.constructor.name.replace(/Command$/, '');
      const input = command.input;
      const bucket = `arn:aws:s3:::${String(input.Bucket)}`;
      if (operation === 'ListObjectsV2') into.push({ action: 's3:listbucket', resource: bucket, prefix: String(input.Prefix) });
      else if (service === 's3') into.push({ action: `s3:${operation}`.toLowerCase(), resource: `${bucket}/${String(input.Key)}` });
      else if (operation === 'PutEvents')
        for (const entry of input.Entries as Array<{ EventBusName: string }>)
          into.push({ action: 'events:putevents', resource: entry.EventBusName });
      else if (operation === 'Publish') into.push({ action: 'sns:publish', resource: String(input.TopicArn) });
      else into.push({ action: `${service}:${operation}`.toLowerCase(), resource: '*' });
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
  }
}

/** An IAM pattern (`*` any run of characters) as a regular expression. */
function patternOf(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** What org.json's ConsolidatorRole allows, its resources resolved for the test's bucket, bus and topic, the e-mail on. */
function consolidatorGrants(names: { bucket: string; busArn: string; topicArn: string }): (call: Call) => boolean {
  const template = orgTemplate({
    keyPrefix: 'ecr-janitor/test',
    consolidatorZip: 'consolidateOrg.zip',
    consolidateSchedule: 'cron(0 9 ? * MON *)',
  });
  const bucketArn = `arn:aws:s3:::${names.bucket}`;
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (isRecord(value) && typeof value['Fn::Sub'] === 'string')
      return value['Fn::Sub'].replace('${CentralBucket.Arn}', bucketArn).replace(/\$\{!/g, '${');
    const target = JSON.stringify(value);
    const known: Record<string, string> = {
      [JSON.stringify({ 'Fn::GetAtt': ['CentralBucket', 'Arn'] })]: bucketArn,
      [JSON.stringify({ 'Fn::GetAtt': ['CentralEventBus', 'Arn'] })]: names.busArn,
      [JSON.stringify({ Ref: 'ReportTopic' })]: names.topicArn,
    };
    return known[target] ?? `unresolved ${target}`;
  };
  const policies = (template.Resources.ConsolidatorRole?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: unknown[] } }>;
  const statements = policies
    .flatMap((p) => p.PolicyDocument.Statement)
    .map((s) => (isRecord(s) && Array.isArray(s['Fn::If']) ? s['Fn::If'][1] : s))
    .map((s) => s as { Effect: string; Action: string[]; Resource: unknown; Condition?: { StringLike?: Record<string, string[]> } });
  return (call) =>
    statements.some(
      (s) =>
        s.Effect === 'Allow' &&
        s.Action.map((a) => a.toLowerCase()).includes(call.action) &&
        [s.Resource].flat().some((r) => patternOf(resolve(r)).test(call.resource)) &&
        (s.Condition?.StringLike?.['s3:prefix'] ?? ['*']).some((p) => patternOf(p).test(call.prefix ?? '')),
    );
}

/** One member account's weekly report, as its run would write it: an audit of its registry on moto. */
async function memberReport(account: TestAccount): Promise<AuditReport> {
  const client = new ECRClient(await configIn(account.accountId));
  try {
    const now = Date.now();
    return await audit([new EcrRegistry({ client, region: MOTO_REGION })], {
      now,
      generatedAt: now,
      days: 7,
      pricePerGbMonth: 0.1,
      selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
      concurrency: 4,
    });
  } finally {
    client.destroy();
  }
}

describe('consolidate-org handler (moto)', () => {
  let accounts: TestAccount[];
  let sqs: SQSClient;
  let s3: S3Client;
  let detail: ReportEventDetail;
  let events: unknown[];
  let mails: unknown[];
  let calls: Call[];
  let granted: (call: Call) => boolean;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    await resetMoto();
    accounts = await createOrganization(['payments', 'search', 'sandbox']);
    const [payments, search] = accounts as [TestAccount, TestAccount, TestAccount];
    for (const [account, bytes] of [
      [payments, 7_000],
      [search, 3_000],
    ] as const) {
      const ecr = new ECRClient(await configIn(account.accountId));
      await createRepository(ecr, `${account.name}/app`);
      await pushImage(ecr, `${account.name}/app`, { manifest: imageManifest({ config: 500, layers: [bytes] }), tag: 'v1' });
      await pushUntaggedImage(ecr, `${account.name}/app`, imageManifest({ config: 600, layers: [bytes + 1] }));
      ecr.destroy();
    }
    // The central account (the management account here) holds the bucket, the bus and the topic.
    s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const bus = new EventBridgeClient(motoClientConfig());
    const busArn = (await bus.send(new CreateEventBusCommand({ Name: 'ecr-janitor-central' }))).EventBusArn ?? '';
    sqs = sqsClientForMoto();
    const eventQueue = await createQueue(sqs, 'org-report-events');
    await bus.send(
      new PutRuleCommand({ Name: 'org-report', EventBusName: busArn, EventPattern: JSON.stringify({ source: ['ecr-janitor'] }) }),
    );
    await bus.send(new PutTargetsCommand({ Rule: 'org-report', EventBusName: busArn, Targets: [{ Id: 'queue', Arn: eventQueue.arn }] }));
    bus.destroy();
    const sns = new SNSClient(motoClientConfig());
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'org-report' }))).TopicArn ?? '';
    const mailQueue = await createQueue(sqs, 'org-report-mail');
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: mailQueue.arn }));
    sns.destroy();
    // Two members wrote their report this week; the sandbox never did.
    for (const account of [payments, search]) {
      const body = reportRenderer.render(await memberReport(account), 'json');
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: memberReportKey(account.accountId, TODAY), Body: body }));
    }

    useLambdaEnv();
    Object.assign(process.env, { CENTRAL_BUCKET: BUCKET, CENTRAL_EVENT_BUS_ARN: busArn, REPORT_TOPIC_ARN: topicArn });
    granted = consolidatorGrants({ bucket: BUCKET, busArn, topicArn });
    calls = [];
    const handler = makeHandler(orgReportDeps(loadOrgReportConfig(process.env)));
    recordCalls(calls);
    try {
      detail = await handler();
    } finally {
      jest.restoreAllMocks();
    }
    events = await takeMessages(sqs, eventQueue.url);
    mails = await takeMessages(sqs, mailQueue.url);
  });

  afterAll(() => {
    for (const key of ['CENTRAL_BUCKET', 'CENTRAL_EVENT_BUS_ARN', 'REPORT_TOPIC_ARN']) delete process.env[key];
    restoreLambdaEnv();
    sqs.destroy();
    s3.destroy();
    logger.setLogLevel('INFO');
  });

  async function object(key: string): Promise<string> {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await out.Body?.transformToString()) ?? '';
  }

  it("writes the organization's report beside the members', every format, with the history", async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'org/' }));

    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      ['accounts.csv', 'cost-groups.csv', 'report.csv', 'report.html', 'report.json', 'report.md']
        .map((f) => `org/${TODAY}/${f}`)
        .concat('org/history.json'),
    );
  });

  it('lists every account of the organization, the one that did not report as missing, and the others whole', async () => {
    const report = JSON.parse(await object(`org/${TODAY}/report.json`)) as AuditReport;
    const [payments, search, sandbox] = accounts as [TestAccount, TestAccount, TestAccount];

    expect(report.accounts.map((a) => [a.accountId, a.complete])).toEqual(
      [
        [MOTO_ACCOUNT_ID, false],
        [payments.accountId, true],
        [search.accountId, true],
        [sandbox.accountId, false],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(report.missingAccounts?.map((a) => [a.accountId, a.name])).toEqual(
      [
        [MOTO_ACCOUNT_ID, 'master'],
        [sandbox.accountId, 'sandbox'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(report.complete).toBe(false);
    expect(report.repositories.map((r) => `${r.accountId}/${r.repositoryName}`).sort()).toEqual(
      [`${payments.accountId}/payments/app`, `${search.accountId}/search/app`].sort(),
    );
    const members = await Promise.all(
      [payments, search].map(async (a) => JSON.parse(await object(memberReportKey(a.accountId, TODAY))) as AuditReport),
    );
    expect(report.totals.storedBytes).toBe(members.reduce((n, m) => n + m.totals.storedBytes, 0));
    expect(await object(`org/${TODAY}/accounts.csv`)).toContain(`${sandbox.accountId},sandbox,,false,not read: ReportMissing`);
  });

  it('org-report builds the same report locally, read-only, and exits 3 for the accounts missing', async () => {
    const before = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount;
    const written = JSON.parse(await object(`org/${TODAY}/report.json`)) as AuditReport;

    const run = await janitor(['org-report', '--bucket', BUCKET, '--org', ...moto(), '--format', 'json'], Date.now());
    const local = JSON.parse(run.stdout) as AuditReport;
    const fromBucket = await janitor(['org-report', '--bucket', BUCKET, ...moto(), '--format', 'json'], Date.now());

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the report is incomplete: 2 of 4 accounts were not read');
    expect(local.accounts).toEqual(written.accounts);
    expect(local.missingAccounts).toEqual(written.missingAccounts);
    expect(local.totals).toEqual(written.totals);
    // Without --org, the accounts are those that wrote a report: none is missing.
    expect(fromBucket.code).toBe(0);
    expect(JSON.parse(fromBucket.stdout)).toMatchObject({ complete: true, missingAccounts: [] });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount).toBe(before);
  });

  it('publishes one organization event on the central bus and sends one e-mail naming the accounts not read', () => {
    const [, , sandbox] = accounts as [TestAccount, TestAccount, TestAccount];

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'ecr-janitor', 'detail-type': ORGANIZATION_REPORT_EVENT_DETAIL_TYPE, detail });
    expect(detail.accounts).toMatchObject({ total: 4, notRead: 2 });
    expect(detail.artifacts.html).toBe(`org/${TODAY}/report.html`);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as { Subject: string; Message: string };
    expect(mail.Subject).toMatch(/^ECR storage \d{4}-\d{2}-\d{2}, 4 accounts: .*, 2 not read$/);
    expect(mail.Message).toContain(`  ${sandbox.accountId} (sandbox): ReportMissing`);
  });

  it("makes only calls its role in org.json allows: the members' reports read, its own folder written, the bus and the topic", () => {
    const [payments] = accounts as [TestAccount, TestAccount, TestAccount];

    expect(new Set(calls.map((c) => c.action))).toEqual(
      new Set(['organizations:listaccounts', 's3:listbucket', 's3:getobject', 's3:putobject', 'events:putevents', 'sns:publish']),
    );
    expect(calls.filter((call) => !granted(call))).toEqual([]);
    // The check itself: a write beside a member's report, a read of another folder and a list of the whole bucket are refused.
    expect(
      [
        { action: 's3:putobject', resource: `arn:aws:s3:::${BUCKET}/${memberReportKey(payments.accountId, TODAY)}` },
        { action: 's3:getobject', resource: `arn:aws:s3:::${BUCKET}/org/${TODAY}/report.json` },
        { action: 's3:listbucket', resource: `arn:aws:s3:::${BUCKET}`, prefix: '' },
      ].filter(granted),
    ).toEqual([]);
  });
});
