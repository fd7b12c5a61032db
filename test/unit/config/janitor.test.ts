import { loadConfig } from '../../../src/config/janitor';
import { ConfigError } from '../../../src/domain/errors';
import { WORKLOAD_SOURCES } from '../../../src/domain/in-use';

/** The environment a deployed function sees before any parameter is set (AWS_REGION comes from Lambda). */
const LAMBDA_ENV = { AWS_REGION: 'eu-west-1' } as const;

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('uses the documented defaults when nothing is set', () => {
      expect(loadConfig(LAMBDA_ENV)).toEqual({
        defaultDays: 7,
        dryRun: false,
        enforcedMaxUntaggedDays: undefined,
        regions: ['eu-west-1'],
        exclude: [],
        optOutTag: 'ecr-janitor:opt-out',
        pricePerGbMonth: 0.1,
        concurrency: 8,
        rateLimits: {},
        connectionTimeoutMs: 3000,
        requestTimeoutMs: 10000,
        reportBucket: undefined,
        reportBus: 'default',
        janitorRoles: [],
        auditRoleArn: undefined,
        costAllocationTagKeys: [],
        archiveAfterDays: 90,
        archivePricePerGbMonth: undefined,
        reportTopicArn: undefined,
        deployRegion: 'eu-west-1',
        guard: 'on',
        guardHorizonDays: 7,
        inUseListS3Uri: undefined,
        inUseScan: [...WORKLOAD_SOURCES],
        bulkTags: true,
        centralBucket: undefined,
        accountId: undefined,
      });
      expect(loadConfig(LAMBDA_ENV)).toHaveProperty('auditRoleArn', undefined);
    });

    it('treats the empty strings serverless.yml passes for unset parameters as unset', () => {
      const config = loadConfig({
        ...LAMBDA_ENV,
        REGIONS: '',
        EXCLUDE: '',
        REPORT_BUS: '',
        JANITOR_ROLES: '',
        AUDIT_ROLE_ARN: ' ',
        MAX_UNTAGGED_DAYS: '',
        GUARD: '',
        GUARD_HORIZON_DAYS: '',
        IN_USE_LIST_S3_URI: '',
        IN_USE_SCAN: '',
        CENTRAL_BUCKET: '',
      });
      expect(config).toMatchObject({
        regions: ['eu-west-1'],
        exclude: [],
        reportBus: 'default',
        janitorRoles: [],
        guard: 'on',
        guardHorizonDays: 7,
      });
      expect(config.auditRoleArn).toBeUndefined();
      expect(config.enforcedMaxUntaggedDays).toBeUndefined();
      expect(config.inUseListS3Uri).toBeUndefined();
      expect(config.inUseScan).toEqual([...WORKLOAD_SOURCES]);
      expect(config.centralBucket).toBeUndefined();
    });
  });

  describe('parsing', () => {
    it('reads every setting from its variable', () => {
      const config = loadConfig({
        AWS_REGION: 'eu-west-1',
        DEFAULT_DAYS: '14',
        DRY_RUN: ' TRUE ',
        MAX_UNTAGGED_DAYS: '30',
        REGIONS: 'us-east-1, eu-central-1 ,',
        EXCLUDE: 'team-a/*, sandbox/**',
        OPT_OUT_TAG: 'keep-forever',
        PRICE_PER_GB_MONTH: '0.105',
        CONCURRENCY: '16',
        RATE_LIMITS: 'DescribeImages=18/5,GetLifecyclePolicy=10',
        CONNECTION_TIMEOUT_MS: '2000',
        REQUEST_TIMEOUT_MS: ' 15000 ',
        REPORT_BUCKET: 'ecr-janitor-prod-reportbucket-1a2b3c',
        REPORT_BUS: 'arn:aws:events:eu-west-1:123456789012:event-bus/finops',
        JANITOR_ROLES: 'arn:aws:iam::123456789012:role/ecr-janitor-a,arn:aws:iam::123456789012:role/ecr-janitor-b',
        AUDIT_ROLE_ARN: 'arn:aws:iam::123456789012:role/ecr-janitor-prod-eu-west-1-audit',
        COST_ALLOCATION_TAG_KEYS: 'team, cost-center,team',
        ARCHIVE_AFTER_DAYS: '120',
        ARCHIVE_PRICE_PER_GB_MONTH: '0.07',
        REPORT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:ecr-janitor-prod-ReportTopic-1A2B',
        GUARD: 'OFF',
        BULK_TAGS: 'FALSE',
        GUARD_HORIZON_DAYS: '14',
        IN_USE_LIST_S3_URI: 's3://ops-lists/ecr/in-use.txt',
        IN_USE_SCAN: 'Lambda, ecs',
      });
      expect(config).toEqual({
        defaultDays: 14,
        dryRun: true,
        enforcedMaxUntaggedDays: 30,
        regions: ['us-east-1', 'eu-central-1'],
        exclude: ['team-a/*', 'sandbox/**'],
        optOutTag: 'keep-forever',
        pricePerGbMonth: 0.105,
        concurrency: 16,
        rateLimits: { DescribeImages: { perSecond: 18, burst: 5 }, GetLifecyclePolicy: { perSecond: 10, burst: 1 } },
        connectionTimeoutMs: 2000,
        requestTimeoutMs: 15000,
        reportBucket: 'ecr-janitor-prod-reportbucket-1a2b3c',
        reportBus: 'arn:aws:events:eu-west-1:123456789012:event-bus/finops',
        janitorRoles: ['arn:aws:iam::123456789012:role/ecr-janitor-a', 'arn:aws:iam::123456789012:role/ecr-janitor-b'],
        auditRoleArn: 'arn:aws:iam::123456789012:role/ecr-janitor-prod-eu-west-1-audit',
        costAllocationTagKeys: ['team', 'cost-center'],
        archiveAfterDays: 120,
        archivePricePerGbMonth: 0.07,
        reportTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ecr-janitor-prod-ReportTopic-1A2B',
        deployRegion: 'eu-west-1',
        guard: 'off',
        guardHorizonDays: 14,
        inUseListS3Uri: 's3://ops-lists/ecr/in-use.txt',
        inUseScan: ['ecs', 'lambda'],
        bulkTags: false,
      });
    });

    it.each([
      'arn:aws:iam::123456789012:role/ecr-janitor-prod-eu-west-1-audit',
      'arn:aws:iam::123456789012:role/service-role/team/auditor',
      'arn:aws-us-gov:iam::123456789012:role/ecr-janitor-audit',
    ])('accepts the audit role ARN %s', (arn) => {
      expect(loadConfig({ ...LAMBDA_ENV, AUDIT_ROLE_ARN: arn }).auditRoleArn).toBe(arn);
    });

    it.each([
      ['.5', 0.5],
      ['5.', 5],
      ['0.5', 0.5],
      [' 0.07 ', 0.07],
    ])('reads both prices by the one price grammar: %j is %d', (text, usd) => {
      const config = loadConfig({ ...LAMBDA_ENV, PRICE_PER_GB_MONTH: text, ARCHIVE_PRICE_PER_GB_MONTH: text });
      expect(config.pricePerGbMonth).toBe(usd);
      expect(config.archivePricePerGbMonth).toBe(usd);
    });

    it('leaves the archive saving unpriced when no archive price is set, rather than inventing one', () => {
      expect(loadConfig({ ...LAMBDA_ENV, ARCHIVE_PRICE_PER_GB_MONTH: '  ' }).archivePricePerGbMonth).toBeUndefined();
      expect(loadConfig({ ...LAMBDA_ENV, ARCHIVE_PRICE_PER_GB_MONTH: '0.10' }).archivePricePerGbMonth).toBe(0.1);
    });

    it('lists each region once, so no region is audited (and counted) twice', () => {
      expect(loadConfig({ ...LAMBDA_ENV, REGIONS: 'eu-west-1, us-east-1,eu-west-1' }).regions).toEqual(['eu-west-1', 'us-east-1']);
    });

    it.each(['default', 'finops-events', 'arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/finops'])(
      'accepts the report bus %s',
      (bus) => {
        expect(loadConfig({ ...LAMBDA_ENV, REPORT_BUS: bus }).reportBus).toBe(bus);
      },
    );
  });

  describe('invalid values', () => {
    it.each([
      ['DEFAULT_DAYS', 'abc', 'defaultDays', 'whole number of days'],
      ['DEFAULT_DAYS', '0', 'defaultDays', '1 or more'],
      ['DEFAULT_DAYS', '7.5', 'defaultDays', 'whole number'],
      ['DEFAULT_DAYS', '40000', 'defaultDays', 'at most 36500'],
      ['DRY_RUN', 'yes', 'dryRun', 'true or false'],
      ['MAX_UNTAGGED_DAYS', 'thirty', 'maxUntaggedDays', 'whole number of days, or empty'],
      ['MAX_UNTAGGED_DAYS', '0', 'maxUntaggedDays', '1 or more'],
      ['MAX_UNTAGGED_DAYS', '2147483648', 'maxUntaggedDays', "at most 2147483647 (ECR's largest countNumber)"],
      ['MAX_UNTAGGED_DAYS', '5', 'maxUntaggedDays', 'must be at least defaultDays (7)'],
      ['REGIONS', 'us-east', 'regions', 'AWS region name'],
      ['REGIONS', 'us-east-1,Europe', 'regions', 'AWS region name'],
      ['OPT_OUT_TAG', '   ', 'optOutTag', 'must not be empty'],
      ['OPT_OUT_TAG', 'x'.repeat(129), 'optOutTag', 'at most 128'],
      ['PRICE_PER_GB_MONTH', 'free', 'pricePerGbMonth', 'price such as 0.10'],
      ['PRICE_PER_GB_MONTH', '-0.10', 'pricePerGbMonth', 'price such as 0.10'],
      // One price grammar and bound for both prices (see readPricePerGbMonth).
      ['PRICE_PER_GB_MONTH', '1e1', 'pricePerGbMonth', 'must be a price such as 0.10'],
      ['PRICE_PER_GB_MONTH', '0x10', 'pricePerGbMonth', 'must be a price such as 0.10'],
      ['PRICE_PER_GB_MONTH', '', 'pricePerGbMonth', 'must be a price such as 0.10'],
      ['PRICE_PER_GB_MONTH', '100.5', 'pricePerGbMonth', 'must be at most 100'],
      ['ARCHIVE_PRICE_PER_GB_MONTH', '-0.07', 'archivePricePerGbMonth', 'must be a price such as 0.07'],
      ['ARCHIVE_PRICE_PER_GB_MONTH', '1000', 'archivePricePerGbMonth', 'must be at most 100'],
      ['CONCURRENCY', '0', 'concurrency', '1 or more'],
      ['CONCURRENCY', '65', 'concurrency', 'at most 64'],
      ['CONCURRENCY', 'eight', 'concurrency', 'whole number'],
      ['REPORT_BUS', 'my bus!', 'reportBus', 'event bus name or an event bus ARN'],
      ['RATE_LIMITS', 'DescribeImages=fast', 'rateLimits', 'must look like Operation=PER_SECOND'],
      ['GUARD', 'maybe', 'guard', 'must be on or off'],
      ['GUARD_HORIZON_DAYS', '-1', 'guardHorizonDays', 'whole number of days'],
      ['GUARD_HORIZON_DAYS', '4000', 'guardHorizonDays', 'at most 3650'],
      ['IN_USE_LIST_S3_URI', 'https://bucket.s3.amazonaws.com/list.txt', 'inUseListS3Uri', 'S3 object URI'],
      ['IN_USE_SCAN', 'ecs,eks', 'inUseScan', '"eks" is not an in-use source; write a comma-separated list of'],
      ['IN_USE_LIST_S3_URI', 's3://bucket-only', 'inUseListS3Uri', 'S3 object URI'],
      ['CONNECTION_TIMEOUT_MS', '3s', 'connectionTimeoutMs', 'whole number of milliseconds'],
      ['CONNECTION_TIMEOUT_MS', '50', 'connectionTimeoutMs', 'at least 100'],
      ['REQUEST_TIMEOUT_MS', '600001', 'requestTimeoutMs', 'at most 600000'],
      // Set by the stack itself, not a serverless.yml parameter: the message says so.
      ['JANITOR_ROLES', 'arn:aws:iam::123456789012:user/alice', "(the stack's function roles)", 'IAM role names or role ARNs'],
      ['AUDIT_ROLE_ARN', 'ecr-janitor-prod-eu-west-1-audit', "(the stack's audit role)", 'must be an IAM role ARN'],
      ['AUDIT_ROLE_ARN', 'arn:aws:iam::123456789012:user/alice', "(the stack's audit role)", 'must be an IAM role ARN'],
      [
        'AUDIT_ROLE_ARN',
        'arn:aws:sts::123456789012:assumed-role/ecr-janitor-audit/session',
        "(the stack's audit role)",
        'must be an IAM role ARN',
      ],
      ['AUDIT_ROLE_ARN', 'arn:aws:iam::1234:role/short-account', "(the stack's audit role)", 'must be an IAM role ARN'],
      ['COST_ALLOCATION_TAG_KEYS', 'team,bad!key', 'costAllocationTagKeys', '"bad!key" is not an AWS tag key'],
      ['COST_ALLOCATION_TAG_KEYS', `team,${'k'.repeat(129)}`, 'costAllocationTagKeys', 'longer than 128 characters'],
      ['ARCHIVE_AFTER_DAYS', '0', 'archiveAfterDays', '1 or more'],
      ['ARCHIVE_AFTER_DAYS', '90.5', 'archiveAfterDays', 'whole number of days'],
      ['ARCHIVE_AFTER_DAYS', '99999999999999999999', 'archiveAfterDays', 'at most 36500'],
      ['ARCHIVE_PRICE_PER_GB_MONTH', '0x10', 'archivePricePerGbMonth', 'price such as 0.07'],
      ['ARCHIVE_PRICE_PER_GB_MONTH', '1e-2', 'archivePricePerGbMonth', 'price such as 0.07'],
      ['ARCHIVE_PRICE_PER_GB_MONTH', '0.11', 'archivePricePerGbMonth', 'must not be above pricePerGbMonth'],
      ['REPORT_TOPIC_ARN', 'https://evil.example/topic', "(the stack's report topic, with reportEmail)", 'must be an SNS topic ARN'],
      ['CENTRAL_BUCKET', 'Org.Reports', 'centralBucket', 'must be an S3 bucket name'],
      ['CENTRAL_BUCKET', 's3://org-reports', 'centralBucket', 'or empty when the account is not part of an organization rollout'],
      ['ACCOUNT_ID', '1234', "(the stack's account)", 'must be a 12-digit AWS account id'],
    ])('%s=%j names %s', (variable, value, parameter, reason) => {
      const error = configError({ ...LAMBDA_ENV, [variable]: value });
      expect(error.message).toContain(`parameter ${parameter} (${variable}=${JSON.stringify(value)})`);
      expect(error.message).toContain(reason);
    });

    it('asks for the account id when a central bucket is set, since the copy goes under its folder', () => {
      expect(configError({ ...LAMBDA_ENV, CENTRAL_BUCKET: 'org-reports' }).message).toContain(
        'ACCOUNT_ID is not set: with parameter centralBucket (CENTRAL_BUCKET="org-reports")',
      );
      expect(loadConfig({ ...LAMBDA_ENV, CENTRAL_BUCKET: ' org-reports ', ACCOUNT_ID: '111122223333' })).toMatchObject({
        centralBucket: 'org-reports',
        accountId: '111122223333',
      });
    });

    it('asks for a region when neither REGIONS nor AWS_REGION is set', () => {
      expect(configError({}).message).toContain('parameter regions (REGIONS="") must name at least one region');
    });

    it('lists every invalid setting at once', () => {
      const error = configError({ ...LAMBDA_ENV, DEFAULT_DAYS: 'abc', CONCURRENCY: '0', DRY_RUN: 'maybe' });
      expect(error.message).toMatch(/^invalid configuration:/);
      for (const parameter of ['defaultDays', 'concurrency', 'dryRun']) expect(error.message).toContain(`parameter ${parameter} `);
    });

    it('throws a ConfigError from the janitor error family', () => {
      const error = configError({ ...LAMBDA_ENV, DEFAULT_DAYS: 'abc' });
      expect(error.name).toBe('ConfigError');
    });
  });
});
