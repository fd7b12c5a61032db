// The repair (onPolicyChanged's handler, in-process) in a worker thread of its own, fed with the
// world's CloudTrail events as EventBridge and Lambda's asynchronous invocation deliver them: most
// within half a second, a fifth two to four seconds late (so out of order), a tenth twice; an
// invocation that throws is retried twice, a second apart, then given up (dead-lettered).
import type { MessagePort } from 'node:worker_threads';
import pLimit from 'p-limit';
import { createEcrRegistryPool } from '../../src/adapters/aws/clients';
import { createRepairStore } from '../../src/adapters/aws/dynamodb-repair-store';
import { DEFAULT_OPT_OUT_TAG } from '../../src/domain/defaults';
import { makeHandler } from '../../src/handlers/on-policy-changed';
import { logger, metrics } from '../../src/handlers/runtime/powertools';
import { rng } from '../lib/random';
import { CREDENTIALS, JANITOR_ROLE, REGION } from './world';

/** What the repair is started with. */
export interface RepairInput {
  endpoint: string;
  repairEndpoint: string;
  tableName: string;
  requestTimeoutMs: number;
  seed: number;
  /** Where the world's events come from. */
  events: MessagePort;
}

/** What the main thread asks, and is told. */
export type RepairRequest = { type: 'status' };
export type RepairAnswer = {
  type: 'status';
  received: number;
  pending: number;
  invocations: number;
  retried: number;
  deadLettered: number;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts delivering events; returns the function that answers the main thread's requests. */
export function startRepair(input: RepairInput, answer: (message: RepairAnswer) => void): (request: RepairRequest) => void {
  logger.setLogLevel('SILENT');
  const random = rng(input.seed);
  const store = createRepairStore({ tableName: input.tableName, region: REGION, endpoint: input.endpoint, credentials: CREDENTIALS });
  const registryOf = createEcrRegistryPool({
    endpoint: input.repairEndpoint,
    credentials: CREDENTIALS,
    requestTimeoutMs: input.requestTimeoutMs,
    connectionTimeoutMs: 1_000,
  });
  const handler = makeHandler({
    config: {
      defaultDays: 7,
      dryRun: false,
      optOutTag: DEFAULT_OPT_OUT_TAG,
      exclude: [],
      regions: [REGION],
      janitorRoles: [JANITOR_ROLE.run, JANITOR_ROLE.repair],
      enforcedMaxUntaggedDays: undefined,
    },
    registry: (region) => registryOf(region),
    repair: store,
  });
  // The function's reserved concurrency.
  const invoke = pLimit(5);
  const counts = { received: 0, pending: 0, invocations: 0, retried: 0, deadLettered: 0 };
  const deliver = (event: unknown, delay: number, attempt = 0): void => {
    counts.pending++;
    void sleep(delay)
      .then(() =>
        invoke(async () => {
          counts.invocations++;
          try {
            await handler(event);
          } catch {
            if (attempt < 2) {
              counts.retried++;
              deliver(event, 1_000, attempt + 1);
            } else counts.deadLettered++;
          } finally {
            metrics.clearMetrics();
          }
        }),
      )
      .finally(() => counts.pending--);
  };
  input.events.on('message', (event: unknown) => {
    counts.received++;
    deliver(event, random() < 0.2 ? 2_000 + random() * 2_000 : 100 + random() * 500);
    if (random() < 0.1) deliver(event, 1_000 + random() * 2_000);
  });
  return () => answer({ type: 'status', ...counts });
}
