// What a command reads, opened from its flags: the registries (live ECR, or a snapshot file), the
// sources of images in use (workload scanners, --in-use lists, a snapshot's own record), the one
// live registry of a single-repository command, and the week between two captures with its ledger.
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { STSClient } from '@aws-sdk/client-sts';
import {
  AssumedRoles,
  ListedAccounts,
  OrganizationAccounts,
  callerIdentity,
  createOrganizationsClient,
  type CallerIdentity,
} from '../adapters/aws/accounts';
import { CallCounter } from '../adapters/aws/call-counter';
import { baseClientConfig, createEcrClient, createEcrRegistryPool, type EcrClientOptions } from '../adapters/aws/clients';
import { EcrRegistry } from '../adapters/aws/ecr';
import { createRegistrySettings } from '../adapters/aws/ecr-registry-settings';
import { createWorkloadScannerPool } from '../adapters/aws/workload-scanners';
import { parseLedgerLines } from '../adapters/events/policy-execution';
import { parseSnapshot } from '../adapters/snapshot/schema';
import { snapshotInUse, type SnapshotInUseSources } from '../adapters/snapshot/snapshot-in-use';
import { SnapshotRegistry } from '../adapters/snapshot/snapshot-registry';
import { snapshotAccounts, snapshotOfAccount } from '../adapters/snapshot/accounts';
import { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_IN_USE_SCAN, FALLBACK_REGION } from '../domain/defaults';
import { AccountAccessError, errorCode } from '../domain/errors';
import type { AccountOpener, AccountRef } from '../ports/accounts';
import { parseInUseScan, type InUseEntry } from '../domain/in-use';
import { parseInUseList } from '../domain/in-use-entries';
import { REGION_NAME } from '../domain/region';
import { toEpochMs } from '../domain/time';
import { distinctActions, distinctFailures } from '../domain/ledger';
import type { SnapshotFile } from '../adapters/snapshot/format';
import type { RepositoryState } from '../domain/registry';
import type { LedgerPeriod } from '../domain/report';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import type { AuditInUse } from '../use-cases/audit';
import type { SettingsSource } from '../use-cases/creation-templates';
import { collectInUse, type InUseSources } from '../use-cases/in-use';
import { truthBetweenCaptures, type TruthLookup } from '../use-cases/truth';
import { defaultRegion, type CliEnvironment } from './context';
import { UsageError } from './errors';
import {
  checkAccountFlags,
  parseRegions,
  type ClientFlags,
  type InUseFlags,
  type LedgerFlags,
  type SourceChoices,
  type SourceFlags,
} from './flags';
import { readJsonFile, readTextFile } from './io';

/** What a command runs with besides its flags. */
export interface SourceRun {
  /** Counts every AWS call of the run (of the account, in a run over several). */
  counter: CallCounter;
  /** Where the default region is read. */
  env: CliEnvironment;
  /** The credentials of the account read (its assumed role). @default the SDK's default chain: the caller's account */
  credentials?: AwsCredentialIdentityProvider;
}

/** One registry a command reads (and, live, may write). */
export interface Source {
  reader: RegistryReader;
  /** Absent for a snapshot, which is read-only. */
  writer?: PolicyWriter;
}

/** The registries a command reads, and, when they come from a snapshot, what the snapshot recorded besides. */
export interface Sources {
  /** One per region read. */
  registries: Source[];
  /** Set when read from a snapshot file. */
  snapshot?: {
    /** When the snapshot was captured, epoch milliseconds. */
    capturedAt: number;
    /** The images in use it recorded, for its regions that are read. */
    inUse: SnapshotInUseSources;
  };
}

/**
 * Opens the registries a command reads: the snapshot of `--snapshot` (when the command offers it
 * and it is given), else live ECR in each region of `--region`, or the environment's default region.
 *
 * @example const sources = await openSources(opts, { snapshot: true }, { counter, env: ctx.env });
 * @throws UsageError when no region is known, or `--region` names one the snapshot does not hold
 * @throws InvalidInputError when the snapshot file cannot be read or is not a snapshot
 */
