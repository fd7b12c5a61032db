// Benchmark of an audit across an organization: BENCH_ACCOUNTS accounts (50) of BENCH_REPOSITORIES
// repositories (200) and BENCH_IMAGES images each (20 a repository, 4,000), read BENCH_ACCOUNT_CONCURRENCY
// accounts at a time (8, as `--account-concurrency 8`), each account through its own simulated ECR with
// its own rate buckets, as ECR throttles per account and region, and with its own clients and client-side
// limits, as the CLI builds them per account. The accounts run through the same use case as
// `audit --org` (forEachAccount, one audit per account, organizationReport), over the production SDK
// stack (signing, retries, the call counter); only the network and STS are left out.
//
// Compared with: the fewest calls a complete audit of every account can make; the floor the accounts'
// budgets force at that concurrency (each account's own floor, its calls ÷ its slowest operation's
// rate, the accounts taken in order, so many at a time); the peak RSS against 1 GiB.
// Targets: calls = minimumCalls; wallMs ≤ 1.3 × floorMs; peakRssMb ≤ 1024.
// Last line: {"accounts","repositories","images","calls","minimumCalls","wallMs","floorMs","peakRssMb", …}.
import { createEcrRegistryPool } from '../../src/adapters/aws/clients';
import { CallCounter } from '../../src/adapters/aws/call-counter';
import type { RateLimits } from '../../src/adapters/aws/rate-limiter';
import type { AuditReport } from '../../src/domain/report';
import { DEFAULT_OPT_OUT_TAG } from '../../src/domain/defaults';
import type { AccountOpener, AccountRef } from '../../src/ports/accounts';
import type { RegistryReader } from '../../src/ports/registry';
import { forEachAccount, organizationReport } from '../../src/use-cases/accounts';
import { audit } from '../../src/use-cases/audit';
import {
  ACCOUNT_READ_RATES,
  EcrSimulator,
  GeneratedRegistry,
  bucketsOf,
  clientLimitsOf,
  floorMs,
  imageTotal,
  minimumCalls,
  type OperationLimits,
} from './ecr-simulator';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50);
const REPOSITORIES = Number(process.env.BENCH_REPOSITORIES ?? 200);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 4_000);
const ACCOUNT_CONCURRENCY = Number(process.env.BENCH_ACCOUNT_CONCURRENCY ?? 8);
const REGION = 'eu-west-1';

// Plausible per-account rates (ECR publishes only BatchGetImage's), as in bench:scan, multiplied by
// SCALE. One process serves every account's simulator and runs every account's clients: eight
// accounts in flight make eight times one account's calls a second, and the SDK and the simulator
// spend one to two milliseconds of CPU a call. At ×0.5 (10 DescribeImages a second per account, 320
// calls a second in all) that leaves the one event loop idle much of the time, so the benchmark
// measures the budgets and the scheduling of the accounts, not the CPU; at ×1 the CPU becomes the
// bottleneck on a two-core machine that is doing anything else.
const SCALE = Number(process.env.BENCH_SCALE ?? 0.5);
/** Each account's server buckets: the scaled rate, and a burst of one second's worth. */
const LIMITS: OperationLimits = bucketsOf(ACCOUNT_READ_RATES, SCALE);
const LATENCY = { minMs: 20, maxMs: 60 };
/** Each account's client limits: 95% of its server rates, as an operator who knows them sets them. */
const CLIENT_LIMITS: RateLimits = clientLimitsOf(LIMITS, 0.95);
// Repositories in flight per account (Little's law): its rate × a repository's critical path (two
// round trips), doubled for queueing; never under the CLI's default of 8.
const CONCURRENCY = Number(
  process.env.BENCH_CONCURRENCY ?? Math.max(8, Math.ceil(LIMITS.DescribeImages.ratePerSecond * ((2 * LATENCY.maxMs) / 1000) * 2)),
);
/** Images a generated registry keeps made at once: an account is read once, so a small cache is enough. */
const CACHE_IMAGES = 2_000;

/** The account ids of the organization: 12 digits each. */
function accountIdOf(i: number): string {
  return String(100_000_000_000 + i);
}

/**
 * The makespan of jobs of `durations` run `slots` at a time, each starting as soon as a slot frees,
 * in the order given: what the budgets force when no account can go faster than its own floor.
 */
function scheduleMs(durations: readonly number[], slots: number): number {
  const free = Array.from({ length: Math.max(1, slots) }, () => 0);
  for (const duration of durations) {
    const slot = free.indexOf(Math.min(...free));
    free[slot] = (free[slot] ?? 0) + duration;
  }
  return Math.max(...free);
}

/** What one account's audit runs with: its simulator (its ECR) and its own clients and limits. */
interface SimulatedAccount {
  registry: GeneratedRegistry;
  simulator: EcrSimulator;
  readers: RegistryReader[];
  counter: CallCounter;
}

