// The EventPattern of every rule in the packaged template, checked by a real matcher: moto's
// TestEventPattern always answers true, so each pattern becomes a rule on moto's default bus with an
// SQS queue as target, each sample event in events/ is put on the bus, and the queues say which
// rules it matched: a function named twice would be invoked twice.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_ACCOUNT_ID, motoClientConfig, resetMoto } from '../support/moto';
import { createQueue, sqsClientForMoto, takeMessages } from '../support/sqs';

// jest only honours a top-level testTimeout (the integration project's own is ignored), and moto
// loads EventBridge and SQS on their first call: allow for a slow machine.
jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE_PATH = path.join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');
const FORWARDER_TEMPLATE_PATH = path.join(ROOT, '.serverless-forwarder', 'cloudformation-template-update-stack.json');
/** The regions of the packaged stacks: the home stack in us-east-1, a forwarder in eu-west-1. */
const HOME = 'us-east-1';
const FORWARDED = 'eu-west-1';
const EVENTS_DIR = path.join(ROOT, 'events');

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface SampleEvent {
  source: string;
  'detail-type': string;
  resources?: string[];
  detail: Record<string, unknown>;
}

function loadTemplate(file = TEMPLATE_PATH): { Resources: Record<string, Resource> } {
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: run \`npm run package\` first (npm test packages before running jest)`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, Resource> };
}

/** A template value with its `Fn::Sub` strings resolved as CloudFormation would in moto's account. */
function resolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolved);
  if (typeof value !== 'object' || value === null) return value;
  const sub = (value as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (typeof sub === 'string') return sub.replaceAll('${AWS::Partition}', 'aws').replaceAll('${AWS::AccountId}', MOTO_ACCOUNT_ID);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v)]));
}

