import { renderCsv, renderHtml, renderMarkdown, renderSummaryTable } from '../../../../src/adapters/render';
import { CSV_COLUMNS } from '../../../../src/adapters/render/csv';
import type { NotReached } from '../../../../src/domain/report-problems';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

const notReached: NotReached[] = [
  { region: 'eu-west-1', repositoryName: 'team-b/slow', reason: 'deadline' },
  { region: 'us-east-1', reason: 'deadline' },
];
const incomplete = auditReport([repositoryReport({ repositoryName: 'team-a/web' })], { complete: false, notReached });

describe('a report of a run that stopped early', () => {
  it.each([
    ['summary', renderSummaryTable(incomplete)],
    ['markdown', renderMarkdown(incomplete)],
    // The HTML escapes the apostrophe; read it as a browser would show it.
    ['html', renderHtml(incomplete).replace(/&#39;/g, "'")],
  ])('says it is incomplete, why, and lists what it did not reach (%s)', (_format, text) => {
    expect(text).toMatch(/INCOMPLETE|Incomplete/);
    expect(text).toContain("1 repository was not read and 1 region was not even listed (the run's time ran out).");
    expect(text).toContain('team-b/slow');
    expect(text).toContain('us-east-1');
  });

  it.each([
    ['summary', renderSummaryTable(auditReport([repositoryReport()]))],
    ['markdown', renderMarkdown(auditReport([repositoryReport()]))],
    ['html', renderHtml(auditReport([repositoryReport()]))],
  ])('says nothing of it for a complete run (%s)', (_format, text) => {
    expect(text).not.toMatch(/INCOMPLETE|Incomplete|Not reached/);
  });

  it('lists each repository not reached as a CSV row with its numbers left empty', () => {
    // Act
    const rows = renderCsv(incomplete).trimEnd().split('\r\n');

    // Assert
    const at = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const missed = rows.slice(2).map((row) => row.split(','));
    expect(missed).toHaveLength(2);
    expect(
      missed.map((cells) => [cells[at('region')], cells[at('repositoryName')], cells[at('policyStatus')], cells[at('storedBytes')]]),
    ).toEqual([
      ['eu-west-1', 'team-b/slow', 'not-reached', ''],
      ['us-east-1', '', 'not-reached', ''],
    ]);
  });
});
