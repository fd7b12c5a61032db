import { MemoryEventPublisher, MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import { decodeForecast, forecastKey } from '../../../../src/domain/forecast';
import type { ImageDetail } from '../../../../src/domain/image';
import type { LedgerEvent } from '../../../../src/domain/ledger';
import { ledgerEventKey } from '../../../../src/domain/ledger';
import { parsePolicy } from '../../../../src/domain/policy';
import { toEpochMs } from '../../../../src/domain/time';
import type { ReportArtifactFormat, ReportRenderer } from '../../../../src/ports/report';
import { recordLedgerEvent } from '../../../../src/use-cases/ledger-store';
import type { PlanSettings } from '../../../../src/use-cases/weekly/plan';
import { runWeekly, type WeeklyRunOptions } from '../../../../src/use-cases/weekly/run';
import { FakeRegistry, FAKE_ACCOUNT } from '../../support/fake-registry';
import { DAY, NOW, imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';
import { UNTAGGED_30_DAYS } from '../../support/policies';
import { PLAN_SETTINGS } from '../../support/weekly';

const REGION = 'eu-west-1';
const WEEK_1 = NOW - 7 * DAY;
const base = blob('base', 3_000_000);
const app = (name: string, bytes: number) => imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(name, bytes)] });

/** A release kept by tag and an untagged orphan pushed 30 days before NOW (23 before the first run). */
function release(name: string): { latest: ImageDetail; orphan: ImageDetail } {
  return {
    latest: imageOf(app(`${name}-current`, 10_000), { tags: ['latest'], pushedDaysAgo: 20 }),
    orphan: imageOf(app(`${name}-orphan`, 500_000), { pushedDaysAgo: 30 }),
  };
}

const renderer: ReportRenderer = {
  render: (_report: unknown, format: ReportArtifactFormat) => format,
  renderMessage: () => ({ subject: 's', text: 't' }),
};

function settings(now: number): PlanSettings {
  return { ...PLAN_SETTINGS, now, readLedger: true };
}

function run(now: number, runId: string): WeeklyRunOptions {
  const instant = { sleep: async () => undefined, now: () => now, random: () => 0.5 };
  return { runId, settings: settings(now), batchSize: 2, workers: 2, concurrency: 2, pacing: instant, now: () => now };
}

/** What ECR records when a rule of `policy` acts on `image` at `at`. */
function expired(
  repositoryName: string,
  image: ImageDetail,
  policy: string,
  rulePriority: number,
  at: number,
  eventId: string,
): LedgerEvent {
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new Error('the test policy does not parse');
  const description = parsed.policy.rules.find((r) => r.rulePriority === rulePriority)?.description ?? null;
  const base = { eventId, at: new Date(at).toISOString(), accountId: FAKE_ACCOUNT, region: REGION, repositoryName };
  return {
    ...base,
    actions: [
      {
        ...base,
        imageDigest: image.imageDigest,
        imageTags: image.imageTags ?? [],
        pushedAt: new Date(toEpochMs(image.imagePushedAt)).toISOString(),
        rulePriority,
        ruleDescription: description,
        defaultRule: description?.includes('ecr-janitor') ?? false,
        action: 'expire',
      },
    ],
    failures: [],
  };
}

