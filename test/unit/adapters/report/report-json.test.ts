import { parseReportJson } from '../../../../src/adapters/report/report-json';
import { InvalidInputError } from '../../../../src/domain/errors';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

describe('adapters/report/report-json', () => {
  describe('parseReportJson', () => {
    it('reads back what the JSON renderer writes', () => {
      const report = auditReport(
        [repositoryReport({ findings: [{ code: 'ShadowedRule', severity: 'warning', rulePriority: 2, message: 'm' }] })],
        {
          errors: [{ region: 'us-east-1', repositoryName: 'x', code: 'AccessDeniedException', message: 'denied' }],
        },
      );

      expect(parseReportJson(JSON.stringify(report), 'report.json')).toEqual(report);
    });

    it('gives a report from before accounts were recorded its one account', () => {
      const { accounts: _accounts, ...old } = auditReport([repositoryReport({ accountId: '111111111111', region: 'eu-west-1' })]);

      const read = parseReportJson(JSON.stringify(old), 'old.json');

      expect(read.accounts).toEqual([
        { accountId: '111111111111', name: null, regions: ['eu-west-1'], complete: true, totals: old.totals, errors: [] },
      ]);
    });

    it('keeps codes and fields it does not know (a newer member)', () => {
      const newer = {
        ...auditReport([repositoryReport()]),
        advice: [1],
        warnings: [{ region: 'us-east-1', repositoryName: '', code: 'SomethingNew', message: 'm' }],
      };

      const read = parseReportJson(JSON.stringify(newer), 'newer.json');

      expect(read.warnings[0]?.code).toBe('SomethingNew');
      expect((read as unknown as { advice: number[] }).advice).toEqual([1]);
    });

    it.each([
      ['not JSON', '{', /^r\.json is not JSON/],
      ['no report', '[]', /^r\.json is not an ecr-janitor JSON report: \(root\): /],
      [
        'a report with a bad size',
        JSON.stringify(auditReport([repositoryReport({ storedBytes: -1 })])),
        /repositories\.0\.storedBytes: Too small/,
      ],
    ])('refuses %s, naming the file and the place', (_what, text, message) => {
      expect(() => parseReportJson(text, 'r.json')).toThrow(InvalidInputError);
      expect(() => parseReportJson(text, 'r.json')).toThrow(message);
    });
  });
});
