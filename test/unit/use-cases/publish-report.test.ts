import type { HistoryEntry } from '../../../src/domain/history';
import { HISTORY_FORMAT } from '../../../src/domain/history-file';
import type {
  EventPublisher,
  ReportArtifactFormat,
  ReportMessage,
  ReportMessageContext,
  ReportNotifier,
  ReportRenderer,
  ReportRenderOptions,
  ReportStore,
} from '../../../src/ports/report';
import { HISTORY_KEY, centralReportKey, publishReport } from '../../../src/use-cases/publish-report';
import { auditReport, historyEntry, repositoryReport } from '../support/report-fixtures';
import { expectEscapedJson, HOSTILE } from '../../support/hostile-text';

/** A bucket in memory: every put is kept with its content type. */
class MemoryStore implements ReportStore {
  readonly location = 's3://reports-test';
  readonly objects = new Map<string, { body: string; contentType: string }>();

  async put(key: string, body: string, contentType: string): Promise<void> {
    this.objects.set(key, { body, contentType });
  }

  async get(key: string): Promise<string | undefined> {
    return this.objects.get(key)?.body;
  }

  linkTo(key: string): string {
    return `https://console.example/reports-test/${key}`;
  }
}

/** A bucket that refuses every write, as S3 does when its policy does not let the caller in. */
class RefusingStore extends MemoryStore {
  override async put(): Promise<void> {
    throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
  }
}

/** Records every published event. */
class RecordingPublisher implements EventPublisher {
  readonly events: Array<{ source: string; detailType: string; detail: object }> = [];

  async publish(event: { source: string; detailType: string; detail: object }): Promise<void> {
    this.events.push(event);
  }
}

/** A renderer that names what it was asked for, so the test sees which rendering went where. */
class FakeRenderer implements ReportRenderer {
  readonly calls: Array<{ format: ReportArtifactFormat; options: ReportRenderOptions | undefined }> = [];

  readonly messages: ReportMessageContext[] = [];

  render(report: { generatedAt: string }, format: ReportArtifactFormat, options?: ReportRenderOptions): string {
    this.calls.push({ format, options });
    return `${format} of ${report.generatedAt}\n`;
  }

  renderMessage(report: { generatedAt: string }, context: ReportMessageContext): ReportMessage {
    this.messages.push(context);
    return { subject: `report of ${report.generatedAt}`, text: `see ${context.reportLink}` };
  }
}

/** Records every message sent. */
class RecordingNotifier implements ReportNotifier {
  readonly messages: ReportMessage[] = [];

  async notify(message: ReportMessage): Promise<void> {
    this.messages.push(message);
  }
}

