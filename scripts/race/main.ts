// `npm run race`: the write race of docs/write-safety.md on a local moto server, once per setup of
// the table (no faults; 50 % of puts throttled; responses dropped; requests held and landing late;
// throttled with the repair throttled too). Prints one JSON line: the totals over the setups (the
// window's percentiles: the worst setup's) and each setup's figures under `setups`; progress goes to
// stderr. Exits 1 when a target is missed (a team write lost, an overwrite neither repaired nor superseded,
// a write after an unknown outcome, or a window p99 over 200 ms).
//   npm run race [-- --repositories 30 --seconds 12 --seed 1 --endpoint http://127.0.0.1:PORT]
// (--endpoint: a moto server already running; otherwise one is started from .venv and stopped after.)
// The world (proxies, team writer) and the repair each run in a worker thread of this same script.
import { isMainThread } from 'node:worker_threads';
import { installMoto, removeLog, startMotoServer, stopMotoServer } from '../emulator/moto-server';
import { SETUPS, race, runRaceWorker, type RaceResult } from './harness';

/** The target of the window's 99th percentile, ms. */
const WINDOW_P99_TARGET_MS = 200;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? undefined : Number(process.argv[i + 1]);
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`--${name} takes a whole number above 0`);
  return value ?? fallback;
}

/** Whether a race met every target. */
export function metTargets(r: RaceResult): boolean {
  return (
    r.lostTeamWrites === 0 &&
    r.overwrites === r.repairedOverwrites + r.supersededOverwrites &&
    r.writesAfterUnknownOutcome === 0 &&
    r.windowP99Ms <= WINDOW_P99_TARGET_MS
  );
}

async function main(): Promise<void> {
  const repositories = flag('repositories', 30);
  const durationMs = flag('seconds', 12) * 1000;
  const seed = flag('seed', 1);
  const at = process.argv.indexOf('--endpoint');
  const given = at < 0 ? undefined : process.argv[at + 1];
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const server = given === undefined ? await startMotoServer(installMoto(process.cwd())) : undefined;
  const endpoint = given ?? (server?.endpoint as string);
  const options = { endpoint, repositories, durationMs, seed, script: __filename };
  const results: RaceResult[] = [];
  try {
    // A short race first, not reported: the first calls of a process pay for loading and compiling
    // the SDK's code paths, which is no part of the window being measured.
    await race(SETUPS[0] as (typeof SETUPS)[number], { ...options, repositories: 3, durationMs: 2_000 });
    for (const setup of SETUPS) {
      const result = await race(setup, options);
      results.push(result);
      process.stderr.write(`race: ${setup.name}: ${JSON.stringify(result)}\n`);
    }
  } finally {
    if (server !== undefined) {
      await stopMotoServer(server.child);
      removeLog(server.logFile);
    }
  }
  const sum = (
    key:
      | 'teamWrites'
      | 'janitorWrites'
      | 'lostTeamWrites'
      | 'overwrites'
      | 'repairedOverwrites'
      | 'supersededOverwrites'
      | 'writesAfterUnknownOutcome',
  ) => results.reduce((n, r) => n + r[key], 0);
  const totals = {
    setup: 'all',
    teamWrites: sum('teamWrites'),
    janitorWrites: sum('janitorWrites'),
    lostTeamWrites: sum('lostTeamWrites'),
    overwrites: sum('overwrites'),
    repairedOverwrites: sum('repairedOverwrites'),
    supersededOverwrites: sum('supersededOverwrites'),
    writesAfterUnknownOutcome: sum('writesAfterUnknownOutcome'),
    windowP50Ms: Math.max(...results.map((r) => r.windowP50Ms)),
    windowP99Ms: Math.max(...results.map((r) => r.windowP99Ms)),
    targetsMet: results.every(metTargets),
    setups: results,
  };
  process.stdout.write(`${JSON.stringify(totals)}\n`);
  if (!totals.targetsMet) process.exitCode = 1;
}

if (isMainThread) {
  main().catch((error: unknown) => {
    process.stderr.write(`race: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
} else runRaceWorker();
