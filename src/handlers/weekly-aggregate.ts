import { aggregateInput } from '../adapters/events/weekly-steps';
import { loadWeeklyConfig } from '../config';
import type { ReportEventDetail } from '../domain/report-event';
import { aggregateWeeklyRun, type AggregateDeps } from '../use-cases/weekly/aggregate';
import { aggregateDeps } from './deps/weekly';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { logger } from './runtime/powertools';
import { recordWeeklyRun } from './runtime/telemetry';

/** The weekly run's last step (see `aggregateWeeklyRun`): one report from the shards, published as before. */
export function makeHandler(deps: AggregateDeps & { now?: () => number }) {
  return async (event: unknown): Promise<ReportEventDetail> => {
    const input = aggregateInput(event);
    logger.appendKeys({ runId: input.runId });
    const outcome = await aggregateWeeklyRun(deps, input, { generatedAt: (deps.now ?? Date.now)() });
    recordWeeklyRun(outcome);
    // The report event's detail: within EventBridge's 256 KB, so within a state's output limit too.
    return outcome.detail;
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(aggregateDeps(loadWeeklyConfig(process.env)))));
