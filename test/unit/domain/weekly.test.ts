// The weekly run's objects as the next step reads them: decodePlan and decodeShardResult give back
// what a step wrote, typed by their schemas, and refuse what a step could not have written.
import { PLAN_FORMAT, SHARD_FORMAT, decodePlan, decodeShardResult, type ShardResult, type WeeklyPlan } from '../../../src/domain/weekly';
import { repositoryReport } from '../support/report-fixtures';

const plan: WeeklyPlan = {
  format: PLAN_FORMAT,
  runId: 'run-1',
  planId: 'plan-a',
  startedAt: '2026-06-01T06:00:00.000Z',
  regions: ['eu-west-1'],
  settings: {
    now: Date.parse('2026-06-01T06:00:00.000Z'),
    days: 7,
    lintMaxUntaggedDays: 30,
    enforcedMaxUntaggedDays: 30,
    pricePerGbMonth: 0.1,
    selection: { optOutTag: 'ecr-janitor:opt-out', exclude: ['sandbox/*'] },
    costAllocationTagKeys: ['team'],
    archiveAfterDays: 90,
    archivePricePerGbMonth: null,
    apply: true,
    guard: { mode: 'on', horizonDays: 7, sources: ['ecs', 'lambda'] },
  },
  itemCount: 1,
  errors: [{ region: 'eu-west-1', source: 'lambda', code: 'AccessDeniedException', message: 'no' }],
  warnings: [{ region: 'eu-west-1', repositoryName: '', code: 'TagsReadOneByOne', message: 'one by one' }],
  inUse: {
    entries: [{ region: 'eu-west-1', repositoryName: 'web', imageDigest: `sha256:${'a'.repeat(64)}`, consumer: 'ecs:service/c/s' }],
    failures: [{ region: 'eu-west-1', source: 'lambda', code: 'AccessDeniedException', message: 'no' }],
  },
  apiCalls: { DescribeRepositories: 1, total: 1 },
  apiRetries: {},
};

const result: ShardResult = {
  format: SHARD_FORMAT,
  runId: 'run-1',
  planId: 'plan-a',
  items: ['eu-west-1/web'],
  repositories: [repositoryReport({ region: 'eu-west-1', repositoryName: 'web' })],
  warnings: [],
  errors: [],
  notReached: [],
  inUseAtRiskImages: [],
  actions: [{ region: 'eu-west-1', repositoryName: 'web', outcome: 'applied', before: null }],
  manifests: { cached: 3, fetched: 1 },
  apiCalls: { DescribeImages: 1, total: 1 },
  apiRetries: {},
};

describe('decodePlan', () => {
  it('gives back the plan as Plan wrote it', () => {
    expect(decodePlan(JSON.stringify(plan), 'run-1')).toEqual(plan);
  });

  it.each<[string, (doc: Record<string, unknown>) => void]>([
    ['without its call counts', (doc) => delete doc.apiCalls],
    ['with an error that has no code', (doc) => (doc.errors = [{ region: 'eu-west-1', message: 'no' }])],
    ['with an in-use entry that has no digest', (doc) => (doc.inUse = { entries: [{ repositoryName: 'web' }], failures: [] })],
    ['with a warning that names no region', (doc) => (doc.warnings = [{ code: 'TagsReadOneByOne' }])],
    [
      'with an exclude list that is not a list',
      (doc) => ((doc.settings as Record<string, unknown>).selection = { optOutTag: 'x', exclude: 'a' }),
    ],
  ])('refuses a plan %s', (_case, damage) => {
    const doc = JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
    damage(doc);
    expect(() => decodePlan(JSON.stringify(doc), 'run-1')).toThrow(`the plan of run run-1 is not a plan of format ${PLAN_FORMAT}`);
  });

  it("refuses another run's plan", () => {
    expect(() => decodePlan(JSON.stringify(plan), 'run-2')).toThrow('runs/run-2/plan.json belongs to run run-1');
  });
});

describe('decodeShardResult', () => {
  it('gives back the result as the shard wrote it', () => {
    expect(decodeShardResult(JSON.stringify(result), plan)).toEqual({ ok: true, result });
  });

  it.each<[string, (doc: Record<string, unknown>) => void]>([
    ['a repository row without its name', (doc) => (doc.repositories = [{ region: 'eu-west-1' }])],
    ['an action without its outcome', (doc) => (doc.actions = [{ region: 'eu-west-1', repositoryName: 'web' }])],
    ['manifest counts that are not numbers', (doc) => (doc.manifests = { cached: '3', fetched: 1 })],
  ])('refuses a result with %s, never half-using it', (_case, damage) => {
    const doc = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
    damage(doc);
    expect(decodeShardResult(JSON.stringify(doc), plan)).toEqual({ ok: false, reason: `not a shard result of format ${SHARD_FORMAT}` });
  });

  it("refuses an earlier plan's result as stale, and another run's outright", () => {
    expect(decodeShardResult(JSON.stringify(result), { runId: 'run-1', planId: 'plan-b' })).toEqual({
      ok: false,
      reason: 'written under an earlier plan of run run-1',
      stale: true,
    });
    expect(decodeShardResult(JSON.stringify(result), { runId: 'run-2', planId: 'plan-a' })).toEqual({
      ok: false,
      reason: 'written by run run-1, not run-2',
    });
    expect(decodeShardResult('{', plan)).toEqual({ ok: false, reason: 'not valid JSON' });
  });
});