export async function openSources(flags: SourceFlags, choices: SourceChoices, run: SourceRun): Promise<Sources> {
  const regions = parseRegions(flags.region);
  if (flags.snapshot === undefined) return openLive(flags, run, liveRegions(flags, choices, run));
  return sourcesOfSnapshot(await readSnapshot(flags, flags.snapshot), flags.snapshot, regions);
}

/** The regions a live run reads: `--region`, else the environment's default region. */
function liveRegions(flags: SourceFlags, choices: SourceChoices, run: Pick<SourceRun, 'env'>): string[] {
  const regions = parseRegions(flags.region);
  const live = regions.length > 0 ? regions : [defaultRegion(run.env)].filter((r): r is string => r !== undefined);
  if (live.length === 0)
    throw new UsageError(
      `no region: pass --region us-east-1[,eu-west-1…]${choices.snapshot ? ', set AWS_REGION, or use --snapshot FILE' : ' or set AWS_REGION'}`,
    );
  return live;
}

/**
 * Live ECR: one registry, reader and writer, per region of the account (the caller's, with the SDK's
 * default credentials, or the one `run.credentials` enter), every one with the run's client settings
 * and counter.
 */
function openLive(flags: SourceFlags, run: SourceRun, regions: readonly string[]): Sources {
  const registryFor = createEcrRegistryPool({
    counter: run.counter,
    ...clientOptionsOf(flags),
    ...(flags.rateLimit ? { rateLimits: flags.rateLimit } : {}),
    ...(run.credentials === undefined ? {} : { credentials: run.credentials }),
  });
  return {
    registries: regions.map((region) => {
      const registry = registryFor(region);
      return { reader: registry, writer: registry };
    }),
  };
}

/** Reads and checks `--snapshot FILE`. */
async function readSnapshot(flags: SourceFlags, file: string): Promise<SnapshotFile> {
  if (flags.endpoint !== undefined) throw new UsageError('--snapshot and --endpoint cannot be combined: a snapshot is read offline');
  return parseSnapshot(await readJsonFile(file, 'snapshot'), file);
}

/**
 * A snapshot: one read-only registry per region it holds (those of `--region` when given). `part`:
 * one account's part of a snapshot of several, which may hold none of the regions asked for.
 */
function sourcesOfSnapshot(snapshot: SnapshotFile, file: string, regions: readonly string[], part = false): Sources {
  const readers = SnapshotRegistry.fromSnapshot(snapshot, regions);
  if (readers.length === 0 && !part)
    throw new UsageError(
      `--region ${regions.join(',')}: the snapshot ${file} holds only ${snapshot.registries.map((r) => r.region).join(', ') || 'no regions'}`,
    );
  return {
    registries: readers.map((reader) => ({ reader })),
    snapshot: { capturedAt: toEpochMs(snapshot.capturedAt), inUse: snapshotInUse(snapshot, regions) },
  };
}

/**
 * The time a run judges repositories at: a snapshot's capture time, so that its numbers do not
 * drift as days pass, else now.
 */
export function judgedAt(sources: Sources, now: () => number): number {
  return sources.snapshot?.capturedAt ?? now();
}

/**
 * The client settings of `--endpoint`, `--max-attempts`, `--retry-mode`, `--connect-timeout` and
 * `--request-timeout`, shared by every AWS client of a live run.
 *
 * @example new S3Client(baseClientConfig({ region, ...clientOptionsOf(opts) }))
 */
export function clientOptionsOf(
  flags: ClientFlags,
): Pick<EcrClientOptions, 'maxAttempts' | 'retryMode' | 'connectionTimeoutMs' | 'requestTimeoutMs' | 'endpoint'> {
  return {
    maxAttempts: flags.maxAttempts,
    retryMode: flags.retryMode,
    connectionTimeoutMs: flags.connectTimeout,
    requestTimeoutMs: flags.requestTimeout,
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
  };
}

/**
 * The registry settings (creation templates, pull-through-cache rules, replication) of each region a
 * live run reads, with the run's client settings, counter and credentials (the account's role in a run
 * over several); none for a snapshot, which holds none.
 *
 * @example const { warnings } = await auditCreationTemplates(openRegistrySettings(opts, sources, run).map((s) => s.reader));
 */