async function main(): Promise<void> {
  const accounts: AccountRef[] = Array.from({ length: ACCOUNTS }, (_, i) => ({ accountId: accountIdOf(i), name: `account-${i}` }));
  const registries = new Map(
    accounts.map((a, i) => [
      a.accountId,
      new GeneratedRegistry({
        repositories: REPOSITORIES,
        images: IMAGES,
        seed: 1000 + i,
        accountId: a.accountId,
        region: REGION,
        cacheImages: CACHE_IMAGES,
      }),
    ]),
  );
  const opened = new Map<string, SimulatedAccount>();
  // Entering an account builds what the CLI builds per account: its registries, over its own clients,
  // counter and client-side limits; the simulator stands for the account's ECR (and its rate buckets).
  const opener: AccountOpener<SimulatedAccount> = {
    open: (account) => {
      const registry = registries.get(account.accountId);
      if (registry === undefined) return Promise.reject(new Error(`no registry for ${account.accountId}`));
      const simulator = new EcrSimulator({ registry, limits: LIMITS, latency: LATENCY });
      const counter = new CallCounter();
      const registryFor = createEcrRegistryPool({
        counter,
        rateLimits: CLIENT_LIMITS,
        requestHandler: simulator,
        credentials: { accessKeyId: `AKID${account.accountId}`, secretAccessKey: 'simulator' },
      });
      const session = { registry, simulator, readers: [registryFor(REGION)], counter };
      opened.set(account.accountId, session);
      return Promise.resolve(session);
    },
  };
  const now = Date.parse('2026-11-01T00:00:00Z');
  const settings = { now, generatedAt: now, days: 7, pricePerGbMonth: 0.1, selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] } };
  console.error(
    `bench:org: ${ACCOUNTS} accounts × ${REPOSITORIES} repositories × ${IMAGES / REPOSITORIES} images, ${ACCOUNT_CONCURRENCY} accounts at a time, ` +
      `${CONCURRENCY} repositories in flight per account; rates ×${SCALE} per account, latency ${LATENCY.minMs}-${LATENCY.maxMs} ms`,
  );
  const accountWall = new Map<string, number>();
  const started = performance.now();
  const outcomes = await forEachAccount(
    accounts,
    opener,
    async (session, account) => {
      const from = performance.now();
      const report: AuditReport = await audit(session.readers, { ...settings, concurrency: CONCURRENCY, counter: session.counter });
      accountWall.set(account.accountId, performance.now() - from);
      return report;
    },
    { concurrency: ACCOUNT_CONCURRENCY },
  );
  const report = organizationReport(outcomes, {
    regions: [REGION],
    settings: {
      generatedAt: new Date(now).toISOString(),
      now: new Date(now).toISOString(),
      days: 7,
      pricePerGbMonth: 0.1,
      archiveAfterDays: 90,
      archivePricePerGbMonth: null,
      costAllocationTagKeys: [],
    },
  });
  const wallMs = performance.now() - started;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  const problems: string[] = [];
  let minimum = 0;
  const floors: number[] = [];
  const throttled: Record<string, number> = {};
  for (const account of accounts) {
    const session = opened.get(account.accountId);
    const registry = registries.get(account.accountId);
    if (session === undefined || registry === undefined) {
      problems.push(`${account.accountId} was not entered`);
      continue;
    }
    const own = minimumCalls(registry);
    minimum += own.total;
    const calls = session.counter.snapshot().calls;
    floors.push(floorMs(calls, LIMITS));
    if ((calls.total ?? 0) !== own.total) problems.push(`${account.accountId}: calls ${calls.total ?? 0} ≠ minimum ${own.total}`);
    for (const [op, n] of Object.entries(session.simulator.stats.throttled)) throttled[op] = (throttled[op] ?? 0) + n;
  }
  const floor = scheduleMs(floors, ACCOUNT_CONCURRENCY);
  const calls = report.apiCalls.total ?? 0;
  const images = [...registries.values()].reduce((n, r) => n + imageTotal(r), 0);
  if (report.errors.length > 0) problems.push(`${report.errors.length} errors, first: ${JSON.stringify(report.errors[0])}`);
  if (report.totals.repositories !== ACCOUNTS * REPOSITORIES)
    problems.push(`audited ${report.totals.repositories} of ${ACCOUNTS * REPOSITORIES} repositories`);
  if (report.totals.images !== images) problems.push(`counted ${report.totals.images} of ${images} images`);
  if (calls !== minimum) problems.push(`calls ${calls} ≠ minimumCalls ${minimum}`);
  const ratio = wallMs / floor;
  if (ratio > 1.3) problems.push(`wall ${Math.round(wallMs)} ms is ${ratio.toFixed(2)} × the floor (target 1.3)`);
  if (peakRssMb > 1024) problems.push(`peak RSS ${peakRssMb} MiB is above 1024 MiB`);
  const walls = [...accountWall.values()].sort((a, b) => a - b);
  console.error(
    `accounts: each ${Math.round(floors[0] ?? 0)} ms at its floor, its audit ${Math.round(walls[0] ?? 0)}–${Math.round(walls.at(-1) ?? 0)} ms; ` +
      `calls ${calls} (minimum ${minimum}), retries ${Object.values(report.apiRetries).reduce((s, n) => s + n, 0)}, ` +
      `throttled by the servers ${JSON.stringify(throttled)}`,
  );
  console.error(
    `wall ${Math.round(wallMs)} ms = ${ratio.toFixed(2)} × the floor ${Math.round(floor)} ms (${ratio <= 1.3 ? 'meets' : 'misses'} the 1.3 target); ` +
      `peak RSS ${peakRssMb} MiB${problems.length > 0 ? `\nPROBLEMS:\n  ${problems.join('\n  ')}` : ''}`,
  );
  if (problems.length > 0) process.exitCode = 1;
  console.log(
    JSON.stringify({
      accounts: ACCOUNTS,
      repositories: report.totals.repositories,
      images: report.totals.images,
      calls,
      minimumCalls: minimum,
      wallMs: Math.round(wallMs),
      floorMs: Math.round(floor),
      peakRssMb,
      accountConcurrency: ACCOUNT_CONCURRENCY,
      retries: Object.values(report.apiRetries).reduce((s, n) => s + n, 0),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
