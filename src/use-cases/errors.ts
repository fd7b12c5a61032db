import { errorCode } from '../domain/errors';
import type { ReportError } from '../domain/report';

/**
 * Turns any thrown value into a report entry that names the repository and keeps the error's code
 * ({@link errorCode}).
 */
export function toReportError(region: string, repositoryName: string | undefined, error: unknown): ReportError {
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  // The SDK's own text ("a request has exceeded the configured 10000 ms requestTimeout") does not say
  // plainly what happened, nor what to do.
  const message =
    code === 'TimeoutError'
      ? `timed out: no answer within the request timeout, on every attempt (${raw}); check the endpoint and the network, or raise --request-timeout`
      : raw;
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
