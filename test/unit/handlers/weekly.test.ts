// The weekly run's three functions over in-memory fakes of their ports: what each takes from the
// state machine, what it hands on, and how the last one reports. (The same functions against moto,
// driven as the state machine drives them: test/integration/handlers/weekly.test.ts.)
import { MemoryEventPublisher, MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import type { PullTimeExclusionAnswer } from '../../../src/domain/pull-time-exclusion';
import type { AuditReport } from '../../../src/domain/report';
import { runKeys, type ShardResult, type WeeklyItem } from '../../../src/domain/weekly';
import { makeHandler as aggregateHandler } from '../../../src/handlers/weekly-aggregate';
import { logger } from '../../../src/handlers/runtime/powertools';
import { makeHandler as planHandler } from '../../../src/handlers/weekly-plan';
import { makeHandler as shardHandler } from '../../../src/handlers/weekly-shard';
import type { PullTimeExclusionCheck } from '../../../src/ports/pull-time';
import { reportRenderer } from '../../../src/adapters/render/report-renderer';
import type { ReportMessage, ReportNotifier, ReportRenderer } from '../../../src/ports/report';
import { FakeRegistry } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';
import { PLAN_SETTINGS } from '../support/weekly';

const ROLE = 'arn:aws:iam::111122223333:role/ecr-janitor-prod-us-east-1-weekly-shard';
const SETTINGS = PLAN_SETTINGS;
/** The real artifacts (the JSON one is read back), and a message that only carries its link. */
const renderer: ReportRenderer = {
  render: (report, format, options) => reportRenderer.render(report, format, options),
  renderMessage: (_report, context) => ({ subject: 'ECR storage', text: `report: ${context.reportLink}` }),
};
const orphan = (name: string) =>
  imageOf(imageManifest({ config: blob(`${name}-c`, 100), layers: [blob(name, 5_000)] }), { pushedDaysAgo: 30 });

/** Answers the pull-time check per region as arranged. */
class FakePullTimes implements PullTimeExclusionCheck {
  readonly asked: string[] = [];
  constructor(private readonly answers: Record<string, PullTimeExclusionAnswer>) {}
  async isExcluded(region: string): Promise<PullTimeExclusionAnswer> {
    this.asked.push(region);
    return this.answers[region] ?? { excluded: true };
  }
}

class RecordingNotifier implements ReportNotifier {
  readonly messages: ReportMessage[] = [];
  async notify(message: ReportMessage): Promise<void> {
    this.messages.push(message);
  }
}

/** Two regions, two repositories each, none with a policy. */
function registries(): FakeRegistry[] {
  return ['eu-west-1', 'us-east-1'].map(
    (region) =>
      new FakeRegistry(region, [
        { name: 'api', images: [orphan(`${region}-api`)] },
        { name: 'web', images: [orphan(`${region}-web`)] },
      ]),
  );
}

/** Plan, then every batch through the shard function, as the map would. */
async function planAndShard(store: MemoryObjectStore, regs: FakeRegistry[], { batchSize = 3, batches = Infinity } = {}): Promise<string[]> {
  const planned = await planHandler({ registries: regs.map((r) => ({ reader: r })), store, bucket: 'reports', settings: () => SETTINGS })({
    runId: 'run-1',
  });
  const items = JSON.parse((await store.get(planned.itemsKey)) ?? '[]') as WeeklyItem[];
  const shard = shardHandler({
    store,
    concurrency: 2,
    registry: (region) => {
      const registry = regs.find((r) => r.region === region) as FakeRegistry;
      return { reader: registry, writer: registry };
    },
  });
  const keys: string[] = [];
  for (let i = 0; i < items.length && keys.length < batches; i += batchSize)
    keys.push((await shard({ Items: items.slice(i, i + batchSize), BatchInput: { runId: 'run-1' } })).key);
  return keys;
}

describe('the weekly functions', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));

  describe('weeklyPlan', () => {
    it('hands the map its bucket, items key and item count', async () => {
      const store = new MemoryObjectStore();
      const planned = await planHandler({
        registries: registries().map((r) => ({ reader: r })),
        store,
        bucket: 'reports',
        settings: () => SETTINGS,
      })({
        runId: 'run-1',
      });
      expect(planned).toEqual({ runId: 'run-1', bucket: 'reports', itemsKey: runKeys('run-1').items, itemCount: 4 });
    });

    it.each([
      ['no run id', {}],
      ['a run id that cannot be part of a key', { runId: '../reports' }],
      ['a run id that is a parent directory', { runId: '..' }],
      ['a run id that is the current directory', { runId: '.' }],
    ])('refuses an input with %s, as an error the state machine does not retry', async (_case, event) => {
      const handler = planHandler({ registries: [], store: new MemoryObjectStore(), bucket: 'reports', settings: () => SETTINGS });
      await expect(handler(event)).rejects.toMatchObject({ name: 'StepInputError', message: expect.stringContaining('runId') });
    });
  });

  describe('weeklyShard', () => {
    it('stops reading before its invocation times out, and still writes its result with what it did not reach', async () => {
      // Arrange: web's images never come; the invocation has 2 s left.
      const store = new MemoryObjectStore();
      const regs = registries();
      await planHandler({ registries: regs.map((r) => ({ reader: r })), store, bucket: 'reports', settings: () => SETTINGS })({
        runId: 'run-1',
      });
      const items = (JSON.parse((await store.get(runKeys('run-1').items)) ?? '[]') as WeeklyItem[]).filter((i) => i.region === 'eu-west-1');
      const ireland = regs[0] as FakeRegistry;
      ireland.describeImages = (name: string) =>
        name === 'web' ? new Promise(() => undefined) : FakeRegistry.prototype.describeImages.call(ireland, name);
      const shard = shardHandler({ store, concurrency: 2, registry: () => ({ reader: ireland, writer: ireland }) });

      // Act
      const outcome = await shard({ Items: items, BatchInput: { runId: 'run-1' } }, { getRemainingTimeInMillis: () => 2_000 });

      // Assert
      const result = JSON.parse((await store.get(outcome.key)) ?? '{}') as ShardResult;
      expect(result.notReached).toEqual([{ region: 'eu-west-1', repositoryName: 'web', reason: 'deadline' }]);
      expect(result.repositories.map((r) => r.repositoryName)).toEqual(['api']);
      expect(result.actions.find((a) => a.repositoryName === 'api')?.outcome).toBe('applied');
    });

    it('refuses a batch that is not what the map sends', async () => {
      const shard = shardHandler({
        store: new MemoryObjectStore(),
        concurrency: 1,
        registry: () => ({ reader: new FakeRegistry('eu-west-1') }),
      });
      await expect(shard({ Items: 'api', BatchInput: { runId: 'run-1' } })).rejects.toMatchObject({ name: 'StepInputError' });
    });
  });

  describe('weeklyAggregate', () => {
    async function aggregate(options: { pullTimes?: FakePullTimes; notifier?: RecordingNotifier; event?: object; batches?: number } = {}) {
      const store = new MemoryObjectStore();
      await planAndShard(store, registries(), { batches: options.batches ?? Infinity });
      const publisher = new MemoryEventPublisher();
      const handler = aggregateHandler({
        store,
        publish: { store, publisher, renderer, ...(options.notifier ? { notifier: options.notifier } : {}) },
        ...(options.pullTimes ? { pullTimes: { check: options.pullTimes, roleArn: ROLE } } : {}),
        now: () => NOW,
      });
      const detail = await handler(options.event ?? { runId: 'run-1', bucket: 'reports', itemsKey: runKeys('run-1').items, itemCount: 4 });
      const report = JSON.parse((await store.get(detail.artifacts.json)) ?? 'null') as AuditReport | null;
      return { detail, publisher, store, report };
    }

    it('publishes one report of every shard, and returns the event detail as its output', async () => {
      const { detail, publisher } = await aggregate();

      expect(detail.totals.repositories).toBe(4);
      expect(detail.remediation).toEqual({ applied: 4 });
      expect(publisher.events).toEqual([expect.objectContaining({ source: 'ecr-janitor', detail })]);
    });

    it("warns in each region whose registry records the shard role's pulls, or cannot say, and never errs for it", async () => {
      const pullTimes = new FakePullTimes({
        'eu-west-1': { excluded: false },
        'us-east-1': { excluded: undefined, reason: 'ECR refused ecr:ListPullTimeUpdateExclusions (AccessDeniedException)' },
      });

      const { detail } = await aggregate({ pullTimes });

      expect(pullTimes.asked.sort()).toEqual(['eu-west-1', 'us-east-1']);
      expect(detail.warningCount).toBe(2);
      expect(detail.errorCount).toBe(0);
    });

    it('writes each warning with the command that fixes it', async () => {
      const { report } = await aggregate({ pullTimes: new FakePullTimes({ 'eu-west-1': { excluded: false } }) });

      expect(report?.warnings).toEqual([
        {
          region: 'eu-west-1',
          repositoryName: '',
          code: 'PullTimesRecorded',
          message: expect.stringContaining(`aws ecr register-pull-time-update-exclusion --principal-arn ${ROLE} --region eu-west-1`),
        },
      ]);
    });

    it('sends the summary message with a link into the bucket, after the event', async () => {
      const notifier = new RecordingNotifier();

      await aggregate({ notifier });

      expect(notifier.messages).toEqual([
        { subject: 'ECR storage', text: expect.stringMatching(/^report: memory:\/\/memory\/reports\/.*report\.html$/) },
      ]);
    });

    it('reports the repositories of a map that stopped as errors saying so, and still publishes', async () => {
      // Arrange: the first batch (three repositories) ran, the second never did.
      const mapError = {
        Error: 'States.ExceedToleratedFailureThreshold',
        Cause: 'The number of failed items exceeded the tolerated threshold',
      };

      // Act
      const { detail, report, publisher } = await aggregate({ batches: 1, event: { runId: 'run-1', mapError } });

      // Assert
      expect(report?.errors).toEqual([
        {
          region: 'us-east-1',
          repositoryName: 'web',
          code: 'ShardResultMissing',
          message: `not audited: the map stopped (${mapError.Error}: ${mapError.Cause}); the next run reads it again`,
        },
      ]);
      expect(detail.totals.repositories).toBe(3);
      expect(publisher.events).toHaveLength(1);
    });

    it('refuses an input without a run id', async () => {
      const store = new MemoryObjectStore();
      const handler = aggregateHandler({ store, publish: { store, publisher: new MemoryEventPublisher(), renderer } });
      await expect(handler({ map: {} })).rejects.toMatchObject({ name: 'StepInputError' });
    });
  });
});
