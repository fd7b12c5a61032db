import { makeDemoSnapshot, serialiseSnapshot } from '../../../scripts/make-demo-snapshot';
import { makeDemoWeek } from '../../../scripts/make-demo-week';
import { parseSnapshot } from '../../../src/adapters/snapshot/schema';
import { parseLedgerLines } from '../../../src/adapters/events/policy-execution';
import { runCli } from '../../../src/cli/program';
import type { AuditReport } from '../../../src/domain/report';
import { recordingContext, tempFilesEachTest } from '../../support/cli-context';

// The demo's week (npm start audits it): a realized-savings week with the janitor's rule, and one
// deliberate prediction mismatch, read back through the CLI as a user would.
describe('make-demo-week', () => {
  const files = tempFilesEachTest('ecr-janitor-demo-week-');
  const captured = parseSnapshot(JSON.parse(serialiseSnapshot(makeDemoSnapshot())) as unknown, 'demo snapshot');
  const week = makeDemoWeek(captured);

  it('is the same week every time', () => {
    const again = makeDemoWeek(captured);
    expect(again.ledger).toBe(week.ledger);
    expect(serialiseSnapshot(again.snapshot)).toBe(serialiseSnapshot(week.snapshot));
  });

  it('writes a ledger of PolicyExecutionEvents within the week, and a later capture without the images they expired', () => {
    const events = parseLedgerLines(week.ledger, 'ledger.jsonl');
    const from = Date.parse(week.previous.capturedAt);
    const to = Date.parse(week.snapshot.capturedAt);
    expect(to - from).toBe(7 * 86_400_000);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => Date.parse(e.at) > from && Date.parse(e.at) < to)).toBe(true);
    const expired = new Set(
      events.flatMap((e) => e.actions.filter((a) => a.action === 'expire').map((a) => `${e.region}/${e.repositoryName}@${a.imageDigest}`)),
    );
    const left = week.snapshot.registries.flatMap((r) =>
      r.repositories.flatMap((repo) => repo.images.map((i) => `${r.region}/${repo.repositoryName}@${i.imageDigest}`)),
    );
    expect(left.filter((key) => expired.has(key))).toEqual([]);
    expect(left).toContain(week.left);
  });

  it('audits to realized savings, most by the default rule, and exactly one mismatch: the image left alone', async () => {
    const previous = files.write('previous.json', serialiseSnapshot(week.previous));
    const next = files.write('next.json', serialiseSnapshot(week.snapshot));
    const ledger = files.write('ledger.jsonl', week.ledger);
    const ctx = recordingContext(Date.parse(week.snapshot.capturedAt));

    const code = await runCli(['audit', '--snapshot', next, '--previous-snapshot', previous, '--ledger', ledger, '--format', 'json'], ctx);

    expect(code).toBe(0);
    const report = JSON.parse(ctx.stdout()) as AuditReport;
    const realized = report.totals.realized;
    expect(realized?.freedBytes).toBeGreaterThan(0);
    expect(realized?.byDefaultRule.freedBytes).toBeGreaterThan(0);
    expect(realized?.byDefaultRule.freedBytes).toBeLessThanOrEqual(realized?.freedBytes ?? 0);
    const mismatches = report.repositories.flatMap((r) => r.prediction?.mismatches ?? []);
    expect(mismatches.map((m) => `${m.region}/${m.repositoryName}@${m.imageDigest}`)).toEqual([week.left]);
    expect(mismatches[0]).toMatchObject({ kind: 'not-acted', action: 'expire' });
    expect(report.prediction?.actedNotForecast).toBe(0);
  });
});
