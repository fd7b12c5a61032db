// scripts/serverless-params.cjs, the variable source serverless.yml resolves before it packages: it
// checks every parameter with src/config/ and hands the weekly run's map settings to the template.
import path from 'node:path';

type ResolveVariable = (variable: string) => Promise<unknown>;
type ParamsScript = (context: { resolveVariable: ResolveVariable }) => Promise<{ weeklyRun: Record<string, number> }>;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the script is CommonJS, as the framework loads it
const validatedParams = require(path.resolve(__dirname, '..', '..', '..', 'scripts', 'serverless-params.cjs')) as ParamsScript;

/** serverless.yml's parameter defaults, as the framework resolves them. */
const DEFAULTS: Record<string, string> = {
  defaultDays: '7',
  dryRun: 'false',
  maxUntaggedDays: '',
  regions: '',
  exclude: '',
  optOutTag: 'ecr-janitor:opt-out',
  schedule: 'cron(0 6 ? * MON *)',
  batchSize: '200',
  workers: '4',
  toleratedFailurePercent: '10',
  pricePerGbMonth: '0.10',
  reportEmail: '',
  reportBus: 'default',
  concurrency: '8',
  rateLimits: '',
  costAllocationTagKeys: '',
  archiveAfterDays: '90',
  archivePricePerGbMonth: '',
  connectionTimeoutMs: '3000',
  requestTimeoutMs: '10000',
  guard: 'on',
  guardHorizonDays: '7',
  inUseListS3Uri: '',
  bulkTags: 'true',
  centralBucket: '',
  centralBusArn: '',
};

function resolverWith(params: Record<string, string>): { resolveVariable: ResolveVariable } {
  return {
    resolveVariable: (variable) => {
      if (variable === 'aws:region') return Promise.resolve('eu-west-1');
      const name = variable.replace(/^param:/, '');
      const value = { ...DEFAULTS, ...params }[name];
      return value === undefined ? Promise.reject(new Error(`no parameter ${name}`)) : Promise.resolve(value);
    },
  };
}

describe('serverless-params.cjs', () => {
  describe('weekly run settings', () => {
    it('returns the map settings as numbers for the state machine', async () => {
      await expect(validatedParams(resolverWith({ batchSize: '500', workers: '8', toleratedFailurePercent: '0' }))).resolves.toEqual({
        weeklyRun: { batchSize: 500, workers: 8, toleratedFailurePercent: 0 },
      });
    });

    it('fails the package with the parameter, its value and its range when a setting is out of range', async () => {
      await expect(validatedParams(resolverWith({ batchSize: '5000' }))).rejects.toThrow(
        'parameter batchSize ("5000") must be a whole number from 1 to 1000',
      );
    });

    it('still checks the functions’ own parameters first', async () => {
      await expect(validatedParams(resolverWith({ defaultDays: '0', workers: '0' }))).rejects.toThrow('parameter defaultDays');
    });

    it.each([
      ['centralBucket', 'Org_Reports', /parameter centralBucket.*must be an S3 bucket name/s],
      ['centralBusArn', 'ecr-janitor-org', /parameter centralBusArn \("ecr-janitor-org"\) must be an event bus ARN/],
    ])('checks the organization parameter %s', async (name, value, message) => {
      await expect(validatedParams(resolverWith({ [name]: value }))).rejects.toThrow(message);
    });

    it('accepts the organization parameters when they name a bucket and a bus', async () => {
      await expect(
        validatedParams(
          resolverWith({ centralBucket: 'org-reports', centralBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/ecr-janitor-org' }),
        ),
      ).resolves.toEqual({ weeklyRun: { batchSize: 200, workers: 4, toleratedFailurePercent: 10 } });
    });

    it('checks bulkTags, which only the weekly steps read', async () => {
      await expect(validatedParams(resolverWith({ bulkTags: 'yes' }))).rejects.toThrow(/parameter bulkTags.*true or false/s);
    });
  });
});