describe('the weekly run with the ledger', () => {
  it('reports what the week freed, and holds last week’s forecast against what ECR did', async () => {
    // Arrange: four repositories; the first run writes the default rule to the two without a policy.
    const api = release('api');
    const etl = release('etl');
    // web's orphan becomes eligible under its 30-day rule a day before the second run: not yet due then.
    const web = { ...release('web'), orphan: imageOf(app('web-orphan', 500_000), { pushedDaysAgo: 31 }) };
    const fresh = imageOf(app('ml-fresh', 200_000), { pushedDaysAgo: 9 });
    const ml = { latest: release('ml').latest, fresh };
    const registry = new FakeRegistry(REGION, [
      { name: 'api', images: [api.latest, api.orphan] },
      { name: 'etl', images: [etl.latest, etl.orphan] },
      { name: 'web', policy: UNTAGGED_30_DAYS, images: [web.latest, web.orphan] },
      { name: 'ml', policy: UNTAGGED_30_DAYS, images: [ml.latest, ml.fresh] },
    ]);
    const store = new MemoryObjectStore();
    const deps = () => ({
      registries: [{ reader: registry, writer: registry }],
      store,
      publish: { store, publisher: new MemoryEventPublisher(), renderer },
    });
    const first = await runWeekly(deps(), run(WEEK_1, 'run-1'));
    const written = registry.policyOf('api') as string;

    // ECR, during the week: the default rule expires api's orphan (the event delivered twice), a team
    // rule expires ml's fresh image, which no forecast named; etl's orphan is left; web's is not yet due.
    const apiEvent = expired('api', api.orphan, written, 1, WEEK_1 + DAY, 'event-api');
    await recordLedgerEvent(store, apiEvent);
    await recordLedgerEvent(store, apiEvent);
    await recordLedgerEvent(store, expired('ml', ml.fresh, UNTAGGED_30_DAYS, 2, WEEK_1 + 2 * DAY, 'event-ml'));
    // An event before the first run is last week's business.
    await recordLedgerEvent(store, expired('etl', etl.orphan, written, 1, WEEK_1 - DAY, 'event-old'));
    registry.addRepository({ name: 'api', policy: written, images: [api.latest] });
    registry.addRepository({ name: 'ml', policy: UNTAGGED_30_DAYS, images: [ml.latest] });

    // Act
    const second = await runWeekly(deps(), run(NOW, 'run-2'));

    // Assert: the first run forecast and read an empty week.
    expect(first.report.totals.realized).toMatchObject({ images: 0, freedBytes: 0 });
    expect(first.report.ledger?.nextForecast).toEqual({ images: 3, days: 7 });
    // The second: api's orphan freed its own blobs (config and layer, not the base it shares), by the
    // default rule; ml's fresh image its own, by the team's rule; the redelivered event counted once.
    const report = second.report;
    const byName = new Map(report.repositories.map((r) => [r.repositoryName, r]));
    expect(byName.get('api')?.realized).toMatchObject({
      images: 1,
      freedBytes: 501_000,
      byDefaultRule: { images: 1, freedBytes: 501_000 },
    });
    expect(byName.get('ml')?.realized).toMatchObject({ images: 1, freedBytes: 201_000, byDefaultRule: { images: 0, freedBytes: 0 } });
    expect(byName.get('etl')?.realized?.images).toBe(0);
    expect(report.totals.realized).toMatchObject({ images: 2, freedBytes: 702_000, byDefaultRule: { images: 1, freedBytes: 501_000 } });
    expect(report.ledger).toEqual({
      from: new Date(WEEK_1).toISOString(),
      to: new Date(NOW).toISOString(),
      actions: 2,
      failures: 0,
      nextForecast: { images: 2, days: 7 },
    });
    expect(report.prediction).toEqual({
      forecastImages: 3,
      actedAsForecast: 1,
      actedNotForecast: 1,
      forecastNotActed: 1,
      notYetDue: 1,
      pushedAfterForecast: 0,
    });
    const mismatches = report.repositories.flatMap((r) => r.prediction?.mismatches ?? []);
    expect(mismatches.map((m) => [m.repositoryName, m.kind, m.imageDigest, m.rulePriority])).toEqual(
      expect.arrayContaining([
        ['etl', 'not-acted', etl.orphan.imageDigest, 1],
        ['ml', 'not-forecast', ml.fresh.imageDigest, 2],
      ]),
    );
    expect(mismatches).toHaveLength(2);
    // The next forecast, made now with the policy on ECR: etl's orphan still, web's orphan now due.
    const next = decodeForecast((await store.get(forecastKey(REGION, 'etl'))) as string, REGION, 'etl');
    expect(next?.forecastAt).toBe(new Date(NOW).toISOString());
    expect(next?.entries?.map((e) => e.imageDigest)).toEqual([etl.orphan.imageDigest]);
    expect(next?.policyText).toBe(registry.policyOf('etl'));
  });

  it('leaves out a record that is not a ledger record, saying so, and counts the rest', async () => {
    const api = release('api');
    const registry = new FakeRegistry(REGION, [{ name: 'api', policy: UNTAGGED_30_DAYS, images: [api.latest] }]);
    const store = new MemoryObjectStore();
    const event = expired('api', api.orphan, UNTAGGED_30_DAYS, 2, NOW - DAY, 'event-1');
    await recordLedgerEvent(store, event);
    await store.put(ledgerEventKey({ ...event, eventId: 'event-2' }), '{"format":"something-else"}', 'application/json');

    const { report } = await runWeekly(
      { registries: [{ reader: registry, writer: registry }], store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
      run(NOW, 'run-1'),
    );

    expect(report.totals.realized).toMatchObject({ images: 1, unmeasuredImages: 1 });
    expect(report.prediction).toBeUndefined();
    expect(report.warnings).toEqual([expect.objectContaining({ repositoryName: 'api', code: 'LedgerUnreadable' })]);
    expect(report.warnings[0]?.message).toContain('event-2');
  });

  it('reads no ledger and writes no forecast unless the run is told to', async () => {
    const api = release('api');
    const registry = new FakeRegistry(REGION, [{ name: 'api', images: [api.latest, api.orphan] }]);
    const store = new MemoryObjectStore();
    const { readLedger: _read, ...plain } = settings(NOW);

    const { report } = await runWeekly(
      { registries: [{ reader: registry, writer: registry }], store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
      { ...run(NOW, 'run-1'), settings: plain },
    );

    expect(report.totals.realized).toBeUndefined();
    expect(report.ledger).toBeUndefined();
    expect(await store.list('cache/forecast/')).toEqual([]);
    expect(await store.list('ledger/')).toEqual([]);
  });
});
