// The truth sections in every format: realized savings, predicted vs actual, the bill's figure.
import { escapeHtml, renderHtml } from '../../../../src/adapters/render/html';
import { renderMarkdown } from '../../../../src/adapters/render/markdown';
import { renderSummaryTable } from '../../../../src/adapters/render/summary';
import { GIB, type AuditReport, type RepositoryReport } from '../../../../src/domain/report';
import { sumRealized } from '../../../../src/domain/realized';
import { PREDICTION_COUNTS, auditReport, predictionMismatch, realizedSavings, repositoryReport } from '../../support/report-fixtures';

const COUNTS = PREDICTION_COUNTS;
const LEDGER = {
  from: '2026-10-25T06:00:00.000Z',
  to: '2026-11-01T06:00:00.000Z',
  actions: 41,
  failures: 0,
  nextForecast: { images: 12, days: 7 },
};

/** The report with its rows' realized savings added up in its totals, as the audit adds them. */
function withRealized(report: AuditReport): AuditReport {
  return {
    ...report,
    totals: {
      ...report.totals,
      realized: sumRealized(
        report.repositories.map((r) => r.realized),
        0.1,
      ),
    },
  };
}

/** A week with a ledger: `web-api` freed 12 GiB (10 by the default rule), `batch` 2 GiB, `idle` nothing. */
function ledgerReport(mismatches = 0): AuditReport {
  const m = Array.from({ length: mismatches }, () => predictionMismatch());
  const counts = { ...COUNTS, forecastNotActed: mismatches };
  const rows: RepositoryReport[] = [
    repositoryReport({
      repositoryName: 'team-a/web-api',
      realized: realizedSavings(12, 41, 10, 37),
      prediction: { ...counts, mismatches: m },
    }),
    repositoryReport({ repositoryName: 'team-b/batch', realized: realizedSavings(2, 3) }),
    repositoryReport({ repositoryName: 'team-c/idle', realized: realizedSavings(0, 0) }),
  ];
  return withRealized(auditReport(rows, { ledger: LEDGER, prediction: counts }));
}

const SAVED =
  "Saved 14.0 GiB, $1.40/month: 44 images removed by lifecycle policies, 10.0 GiB ($1.00/month) of it by the janitor's default rule (37 images)";
const ALL_MATCHED = 'All matched: ECR acted on 37 of the 40 forecast images (3 not yet due), and did nothing the forecast contradicts.';