/** A sample with its caller replaced: `arn` (and a session issuer only for assumed roles). */
function calledBy(file: string, arn: string): SampleEvent {
  const event = sample(file);
  const role = /:assumed-role\/([^/]+)\//.exec(arn)?.[1];
  const userIdentity = role
    ? {
        type: 'AssumedRole',
        arn,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${role}`, userName: role } },
      }
    : { type: arn.endsWith(':root') ? 'Root' : 'IAMUser', arn };
  return { ...event, detail: { ...event.detail, userIdentity } };
}

function sample(file: string): SampleEvent {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as SampleEvent;
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Ref": id }` → id. */
function targetId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  if (Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  return undefined;
}

/** Names a rule by what it feeds: the function (`onRepositoryCreated`), the e-mail topic (`reportEmail`) or the central bus (`centralBus`). */
function ruleName(id: string, rule: Resource): string {
  const targets = (rule.Properties?.Targets ?? []) as Array<{ Arn: unknown }>;
  const target = targetId(targets[0]?.Arn) ?? id;
  if (target === 'ReportTopic') return 'reportEmail';
  // An organization rollout's rule: the report event to the central bus (a parameter, not a resource).
  if (target === 'CentralEventBusArn') return 'centralBus';
  const name = target.replace(/LambdaFunction$/, '');
  return name.charAt(0).toLowerCase() + name.slice(1);
}

// --- events that must match nothing, beside the samples ---------------------------------------------

const createRepository = sample('create-repository.json');

/** Events that look like a repository ECR created, and are not one (or created nothing). */
function ecrCreatedLookalikes(): Array<[string, SampleEvent]> {
  const pullThrough = sample('create-repository-pull-through-cache.json');
  const replication = sample('create-repository-replication.json');
  return [
    ['a pull-through-cache creation that failed', { ...pullThrough, detail: { ...pullThrough.detail, errorCode: 'AccessDenied' } }],
    ['a replication creation that failed', { ...replication, detail: { ...replication.detail, errorCode: 'AccessDeniedException' } }],
    ["ECR's service event of another kind", { ...pullThrough, detail: { ...pullThrough.detail, eventName: 'DeleteRepository' } }],
    ['an image replicated into an existing repository', { ...replication, detail: { ...replication.detail, eventName: 'ReplicateImage' } }],
    [
      'an ECR Public repository',
      { ...createRepository, source: 'aws.ecr-public', detail: { ...createRepository.detail, eventSource: 'ecr-public.amazonaws.com' } },
    ],
    [
      'a pull-through-cache sync (ECR Pull Through Cache Action)',
      {
        source: 'aws.ecr',
        'detail-type': 'ECR Pull Through Cache Action',
        detail: { 'sync-status': 'SUCCESS', 'ecr-repository-prefix': 'docker-hub', 'repository-name': 'docker-hub/library/nginx' },
      },
    ],
    [
      'an image replication (ECR Replication Action)',
      {
        source: 'aws.ecr',
        'detail-type': 'ECR Replication Action',
        detail: { 'action-type': 'REPLICATE', result: 'SUCCESS', 'repository-name': 'team-a/payments-api' },
      },
    ],
  ];
}
const NEGATIVES: Array<[string, SampleEvent]> = [
  [
    'another service event of ECR',
    {
      source: 'aws.ecr',
      'detail-type': 'AWS Service Event via CloudTrail',
      detail: { eventSource: 'ecr.amazonaws.com', eventName: 'ReplicationEvent', eventType: 'AwsServiceEvent' },
    },
  ],
  [
    "another service's PolicyExecutionEvent",
    {
      source: 'aws.ecr',
      'detail-type': 'AWS Service Event via CloudTrail',
      detail: { eventSource: 'ecr-public.amazonaws.com', eventName: 'PolicyExecutionEvent', eventType: 'AwsServiceEvent' },
    },
  ],
  ['a DeleteRepository call', { ...createRepository, detail: { ...createRepository.detail, eventName: 'DeleteRepository' } }],
  [
    'a CreateRepository call to another service',
    { ...createRepository, source: 'aws.codecommit', detail: { ...createRepository.detail, eventSource: 'codecommit.amazonaws.com' } },
  ],
  [
    'an ECR image push',
    {
      source: 'aws.ecr',
      'detail-type': 'ECR Image Action',
      detail: { 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': 'team-a/web-api', 'image-tag': 'v1' },
    },
  ],
  ['a report event from another source', { ...sample('cost-report.json'), source: 'finops-tool' }],
  // A failed call changed nothing.
  ['a failed CreateRepository call', sample('create-repository-failed.json')],
  [
    'a failed PutLifecyclePolicy call',
    {
      ...sample('put-lifecycle-policy.json'),
      detail: { ...sample('put-lifecycle-policy.json').detail, errorCode: 'InvalidParameterException' },
    },
  ],
  // Lookalikes of the repositories ECR creates itself.
  ...ecrCreatedLookalikes(),
];

const SAMPLES: Array<[string, string[]]> = [
  ['create-repository.json', ['onRepositoryCreated']],
  ['create-repository-nested.json', ['onRepositoryCreated']],
  ['create-repository-opted-out.json', ['onRepositoryCreated']],
  // Repositories ECR creates itself: matched by onRepositoryCreated's second rule, once.
  ['create-repository-pull-through-cache.json', ['onRepositoryCreated']],
  ['create-repository-replication.json', ['onRepositoryCreated']],
  ['create-repository-on-push.json', ['onRepositoryCreated']],
  ['put-lifecycle-policy.json', ['onPolicyChanged']],
  ['put-lifecycle-policy-compliant.json', ['onPolicyChanged']],
  ['delete-lifecycle-policy.json', ['onPolicyChanged']],
  // What lifecycle policies did: the ledger records every evaluation, expiring or archiving.
  ['policy-execution-expire.json', ['onPolicyExecuted']],
  ['policy-execution-transition.json', ['onPolicyExecuted']],
  // The audit runs on a schedule expression, not on an event pattern.
  ['schedule.json', []],
  // The e-mail is sent by the scheduled audit itself: no rule turns a report event into mail. In an
  // organization rollout the event also goes to the central bus.
  ['cost-report.json', ['centralBus']],
];

describe('event patterns of the packaged template (moto EventBridge)', () => {
  const template = loadTemplate();
  const patternRules = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern !== undefined,
  );
  let events: EventBridgeClient;
  let sqs: SQSClient;
  /** Each rule's queue, with the function the rule invokes. */
  const queues: Array<{ name: string; url: string }> = [];

  /** Puts one event on the default bus and returns the names of the rules whose queue received it. */
  async function matchingRules(event: SampleEvent): Promise<string[]> {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Resources: event.resources ?? [],
          },
        ],
      }),
    );
    expect(out.FailedEntryCount ?? 0).toBe(0);
    const matched: string[] = [];
    for (const { name, url } of queues) {
      // No wait: moto delivers during PutEvents, and most queues must stay empty.
      const received = (await takeMessages(sqs, url, { waitTimeSeconds: 0 })) as Array<{ detail: unknown }>;
      if (received.length > 0) {
        matched.push(name);
        expect(received).toEqual([
          expect.objectContaining({ source: event.source, 'detail-type': event['detail-type'], detail: event.detail }),
        ]);
      }
    }
    return matched.sort();
  }

  beforeAll(async () => {
    await resetMoto();
    events = new EventBridgeClient(motoClientConfig());
    sqs = sqsClientForMoto();
    for (const [index, [id, rule]] of patternRules.entries()) {
      const name = ruleName(id, rule);
      const queue = await createQueue(sqs, `pattern-${name}-${index}`);
      await events.send(
        new PutRuleCommand({ Name: `pattern-${name}-${index}`, EventPattern: JSON.stringify(resolved(rule.Properties?.EventPattern)) }),
      );
      await events.send(new PutTargetsCommand({ Rule: `pattern-${name}-${index}`, Targets: [{ Id: 'queue', Arn: queue.arn }] }));
      queues.push({ name, url: queue.url });
    }
  });

  afterAll(() => {
    events.destroy();
    sqs.destroy();
  });

  it('finds the pattern rules of the three event functions (two for new repositories) and of the central bus, and none that feeds the report e-mail', () => {
    expect(patternRules.map(([id, r]) => ruleName(id, r)).sort()).toEqual([
      'centralBus',
      'onPolicyChanged',
      'onPolicyExecuted',
      'onRepositoryCreated',
      'onRepositoryCreated',
    ]);
  });

  it.each(SAMPLES)('events/%s matches %j', async (file, expected) => {
    expect(await matchingRules(sample(file))).toEqual(expected);
  });

  it.each(NEGATIVES)('%s matches nothing', async (_label, event) => {
    expect(await matchingRules(event)).toEqual([]);
  });

  it.each([
    ['an IAM user', `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/alice`],
    ['the root user', `arn:aws:iam::${MOTO_ACCOUNT_ID}:root`],
    ['a role whose name starts like the stack', `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/ecr-janitor-dev-${HOME}-policy/x`],
    // The janitor's own writes reach the repair too: a write that lands late may replace a team write.
    ...['audit', 'created', 'policy'].map((role): [string, string] => [
      `the janitor itself (${role} role)`,
      `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/ecr-janitor-prod-${HOME}-${role}/ecr-janitor-prod-x`,
    ]),
  ])('matches a PutLifecyclePolicy by %s (no session issuer, another role, or the janitor)', async (_who, arn) => {
    expect(await matchingRules(calledBy('put-lifecycle-policy.json', arn))).toEqual(['onPolicyChanged']);
  });

  it('sends no report event, forged or not, to the e-mail topic', async () => {
    const detail = { ...sample('cost-report.json').detail, summary: 'Click https://evil.example to see the report' };
    expect(await matchingRules({ source: 'ecr-janitor', 'detail-type': 'ECR Janitor Cost Report', detail })).toEqual(['centralBus']);
  });

  describe('a forwarder stack in another region', () => {
    let remote: EventBridgeClient;

    beforeAll(async () => {
      // The forwarder's rules, as packaged, on eu-west-1's default bus, aimed at us-east-1's.
      const rules = Object.entries(loadTemplate(FORWARDER_TEMPLATE_PATH).Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
      remote = new EventBridgeClient(motoClientConfig(FORWARDED));
      for (const [id, forwarder] of rules) {
        const target = (forwarder.Properties?.Targets as Array<{ Arn: unknown; RoleArn: unknown }>)[0];
        await remote.send(new PutRuleCommand({ Name: id, EventPattern: JSON.stringify(resolved(forwarder.Properties?.EventPattern)) }));
        await remote.send(
          new PutTargetsCommand({
            Rule: id,
            Targets: [{ Id: 'home', Arn: String(resolved(target?.Arn)), RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/forward` }],
          }),
        );
      }
    });
    afterAll(() => remote.destroy());

    /** Puts `event`, as made in eu-west-1, on eu-west-1's bus; returns the home rules it reached. */
    async function reachedAtHome(event: SampleEvent): Promise<string[]> {
      const detail = { ...event.detail, awsRegion: FORWARDED };
      await remote.send(
        new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(detail) }] }),
      );
      const reached: string[] = [];
      for (const { name, url } of queues) {
        const received = (await takeMessages(sqs, url, { waitTimeSeconds: 0 })) as Array<{ detail: { awsRegion?: string } }>;
        if (received.length > 0) {
          reached.push(name);
          expect(received[0]?.detail.awsRegion).toBe(FORWARDED);
        }
      }
      return reached.sort();
    }

    it.each([
      ['create-repository.json', ['onRepositoryCreated']],
      ['create-repository-pull-through-cache.json', ['onRepositoryCreated']],
      ['create-repository-replication.json', ['onRepositoryCreated']],
      ['create-repository-on-push.json', ['onRepositoryCreated']],
      ['put-lifecycle-policy.json', ['onPolicyChanged']],
      ['delete-lifecycle-policy.json', ['onPolicyChanged']],
      ['policy-execution-expire.json', ['onPolicyExecuted']],
    ])("brings eu-west-1's %s to the home region's %j", async (file, expected) => {
      expect(await reachedAtHome(sample(file))).toEqual(expected);
    });

    it.each([
      ['a failed call', sample('create-repository-failed.json')],
      ['an image push', NEGATIVES.find(([label]) => label === 'an ECR image push')?.[1] as SampleEvent],
      ...ecrCreatedLookalikes(),
    ])('does not bring %s', async (_label, event) => {
      expect(await reachedAtHome(event)).toEqual([]);
    });
  });
});
