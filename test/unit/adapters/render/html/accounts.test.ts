import { renderHtml } from '../../../../../src/adapters/render/html';
import { GIB } from '../../../../../src/domain/report';
import { A, B, C, organization } from '../../../support/organization-report';
import { auditReport, historyEntry, repositoryReport } from '../../../support/report-fixtures';

describe('render/html/accounts', () => {
  describe('accountsSection, through renderHtml', () => {
    it('has a per-account table, the account not read first, with the change on last week', () => {
      const report = organization();
      const previous = historyEntry('2026-10-25', 0, {
        accounts: {
          [A]: {
            repositories: 2,
            images: 1,
            untaggedImages: 0,
            storedBytes: 13 * GIB,
            reclaimableBytes: 0,
            monthlyCostUsd: 1.3,
            monthlySavingsUsd: 0,
          },
        },
      });
      const html = renderHtml(report, { previous });

      const rows = [...html.matchAll(/data-testid="account-row" data-account="(\d+)" data-complete="(\w+)"/g)].map((m) => [m[1], m[2]]);
      expect(rows).toEqual([
        [C, 'false'],
        [A, 'true'],
        [B, 'true'],
      ]);
      const changeOfA = new RegExp(`data-account="${A}"[\\s\\S]*?data-testid="account-change"><span class="up">([^<]*)<`).exec(html)?.[1];
      expect(changeOfA).toBe('+$0.10');
      expect(html).toMatch(new RegExp(`data-account="${B}"[\\s\\S]*?data-testid="account-change"><span class="muted">new<`));
      expect(html).toContain('<em>(whole account)</em>');
      expect(html).toContain('data-testid="cost-groups-account"');
    });

    it("draws each account's trend when the history has one", () => {
      const html = renderHtml(organization(), {
        accountTrends: {
          [A]: [
            { date: '2026-10-25', storedBytes: 12 * GIB, reclaimableBytes: 0 },
            { date: '2026-11-01', storedBytes: 14 * GIB, reclaimableBytes: GIB },
          ],
        },
      });

      expect(html.match(/data-testid="account-trend"/g)).toHaveLength(1);
      expect(html).toContain('stored bytes over 2 weeks, from 12.0 GiB to 14.0 GiB');
    });

    it('has no per-account table for a single account', () => {
      expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('data-testid="accounts"');
    });
  });
});
