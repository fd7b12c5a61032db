import { ListPullTimeUpdateExclusionsCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { PullTimeExclusionAnswer } from '../../domain/pull-time-exclusion';
import type { PullTimeExclusionCheck } from '../../ports/pull-time';

/**
 * Attempts of the pull-time exclusion check: one retry for a transient failure, no more. An answer
 * that does not come (an emulator without the call answers 500) only costs a report warning, so it
 * must not hold the run up through eight adaptive retries.
 */
export const EXCLUSION_CHECK_MAX_ATTEMPTS = 2;

/** The largest page `ListPullTimeUpdateExclusions` accepts. */
export const EXCLUSIONS_PAGE_SIZE = 1000;

/** Options of {@link isPullTimeUpdateExcluded}. */
export interface PullTimeExclusionOptions {
  /**
   * Told why the answer could not be had, as one sentence naming the cause (for a report warning),
   * with the underlying error for logs. @default nothing is told
   */
  onUnknown?: (reason: string, error: unknown) => void;
}

/** The parts of an SDK error (or of a deserialisation error carrying `$metadata`) that say why a call failed. */
interface FailedCall {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** One sentence saying why the exclusion list could not be read, from the SDK's error. */
export function unknownReason(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as FailedCall;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  if (/^AccessDenied/.test(name) || status === 403) {
    return `ECR refused ecr:ListPullTimeUpdateExclusions (${name})`;
  }
  if (name === 'UnknownOperationException' || name === 'UnsupportedOperationException') {
    return `ECR in this region does not offer ListPullTimeUpdateExclusions (${name})`;
  }
  if (status !== undefined && status >= 500) {
    // An emulator that lacks the call answers 500 with an HTML page: the SDK then names a parse error, not ECR's.
    return `ECR answered HTTP ${status}${attempts === undefined ? '' : ` after ${attempts} attempt${attempts === 1 ? '' : 's'}`} (${name})`;
  }
  const firstLine = (e.message ?? '').split('\n')[0]?.trim() ?? '';
  return `ListPullTimeUpdateExclusions failed with ${name}${firstLine === '' ? '' : `: ${firstLine}`}`;
}

/**
 * Whether `principalArn` is in the registry's pull-time update exclusion list (ECR then records no
 * `lastRecordedPullTime` when it pulls), reading the list page by page (1000 a page) until the
 * principal is found or the list ends. The SDK has no paginator for this call.
 *
 * Returns `undefined` when the answer cannot be had: access denied, an ECR (or emulator) without the
 * call, a 5xx or a network failure after the client's retries. The check is advisory — it only adds a
 * warning to the weekly report — so no failure of it may cost the run its report: every error becomes
 * `undefined`, and `options.onUnknown` is told why.
 *
 * @example
 * const excluded = await isPullTimeUpdateExcluded(client, 'arn:aws:iam::123456789012:role/ecr-janitor-prod-eu-west-1-audit');
 * if (excluded === false) console.warn('the audit refreshes pull times');
 */
export async function isPullTimeUpdateExcluded(
  client: ECRClient,
  principalArn: string,
  options: PullTimeExclusionOptions = {},
): Promise<boolean | undefined> {
  let nextToken: string | undefined;
  const seen = new Set<string>();
  try {
    do {
      const page = await client.send(
        new ListPullTimeUpdateExclusionsCommand({ maxResults: EXCLUSIONS_PAGE_SIZE, ...(nextToken === undefined ? {} : { nextToken }) }),
      );
      if ((page.pullTimeUpdateExclusions ?? []).includes(principalArn)) return true;
      nextToken = page.nextToken === '' ? undefined : page.nextToken;
      // A token seen before would loop for ever: the list has been read to its end.
      if (nextToken !== undefined && seen.has(nextToken)) break;
      if (nextToken !== undefined) seen.add(nextToken);
    } while (nextToken !== undefined);
    return false;
  } catch (error) {
    options.onUnknown?.(unknownReason(error), error);
    return undefined;
  }
}

/**
 * The {@link PullTimeExclusionCheck} of the registries, through one ECR client per region (its own,
 * with few attempts: an unknown answer only costs a report warning).
 *
 * @example new EcrPullTimeExclusionCheck((region) => clients(region)).isExcluded('eu-west-1', roleArn)
 */
export class EcrPullTimeExclusionCheck implements PullTimeExclusionCheck {
  constructor(private readonly clientOf: (region: string) => ECRClient) {}

  async isExcluded(region: string, principalArn: string): Promise<PullTimeExclusionAnswer> {
    let reason = 'no answer';
    const excluded = await isPullTimeUpdateExcluded(this.clientOf(region), principalArn, {
      onUnknown: (why) => {
        reason = why;
      },
    });
    return excluded === undefined ? { excluded, reason } : { excluded };
  }
}