describe('truth sections', () => {
  describe('HTML', () => {
    it('shows what was saved, each repository that freed bytes (largest first), and says plainly when all matched', () => {
      const html = renderHtml(ledgerReport());

      expect(html).toContain(`<p class="big" data-testid="realized-sentence">${escapeHtml(SAVED)}.</p>`);
      const rows = [...html.matchAll(/<tr data-testid="realized-row"><td>[^<]*<\/td><td class="repo">([^<]*)</g)].map((m) => m[1]);
      expect(rows).toEqual(['team-a/web-api', 'team-b/batch']);
      expect(html).toContain(`data-testid="prediction-sentence">${escapeHtml(ALL_MATCHED)}</p>`);
      expect(html).toContain('<section class="truth" data-testid="prediction">');
      expect(html).not.toContain('data-testid="mismatch-row"');
    });

    it('lists each mismatch with its rule and both timelines, and marks the section', () => {
      const html = renderHtml(ledgerReport(1));

      expect(html).toContain('<section class="truth mismatch" data-testid="prediction">');
      expect(html).toContain(
        '1 mismatch: ECR acted on 37 of the 40 forecast images (3 not yet due); one image disagrees with the forecast',
      );
      const row = /<tr data-testid="mismatch-row">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
      expect(row).toContain('<td class="repo">team-a/web-api<br><span class="muted">us-east-1</span></td>');
      expect(html).toContain('<tr class="why"><td colspan="5" class="timeline">forecast to be expired by rule 2');
      expect(row).toContain('2 (expire)');
      expect(row).toContain('forecast 2026-10-25T00:00:00.000Z, eligible 2026-10-27T00:00:00.000Z');
      expect(row).toContain('pushed 2026-10-13T00:00:00.000Z, not acted on, still there');
    });

    it('lists the ten repositories that freed most, and counts the rest', () => {
      const rows = Array.from({ length: 12 }, (_, i) =>
        repositoryReport({ repositoryName: `team/repo-${String(i).padStart(2, '0')}`, realized: realizedSavings(i + 1, 1) }),
      );
      const html = renderHtml(withRealized(auditReport(rows, { ledger: LEDGER })));

      const listed = [...html.matchAll(/<tr data-testid="realized-row"><td>[^<]*<\/td><td class="repo">([^<]*)</g)].map((m) => m[1]);
      expect(listed).toHaveLength(10);
      expect(listed[0]).toBe('team/repo-11');
      expect(html).toContain('… and 2 more repositories that freed 3.0 GiB');
    });

    it('draws the freed bytes of each week in the trend, with a gap for weeks that did not record them', () => {
      const history = [
        { date: '2026-10-18', storedBytes: 60 * GIB, reclaimableBytes: 10 * GIB },
        { date: '2026-10-25', storedBytes: 55 * GIB, reclaimableBytes: 8 * GIB, freedBytes: 5 * GIB },
        { date: '2026-11-01', storedBytes: 50 * GIB, reclaimableBytes: 6 * GIB, freedBytes: 14 * GIB },
      ];

      const html = renderHtml(ledgerReport(), { history });

      const freed = /<polyline class="line-freed" data-series="freed" points="([^"]*)"/.exec(html)?.[1] ?? '';
      expect(freed.split(' ')).toHaveLength(2);
      expect(html).toContain('<title>2026-11-01: freed 14.0 GiB</title>');
      expect(html).toContain('<text x="278" y="1">Freed</text>');
    });

    it('says which figure the bill should match where blob mounting is on, and has no truth section without a ledger', () => {
      const plain = auditReport([repositoryReport()]);
      const html = renderHtml({
        ...plain,
        blobMounting: [
          {
            accountId: '123456789012',
            region: 'us-east-1',
            status: 'ENABLED',
            perRepositoryBytes: 30 * GIB,
            registryUniqueBytes: 12 * GIB,
            billShouldMatch: 'registry-unique',
          },
        ],
      });

      expect(html).toContain(
        '123456789012 us-east-1: blob mounting on, layers shared across repositories: 12.0 GiB unique in the registry against 30.0 GiB counted per repository; the bill should match the registry-wide figure.',
      );
      expect(renderHtml(plain)).not.toMatch(/data-testid="(realized|prediction|blob-mounting)"/);
    });
  });

  describe('Markdown', () => {
    it('gives the realized savings with their table and the prediction with its counts', () => {
      const md = renderMarkdown(ledgerReport());

      expect(md).toContain('## Realized savings');
      expect(md).toContain(`**${SAVED}.**`);
      expect(md).toContain('| team-a/web-api | us-east-1 | 41 | 12.0 GiB | $1.20 | 10.0 GiB | 0 B |');
      expect(md).not.toContain('team-c/idle | us-east-1 | 0 |');
      expect(md).toContain('## Predicted vs actual');
      expect(md).toContain(`**${ALL_MATCHED}**`);
      expect(md).toContain('| 40 | 37 | 0 | 0 | 2 | 3 |');
    });

    it('lists each mismatch with both timelines', () => {
      const md = renderMarkdown(ledgerReport(1));
      expect(md).toContain(
        '| team-a/web-api | us-east-1 | `sha256:abababababab` | 2 (expire) | forecast 2026-10-25T00:00:00.000Z, eligible 2026-10-27T00:00:00.000Z | pushed 2026-10-13T00:00:00.000Z, not acted on, still there |',
      );
    });
  });

  describe('terminal summary', () => {
    it('prints what was saved and the prediction under the totals', () => {
      const text = renderSummaryTable(ledgerReport());
      expect(text).toContain(`${SAVED}.`);
      expect(text).toContain(`Prediction: ${ALL_MATCHED}`);
    });
  });
});