export function openRegistrySettings(
  flags: ClientFlags,
  sources: Sources,
  run: Pick<SourceRun, 'counter' | 'credentials'>,
): SettingsSource[] {
  if (sources.snapshot !== undefined) return [];
  return sources.registries.map(({ reader }) => {
    const settings = createRegistrySettings({
      region: reader.region,
      counter: run.counter,
      ...clientOptionsOf(flags),
      ...(run.credentials === undefined ? {} : { credentials: run.credentials }),
    });
    return { reader: settings, writer: settings };
  });
}

/**
 * Reads the `--in-use` files: a malformed line stops the run before any work, naming the file and
 * line; SIGINT or SIGTERM stops it while it waits for a pipe. A list may hold a million entries:
 * they are added one by one, never spread into one call.
 */
async function readListFiles(files: readonly string[], signal: AbortSignal | undefined): Promise<InUseEntry[]> {
  const entries: InUseEntry[] = [];
  for (const file of files) {
    const text = await readTextFile(file, 'in-use list', signal === undefined ? {} : { signal });
    for (const entry of parseInUseList(text, file).entries) entries.push(entry);
  }
  return entries;
}

/**
 * The in-use sources of a command: the workload scanners (live runs; every source unless
 * `--in-use-scan` says otherwise), the `--in-use` files, and a snapshot's own record. Undefined when
 * there is none at all: the run then has no in-use figures. The names say what was read, for the report.
 *
 * @throws UsageError when `--in-use-scan` asks to scan a snapshot
 * @throws InvalidInputError when a list file is missing or malformed
 * @throws InterruptedError when `run.signal` fires while a list is read (a pipe that never ends)
 */
export async function inUseSourcesOf(
  flags: InUseFlags & ClientFlags,
  run: { snapshot?: SnapshotInUseSources; signal?: AbortSignal } & Pick<SourceRun, 'counter' | 'credentials'>,
): Promise<{ sources: InUseSources; names: string[] } | undefined> {
  const entries = await readListFiles(flags.inUse, run.signal);
  const names = flags.inUse.map((file) => `list:${file}`);
  if (run.snapshot !== undefined) {
    if (flags.inUseScan !== undefined && flags.inUseScan.length > 0) {
      throw new UsageError('--in-use-scan cannot read a snapshot: its own in-use record is used; pass --in-use FILE to add a list');
    }
    if (run.snapshot.recorded) names.unshift('snapshot');
    if (names.length === 0) return undefined;
    const { failures, warnings } = run.snapshot;
    return { sources: { scannersFor: () => [], entries: [...run.snapshot.entries, ...entries], failures, warnings }, names };
  }
  const scan = flags.inUseScan ?? parseInUseScan(DEFAULT_IN_USE_SCAN);
  names.unshift(...scan);
  if (names.length === 0) return undefined;
  const scannersFor = createWorkloadScannerPool({
    sources: scan,
    counter: run.counter,
    ...clientOptionsOf(flags),
    ...(run.credentials === undefined ? {} : { credentials: run.credentials }),
  });
  return { sources: { scannersFor, entries }, names };
}

/**
 * Reads what is in use over every region of a run at once (`audit`, `snapshot`): the catalog,
 * errors and warnings of {@link inUseSourcesOf}'s sources, or undefined when there is none.
 */
export async function readInUse(
  flags: InUseFlags & ClientFlags,
  run: { snapshot?: SnapshotInUseSources; regions: readonly string[]; signal?: AbortSignal } & Pick<SourceRun, 'counter' | 'credentials'>,
): Promise<(Required<Pick<AuditInUse, 'catalog' | 'errors' | 'warnings'>> & { names: string[] }) | undefined> {
  const inUse = await inUseSourcesOf(flags, run);
  if (inUse === undefined) return undefined;
  return { ...(await collectInUse(run.regions, inUse.sources)), names: inUse.names };
}

/** Where a single-repository command (`simulate --repository`) reads: a region and, for emulators, an endpoint. */
export interface LiveFlags {
  region?: string;
  endpoint?: string;
  maxAttempts?: number;
}

