// The write-race harness: a team writer and `remediate --apply` race on the same repositories of a
// moto server, the janitor's calls through a fault-injecting proxy, while the repair handler
// (onPolicyChanged) runs in-process on synthesized CloudTrail events of every write, delivered late,
// out of order and twice. It reports what happened to the team's writes.
//
// Definitions (also in docs/write-safety.md):
// - A team write W is *overwritten* when a janitor write (of the run or of the repair) lands on a
//   policy that held W's rules and the janitor's text does not hold them: W's content is gone.
// - An overwrite is *repaired* when a later janitor write puts W's rules back before the team's next
//   write on that repository, and *superseded* when the team's next write comes first (the team's
//   newer text is then what must survive, and is judged as its own write). Unrepaired: neither.
// - A team write is *lost* when it is the last team write on its repository and, once every run has
//   ended, every held write has landed and every event (with its retries) has been handled, the
//   repository's policy does not hold its rules.
// - The *window* is the time from the proxy's answer to a GetLifecyclePolicy to the arrival of the
//   PutLifecyclePolicy that follows it on the same repository: the janitor's re-read → write window.
import { MessageChannel, Worker, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRepositoryCommand, ECRClient, GetLifecyclePolicyCommand, LifecyclePolicyNotFoundException } from '@aws-sdk/client-ecr';
import { createEcrRegistryPool } from '../../src/adapters/aws/clients';
import { holdsTeamRules } from '../../src/domain/policy';
import type { RemediationAction } from '../../src/domain/remediation';
import { DEFAULT_OPT_OUT_TAG } from '../../src/domain/defaults';
import { remediate } from '../../src/use-cases/remediate';
import { NO_FAULTS, type Faults } from './fault-proxy';
import type { LandedWrite } from './ledger';
import { createRepairTable } from './repair-table';
import { startRepair, type RepairAnswer, type RepairInput, type RepairRequest } from './repair';
import { CREDENTIALS, REGION, startWorld, type WorldAnswer, type WorldInput, type WorldRequest } from './world';

/** One row of the table: the faults of the run's puts and of the repair's. */
export interface RaceSetup {
  name: string;
  run: Faults;
  repair: Faults;
}

/** The setups of the table. */
export const SETUPS: readonly RaceSetup[] = [
  { name: 'no faults', run: NO_FAULTS, repair: NO_FAULTS },
  { name: '50% of puts throttled', run: { ...NO_FAULTS, throttle: 0.5 }, repair: NO_FAULTS },
  { name: '30% of responses dropped', run: { ...NO_FAULTS, drop: 0.3 }, repair: NO_FAULTS },
  { name: '50% of puts held 2.5 s, landing late', run: { ...NO_FAULTS, hold: 0.5, holdMs: 2_500 }, repair: NO_FAULTS },
  { name: '50% throttled, the repair throttled too', run: { ...NO_FAULTS, throttle: 0.5 }, repair: { ...NO_FAULTS, throttle: 0.5 } },
];

/** How big and how long a race is. */
export interface RaceOptions {
  /** The moto server, e.g. http://127.0.0.1:5000. */
  endpoint: string;
  /** Repositories raced on. @default 30 */
  repositories?: number;
  /** How long the team writes, ms. @default 12000 */
  durationMs?: number;
  /** Time between two team writes on a repository, ms (±25 %). @default 2000 */
  teamEveryMs?: number;
  /** The janitor's request timeout, ms (held requests wait longer). @default 1000 */
  requestTimeoutMs?: number;
  /** Seed of every random choice. @default 1 */
  seed?: number;
}

/** What one race found. */
export interface RaceResult {
  setup: string;
  teamWrites: number;
  janitorWrites: number;
  lostTeamWrites: number;
  overwrites: number;
  repairedOverwrites: number;
  /** Overwrites the team's own next write replaced before the repair did (not counted as repaired). */
  supersededOverwrites: number;
  windowP50Ms: number;
  windowP99Ms: number;
  /** Puts of a run to a repository after a put of that run whose answer was lost. */
  writesAfterUnknownOutcome: number;
  /** Actions of the runs, by outcome. */
  outcomes: Record<string, number>;
  /** Remediation runs made while the team wrote. */
  runs: number;
  /** Handler invocations, events retried (the handler threw), and events given up after two retries. */
  invocations: number;
  retried: number;
  deadLettered: number;
}

