import { blobMountingSentence, truthLines } from '../../../../src/adapters/render/truth';
import { renderSummaryTable } from '../../../../src/adapters/render/summary';
import { GIB } from '../../../../src/domain/report';
import { ALL_MATCHED, SAVED, ledgerReport } from '../../support/truth-fixtures';

describe('render/truth', () => {
  describe('terminal summary', () => {
    it('prints what was saved and the prediction under the totals', () => {
      const text = renderSummaryTable(ledgerReport());
      expect(text).toContain(`${SAVED}.`);
      expect(text).toContain(`Prediction: ${ALL_MATCHED}`);
    });
  });

  describe('truthLines', () => {
    it('leaves out what the caller says it prints elsewhere, and is empty without a ledger', () => {
      const report = ledgerReport(7);
      const lines = truthLines(report, 5, { realized: false, bill: false });
      expect(lines.some((l) => l.startsWith('Saved'))).toBe(false);
      expect(lines.filter((l) => l.startsWith('  '))).toHaveLength(6);
      expect(lines.at(-1)).toBe('  … and 2 more in the report');
      expect(
        truthLines({ ...report, ledger: undefined, prediction: undefined, totals: { ...report.totals, realized: undefined } }, 5, {
          realized: true,
          bill: true,
        }),
      ).toEqual([]);
    });
  });

  describe('blobMountingSentence', () => {
    const s = { accountId: '123456789012', region: 'eu-west-1', perRepositoryBytes: 30 * GIB };
    it('names the figure the bill should match in each case', () => {
      expect(blobMountingSentence({ ...s, status: 'DISABLED', billShouldMatch: 'per-repository' })).toBe(
        '123456789012 eu-west-1: blob mounting off; the bill should match the per-repository figure, 30.0 GiB',
      );
      expect(blobMountingSentence({ ...s, status: 'ENABLED', billShouldMatch: 'registry-unique' })).toContain(
        'which could not be added up this time (see the warnings)',
      );
      expect(blobMountingSentence({ ...s, status: 'unknown', billShouldMatch: 'per-repository' })).toContain('blob mounting unknown');
    });
  });
});
