// Where a command reads: the regions or a snapshot file, the AWS clients' settings, how many
// repositories at once and how often progress is told; and, where the command reads several, the
// accounts (accounts.ts).
import { type Command, Option } from 'commander';
import { parseRateLimits, type RateLimits } from '../../adapters/aws/rate-limiter';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_PROGRESS_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_MODE,
  MAX_ATTEMPTS,
  MAX_CONCURRENCY,
  MAX_PROGRESS_INTERVAL_SECONDS,
  MAX_TIMEOUT_MS,
  MIN_TIMEOUT_MS,
} from '../../domain/defaults';
import { addAccountFlags, type AccountFlags } from './accounts';
import { argumentParser, parseEndpoint, parseIntInRange } from './values';

/** The AWS client settings of a live run: every client it builds (ECR, ECS, Lambda, tagging, S3) shares them. */
export interface ClientFlags {
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive' | 'standard';
  connectTimeout: number;
  requestTimeout: number;
}

/**
 * The flags of the commands that read registries: where (regions, or a snapshot file), with which
 * client settings, how many repositories at once, and how often progress is told. Flags that choose
 * more places to read (accounts of an organization) belong here, read by `openSources`.
 */
export interface SourceFlags extends ClientFlags, AccountFlags {
  region?: string;
  rateLimit?: RateLimits;
  snapshot?: string;
  concurrency: number;
  progressInterval: number;
}

/**
 * What a command can read besides the live registries of `--region`, said once per command and
 * given both to {@link addSourceFlags} and to `openSources`. A new kind of source (the accounts of
 * an organization) is one more choice here.
 */
export interface SourceChoices {
  /** `--snapshot FILE`: a file written by `ecr-janitor snapshot`, read offline. */
  snapshot: boolean;
  /** `--accounts`, `--org`, `--role-name`, `--account-concurrency`: several accounts, each through its role. @default false */
  accounts?: boolean;
}

/** Adds the flags that say where to read ({@link SourceFlags}), with those of the command's {@link SourceChoices}. */
export function addSourceFlags(command: Command, { snapshot, accounts }: SourceChoices): Command {
  command
    .option(
      '--region <regions>',
      snapshot
        ? 'comma-separated AWS regions (default: AWS_REGION; with --snapshot, every region in the file)'
        : 'comma-separated AWS regions (default: AWS_REGION)',
    )
    .option(
      '--endpoint <url>',
      `AWS endpoint URL (http or https) for ECR, and ECS and Lambda when scanning for images in use${accounts === true ? ', and STS and Organizations across accounts' : ''}, e.g. a local emulator`,
      parseEndpoint,
    )
    .option(
      '--concurrency <n>',
      `repositories read at the same time, 1 to ${MAX_CONCURRENCY}`,
      parseIntInRange(1, MAX_CONCURRENCY, 'more only adds throttling: ECR rate-limits each API per account and region'),
      DEFAULT_CONCURRENCY,
    )
    .option(
      '--rate-limit <limits>',
      'client-side limits per ECR operation, e.g. DescribeImages=18/5,GetLifecyclePolicy=18 (calls per second/burst)',
      argumentParser(parseRateLimits),
    )
    .option(
      '--max-attempts <n>',
      `attempts per AWS call, retries of throttling included, 1 to ${MAX_ATTEMPTS}`,
      parseIntInRange(1, MAX_ATTEMPTS, 'with back-off between attempts, more would keep one call retrying for many minutes'),
      DEFAULT_MAX_ATTEMPTS,
    )
    .addOption(new Option('--retry-mode <mode>', 'SDK retry mode').choices(['adaptive', 'standard']).default(DEFAULT_RETRY_MODE))
    .option(
      '--connect-timeout <ms>',
      `milliseconds a connection to AWS may take to open, ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`,
      parseIntInRange(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'ten minutes at most'),
      DEFAULT_CONNECTION_TIMEOUT_MS,
    )
    .option(
      '--request-timeout <ms>',
      `milliseconds an attempt of an AWS call may wait for its answer, ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS} (a timed-out attempt is retried once: a silent endpoint fails a call in two of these)`,
      parseIntInRange(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'ten minutes at most'),
      DEFAULT_REQUEST_TIMEOUT_MS,
    )
    .option(
      '--progress-interval <seconds>',
      `seconds between done/total lines when stderr is not a terminal, 0 for none, at most ${MAX_PROGRESS_INTERVAL_SECONDS}`,
      parseIntInRange(0, MAX_PROGRESS_INTERVAL_SECONDS, 'an hour at most'),
      DEFAULT_PROGRESS_INTERVAL_SECONDS,
    );
  if (snapshot) command.option('--snapshot <file>', 'read a snapshot file instead of AWS (fully offline)');
  if (accounts === true) addAccountFlags(command);
  return command;
}
