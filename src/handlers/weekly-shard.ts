import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadWeeklyConfig } from '../config';
import { auditShard, type ShardDeps, type ShardOutcome } from '../use-cases/weekly/audit-shard';
import { deadlineBefore, type RemainingTime } from './deadline';
import { lazily, logger, metrics, withPowertools } from './runtime';
import { shardEvent, stepInput } from '../adapters/events/step-inputs';
import { shardDeps } from './weekly-runtime';

/** A shard stops reading when a minute (or a tenth of its time) is left, and remediating at 20 seconds: its result is always written. */
export const SHARD_READ_MARGIN = { marginMs: 60_000, share: 0.1 };
export const SHARD_WRITE_MARGIN = { marginMs: 20_000, share: 0.03 };

/** One Distributed Map batch (see `auditShard`): audits and remediates its repositories, writes its result. */
export function makeHandler(deps: ShardDeps & { concurrency: number }) {
  return async (event: unknown, context?: RemainingTime): Promise<ShardOutcome> => {
    const { Items, BatchInput } = stepInput(shardEvent, event, 'shard');
    logger.appendKeys({ runId: BatchInput.runId });
    const [read, write] = [deadlineBefore(context, SHARD_READ_MARGIN), deadlineBefore(context, SHARD_WRITE_MARGIN)];
    const signals = { ...(read.signal ? { signal: read.signal } : {}), ...(write.signal ? { remediationSignal: write.signal } : {}) };
    const outcome = await auditShard(deps, BatchInput.runId, Items, { concurrency: deps.concurrency, ...signals }).finally(() => {
      read.clear();
      write.clear();
    });
    logger.info('shard done', { ...outcome });
    metrics.addMetric('RepositoriesAudited', MetricUnit.Count, outcome.repositories);
    return outcome;
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(shardDeps(loadWeeklyConfig(process.env)))));
