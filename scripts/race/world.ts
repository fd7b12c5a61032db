// The world the janitor races in, run in a worker thread of its own so that none of it competes with
// the janitor for its event loop: the ledger of landed writes, the two fault-injecting proxies (the
// run's and the repair's), the team writer, and the CloudTrail events of every write, sent to the
// repair's worker.
import { randomUUID } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import { ECRClient, PutLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { rng } from '../lib/random';
import { FaultProxy, type Faults, type PutSeen } from './fault-proxy';
import { Ledger, type LandedWrite } from './ledger';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The roles of the janitor's writes, by who wrote (the run: the weekly shard's; the repair: onPolicyChanged's). */
export const JANITOR_ROLE = { run: 'ecr-janitor-prod-us-east-1-shard', repair: 'ecr-janitor-prod-us-east-1-policy' } as const;
const TEAM_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/team-deployer/terraform`;

/** What the world is started with. */
export interface WorldInput {
  endpoint: string;
  names: string[];
  run: Faults;
  repair: Faults;
  seed: number;
  durationMs: number;
  teamEveryMs: number;
  /** Where the world sends the CloudTrail events. */
  events: MessagePort;
}

/** Messages from the main thread. */
export type WorldRequest = { type: 'team' } | { type: 'status' } | { type: 'report' };

/** Messages to the main thread. */
export type WorldAnswer =
  | { type: 'ready'; runEndpoint: string; repairEndpoint: string }
  | { type: 'team-done'; teamWrites: number }
  | { type: 'status'; inFlight: number; sent: number }
  | { type: 'report'; ledger: Array<[string, LandedWrite[]]>; runPuts: PutSeen[]; windows: number[] };

/** The team's n-th policy for a repository: a tagged rule only, distinct every time, so the janitor always has a rule to merge. */
export function teamPolicy(repository: string, n: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `team ${repository} version ${n}`,
        selection: { tagStatus: 'tagged', tagPrefixList: [`v${n}-`], countType: 'imageCountMoreThan', countNumber: (n % 50) + 1 },
        action: { type: 'expire' },
      },
    ],
  });
}

/** A CloudTrail PutLifecyclePolicy event as EventBridge delivers it; `eventTime` has whole seconds. */
export function cloudTrailEvent(repositoryName: string, policyText: string, at: number, callerArn: string) {
  const eventTime = new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    account: ACCOUNT,
    time: eventTime,
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.11',
      userIdentity: { type: 'AssumedRole', arn: callerArn, accountId: ACCOUNT },
      eventTime,
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PutLifecyclePolicy',
      awsRegion: REGION,
      requestParameters: { repositoryName, lifecyclePolicyText: policyText },
      resources: [{ accountId: ACCOUNT, ARN: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repositoryName}` }],
      eventType: 'AwsApiCall',
      eventID: randomUUID(),
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the world: the proxies answer at once; the team writes when asked. `answer` sends to the
 * main thread; the returned function takes its requests.
 */
export async function startWorld(input: WorldInput, answer: (message: WorldAnswer) => void): Promise<(request: WorldRequest) => void> {
  const random = rng(input.seed);
  const ledger = new Ledger();
  let sent = 0;
  const send = (event: unknown): void => {
    sent++;
    input.events.postMessage(event);
  };
  const janitorEvent = (role: keyof typeof JANITOR_ROLE) => (name: string, text: string) =>
    send(cloudTrailEvent(name, text, Date.now(), `arn:aws:sts::${ACCOUNT}:assumed-role/${JANITOR_ROLE[role]}/${role}`));
  const runProxy = new FaultProxy(input.endpoint, ledger, 'run', input.run, random, janitorEvent('run'));
  const repairProxy = new FaultProxy(input.endpoint, ledger, 'repair', input.repair, random, janitorEvent('repair'));
  const runEndpoint = await runProxy.start();
  const repairEndpoint = await repairProxy.start();
  const ecr = new ECRClient({ endpoint: input.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  answer({ type: 'ready', runEndpoint, repairEndpoint });

  // The team: a new distinct policy on each repository every ~2 s (±25 %), straight to the emulator.
  const team = async (): Promise<number> => {
    let writes = 0;
    const deadline = performance.now() + input.durationMs;
    await Promise.all(
      input.names.map(async (repositoryName) => {
        let n = 0;
        await sleep(random() * input.teamEveryMs);
        while (performance.now() < deadline) {
          const text = teamPolicy(repositoryName, ++n);
          const calledAt = Date.now();
          await ledger.write(repositoryName, 'team', text, async () => {
            await ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: text }));
            return { landed: true, value: undefined };
          });
          writes++;
          send(cloudTrailEvent(repositoryName, text, calledAt, TEAM_ARN));
          await sleep(input.teamEveryMs * (0.75 + random() * 0.5));
        }
      }),
    );
    return writes;
  };

  return (request) => {
    if (request.type === 'team') void team().then((teamWrites) => answer({ type: 'team-done', teamWrites }));
    else if (request.type === 'status') answer({ type: 'status', inFlight: runProxy.inFlight + repairProxy.inFlight, sent });
    else {
      void Promise.all([runProxy.stop(), repairProxy.stop()]).then(() => {
        ecr.destroy();
        answer({
          type: 'report',
          ledger: [...ledger.writes],
          runPuts: runProxy.puts,
          windows: [...runProxy.windows, ...repairProxy.windows],
        });
      });
    }
  };
}
