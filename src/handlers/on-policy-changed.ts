import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import { createRepairStore } from '../adapters/aws/dynamodb-repair-store';
import type { JanitorConfig } from '../config';
import { partitionOf } from '../domain/region';
import type { RemediationAction } from '../domain/remediation';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import type { RepairStore } from '../ports/repair-store';
import type { RepositoryRef } from '../domain/registry';
import { handlePolicyChange, type PolicyChange } from '../use-cases/policy-change';
import type { GuardOptions, WritePacing } from '../use-cases/remediate';
import { callerRoleArn, isCallerOneOf, parseEvent, policyChangedEvent, type PolicyChangedEvent } from '../adapters/events/cloudtrail';
import { eventRemediationOptions, outOfScope, settlePermanentFailures, type EventResult } from './event-outcome';
import { cachedInUseProvider } from './in-use-runtime';
import { logger, metrics, runtime, withPowertools } from './runtime';

/** What the function did with one event. */
export type PolicyChangedResult = EventResult<RemediationAction>;

/** What the handler needs: its settings and the ECR registry of a region. */
export interface PolicyChangedDeps {
  config: Pick<JanitorConfig, 'defaultDays' | 'dryRun' | 'optOutTag' | 'exclude' | 'regions' | 'janitorRoles' | 'enforcedMaxUntaggedDays'> &
    Partial<Pick<JanitorConfig, 'guard' | 'guardHorizonDays'>>;
  registry(region: string): RegistryReader & PolicyWriter;
  /** What is in use per region, for the in-use guard (cached per container). @default none: no guard */
  inUse?: GuardOptions['inUse'];
  /** @default the write loop's defaults */
  pacing?: Partial<WritePacing>;
  /** Where the repair keeps the newest team write per repository and its lease. @default none: restores are not serialised */
  repair?: RepairStore;
}

/**
 * `PutLifecyclePolicy` / `DeleteLifecyclePolicy`: when the repository no longer expires untagged
 * images, merges the default rule back in; when a janitor write merged from an older read replaced
 * the team's call, puts the team's text back (with the rule). Acts in the region the event names.
 * With `inUse`, a write that is due is judged by the in-use guard first (held when the default rule
 * would remove an image a workload still runs).
 * The janitor's own writes are ignored, so it never loops; errors retrying cannot mend are dropped.
 */
export function makeHandler(deps: () => PolicyChangedDeps): (event: unknown) => Promise<PolicyChangedResult> {
  return async (event) => {
    const parsed = parseEvent(policyChangedEvent, event);
    if (!parsed.ok) {
      logger.warn('ignoring an event that is not a lifecycle policy change', { reason: parsed.reason });
      return { status: 'ignored', reason: `unexpected event shape: ${parsed.reason}` };
    }
    logger.appendKeys({ eventId: parsed.event.id });
    const { config, registry, pacing, inUse, repair } = deps();
    const target = changeTarget(parsed.event, config, repair !== undefined);
    if ('ignored' in target) return { status: 'ignored', reason: target.ignored };
    const { ref, change } = target;
    return settlePermanentFailures({ region: ref.region, repositoryName: ref.repositoryName }, async () => {
      const registryOf = registry(ref.region);
      const options = eventRemediationOptions(config, pacing, inUse);
      const store = repair === undefined ? undefined : { store: repair, holder: `${parsed.event.id}/${randomUUID()}` };
      const { action, restoredTeamWrite } = await handlePolicyChange(
        { reader: registryOf, writer: registryOf },
        ref,
        change,
        options,
        store,
      );
      if (action === undefined) return { status: 'ignored', reason: 'written by ecr-janitor itself, over no newer team write' };
      record(action, restoredTeamWrite, parsed.event.detail);
      return { status: 'done', action };
    });
  };
}

/** The repository and the call an event is about, or why it is not the janitor's to act on (logged). */
function changeTarget(
  event: PolicyChangedEvent,
  config: PolicyChangedDeps['config'],
  checkOwnWrites: boolean,
): { ignored: string } | { ref: RepositoryRef; change: PolicyChange } {
  const { detail, account } = event;
  if (detail.errorCode !== undefined || !detail.requestParameters) {
    return { ignored: `the call failed (${detail.errorCode ?? 'no request parameters'})` };
  }
  // The janitor's own writes are only checked against the newest team write, which needs the repair store.
  const byJanitor = isCallerOneOf(event, config.janitorRoles);
  if (byJanitor && !checkOwnWrites) {
    logger.info("ignoring the janitor's own policy write", { caller: callerRoleArn(event) });
    return { ignored: 'written by ecr-janitor itself' };
  }
  const { repositoryName, registryId, lifecyclePolicyText } = detail.requestParameters;
  const region = detail.awsRegion;
  const notOurs = outOfScope({ account, region }, registryId, config.regions);
  if (notOurs !== undefined) {
    logger.info('ignoring a policy change out of scope', { region, repositoryName, reason: notOurs });
    return { ignored: notOurs };
  }
  const repositoryArn =
    detail.resources?.find((r) => r.ARN?.includes(':repository/'))?.ARN ??
    `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repositoryName}`;
  return {
    ref: { accountId: account, region, repositoryName, repositoryArn },
    change: {
      eventName: detail.eventName,
      calledAt: Date.parse(detail.eventTime),
      eventId: event.id,
      ...(byJanitor ? { byJanitor } : {}),
      ...(lifecyclePolicyText === undefined ? {} : { policyText: lifecyclePolicyText }),
    },
  };
}

/** Logs what was done and counts it. */
function record(action: RemediationAction, restoredTeamWrite: boolean, detail: PolicyChangedEvent['detail']): void {
  if (restoredTeamWrite) {
    logger.warn("restored a team's policy that a janitor write had replaced", { eventTime: detail.eventTime, action });
    metrics.addMetric('TeamWritesRestored', MetricUnit.Count, 1);
  }
  // Nested, not spread: Powertools drops a top-level `message` key, which is the action's reason.
  logger.info('policy change handled', { eventName: detail.eventName, action });
  if (action.outcome === 'applied') metrics.addMetric('RepositoriesRemediated', MetricUnit.Count, 1);
  if (action.outcome === 'held-in-use') {
    logger.warn('the in-use guard held the write: the default rule would remove images in use', { action });
    metrics.addMetric('RepositoriesHeld', MetricUnit.Count, 1);
  }
}

/** The repair store of each container's runtime, built on first use. */
const repairStores = new WeakMap<object, RepairStore>();

/** The handler over the container's runtime (built on first use from the environment). */
export const lambdaHandler = makeHandler(() => {
  const rt = runtime();
  const { repairTable, deployRegion, regions } = rt.config;
  let repair = repairStores.get(rt);
  if (repair === undefined && repairTable !== undefined) {
    repair = createRepairStore({ tableName: repairTable, region: deployRegion ?? regions[0] ?? '', counter: rt.counter });
    repairStores.set(rt, repair);
  }
  return { config: rt.config, registry: (region) => rt.registry(region), inUse: cachedInUseProvider(rt), ...(repair ? { repair } : {}) };
});

/** The deployed handler. */
export const handler = withPowertools(lambdaHandler);
