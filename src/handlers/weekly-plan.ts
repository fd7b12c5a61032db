import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadWeeklyConfig } from '../config';
import { planWeeklyRun, type PlanDeps, type PlanSettings } from '../use-cases/weekly/plan';
import { lazily, logger, metrics, withPowertools } from './runtime';
import { planEvent, stepInput } from '../adapters/events/step-inputs';
import { planDeps } from './weekly-runtime';

/** What Plan hands the state machine: where the items are, for the map's ItemReader. */
export interface PlanStepOutput {
  runId: string;
  bucket: string;
  itemsKey: string;
  itemCount: number;
}

/** The weekly run's first step (see `planWeeklyRun`): lists, tags and in-use images into the run's plan and items. */
export function makeHandler(deps: PlanDeps & { bucket: string; settings: (now: number) => PlanSettings; now?: () => number }) {
  return async (event: unknown): Promise<PlanStepOutput> => {
    const { runId } = stepInput(planEvent, event, 'Plan');
    logger.appendKeys({ runId });
    const now = (deps.now ?? Date.now)();
    const { itemsKey, itemCount, plan } = await planWeeklyRun(deps, runId, deps.settings(now), now);
    logger.info('weekly run planned', { repositories: itemCount, regions: plan.regions, errors: plan.errors.length });
    metrics.addMetric('RepositoriesPlanned', MetricUnit.Count, itemCount);
    return { runId, bucket: deps.bucket, itemsKey, itemCount };
  };
}

/** The deployed handler. */
export const handler = withPowertools(
  lazily(() => {
    const config = loadWeeklyConfig(process.env);
    return makeHandler({ ...planDeps(config), bucket: config.reportBucket });
  }),
);
