// The weekly functions' adapters as built from the deployed configuration: which are built only when
// their setting is there, and the settings Plan records. No client here makes a call.
import { loadWeeklyConfig, type WeeklyConfig } from '../../../../src/config';
import { DEFAULT_LINT_MAX_UNTAGGED_DAYS } from '../../../../src/domain/defaults';
import { WORKLOAD_SOURCES } from '../../../../src/domain/in-use';
import { aggregateDeps, planDeps, shardDeps } from '../../../../src/handlers/deps/weekly';

const ENV = { AWS_REGION: 'us-east-1', REGIONS: 'us-east-1,eu-west-1', REPORT_BUCKET: 'reports', REPORT_BUS: 'default' };
const config = (env: Record<string, string> = {}): WeeklyConfig => loadWeeklyConfig({ ...ENV, ...env });

describe('weekly dependencies', () => {
  describe('planDeps', () => {
    it('reads every configured region: its repositories, their tags in bulk and its registry settings', () => {
      const deps = planDeps(config());

      expect(deps.registries.map((r) => [r.reader.region, r.tags?.region])).toEqual([
        ['us-east-1', 'us-east-1'],
        ['eu-west-1', 'eu-west-1'],
      ]);
      expect(deps.registrySettings?.map((s) => s.region)).toEqual(['us-east-1', 'eu-west-1']);
      expect(deps.bucket).toBe('reports');
    });

    it("reads each repository's tags one by one when bulk tags are off", () => {
      expect(planDeps(config({ BULK_TAGS: 'false' })).registries.map((r) => r.tags)).toEqual([undefined, undefined]);
    });

    it('names the in-use sources it reads: the configured workload sources (every one by default), and the list object only when set', () => {
      expect(planDeps(config()).inUse?.names).toEqual([...WORKLOAD_SOURCES]);
      expect(planDeps(config({ IN_USE_SCAN: 'ecs,lambda', IN_USE_LIST_S3_URI: 's3://lists/in-use.txt' })).inUse?.names).toEqual([
        'ecs',
        'lambda',
        'list:s3://lists/in-use.txt',
      ]);
    });

    it('records the run settings: the lint limit by default, the enforced maximum only when set, writes unless a dry run', () => {
      const byDefault = planDeps(config()).settings(1_000);
      expect(byDefault).toMatchObject({ now: 1_000, lintMaxUntaggedDays: DEFAULT_LINT_MAX_UNTAGGED_DAYS, apply: true });
      expect(byDefault).not.toHaveProperty('enforcedMaxUntaggedDays');
      expect(byDefault.archivePricePerGbMonth).toBeNull();

      const enforced = planDeps(config({ MAX_UNTAGGED_DAYS: '21', DRY_RUN: 'true' })).settings(2_000);
      expect(enforced).toMatchObject({ now: 2_000, lintMaxUntaggedDays: 21, enforcedMaxUntaggedDays: 21, apply: false });
    });
  });

  describe('shardDeps', () => {
    it('remediates through one registry per region, with the configured concurrency', () => {
      const deps = shardDeps(config({ CONCURRENCY: '3' }));

      expect(deps.concurrency).toBe(3);
      const { reader, writer } = deps.registry('eu-west-1');
      expect([reader.region, writer?.region]).toEqual(['eu-west-1', 'eu-west-1']);
    });
  });

  describe('aggregateDeps', () => {
    it('checks pull-time exclusions, mails and writes to the central bucket only when each is configured', () => {
      const bare = aggregateDeps(config());
      expect([bare.pullTimes, bare.publish.notifier, bare.publish.central]).toEqual([undefined, undefined, undefined]);

      const full = aggregateDeps(
        config({
          AUDIT_ROLE_ARN: 'arn:aws:iam::111122223333:role/audit',
          REPORT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:reports',
          CENTRAL_BUCKET: 'org-reports',
          ACCOUNT_ID: '111122223333',
        }),
      );
      expect(full.pullTimes?.roleArn).toBe('arn:aws:iam::111122223333:role/audit');
      expect(full.publish.notifier).toBeDefined();
      expect(full.publish.central?.accountId).toBe('111122223333');
    });

    it('writes to no central bucket without the account it writes as (a configuration the loader also refuses)', () => {
      expect(aggregateDeps({ ...config(), centralBucket: 'org-reports' }).publish.central).toBeUndefined();
    });
  });
});
