import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { combineAccountReports } from '../../../../src/domain/accounts';
import type { RemediationAction } from '../../../../src/domain/remediation';
import { GIB } from '../../../../src/domain/report';
import type { ReportEventDetail } from '../../../../src/domain/report-event';
import { logger, metrics } from '../../../../src/handlers/runtime/powertools';
import { recordCreation, recordOrgReport, recordPolicyChange, recordShard } from '../../../../src/handlers/runtime/telemetry';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

const action = (outcome: RemediationAction['outcome']): RemediationAction =>
  ({ region: 'us-east-1', repositoryName: 'web', outcome, before: null }) as RemediationAction;

describe('telemetry', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));
  afterEach(() => {
    metrics.clearMetrics();
    jest.restoreAllMocks();
  });

  describe('recordCreation', () => {
    it.each([
      ['applied', ['RepositoriesRemediated']],
      ['held-in-use', ['RepositoriesHeld']],
      ['compliant', []],
      ['skipped-opt-out', []],
    ] as const)('counts an action %s as %j and hands it back', (outcome, names) => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      const done = action(outcome);

      expect(recordCreation(done, 'replication')).toBe(done);
      expect(addMetric.mock.calls.map(([name]) => name)).toEqual(names);
    });

    it('logs how the repository was born beside the action, nested so that its message survives', () => {
      const info = jest.spyOn(logger, 'info');
      recordCreation(action('applied'), 'ecr');
      expect(info).toHaveBeenCalledWith('repository handled', { action: action('applied'), createdBy: 'ecr' });
    });
  });

  describe('recordPolicyChange', () => {
    it("counts a team's write put back as TeamWritesRestored, with a warning", () => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      const warn = jest.spyOn(logger, 'warn');

      recordPolicyChange({ action: action('applied'), restoredTeamWrite: true }, { eventName: 'PutLifecyclePolicy', calledAt: 0 });

      expect(addMetric.mock.calls.map(([name]) => name)).toEqual(['TeamWritesRestored', 'RepositoriesRemediated']);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('restored'),
        expect.objectContaining({ eventTime: '1970-01-01T00:00:00.000Z' }),
      );
    });

    it('counts no restore when none was made', () => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      recordPolicyChange({ action: action('compliant'), restoredTeamWrite: false }, { eventName: 'DeleteLifecyclePolicy', calledAt: 0 });
      expect(addMetric).not.toHaveBeenCalled();
    });
  });

  describe('recordShard', () => {
    it('counts the repositories a shard audited', () => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      const outcome = { key: 'runs/r/shards/1.json', repositories: 12, errors: 1 };
      expect(recordShard(outcome)).toBe(outcome);
      expect(addMetric).toHaveBeenCalledWith('RepositoriesAudited', 'Count', 12);
    });
  });

  describe('recordOrgReport', () => {
    it("counts the accounts that reported and those missing, and the organization's stored bytes and cost", () => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      const info = jest.spyOn(logger, 'info');
      const member = auditReport([repositoryReport({ accountId: '111111111111', storedBytes: 3 * GIB, monthlyCostUsd: 0.3 })]);
      const report = combineAccountReports(
        [
          { accountId: '111111111111', regions: ['us-east-1'], report: member },
          { accountId: '222222222222', regions: [], failure: { code: 'ReportMissing', message: 'no report' } },
        ],
        { ...member, costAllocationTagKeys: [] },
      );
      const missingAccounts = [{ accountId: '222222222222', name: null, latestReport: null }];
      const detail = { accounts: { total: 2, notRead: 1, notReadIds: ['222222222222'] }, artifacts: { location: 's3://central' } };

      recordOrgReport({ report, missingAccounts, detail: detail as unknown as ReportEventDetail });

      expect(addMetric.mock.calls).toEqual([
        ['AccountsReported', 'Count', 1],
        ['AccountsMissing', 'Count', 1],
        ['StoredBytes', 'Bytes', 3 * GIB],
        ['MonthlyCostUsd', MetricUnit.NoUnit, report.totals.monthlyCostUsd],
      ]);
      expect(info).toHaveBeenCalledWith(
        'organization report published',
        expect.objectContaining({ accounts: 2, notRead: 1, missing: ['222222222222'] }),
      );
    });
  });
});
