import { errorCode } from '../domain/errors';
import type { ReportError } from '../domain/report-problems';

/**
 * What the SDK's own text does not say plainly (what happened, and what to do), by error code:
 * "a request has exceeded the configured 10000 ms requestTimeout"; "Could not load credentials
 * from any providers".
 */
const PLAIN_WORDS: Readonly<Record<string, (raw: string) => string>> = {
  TimeoutError: (raw) =>
    `timed out: no answer within the request timeout, on every attempt (${raw}); check the endpoint and the network, or raise --request-timeout`,
  CredentialsProviderError: (raw) =>
    `no AWS credentials found (${raw}): set AWS_PROFILE (a profile from aws configure or aws sso login) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them`,
};

/**
 * Turns any thrown value into a report entry that names the repository and keeps the error's code
 * ({@link errorCode}).
 */
export function toReportError(region: string, repositoryName: string | undefined, error: unknown): ReportError {
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = PLAIN_WORDS[code]?.(raw) ?? raw;
  return { region, ...(repositoryName === undefined ? {} : { repositoryName }), code, message };
}

/** How the message of a region failure starts, in every report format. */
const REGION_FAILURE = 'region failure: its repositories could not be listed';

/**
 * The report entry of a region whose repository listing failed: no repository, and a message that
 * says it is a region failure (an empty region would have no entry at all).
 *
 * @example regionFailure('eu-west-1', error) // { region: 'eu-west-1', code: 'AccessDeniedException', message: "region failure: …: User … is not authorized" }
 */
export function regionFailure(region: string, error: unknown): ReportError {
  const entry = toReportError(region, undefined, error);
  // A failure replayed from a snapshot already says so.
  return entry.message.startsWith(REGION_FAILURE) ? entry : { ...entry, message: `${REGION_FAILURE}: ${entry.message}` };
}
