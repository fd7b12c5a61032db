import type { RemediationAction } from '../../../../src/domain/remediation';
import { logger, metrics } from '../../../../src/handlers/runtime/powertools';
import { recordCreation, recordPolicyChange, recordShard } from '../../../../src/handlers/runtime/telemetry';

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
});
