import type { HistoryEntry } from '../../../src/domain/report-event';
import type { EventPublisher, ReportArtifactFormat, ReportRenderer, ReportRenderOptions, ReportStore } from '../../../src/ports/report';
import { HISTORY_KEY, publishReport } from '../../../src/use-cases/publish-report';
import { auditReport, repositoryReport } from '../support/report-fixtures';

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

  render(report: { generatedAt: string }, format: ReportArtifactFormat, options?: ReportRenderOptions): string {
    this.calls.push({ format, options });
    return `${format} of ${report.generatedAt}\n`;
  }
}

function historyEntry(date: string, storedBytes: number): HistoryEntry {
  return {
    date,
    generatedAt: `${date}T00:05:00.000Z`,
    repositories: 1,
    images: 1,
    untaggedImages: 0,
    storedBytes,
    reclaimableBytes: 0,
    monthlyCostUsd: 0,
    monthlySavingsUsd: 0,
  };
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
        [`${prefix}/report.md`]: { body: `markdown of ${report.generatedAt}\n`, contentType: 'text/markdown; charset=utf-8' },
        [`${prefix}/report.html`]: { body: `html of ${report.generatedAt}\n`, contentType: 'text/html; charset=utf-8' },
      });
    });

    it('gives the HTML renderer the history, this report included, for the trend chart', async () => {
      // Arrange
      const store = new MemoryStore();
      await store.put(HISTORY_KEY, JSON.stringify([historyEntry('2026-10-25', 5)]), 'application/json');
      const renderer = new FakeRenderer();
      const report = auditReport([repositoryReport({ storedBytes: 7, reclaimableBytes: 2 })]);

      // Act
      await publishReport(report, { store, publisher: new RecordingPublisher(), renderer });

      // Assert
      expect(renderer.calls.find((c) => c.format === 'html')?.options).toEqual({
        history: [
          { date: '2026-10-25', storedBytes: 5, reclaimableBytes: 0 },
          { date: '2026-11-01', storedBytes: 7, reclaimableBytes: 2 },
        ],
      });
      expect(renderer.calls.filter((c) => c.format !== 'html').map((c) => c.options)).toEqual([undefined, undefined, undefined]);
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
        artifacts: { location: 's3://reports-test', html: 'reports/2026-11-01/report.html' },
      });
    });

    it('starts the history afresh when the stored history is not JSON', async () => {
      // Arrange
      const store = new MemoryStore();
      await store.put(HISTORY_KEY, '{ damaged', 'application/json');

      // Act
      const detail = await publishReport(auditReport([repositoryReport()]), {
        store,
        publisher: new RecordingPublisher(),
        renderer: new FakeRenderer(),
      });

      // Assert
      expect(detail.change).toBeNull();
      expect((JSON.parse((await store.get(HISTORY_KEY)) ?? '[]') as HistoryEntry[]).map((e) => e.date)).toEqual(['2026-11-01']);
    });
  });
});
