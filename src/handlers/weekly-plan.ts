import { planEvent, stepInput, type PlanStepOutput } from '../adapters/events/weekly-steps';
import { loadWeeklyConfig } from '../config';
import { planWeeklyRun, type PlanDeps, type PlanSettings } from '../use-cases/weekly/plan';
import { planDeps } from './deps/weekly';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { logger } from './runtime/powertools';
import { recordPlan } from './runtime/telemetry';

/** The weekly run's first step (see `planWeeklyRun`): lists, tags and in-use images into the run's plan and items. */
export function makeHandler(deps: PlanDeps & { bucket: string; settings: (now: number) => PlanSettings; now?: () => number }) {
  return async (event: unknown): Promise<PlanStepOutput> => {
    const { runId } = stepInput(planEvent, event, 'Plan');
    logger.appendKeys({ runId });
    const now = (deps.now ?? Date.now)();
    const outcome = await planWeeklyRun(deps, runId, deps.settings(now), now);
    recordPlan(outcome);
    return { runId, bucket: deps.bucket, itemsKey: outcome.itemsKey, itemCount: outcome.itemCount };
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(planDeps(loadWeeklyConfig(process.env)))));
