import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { POLICY_EXECUTION_EVENT } from '../events/policy-execution';
import { baseClientConfig, type EcrClientOptions } from './clients';
import { attachRateLimits } from './rate-limiter';

/** CloudTrail answers `LookupEvents` twice a second per account and region; more is throttled. */
export const LOOKUP_EVENTS_PER_SECOND = 2;
/** The most events one `LookupEvents` page holds. */
export const LOOKUP_EVENTS_PAGE_SIZE = 50;

/**
 * A CloudTrail client with the janitor's timeouts, retries (throttling retried) and call counting,
 * and every `LookupEvents` attempt held to {@link LOOKUP_EVENTS_PER_SECOND}.
 *
 * @example const client = createCloudTrailClient({ region: 'eu-west-1', counter });
 */
export function createCloudTrailClient(options: EcrClientOptions): CloudTrailClient {
  const client = new CloudTrailClient(baseClientConfig(options));
  attachRateLimits(client, { LookupEvents: { perSecond: LOOKUP_EVENTS_PER_SECOND, burst: 1 } });
  options.counter?.attach(client);
  return client;
}

/**
 * Every ECR `PolicyExecutionEvent` CloudTrail's event history holds for the client's region (90 days
 * at most) since `since`, as the CloudTrail records' JSON text, oldest page last as CloudTrail pages
 * them. Pages to the end.
 *
 * @example for await (const record of policyExecutionRecords(client, { since })) out.push(record);
 */
export async function* policyExecutionRecords(
  client: CloudTrailClient,
  options: { since?: Date; until?: Date } = {},
): AsyncGenerator<string> {
  const pages = paginateLookupEvents(
    { client, pageSize: LOOKUP_EVENTS_PAGE_SIZE },
    {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: POLICY_EXECUTION_EVENT }],
      ...(options.since === undefined ? {} : { StartTime: options.since }),
      ...(options.until === undefined ? {} : { EndTime: options.until }),
    },
  );
  for await (const page of pages) {
    for (const event of page.Events ?? []) {
      // The event name is ECR's, but the lookup filters by one attribute only: keep ECR's records.
      if (event.CloudTrailEvent !== undefined && (event.EventSource === undefined || event.EventSource === 'ecr.amazonaws.com'))
        yield event.CloudTrailEvent;
    }
  }
}