const REPAIR_TABLE = 'ecr-janitor-race-repair';

/** The p-th percentile (nearest rank) of `values`, 0 when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Judges each repository's landed writes: overwrites, repaired, superseded. */
export function judgeLedger(writes: readonly LandedWrite[]): { overwrites: number; repaired: number; superseded: number } {
  let overwrites = 0;
  let repaired = 0;
  let superseded = 0;
  let team: LandedWrite | undefined;
  let held = true;
  // Each open overwrite of the current team write, waiting for a repair or the team's next write.
  let open = 0;
  for (const write of writes) {
    if (write.by === 'team') {
      superseded += open;
      open = 0;
      team = write;
      held = true;
      continue;
    }
    if (team === undefined) continue;
    const holds = holdsTeamRules(write.text, team.text);
    if (held && !holds) {
      overwrites++;
      open++;
    } else if (!held && holds) {
      repaired += open;
      open = 0;
    }
    held = holds;
  }
  return { overwrites, repaired, superseded };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker of the race and the next answer of a type from it. */
function workerOf<Answer extends { type: string }, Request>(script: string, role: 'world' | 'repair', input: object, port: MessagePort) {
  const worker = new Worker(script, { workerData: { role, input: { ...input, events: port } }, transferList: [port] });
  const waiting = new Map<string, Array<(answer: Answer) => void>>();
  worker.on('message', (answer: Answer) => waiting.get(answer.type)?.shift()?.(answer));
  return {
    ask<T extends Answer['type']>(type: T, request?: Request): Promise<Extract<Answer, { type: T }>> {
      const answer = new Promise<Extract<Answer, { type: T }>>((resolve) => {
        const list = waiting.get(type) ?? [];
        list.push(resolve as (answer: Answer) => void);
        waiting.set(type, list);
      });
      if (request !== undefined) worker.postMessage(request);
      return answer;
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * Runs the worker a race started in this thread (the script is the race's own bundle): the world or
 * the repair, by `workerData.role`. Does nothing on the main thread.
 */
export function runRaceWorker(): void {
  if (parentPort === null) return;
  const port = parentPort;
  const { role, input } = workerData as { role: 'world' | 'repair'; input: WorldInput & RepairInput };
  if (role === 'world') {
    void startWorld(input, (answer) => port.postMessage(answer)).then((handle) =>
      port.on('message', (request: WorldRequest) => handle(request)),
    );
  } else {
    const handle = startRepair(input, (answer) => port.postMessage(answer));
    port.on('message', (request: RepairRequest) => handle(request));
  }
}

/**
 * Runs one setup: creates the repositories afresh, races the team writer against back-to-back
 * remediation runs for `durationMs`, lets every held write land and every event (with Lambda's
 * retries) be handled, then reads every policy and judges the ledger. The world (proxies, team,
 * ledger) and the repair each run in a worker thread of `script` (the race's bundle); the
 * remediation runs on this thread, alone, as the janitor does.
 *
 * @example const result = await race(SETUPS[1], { endpoint: 'http://127.0.0.1:5000', script: __filename });
 */
export async function race(setup: RaceSetup, options: RaceOptions & { script: string }): Promise<RaceResult> {
  const repositories = options.repositories ?? 30;
  const seed = options.seed ?? 1;
  const requestTimeoutMs = options.requestTimeoutMs ?? 1_000;
  const names = Array.from({ length: repositories }, (_, i) => `race/repo-${String(i).padStart(3, '0')}`);

  // A fresh emulator: the repositories, and the repair's table.
  await fetch(`${options.endpoint}/moto-api/reset`, { method: 'POST' }).then((r) => r.body?.cancel());
  const ecr = new ECRClient({ endpoint: options.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  const dynamodb = new DynamoDBClient({ endpoint: options.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  await Promise.all(names.map((repositoryName) => ecr.send(new CreateRepositoryCommand({ repositoryName }))));
  await createRepairTable(dynamodb, REPAIR_TABLE);

  const channel = new MessageChannel();
  const world = workerOf<WorldAnswer, WorldRequest>(
    options.script,
    'world',
    {
      endpoint: options.endpoint,
      names,
      run: setup.run,
      repair: setup.repair,
      seed,
      durationMs: options.durationMs ?? 12_000,
      teamEveryMs: options.teamEveryMs ?? 2_000,
    },
    channel.port1,
  );
  const { runEndpoint, repairEndpoint } = await world.ask('ready');
  const repair = workerOf<RepairAnswer, RepairRequest>(
    options.script,
    'repair',
    { endpoint: options.endpoint, repairEndpoint, tableName: REPAIR_TABLE, requestTimeoutMs, seed: seed + 1 },
    channel.port2,
  );
  const registry = createEcrRegistryPool({ endpoint: runEndpoint, credentials: CREDENTIALS, requestTimeoutMs, connectionTimeoutMs: 1_000 })(
    REGION,
  );

  // The janitor: `remediate --apply` over and over while the team writes.
  let teamDone = false;
  const team = world.ask('team-done', { type: 'team' }).then((answer) => {
    teamDone = true;
    return answer.teamWrites;
  });
  const runs: Array<{ start: number; end: number; actions: RemediationAction[] }> = [];
  while (!teamDone) {
    const start = performance.now();
    const result = await remediate([{ reader: registry, writer: registry }], {
      days: 7,
      apply: true,
      concurrency: 8,
      selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
    });
    runs.push({ start, end: performance.now(), actions: result.actions });
  }
  const teamWrites = await team;
  // Quiet: every held write landed, every event was received and handled with its retries (each may
  // cause more writes and events), twice in a row.
  let quiet = 0;
  let counts: RepairAnswer = { type: 'status', received: 0, pending: 0, invocations: 0, retried: 0, deadLettered: 0 };
  while (quiet < 2) {
    await sleep(250);
    const worldStatus = await world.ask('status', { type: 'status' });
    counts = await repair.ask('status', { type: 'status' });
    quiet = worldStatus.inFlight === 0 && counts.pending === 0 && worldStatus.sent === counts.received ? quiet + 1 : 0;
  }
  const report = await world.ask('report', { type: 'report' });
  await Promise.all([world.terminate(), repair.terminate()]);

  // The judgement.
  const ledger = new Map(report.ledger);
  let lostTeamWrites = 0;
  let overwrites = 0;
  let repairedOverwrites = 0;
  let supersededOverwrites = 0;
  let janitorWrites = 0;
  for (const repositoryName of names) {
    const writes = ledger.get(repositoryName) ?? [];
    janitorWrites += writes.filter((w) => w.by !== 'team').length;
    const judged = judgeLedger(writes);
    overwrites += judged.overwrites;
    repairedOverwrites += judged.repaired;
    supersededOverwrites += judged.superseded;
    const lastTeam = [...writes].reverse().find((w) => w.by === 'team');
    if (lastTeam === undefined) continue;
    const stored = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName })).then(
      (out) => out.lifecyclePolicyText,
      (error: unknown) => {
        if (error instanceof LifecyclePolicyNotFoundException) return undefined;
        throw error;
      },
    );
    if (!holdsTeamRules(stored, lastTeam.text)) lostTeamWrites++;
  }
  let writesAfterUnknownOutcome = 0;
  for (const run of runs) {
    const unsure = new Set<string>();
    for (const put of report.runPuts.filter((p) => p.receivedAt >= run.start && p.receivedAt <= run.end)) {
      if (unsure.has(put.repositoryName)) writesAfterUnknownOutcome++;
      if (put.fault === 'drop' || put.fault === 'hold') unsure.add(put.repositoryName);
    }
  }
  const outcomes: Record<string, number> = {};
  for (const action of runs.flatMap((r) => r.actions)) outcomes[action.outcome] = (outcomes[action.outcome] ?? 0) + 1;
  ecr.destroy();
  dynamodb.destroy();
  return {
    setup: setup.name,
    teamWrites,
    janitorWrites,
    lostTeamWrites,
    overwrites,
    repairedOverwrites,
    supersededOverwrites,
    windowP50Ms: Math.round(percentile(report.windows, 50) * 10) / 10,
    windowP99Ms: Math.round(percentile(report.windows, 99) * 10) / 10,
    writesAfterUnknownOutcome,
    outcomes,
    runs: runs.length,
    invocations: counts.invocations,
    retried: counts.retried,
    deadLettered: counts.deadLettered,
  };
}
