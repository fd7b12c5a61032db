// The configuration of the organization's report (the consolidator function) from its environment.
import * as z from 'zod';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../domain/defaults';
import { ConfigError } from '../domain/errors';
import { REGION_NAME } from '../domain/region';
import { S3_BUCKET_NAME } from '../domain/s3';
import { TOPIC_ARN, milliseconds, nonEmpty } from './fields';

/** The settings of the organization's report (the consolidator function). */
export interface OrgReportConfig {
  /** The central bucket: the members' reports under `accounts/`, the organization's under `org/`. */
  centralBucket: string;
  /** The central event bus, by ARN: the organization's report event goes there. */
  centralEventBusArn: string;
  /** An SNS topic for the short e-mail. @default undefined (no e-mail) */
  reportTopicArn: string | undefined;
  /** The function's region (the bucket's and the bus's). */
  region: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

const orgReportSchema = z.object({
  CENTRAL_BUCKET: z.string().regex(S3_BUCKET_NAME, "must be the central bucket's name"),
  CENTRAL_EVENT_BUS_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/, "must be the central event bus's ARN"),
  REPORT_TOPIC_ARN: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN, or empty for no e-mail').optional(),
  AWS_REGION: z.string().regex(REGION_NAME, 'must be the region the function runs in'),
  CONNECTION_TIMEOUT_MS: milliseconds,
  REQUEST_TIMEOUT_MS: milliseconds,
});

/**
 * The consolidator's configuration from its environment: `CENTRAL_BUCKET`, `CENTRAL_EVENT_BUS_ARN`,
 * `REPORT_TOPIC_ARN` (optional) and the Lambda's `AWS_REGION`.
 *
 * @throws ConfigError naming every variable that is missing or wrong
 * @example const config = loadOrgReportConfig(process.env);
 */
export function loadOrgReportConfig(env: Readonly<Record<string, string | undefined>>): OrgReportConfig {
  const raw = {
    CENTRAL_BUCKET: env.CENTRAL_BUCKET?.trim() ?? '',
    CENTRAL_EVENT_BUS_ARN: env.CENTRAL_EVENT_BUS_ARN?.trim() ?? '',
    REPORT_TOPIC_ARN: nonEmpty(env.REPORT_TOPIC_ARN),
    AWS_REGION: env.AWS_REGION?.trim() ?? '',
    CONNECTION_TIMEOUT_MS: nonEmpty(env.CONNECTION_TIMEOUT_MS) ?? String(DEFAULT_CONNECTION_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: nonEmpty(env.REQUEST_TIMEOUT_MS) ?? String(DEFAULT_REQUEST_TIMEOUT_MS),
  };
  const result = orgReportSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof typeof raw;
      return `${key}=${JSON.stringify(raw[key] ?? '')} ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration of the organization's report:\n  - ${problems.join('\n  - ')}`);
  }
  const d = result.data;
  return {
    centralBucket: d.CENTRAL_BUCKET,
    centralEventBusArn: d.CENTRAL_EVENT_BUS_ARN,
    reportTopicArn: d.REPORT_TOPIC_ARN,
    region: d.AWS_REGION,
    connectionTimeoutMs: d.CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: d.REQUEST_TIMEOUT_MS,
  };
}
