// Every default and bound of a setting, named once. The configuration (src/config/), the CLI's
// flags, the handlers and the stack's parameter defaults (serverless.yml, through
// scripts/serverless-defaults.cjs) all take them from here; docs and help texts print them.

// ---- The default rule ------------------------------------------------------------------------

/** Days after push at which the janitor's rule expires untagged images (`--days`, `defaultDays`). */
export const DEFAULT_UNTAGGED_DAYS = 7;
/** The longest `defaultDays` a deployment accepts: 100 years. (The CLI's `--days` goes up to ECR's largest countNumber.) */
export const MAX_DEPLOYED_UNTAGGED_DAYS = 36_500;
/**
 * The policy lint's limit for `UntaggedRetentionLong` when no maximum is enforced: untagged images
 * kept longer than this many days after push are a finding (`lint-policy --max-untagged-days`).
 */
export const DEFAULT_LINT_MAX_UNTAGGED_DAYS = 30;

// ---- Which repositories ----------------------------------------------------------------------

/** The tag that opts a repository out of remediation (`--opt-out-tag`, `optOutTag`). */
export const DEFAULT_OPT_OUT_TAG = 'ecr-janitor:opt-out';
/** The longest tag key AWS accepts. */
export const MAX_TAG_KEY_LENGTH = 128;

// ---- Cost ------------------------------------------------------------------------------------

/** USD per GB-month of ECR standard storage: the list price (`--price-per-gb-month`, `pricePerGbMonth`). */
export const DEFAULT_PRICE_PER_GB_MONTH = 0.1;
/**
 * The highest price accepted, USD per GB-month, for standard and archive storage alike: 1,000 times
 * ECR's list price, so that a larger number can only be a price in the wrong unit.
 */
export const MAX_PRICE_PER_GB_MONTH = 100;
/** Days without a pull after which an image counts as archivable (`--archive-after-days`, `archiveAfterDays`). */
export const DEFAULT_ARCHIVE_AFTER_DAYS = 90;
/** The longest wait ECR's lifecycle language is asked to express here (100 years). */
export const MAX_ARCHIVE_AFTER_DAYS = 36_500;

// ---- The in-use guard ------------------------------------------------------------------------

/** Whether the guard holds writes that would remove an image in use (`--guard`, `guard`). */
export const DEFAULT_GUARD: 'on' | 'off' = 'on';
/** How far ahead the guard looks, in days: one weekly cycle (`--guard-horizon-days`, `guardHorizonDays`). */
export const DEFAULT_GUARD_HORIZON_DAYS = 7;
/** The most days ahead the guard may look: ten years. */
export const MAX_GUARD_HORIZON_DAYS = 3650;
/** The workload sources the guard reads (`--in-use-scan`, `inUseScan`): every one (see `WORKLOAD_SOURCES`). */
export const DEFAULT_IN_USE_SCAN = 'all';
/**
 * Days since Amazon Inspector last saw an image in an ECS task or EKS pod within which it still counts
 * as in use: a CronJob or a scaled-in deployment runs it again. Inspector keeps watching an image for
 * 14 days after its last use by default; a month covers monthly jobs.
 */
export const INSPECTOR_RECENT_USE_DAYS = 30;

// ---- The policy advisor ----------------------------------------------------------------------

/** Images pulled within this many days are never acted on by advice (`advise --keep-pulled-days`). */
export const DEFAULT_KEEP_PULLED_DAYS = 90;
/** The longest pull window advice keeps: ten years. */
export const MAX_KEEP_PULLED_DAYS = 3650;
/** Releases kept beyond the oldest one still pulled, for rollbacks (`advise --rollback-margin`). */
export const DEFAULT_ROLLBACK_MARGIN = 3;
/** The largest rollback margin: beyond it, "keep the last N" keeps everything a team would roll back to anyway. */
export const MAX_ROLLBACK_MARGIN = 1000;

// ---- AWS calls -------------------------------------------------------------------------------