describe('publishReport', () => {
  describe('publishReport', () => {
    it('writes each artifact as the renderer renders it, with its content type', async () => {
      // Arrange
      const deps = { store: new MemoryStore(), publisher: new RecordingPublisher(), renderer: new FakeRenderer() };
      const report = auditReport([repositoryReport()]);

      // Act
      await publishReport(report, deps);

      // Assert
      const prefix = 'reports/2026-11-01';
      expect(Object.fromEntries([...deps.store.objects].filter(([key]) => key !== HISTORY_KEY))).toEqual({
        [`${prefix}/report.json`]: { body: `json of ${report.generatedAt}\n`, contentType: 'application/json' },
        [`${prefix}/report.csv`]: { body: `csv of ${report.generatedAt}\n`, contentType: 'text/csv; charset=utf-8' },
        [`${prefix}/cost-groups.csv`]: { body: `cost-groups-csv of ${report.generatedAt}\n`, contentType: 'text/csv; charset=utf-8' },
        [`${prefix}/report.md`]: { body: `markdown of ${report.generatedAt}\n`, contentType: 'text/markdown; charset=utf-8' },
        [`${prefix}/report.html`]: { body: `html of ${report.generatedAt}\n`, contentType: 'text/html; charset=utf-8' },
      });
    });

    it('gives the HTML renderer the trend weeks, this report included, and last week for the change per group', async () => {
      // Arrange: a history of the first shape (a bare array without weeks or groups) is read as it is.
      const store = new MemoryStore();
      await store.put(HISTORY_KEY, JSON.stringify([historyEntry('2026-10-25', 5)]), 'application/json');
      const renderer = new FakeRenderer();
      const report = auditReport([repositoryReport({ storedBytes: 7, reclaimableBytes: 2 })]);

      // Act
      await publishReport(report, { store, publisher: new RecordingPublisher(), renderer });

      // Assert
      const options = renderer.calls.find((c) => c.format === 'html')?.options;
      expect(options?.history).toEqual([
        { date: '2026-10-25', storedBytes: 5, reclaimableBytes: 0, monthlyCostUsd: 0 },
        { date: '2026-11-01', storedBytes: 7, reclaimableBytes: 2, monthlyCostUsd: report.totals.monthlyCostUsd },
      ]);
      expect(options?.previous).toMatchObject({ date: '2026-10-25', storedBytes: 5 });
      expect(renderer.calls.filter((c) => c.format !== 'html').map((c) => c.options)).toEqual([undefined, undefined, undefined, undefined]);
    });

    it('charts the last 12 weeks only, and keeps the rest of the history', async () => {
      // Arrange: twenty weekly entries before this report.
      const store = new MemoryStore();
      const earlier = Array.from({ length: 20 }, (_, i) =>
        historyEntry(new Date(Date.parse('2026-10-25T00:00:00Z') - (19 - i) * 7 * 86_400_000).toISOString().slice(0, 10), i),
      );
      await store.put(HISTORY_KEY, JSON.stringify({ format: HISTORY_FORMAT, weeks: earlier }), 'application/json');
      const renderer = new FakeRenderer();

      // Act
      await publishReport(auditReport([repositoryReport()]), { store, publisher: new RecordingPublisher(), renderer });

      // Assert
      const history = renderer.calls.find((c) => c.format === 'html')?.options?.history ?? [];
      expect(history).toHaveLength(12);
      expect(history[0]?.date).toBe('2026-08-16');
      expect(history.at(-1)?.date).toBe('2026-11-01');
      const stored = JSON.parse((await store.get(HISTORY_KEY)) ?? '{}') as { format: string; weeks: HistoryEntry[] };
      expect(stored.format).toBe(HISTORY_FORMAT);
      expect(stored.weeks).toHaveLength(21);
    });

    it('writes the history with control and bidirectional characters of a group name as JSON escapes that parse back to it', async () => {
      // Arrange: last week's groups by the team tag, one of whose values would reorder a line
      const store = new MemoryStore();
      const totals = { repositories: 1, storedBytes: 5, reclaimableBytes: 0, monthlyCostUsd: 0, monthlySavingsUsd: 0 };
      const earlier = historyEntry('2026-10-25', 5, { groups: { 'tag:team': { [HOSTILE]: totals } } });
      await store.put(HISTORY_KEY, JSON.stringify({ format: HISTORY_FORMAT, weeks: [earlier] }), 'application/json');

      // Act
      await publishReport(auditReport([repositoryReport()]), { store, publisher: new RecordingPublisher(), renderer: new FakeRenderer() });

      // Assert
      const text = (await store.get(HISTORY_KEY)) ?? '';
      const stored = JSON.parse(text) as { weeks: HistoryEntry[] };
      expectEscapedJson(text, stored);
      expect(stored.weeks[0]?.groups).toEqual({ 'tag:team': { [HOSTILE]: totals } });
    });

    it('replaces the entry of the same week when the report runs again, and measures the change from the week before', async () => {
      // Arrange: last week's report, then one earlier this week (Monday 2026-10-26), then this one (Sunday 2026-11-01).
      const store = new MemoryStore();
      const monday = { ...historyEntry('2026-10-26', 9), generatedAt: '2026-10-26T06:00:00.000Z' };
      await store.put(
        HISTORY_KEY,
        JSON.stringify({ format: HISTORY_FORMAT, weeks: [historyEntry('2026-10-19', 5), monday] }),
        'application/json',
      );
      const publisher = new RecordingPublisher();

      // Act
      const detail = await publishReport(auditReport([repositoryReport({ storedBytes: 7 })]), {
        store,
        publisher,
        renderer: new FakeRenderer(),
      });

      // Assert
      expect(detail.change).toMatchObject({ since: '2026-10-19T00:05:00.000Z', storedBytes: 2 });
      const stored = JSON.parse((await store.get(HISTORY_KEY)) ?? '{}') as { weeks: HistoryEntry[] };
      expect(stored.weeks.map((e) => e.date)).toEqual(['2026-10-19', '2026-11-01']);
    });

    it('publishes the event with the change since the previous report and the artifact keys', async () => {
      // Arrange
      const store = new MemoryStore();
      await store.put(HISTORY_KEY, JSON.stringify([historyEntry('2026-10-25', 5)]), 'application/json');
      const publisher = new RecordingPublisher();
      const report = auditReport([repositoryReport({ storedBytes: 7 })]);

      // Act
      const detail = await publishReport(report, { store, publisher, renderer: new FakeRenderer() }, { applied: 1 });

      // Assert
      expect(publisher.events).toEqual([{ source: 'ecr-janitor', detailType: 'ECR Janitor Cost Report', detail }]);
      expect(detail).toMatchObject({
        change: { since: '2026-10-25T00:05:00.000Z', storedBytes: 2 },
        remediation: { applied: 1 },
        artifacts: {
          location: 's3://reports-test',
          html: 'reports/2026-11-01/report.html',
          costGroupsCsv: 'reports/2026-11-01/cost-groups.csv',
        },
      });
    });

    it('sends the summary message with the link the store builds, after the event', async () => {
      // Arrange
      const store = new MemoryStore();
      await store.put(HISTORY_KEY, JSON.stringify([historyEntry('2026-10-25', 5)]), 'application/json');
      const renderer = new FakeRenderer();
      const notifier = new RecordingNotifier();

      // Act
      await publishReport(
        auditReport([repositoryReport()]),
        { store, publisher: new RecordingPublisher(), renderer, notifier },
        { planned: 2 },
      );

      // Assert
      expect(notifier.messages).toEqual([
        { subject: 'report of 2026-11-01T00:05:00.000Z', text: 'see https://console.example/reports-test/reports/2026-11-01/report.html' },
      ]);
      expect(renderer.messages).toEqual([
        expect.objectContaining({ remediation: { planned: 2 }, previous: expect.objectContaining({ date: '2026-10-25' }) }),
      ]);
    });

    it.each([
      ['not JSON', '{ damaged'],
      ['of an unknown format', JSON.stringify({ format: 'something-else/9', weeks: [] })],
      ['a list of unreadable entries', JSON.stringify([{ date: 'yesterday' }, 42, null])],
    ])('starts the history afresh and says why when the stored history is %s', async (_, text) => {
      // Arrange
      const store = new MemoryStore();
      await store.put(HISTORY_KEY, text, 'application/json');
      const problems: string[] = [];

      // Act
      const detail = await publishReport(auditReport([repositoryReport()]), {
        store,
        publisher: new RecordingPublisher(),
        renderer: new FakeRenderer(),
        onHistoryProblem: (problem) => problems.push(problem),
      });

      // Assert
      expect(detail.change).toBeNull();
      expect(problems).toHaveLength(1);
      const stored = JSON.parse((await store.get(HISTORY_KEY)) ?? '{}') as { weeks: HistoryEntry[] };
      expect(stored.weeks.map((e) => e.date)).toEqual(['2026-11-01']);
    });
  });

  describe('the central copy of an organization rollout', () => {
    it("writes the JSON report, byte for byte, under the account's own folder of the central bucket, before the event", async () => {
      // Arrange
      const store = new MemoryStore();
      const central = new MemoryStore();
      const order: string[] = [];
      const publisher = { publish: async () => void order.push(`event after ${central.objects.size} central object(s)`) };

      // Act
      await publishReport(auditReport([repositoryReport()]), {
        store,
        publisher,
        renderer: new FakeRenderer(),
        central: { store: central, accountId: '111122223333' },
      });

      // Assert
      expect([...central.objects.keys()]).toEqual(['accounts/111122223333/2026-11-01/report.json']);
      expect(central.objects.get('accounts/111122223333/2026-11-01/report.json')).toEqual(
        store.objects.get('reports/2026-11-01/report.json'),
      );
      expect(order).toEqual(['event after 1 central object(s)']);
    });

    it('still publishes the event and the message when the copy is refused, then throws naming the bucket, the key and the fix', async () => {
      // Arrange
      const publisher = new RecordingPublisher();
      const notifier = new RecordingNotifier();
      const store = new MemoryStore();

      // Act
      const published = publishReport(auditReport([repositoryReport()]), {
        store,
        publisher,
        renderer: new FakeRenderer(),
        notifier,
        central: { store: new RefusingStore(), accountId: '111122223333' },
      });

      // Assert
      await expect(published).rejects.toMatchObject({
        name: 'CentralReportError',
        message: expect.stringContaining(
          's3://reports-test/accounts/111122223333/2026-11-01/report.json (AccessDenied: Access Denied); check the CentralBucketName parameter',
        ) as unknown,
      });
      expect(publisher.events).toHaveLength(1);
      expect(notifier.messages).toHaveLength(1);
      expect(store.objects.has('reports/2026-11-01/report.json')).toBe(true);
    });
  });

  describe('centralReportKey', () => {
    it.each([
      ['111122223333', '2026-11-02', 'accounts/111122223333/2026-11-02/report.json'],
      ['000000000001', '2027-01-31', 'accounts/000000000001/2027-01-31/report.json'],
    ])('puts %s on %s at %s', (account, date, key) => {
      expect(centralReportKey(account, date)).toBe(key);
    });
  });
});