/**
 * The ECR registry of one region for a command that reads a single repository live: the region
 * from `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`; the SDK's default credentials.
 *
 * @throws UsageError when no region is known, or the region or endpoint is malformed
 */
export function openLiveRegistry(flags: LiveFlags, run: SourceRun): EcrRegistry {
  const region = (flags.region ?? defaultRegion(run.env) ?? '').trim();
  if (region === '') throw new UsageError('no region: pass --region us-east-1 or set AWS_REGION');
  if (!REGION_NAME.test(region)) throw new UsageError(`--region: "${region}" is not an AWS region name; write e.g. us-east-1`);
  if (flags.endpoint !== undefined && !URL.canParse(flags.endpoint))
    throw new UsageError(`--endpoint: "${flags.endpoint}" is not a URL; write e.g. http://127.0.0.1:5000`);
  const client = createEcrClient({
    region,
    counter: run.counter,
    ...(flags.maxAttempts === undefined ? {} : { maxAttempts: flags.maxAttempts }),
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
  });
  return new EcrRegistry({ client, region });
}

/** Every repository of a snapshot as the audit reads it. */
function statesOfSnapshot(snapshot: SnapshotFile): RepositoryState[] {
  return snapshot.registries.flatMap((registry) =>
    registry.repositories.map((r) => ({
      accountId: registry.accountId,
      region: registry.region,
      repositoryName: r.repositoryName,
      repositoryArn: r.repositoryArn,
      ...(r.createdAt === null ? {} : { createdAt: r.createdAt }),
      tags: r.tags,
      lifecyclePolicyText: r.lifecyclePolicyText,
      images: r.images,
    })),
  );
}

/**
 * Reads the earlier capture and the ledger file of `--previous-snapshot` and `--ledger`, when given:
 * what the audit of the later capture needs for its realized and prediction figures. The period runs
 * from the earlier capture to the later.
 *
 * @throws UsageError when only one of the two flags is given, or without `--snapshot`, or when the earlier capture is not earlier
 */
export async function readLedgerWeek(
  flags: LedgerFlags & Pick<SourceFlags, 'snapshot'>,
  capturedAt: number | undefined,
): Promise<{ truth: TruthLookup; ledger: LedgerPeriod } | undefined> {
  if (flags.previousSnapshot === undefined && flags.ledger === undefined) return undefined;
  if (flags.previousSnapshot === undefined || flags.ledger === undefined)
    throw new UsageError(
      '--previous-snapshot and --ledger go together: the earlier capture gives the forecast and the manifests, the ledger what ECR did',
    );
  if (flags.snapshot === undefined || capturedAt === undefined || Number.isNaN(capturedAt))
    throw new UsageError('--previous-snapshot needs --snapshot: the week compared is the one between the two captures');
  const previous = parseSnapshot(await readJsonFile(flags.previousSnapshot, 'snapshot'), flags.previousSnapshot);
  const from = toEpochMs(previous.capturedAt);
  if (!(from < capturedAt))
    throw new UsageError(
      `--previous-snapshot ${flags.previousSnapshot} was captured at ${previous.capturedAt}, not before --snapshot ${flags.snapshot}`,
    );
  const events = parseLedgerLines(await readTextFile(flags.ledger, 'ledger'), flags.ledger);
  const { lookup, events: inPeriod } = truthBetweenCaptures(statesOfSnapshot(previous), events, { from, to: capturedAt });
  return {
    truth: lookup,
    ledger: {
      from: new Date(from).toISOString(),
      to: new Date(capturedAt).toISOString(),
      actions: distinctActions(inPeriod).length,
      failures: distinctFailures(inPeriod).length,
    },
  };
}

// ---- Several accounts ------------------------------------------------------------------------

/** One account of a run over several: what it reads, the counter of its own calls and, live, its credentials. */
export interface AccountSession {
  sources: Sources;
  /** Counts the account's own calls: its report's `apiCalls`. */
  counter: CallCounter;
  /** The account's assumed role, for its other clients (ECS and Lambda for the in-use guard); absent: the caller's, or a snapshot. */
  credentials?: AwsCredentialIdentityProvider;
}

