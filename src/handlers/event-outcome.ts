import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { JanitorConfig } from '../config';
import { errorCode } from '../domain/errors';
import type { GuardOptions, RemediateOptions, WritePacing } from '../use-cases/remediate';
import { logger, metrics } from './runtime';
import { DEFAULT_GUARD_HORIZON_DAYS } from '../domain/defaults';

/** What an event handler did with one event. */
export type EventResult<A> =
  | { status: 'ignored'; reason: string }
  /** An error that retrying cannot mend (the repository is gone, ECR refused the request): logged, counted, acknowledged. */
  | { status: 'dropped'; code: string; reason: string }
  | { status: 'done'; action: A };

/**
 * Error codes that mean the event can never be handled, however often it is retried: a repository
 * deleted right after the call (`terraform destroy` deletes the policy, then the repository;
 * short-lived CI repositories), or a request ECR refuses as invalid. Throttling, 5xx and network
 * errors are not among them: those throw, and Lambda retries the event.
 */
const PERMANENT_CODES: ReadonlySet<string> = new Set(['RepositoryNotFoundException', 'InvalidParameterException', 'ValidationException']);

/**
 * Runs `work`, turning a permanent failure into an acknowledged `dropped` result (logged as a
 * warning, counted as `EventsDropped`) instead of a throw that Lambda would retry twice and then
 * send to the dead-letter queue with an alarm. Every other error is thrown as it was.
 *
 * @example return settlePermanentFailures({ repositoryName }, () => remediate…);
 */
export async function settlePermanentFailures<A>(
  context: Record<string, string>,
  work: () => Promise<EventResult<A>>,
): Promise<EventResult<A>> {
  try {
    return await work();
  } catch (error) {
    const code = errorCode(error);
    if (!PERMANENT_CODES.has(code)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn('dropping an event that cannot succeed on retry', { ...context, code, reason });
    metrics.addMetric('EventsDropped', MetricUnit.Count, 1);
    return { status: 'dropped', code, reason };
  }
}

/**
 * Why an event about `region` and `registryId` is not the janitor's to act on, or undefined when it is:
 * another account's registry, or a region the deployment is not configured for (events forwarded
 * from every region reach the home region's bus).
 */
export function outOfScope(
  event: { account: string; region: string },
  registryId: string | undefined,
  configuredRegions: readonly string[],
): string | undefined {
  if (registryId !== undefined && registryId !== event.account) {
    return `the repository is in another account's registry (${registryId}), not in ${event.account}`;
  }
  if (!configuredRegions.includes(event.region)) {
    return `the event comes from ${event.region}, which is not one of the configured regions (${configuredRegions.join(', ')})`;
  }
  return undefined;
}

/**
 * How an event handler remediates: one repository at a time, the configured rule, and the in-use
 * guard when the handler reads what is in use (the region's workloads are read only when a write is due).
 *
 * @example remediateRepository(ports, ref, eventRemediationOptions(config, pacing), tags);
 */
export function eventRemediationOptions(
  config: Pick<JanitorConfig, 'defaultDays' | 'dryRun' | 'optOutTag' | 'exclude' | 'enforcedMaxUntaggedDays'> &
    Partial<Pick<JanitorConfig, 'guard' | 'guardHorizonDays'>>,
  pacing?: Partial<WritePacing>,
  inUse?: GuardOptions['inUse'],
): RemediateOptions {
  const guard: GuardOptions | undefined =
    inUse === undefined
      ? undefined
      : { enabled: config.guard !== 'off', horizonDays: config.guardHorizonDays ?? DEFAULT_GUARD_HORIZON_DAYS, inUse };
  return {
    days: config.defaultDays,
    apply: !config.dryRun,
    concurrency: 1,
    selection: config,
    ...(config.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: config.enforcedMaxUntaggedDays }),
    ...(pacing ? { pacing } : {}),
    ...(guard ? { guard } : {}),
  };
}
