// The event functions' dependencies, built once per container from the deployed configuration: the
// configuration, the ECR adapter of each region and the call counter; the in-use sources are built
// on first use (deps/in-use.ts). The weekly run's adapters (S3, EventBridge, SNS) are in deps/weekly.ts,
// so the event functions' bundles do not carry those SDK clients.
import { randomUUID } from 'node:crypto';
import { CallCounter } from '../../adapters/aws/call-counter';
import { createEcrRegistryPool } from '../../adapters/aws/clients';
import { createRepairStore } from '../../adapters/aws/dynamodb-repair-store';
import type { EcrRegistry } from '../../adapters/aws/ecr';
import { loadConfig, type JanitorConfig } from '../../config';
import { DEFAULT_GUARD_HORIZON_DAYS, FALLBACK_REGION } from '../../domain/defaults';
import type { PolicyWriter, RegistryReader } from '../../ports/registry';
import type { RepairStore } from '../../ports/repair-store';
import type { RepairOptions } from '../../use-cases/policy-change';
import type { GuardOptions, RemediateOptions, RemediationTarget, WritePacing } from '../../use-cases/remediate';
import { oncePerContainer } from '../runtime/container';
import { cachedInUseProvider } from './in-use';

/** What an event function's container holds. */
export interface EventDependencies {
  config: JanitorConfig;
  /** Counts every AWS call of the container's clients. */
  counter: CallCounter;
  /** The ECR adapter of a region (clients are reused across invocations). */
  registry(region: string): EcrRegistry;
}

/** What onRepositoryCreated needs: its settings and the ECR registry of a region. */
export interface RepositoryCreatedDeps {
  config: Pick<JanitorConfig, 'defaultDays' | 'dryRun' | 'optOutTag' | 'exclude' | 'regions' | 'enforcedMaxUntaggedDays'>;
  registry(region: string): RegistryReader & PolicyWriter;
  /** @default the write loop's defaults */
  pacing?: Partial<WritePacing>;
}

/** What onPolicyChanged needs: its settings, the ECR registry of a region and what is in use. */
export interface PolicyChangedDeps {
  config: RepositoryCreatedDeps['config'] &
    Pick<JanitorConfig, 'janitorRoles'> &
    Partial<Pick<JanitorConfig, 'guard' | 'guardHorizonDays'>>;
  registry(region: string): RegistryReader & PolicyWriter;
  /** What is in use per region, for the in-use guard (cached per container). @default none: no guard */
  inUse?: GuardOptions['inUse'];
  /** @default the write loop's defaults */
  pacing?: Partial<WritePacing>;
  /** The clock that judges event times. @default Date.now */
  now?: () => number;
  /**
   * Where the repair keeps the newest team write per repository and its lease; with it, the janitor's
   * own writes are checked against that team write too (docs/write-safety.md). @default none: restores are not serialised
   */
  repair?: RepairStore;
}

/**
 * The container's dependencies, built on first use from the environment. A bad setting fails here,
 * at cold start, with the parameter's name.
 */
export const eventDependencies = oncePerContainer((): EventDependencies => {
  const config = loadConfig(process.env);
  const counter = new CallCounter();
  const registry = createEcrRegistryPool({
    counter,
    rateLimits: config.rateLimits,
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  return { config, counter, registry };
});

/** onRepositoryCreated's dependencies. */
export function repositoryCreatedDeps(deps: EventDependencies): RepositoryCreatedDeps {
  return { config: deps.config, registry: (region) => deps.registry(region) };
}

/** onPolicyChanged's dependencies, with the container's cached in-use provider and, when `repairTable` is set, the repair store. */
export function policyChangedDeps(deps: EventDependencies): PolicyChangedDeps {
  const { config, counter } = deps;
  const { repairTable } = config;
  const repair =
    repairTable === undefined
      ? undefined
      : createRepairStore({
          tableName: repairTable,
          region: config.deployRegion ?? config.regions[0] ?? FALLBACK_REGION,
          counter,
          connectionTimeoutMs: config.connectionTimeoutMs,
          requestTimeoutMs: config.requestTimeoutMs,
        });
  return { config, registry: (region) => deps.registry(region), inUse: cachedInUseProvider(deps), ...(repair ? { repair } : {}) };
}

/**
 * How one event's repair takes the store's lease: as the event (its id) in this invocation, or
 * undefined without a repair store.
 *
 * @example handlePolicyChange(ports, ref, change, options, repairOptions(deps, event.id));
 */
export function repairOptions(deps: Pick<PolicyChangedDeps, 'repair'>, eventId: string): RepairOptions | undefined {
  return deps.repair === undefined ? undefined : { store: deps.repair, holder: `${eventId}/${randomUUID()}` };
}

/**
 * How an event function remediates: one repository at a time, the configured rule, and the in-use
 * guard when the function reads what is in use (the region's workloads are read only when a write is due).
 *
 * @example remediateRepository(ports, ref, remediationOptions(deps), tags);
 */
export function remediationOptions(deps: {
  config: RepositoryCreatedDeps['config'] & Partial<Pick<JanitorConfig, 'guard' | 'guardHorizonDays'>>;
  pacing?: Partial<WritePacing>;
  inUse?: GuardOptions['inUse'];
}): RemediateOptions {
  const { config, pacing, inUse } = deps;
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

/**
 * What an event function reads and writes through: the ECR registry of the event's region, both ways.
 *
 * @example remediateRepository(registryOf(deps, ref.region), ref, options);
 */
export function registryOf(deps: { registry(region: string): RegistryReader & PolicyWriter }, region: string): Required<RemediationTarget> {
  const registry = deps.registry(region);
  return { reader: registry, writer: registry };
}