/** Repositories read at the same time (`--concurrency`, `concurrency`). */
export const DEFAULT_CONCURRENCY = 8;
/** The most repositories in flight: ECR rate-limits each API per account and region, so more only adds throttling. */
export const MAX_CONCURRENCY = 64;
/** Attempts per AWS call, the first try and the retries, with adaptive retry (`--max-attempts`). */
export const DEFAULT_MAX_ATTEMPTS = 8;
/** The most attempts per AWS call: with back-off between attempts, more would keep one call retrying for many minutes. */
export const MAX_ATTEMPTS = 20;
/** The SDK's retry mode (`--retry-mode`). */
export const DEFAULT_RETRY_MODE: 'adaptive' | 'standard' = 'adaptive';
/** How long a connection may take to open before the attempt fails, ms (`--connect-timeout`, `connectionTimeoutMs`). */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
/**
 * How long an attempt may wait for its answer, ms (`--request-timeout`, `requestTimeoutMs`). ECR answers
 * its largest pages in about a second; an endpoint that accepts connections and never answers fails a
 * call in two of these (see {@link TIMEOUT_RETRIES} and `worstCaseCallMs`).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/**
 * How many times a call retries an attempt that timed out: once. Throttling is retried up to the
 * attempts allowed; a timeout is no throttle, and waiting out eight of them per call kept a run on a
 * silent endpoint busy for minutes.
 */
export const TIMEOUT_RETRIES = 1;
/**
 * Timed-out attempts in a row at one endpoint (host and port), with no answer in between, after which
 * the endpoint counts as silent: calls to it fail at once for {@link SILENT_HOLD_MS}.
 */
export const SILENT_AFTER_TIMEOUTS = 3;
/** How long a silent endpoint is left alone before calls try it again, ms (a warm Lambda container tries again). */
export const SILENT_HOLD_MS = 60_000;
/** The shortest timeout accepted, ms. */
export const MIN_TIMEOUT_MS = 100;
/** The longest timeout accepted, ms: ten minutes. */
export const MAX_TIMEOUT_MS = 600_000;
/**
 * The highest client-side rate and burst accepted (`--rate-limit`, `rateLimits`): far above any rate
 * ECR grants an account (tens of calls per second), so a larger number can only be a typo.
 */
export const MAX_RATE_LIMIT = 1000;

// ---- The weekly run --------------------------------------------------------------------------

/** Repositories per shard (the Distributed Map's ItemBatcher; `--batch-size`, `batchSize`). */
export const DEFAULT_BATCH_SIZE = 200;
/** The most repositories a shard may take: a shard must finish well within one 15-minute invocation. */
export const MAX_BATCH_SIZE = 1_000;
/** Shards at the same time: four functions reading ECR, each at its client-side rate (`--workers`, `workers`). */
export const DEFAULT_WORKERS = 4;
/**
 * The most shards at once in the deployed run: every worker reads ECR at its own client-side rate, so
 * the account's rate (not the map) bounds the run; beyond this the workers would only be throttled.
 * (`weekly --workers`, one process, is bounded by {@link MAX_CONCURRENCY}.)
 */
export const MAX_WORKERS = 100;
/** Repositories whose shards may fail before the map stops, in percent (`toleratedFailurePercent`). */
export const DEFAULT_TOLERATED_FAILURE_PERCENT = 10;
/** When the weekly run starts: Mondays 06:00 UTC (`schedule`). */
export const DEFAULT_SCHEDULE = 'cron(0 6 ? * MON *)';
/** Read every repository's tags in bulk with the Resource Groups Tagging API (`bulkTags`; CLI: `--no-bulk-tags`). */
export const DEFAULT_BULK_TAGS = true;

// ---- The deployment --------------------------------------------------------------------------

/** Audit and report only, never write a policy (`dryRun`). */
export const DEFAULT_DRY_RUN = false;
/** The event bus that receives the report event (`reportBus`). */
export const DEFAULT_REPORT_BUS = 'default';
/** Reserved concurrency of each event handler (`eventHandlerConcurrency`). */
export const DEFAULT_EVENT_HANDLER_CONCURRENCY = 5;
/**
 * The region a function builds its clients for when neither the deploy region (`AWS_REGION`) nor a
 * configured region names one: the region of the global endpoints.
 */
export const FALLBACK_REGION = 'us-east-1';

// ---- The CLI ---------------------------------------------------------------------------------

/** Seconds between progress lines when stderr is not a terminal (`--progress-interval`). */
export const DEFAULT_PROGRESS_INTERVAL_SECONDS = 5;
/** The longest interval between progress lines, in seconds: an hour. */
export const MAX_PROGRESS_INTERVAL_SECONDS = 3600;

// ---- Across accounts -------------------------------------------------------------------------

/** The role assumed in each account: the one Organizations creates in the accounts it creates (`--role-name`). */
export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';
/** Accounts read at the same time (`--account-concurrency`): each is its own rate domain, so they add up. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 4;
/** The most accounts read at the same time: each holds its clients and its repositories in hand. */
export const MAX_ACCOUNT_CONCURRENCY = 32;
/** The oldest member report the organization's report takes, in days: a weekly run and a day's slack. */
export const MAX_MEMBER_REPORT_AGE_DAYS = 8;
