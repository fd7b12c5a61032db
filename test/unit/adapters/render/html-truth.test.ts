import { escapeHtml, renderHtml } from '../../../../src/adapters/render/html';
import { GIB } from '../../../../src/domain/report';
import { auditReport, realizedSavings, repositoryReport } from '../../support/report-fixtures';
import { ALL_MATCHED, LEDGER, SAVED, ledgerReport, withRealized } from '../../support/truth-fixtures';

// The page's truth sections: realized savings, predicted vs actual, the bill's figure, the freed bytes in the trend.
describe('render/html-truth', () => {
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
});
