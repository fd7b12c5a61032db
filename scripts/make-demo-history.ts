/**
 * Writes `demo/history.json`: eleven made-up weeks before the demo snapshot's week, so that the demo
 * report (`npm start`, which passes `--history demo/history.json`) shows its trend charts and the
 * change per owner. Deterministic: the weeks are the snapshot's own audit scaled back in time, each
 * owner at its own pace (storage grows a little every week as untagged images pile up); the last
 * {@link DEMO_REALIZED_WEEKS} weeks record what lifecycle policies freed, for the trend's freed line.
 *
 * Run: node dist/make-demo-history.js [--if-missing] [snapshot-file] [out-file]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseSnapshot } from '../src/adapters/snapshot/schema';
import { SnapshotRegistry } from '../src/adapters/snapshot/snapshot-registry';
import type { GroupTotals, HistoryEntry } from '../src/domain/history';
import { historyEntryOf } from '../src/domain/history';
import { serialiseHistory } from '../src/domain/history-file';
import type { SnapshotFile } from '../src/adapters/snapshot/format';
import { monthlyUsd } from '../src/domain/report';
import { audit } from '../src/use-cases/audit';

/** Weeks made up before the snapshot's own week. */
export const DEMO_HISTORY_WEEKS = 11;
/** Of those, the last weeks that recorded what lifecycle policies freed (the ledger read since). */
export const DEMO_REALIZED_WEEKS = 6;
const WEEK_MS = 7 * 86_400_000;
const PRICE = 0.1;

/** A weekly growth rate between 1 % and 4 % that depends only on `name`. */
function growthOf(name: string): number {
  return 0.01 + (Number.parseInt(createHash('sha256').update(name).digest('hex').slice(0, 8), 16) % 31) / 1000;
}

/**
 * The made-up weeks before the snapshot's week, oldest first, grouped by name prefix and by the
 * `team` tag as `npm start` groups the demo.
 */
export async function makeDemoHistory(snapshot: SnapshotFile): Promise<HistoryEntry[]> {
  const capturedAt = Date.parse(snapshot.capturedAt);
  const report = await audit(SnapshotRegistry.fromSnapshot(snapshot), {
    now: capturedAt,
    generatedAt: capturedAt,
    days: 7,
    pricePerGbMonth: PRICE,
    selection: { optOutTag: 'ecr-janitor:opt-out', exclude: [] },
    concurrency: 8,
    costAllocationTagKeys: ['team'],
  });
  const current = historyEntryOf(report);
  const entries: HistoryEntry[] = [];
  for (let back = DEMO_HISTORY_WEEKS; back >= 1; back--) {
    const at = new Date(capturedAt - back * WEEK_MS).toISOString();
    const scale = (bytes: number, name: string): number => Math.round(bytes / (1 + growthOf(name)) ** back);
    const storedBytes = scale(current.storedBytes, 'total');
    const reclaimableBytes = Math.min(storedBytes, scale(current.reclaimableBytes, 'reclaimable'));
    const groups: NonNullable<HistoryEntry['groups']> = {};
    for (const [by, values] of Object.entries(current.groups ?? {})) {
      const scaled: Record<string, GroupTotals> = {};
      for (const [value, g] of Object.entries(values ?? {})) {
        const stored = scale(g.storedBytes, `${by}=${value}`);
        const reclaimable = Math.min(stored, scale(g.reclaimableBytes, `${by}=${value}`));
        scaled[value] = {
          ...g,
          storedBytes: stored,
          reclaimableBytes: reclaimable,
          monthlyCostUsd: monthlyUsd(stored, PRICE),
          monthlySavingsUsd: monthlyUsd(reclaimable, PRICE),
        };
      }
      groups[by as keyof typeof groups] = scaled;
    }
    // What the teams' own lifecycle rules freed that week (the janitor's rule only arrives with the demo's week).
    const freedBytes = back > DEMO_REALIZED_WEEKS ? 0 : Math.round(storedBytes * (0.01 + (growthOf(`freed-${back}`) - 0.01) * 0.6));
    const images = Math.max(1, Math.round(freedBytes / 48_000_000));
    entries.push({
      ...current,
      ...(freedBytes === 0
        ? {}
        : {
            realized: {
              images,
              freedBytes,
              monthlySavingsUsd: monthlyUsd(freedBytes, PRICE),
              byDefaultRule: { images: 0, freedBytes: 0, monthlySavingsUsd: 0 },
              archivedBytes: 0,
            },
          }),
      date: at.slice(0, 10),
      generatedAt: at,
      week: historyEntryOf({ ...report, now: at, generatedAt: at }).week,
      storedBytes,
      reclaimableBytes,
      monthlyCostUsd: monthlyUsd(storedBytes, PRICE),
      monthlySavingsUsd: monthlyUsd(reclaimableBytes, PRICE),
      groups,
    });
  }
  return entries;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const source = resolve(files[0] ?? 'demo/snapshot.json');
  const out = resolve(files[1] ?? 'demo/history.json');
  // `npm start` calls this on every run: made once, then kept and extended by the audit.
  if (args.includes('--if-missing') && existsSync(out)) return;
  const snapshot = parseSnapshot(JSON.parse(readFileSync(source, 'utf8')) as unknown, source);
  const entries = await makeDemoHistory(snapshot);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serialiseHistory(entries));
}

if (typeof require !== 'undefined' && require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