/** The accounts a run reads, and how each is entered. */
export interface AccountScope {
  /** In account id order; those known not to be readable (suspended, not read at capture time) carry why. */
  accounts: AccountRef[];
  opener: AccountOpener<AccountSession>;
  /** The regions an account is read in: those an account not read was to be read in. */
  regions: string[];
  /** Accounts read at the same time. */
  concurrency: number;
  /** Set for a snapshot of several accounts: when it was captured, epoch milliseconds. */
  capturedAt?: number;
}

/**
 * The accounts of a run over several: those of `--accounts` or `--org`, each entered through its
 * role (the caller's own account with the caller's credentials), or those of a snapshot of several
 * accounts (`--snapshot`). Undefined for a run over one account (no such flag, a snapshot of one
 * account): the command then opens its sources as it always did.
 *
 * @example const scope = await openAccountScope(opts, { snapshot: true, accounts: true }, { counter, env: ctx.env });
 * @throws UsageError when the account flags do not go together or no region is known
 * @throws OrganizationAccessError when `--org` is given by an account that may not list the organization
 * @throws AccountAccessError when the caller's own identity cannot be read (its credentials)
 */
export async function openAccountScope(flags: SourceFlags, choices: SourceChoices, run: SourceRun): Promise<AccountScope | undefined> {
  if (choices.accounts !== true) return undefined;
  const several = checkAccountFlags(flags);
  if (flags.snapshot !== undefined)
    return snapshotScope(await readSnapshot(flags, flags.snapshot), flags.snapshot, parseRegions(flags.region));
  if (!several) return undefined;
  const regions = liveRegions(flags, choices, run);
  // STS in the run's first region (a regional endpoint); Organizations resolves its own.
  const client = { region: regions[0] ?? FALLBACK_REGION, ...clientOptionsOf(flags) };
  const sts = new STSClient(baseClientConfig(client));
  run.counter.attach(sts);
  let caller: CallerIdentity;
  try {
    caller = await callerIdentity(sts);
  } catch (error) {
    throw new AccountAccessError(
      `the caller's identity could not be read (STS GetCallerIdentity: ${errorCode(error)}: ${(error as Error).message}): check the credentials the run uses`,
      errorCode(error),
      { cause: error },
    );
  }
  const source =
    flags.org === true
      ? new OrganizationAccounts(createOrganizationsClient({ ...client, counter: run.counter }))
      : new ListedAccounts(flags.accounts ?? []);
  const accounts = await source.accounts();
  const roles = new AssumedRoles({
    caller,
    region: client.region,
    counter: run.counter,
    ...clientOptionsOf(flags),
    ...(flags.roleName ? { roleName: flags.roleName } : {}),
  });
  return {
    accounts,
    regions,
    concurrency: flags.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY,
    opener: {
      open: async (account) => {
        const { credentials } = await roles.open(account);
        const counter = new CallCounter();
        const access = { counter, env: run.env, ...(credentials === undefined ? {} : { credentials }) };
        return { sources: openLive(flags, access, regions), ...access };
      },
    },
  };
}

/** The accounts of a snapshot of several: each read from its part of the file; undefined for a snapshot of one account. */
function snapshotScope(snapshot: SnapshotFile, file: string, regions: readonly string[]): AccountScope | undefined {
  const held = snapshotAccounts(snapshot);
  if (held.length < 2) return undefined;
  return {
    accounts: held.map(({ accountId, name, failure }) => ({ accountId, name, ...(failure === undefined ? {} : { unavailable: failure }) })),
    regions: [...new Set(held.flatMap((a) => a.regions))].filter((r) => regions.length === 0 || regions.includes(r)).sort(),
    concurrency: DEFAULT_ACCOUNT_CONCURRENCY,
    capturedAt: toEpochMs(snapshot.capturedAt),
    opener: {
      open: (account) =>
        Promise.resolve({
          sources: sourcesOfSnapshot(snapshotOfAccount(snapshot, account.accountId), file, regions, true),
          counter: new CallCounter(),
        }),
    },
  };
}
