// The weekly run's last function over in-memory fakes of its ports: one report of every shard, its
// warnings, event, message, and a map that stopped. (Against moto: test/integration/handlers/weekly.test.ts.)
import { MemoryEventPublisher, MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { reportRenderer } from '../../../src/adapters/render/report-renderer';
import type { PullTimeExclusionAnswer } from '../../../src/domain/pull-time-exclusion';
import type { AuditReport } from '../../../src/domain/report';
import { runKeys } from '../../../src/domain/weekly';
import { logger } from '../../../src/handlers/runtime/powertools';
import { makeHandler as aggregateHandler } from '../../../src/handlers/weekly-aggregate';
import type { PullTimeExclusionCheck } from '../../../src/ports/pull-time';
import type { ReportMessage, ReportNotifier, ReportRenderer } from '../../../src/ports/report';
import { NOW } from '../support/images';
import { planAndShard, weeklyRegistries as registries } from '../support/weekly';

const ROLE = 'arn:aws:iam::111122223333:role/ecr-janitor-prod-us-east-1-weekly-shard';
/** The real artifacts (the JSON one is read back), and a message that only carries its link. */
const renderer: ReportRenderer = {
  render: (report, format, options) => reportRenderer.render(report, format, options),
  renderMessage: (_report, context) => ({ subject: 'ECR storage', text: `report: ${context.reportLink}` }),
};
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

describe('weeklyAggregate handler', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));

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
