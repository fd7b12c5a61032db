import { formatUsd, formatUsdChange } from '../../../src/domain/money';
import { buildReportEventDetail } from '../../../src/domain/report-event';
import { auditReport, repositoryReport } from '../support/report-fixtures';

describe('money', () => {
  describe('formatUsd', () => {
    it.each([
      [0, '$0.00'],
      [0.004, '<$0.01'],
      [0.005, '$0.01'],
      [-0.004, '-<$0.01'],
      [-1234.5, '-$1,234.50'],
      [Number.NaN, 'NaN'],
    ])('formats %p as %p', (usd, text) => {
      expect(formatUsd(usd)).toBe(text);
    });
  });

  describe('formatUsdChange', () => {
    it.each([
      [0, '±$0.00'],
      [1.5, '+$1.50'],
      [0.001, '+<$0.01'],
      [-2, '-$2.00'],
    ])('formats %p as %p', (usd, text) => {
      expect(formatUsdChange(usd)).toBe(text);
    });
  });

  it('is the rule of the event summary too: a tiny cost reads <$0.01, never $0.00', () => {
    const report = auditReport([repositoryReport({ storedBytes: 1_000_000, reclaimableBytes: 0 })]);
    const detail = buildReportEventDetail(
      report,
      undefined,
      {},
      { location: 's3://b', json: 'j', csv: 'c', costGroupsCsv: 'g', markdown: 'm', html: 'h' },
    );

    expect(detail.summary).toContain('(<$0.01/month)');
    expect(detail.summary).toContain('reclaimable 0.00 GiB ($0.00/month)');
  });
});
