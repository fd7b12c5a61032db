// Validates the serverless.yml parameters with the same code the functions run at cold start, so a
// bad value fails `serverless package` / `deploy` with the parameter's name instead of a weekly error.
// Returns the weekly run's state machine settings as numbers (`custom.validatedParams.weeklyRun`):
// the template takes them from here, so an unchecked value cannot reach it.
const loadConfigModule = require('./lib/load-config.cjs');

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String(await resolveVariable(`param:${name}`));
  const env = {
    DEFAULT_DAYS: await param('defaultDays'),
    DRY_RUN: await param('dryRun'),
    MAX_UNTAGGED_DAYS: await param('maxUntaggedDays'),
    REGIONS: (await param('regions')) || String(await resolveVariable('aws:region')),
    EXCLUDE: await param('exclude'),
    OPT_OUT_TAG: await param('optOutTag'),
    PRICE_PER_GB_MONTH: await param('pricePerGbMonth'),
    CONCURRENCY: await param('concurrency'),
    RATE_LIMITS: await param('rateLimits'),
    CONNECTION_TIMEOUT_MS: await param('connectionTimeoutMs'),
    REQUEST_TIMEOUT_MS: await param('requestTimeoutMs'),
    REPORT_BUS: await param('reportBus'),
    COST_ALLOCATION_TAG_KEYS: await param('costAllocationTagKeys'),
    ARCHIVE_AFTER_DAYS: await param('archiveAfterDays'),
    ARCHIVE_PRICE_PER_GB_MONTH: await param('archivePricePerGbMonth'),
    GUARD: await param('guard'),
    GUARD_HORIZON_DAYS: await param('guardHorizonDays'),
    IN_USE_LIST_S3_URI: await param('inUseListS3Uri'),
    BULK_TAGS: await param('bulkTags'),
    CENTRAL_BUCKET: await param('centralBucket'),
    // The stack's own account, known only at deploy: any id lets the central bucket's name be checked.
    ACCOUNT_ID: '000000000000',
  };
  const config = loadConfigModule();
  config.loadConfig(env);
  const weeklyRun = config.loadWeeklyRunParameters({
    batchSize: await param('batchSize'),
    workers: await param('workers'),
    toleratedFailurePercent: await param('toleratedFailurePercent'),
  });
  const schedule = await param('schedule');
  if (!/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/.test(schedule)) {
    throw new Error(`parameter schedule ("${schedule}") must be rate(…) or cron(…), e.g. cron(0 6 ? * MON *)`);
  }
  const email = await param('reportEmail');
  if (email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    throw new Error(`parameter reportEmail ("${email}") must be an e-mail address, or empty for no e-mail`);
  }
  const centralBus = await param('centralBusArn');
  if (centralBus !== '' && !/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/.test(centralBus)) {
    throw new Error(
      `parameter centralBusArn ("${centralBus}") must be an event bus ARN, or empty when the account is not part of an organization rollout`,
    );
  }
  return { weeklyRun };
};
