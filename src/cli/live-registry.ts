import type { CallCounter } from '../adapters/aws/call-counter';
import { createEcrClient } from '../adapters/aws/clients';
import { EcrRegistry } from '../adapters/aws/ecr';
import { REGION_NAME } from '../domain/region';
import { defaultRegion, type CliEnvironment } from './context';
import { UsageError } from './errors';

/** Where one live command reads: a region and, for emulators, an endpoint. */
export interface LiveFlags {
  region?: string;
  endpoint?: string;
  maxAttempts?: number;
}

/**
 * The ECR registry of one region for a command that reads a single repository live: the region
 * from `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`; the SDK's default credentials.
 *
 * @throws UsageError when no region is known, or the region or endpoint is malformed
 */
export function openLiveRegistry(flags: LiveFlags, counter: CallCounter, env: CliEnvironment): EcrRegistry {
  const region = (flags.region ?? defaultRegion(env) ?? '').trim();
  if (region === '') throw new UsageError('no region: pass --region us-east-1 or set AWS_REGION');
  if (!REGION_NAME.test(region)) throw new UsageError(`--region: "${region}" is not an AWS region name; write e.g. us-east-1`);
  if (flags.endpoint !== undefined && !URL.canParse(flags.endpoint))
    throw new UsageError(`--endpoint: "${flags.endpoint}" is not a URL; write e.g. http://127.0.0.1:5000`);
  const client = createEcrClient({
    region,
    counter,
    ...(flags.maxAttempts === undefined ? {} : { maxAttempts: flags.maxAttempts }),
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
  });
  return new EcrRegistry({ client, region });
}
