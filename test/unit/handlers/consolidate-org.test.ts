// The consolidator's handler over in-memory fakes of its ports (the central bucket, the bus) and a
// fixed organization; its adapters (deps/org-report.ts) have their own test.
import { MemoryEventPublisher, MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { BucketMemberReports } from '../../../src/adapters/report/member-reports';
import { reportRenderer } from '../../../src/adapters/render/report-renderer';
import { memberReportKey } from '../../../src/domain/accounts';
import { makeHandler } from '../../../src/handlers/consolidate-org';
import { logger } from '../../../src/handlers/runtime/powertools';
import { auditReport, repositoryReport } from '../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';

describe('handlers/consolidate-org', () => {
  it('publishes the organization report and returns its event, logging the accounts that did not report', async () => {
    const bucket = new MemoryObjectStore('central');
    const member = auditReport([repositoryReport({ accountId: A })], {
      now: '2026-11-02T00:00:00.000Z',
      generatedAt: '2026-11-02T00:05:00.000Z',
    });
    await bucket.put(memberReportKey(A, '2026-11-02'), JSON.stringify(member), 'application/json');
    const publisher = new MemoryEventPublisher();
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const handler = makeHandler({
      accounts: { accounts: () => Promise.resolve([{ accountId: A }, { accountId: B, name: 'Search' }]) },
      reports: new BucketMemberReports(bucket, bucket.location),
      publish: { store: bucket, publisher, renderer: reportRenderer },
      now: () => Date.parse('2026-11-02T06:00:00Z'),
    });

    const detail = await handler();

    expect(detail.accounts).toEqual({ total: 2, notRead: 1, notReadIds: [B] });
    expect(publisher.events.map((e) => e.detail)).toEqual([detail]);
    expect(bucket.objects.has('org/2026-11-02/report.html')).toBe(true);
    expect(info).toHaveBeenCalledWith('organization report published', expect.objectContaining({ accounts: 2, notRead: 1, missing: [B] }));
    info.mockRestore();
  });
});
