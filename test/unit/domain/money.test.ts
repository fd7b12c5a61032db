import { MAX_PRICE_PER_GB_MONTH } from '../../../src/domain/defaults';
import { formatUsd, formatUsdChange, readPricePerGbMonth, roundUsd } from '../../../src/domain/money';
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

  describe('readPricePerGbMonth, the one price grammar', () => {
    it.each([
      ['.5', 0.5],
      ['0.5', 0.5],
      ['5.', 5],
      ['0.10', 0.1],
      ['0', 0],
      ['2', 2],
      [' 0.023 ', 0.023],
      ['100', 100],
      ['00.5', 0.5],
    ])('reads "%s" as %d', (text, usd) => {
      expect(readPricePerGbMonth(text)).toEqual({ ok: true, usdPerGbMonth: usd });
    });

    it.each([
      '1e1',
      '1E-1',
      '0x10',
      '0b1',
      '0o7',
      '-0.10',
      '-1',
      '+1',
      '',
      ' ',
      '.',
      'Infinity',
      'NaN',
      '0.1.2',
      '1,5',
      '0,10',
      'free',
      '$0.10',
    ])('refuses "%s", which is no plain decimal number', (text) => {
      expect(readPricePerGbMonth(text)).toEqual({ ok: false, problem: 'not-a-decimal' });
    });

    it.each(['100.01', '101', '1000', '9'.repeat(400)])('refuses "%s" as above the maximum', (text) => {
      expect(readPricePerGbMonth(text)).toEqual({ ok: false, problem: 'above-maximum' });
    });

    it('bounds both prices at 1,000 times the list price', () => {
      expect(MAX_PRICE_PER_GB_MONTH).toBe(100);
    });
  });

  describe('roundUsd', () => {
    it.each([
      [0.1 + 0.2, 0.3],
      [1.23456, 1.2346],
      [0.00004, 0],
      [-1.23454, -1.2345],
      [1.23454, 1.2345],
      [-1.23456, -1.2346],
      [2.00004, 2],
      [2, 2],
      [12, 12],
    ])('rounds %p to %p, the hundredth of a cent', (usd, expected) => {
      expect(roundUsd(usd)).toBe(expected);
    });
  });
});
