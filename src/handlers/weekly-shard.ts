import { shardEvent, stepInput } from '../adapters/events/weekly-steps';
import { loadWeeklyConfig } from '../config';
import { auditShard, type ShardDeps, type ShardOutcome } from '../use-cases/weekly/audit-shard';
import { shardDeps } from './deps/weekly';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { shardDeadlines, type RemainingTime } from './runtime/deadline';
import { logger } from './runtime/powertools';
import { recordShard } from './runtime/telemetry';

/** One Distributed Map batch (see `auditShard`): audits and remediates its repositories, writes its result before its time runs out. */
export function makeHandler(deps: ShardDeps & { concurrency: number }) {
  return async (event: unknown, context?: RemainingTime): Promise<ShardOutcome> => {
    const { Items, BatchInput } = stepInput(shardEvent, event, 'shard');
    logger.appendKeys({ runId: BatchInput.runId });
    const deadlines = shardDeadlines(context);
    const options = { concurrency: deps.concurrency, ...deadlines.signals };
    return recordShard(await auditShard(deps, BatchInput.runId, Items, options).finally(deadlines.clear));
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(shardDeps(loadWeeklyConfig(process.env)))));
