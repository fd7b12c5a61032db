import { renderHtml, renderMarkdown, renderSummaryTable } from '../../../../src/adapters/render';
import type { ReportWarning } from '../../../../src/domain/report-problems';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

const registryWide: ReportWarning = {
  region: 'eu-west-1',
  repositoryName: '',
  code: 'PullTimesRecorded',
  message: 'the audit role is not excluded from pull-time updates',
};
const perRepository: ReportWarning = {
  region: 'eu-west-1',
  repositoryName: 'team-a/web',
  code: 'PolicyNotMergeable',
  message: 'rule 3 already selects untagged images',
};
const report = auditReport([repositoryReport({ repositoryName: 'team-a/web' })], { warnings: [registryWide, perRepository] });

describe('warnings in the readable reports', () => {
  it.each([
    ['summary', renderSummaryTable(report)],
    ['markdown', renderMarkdown(report)],
    ['html', renderHtml(report)],
  ])('labels a registry-wide warning and names the repository of the others (%s)', (_format, text) => {
    expect(text).toContain('(whole registry)');
    expect(text).toContain('PullTimesRecorded');
    expect(text).toContain('team-a/web');
    expect(text).toContain('PolicyNotMergeable');
  });
});
