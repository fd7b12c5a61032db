// The weekly state machine, step for step as Step Functions runs it, over the functions' own code and
// clients (AWS_ENDPOINT_URL → moto): Plan; the Distributed Map reading items.json from the bucket and
// handing each batch of `batchSize` items (ItemBatcher) to a shard; a shard that throws is recorded
// as the ResultWriter records a failed child; Aggregate with the ResultWriter's manifest.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadWeeklyConfig } from '../../../src/config';
import type { ReportEventDetail } from '../../../src/domain/report-event';
import { makeHandler as aggregate } from '../../../src/handlers/weekly-aggregate';
import { makeHandler as plan } from '../../../src/handlers/weekly-plan';
import { makeHandler as shard } from '../../../src/handlers/weekly-shard';
import { aggregateDeps, planDeps, shardDeps } from '../../../src/handlers/deps/weekly';
import { motoClientConfig } from './moto';

/** How the simulated execution goes. */
export interface ExecutionOptions {
  /** The execution's name (the run id). @default a new one per execution */
  runId?: string;
  /** ItemBatcher's MaxItemsPerBatch. @default 200 */
  batchSize?: number;
  /** Makes the shard of batch `index` fail (after the state machine's retries). */
  failBatch?: (index: number) => boolean;
}

let executions = 0;

/**
 * Runs one execution of the weekly state machine with the environment as it is (see useLambdaEnv),
 * and returns Aggregate's output (the report event's detail).
 */
export async function runWeeklyExecution(options: ExecutionOptions = {}): Promise<ReportEventDetail> {
  const config = loadWeeklyConfig(process.env);
  const runId = options.runId ?? `execution-${Date.now()}-${++executions}`;
  const planned = await plan({ ...planDeps(config), bucket: config.reportBucket })({ runId });
  const s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
  try {
    const items = JSON.parse(
      (await (await s3.send(new GetObjectCommand({ Bucket: planned.bucket, Key: planned.itemsKey }))).Body?.transformToString()) ?? '[]',
    ) as unknown[];
    const audit = shard(shardDeps(config));
    const failed: Array<{ Input: string; Error: string; Cause: string; Status: 'FAILED' }> = [];
    const size = options.batchSize ?? 200;
    for (let start = 0, index = 0; start < items.length; start += size, index++) {
      const event = { Items: items.slice(start, start + size), BatchInput: { runId } };
      try {
        if (options.failBatch?.(index)) throw Object.assign(new Error('Task timed out after 900.00 seconds'), { name: 'States.Timeout' });
        await audit(event);
      } catch (error) {
        const { name, message } = error as Error;
        failed.push({ Input: JSON.stringify(event), Error: name, Cause: message, Status: 'FAILED' });
      }
    }
    const prefix = `runs/map-results/${runId}`;
    const files = failed.length === 0 ? [] : [{ Key: `${prefix}/FAILED_0.json`, Size: 0 }];
    if (failed.length > 0)
      await s3.send(new PutObjectCommand({ Bucket: planned.bucket, Key: files[0]?.Key, Body: JSON.stringify(failed) }));
    const manifest = { DestinationBucket: planned.bucket, ResultFiles: { FAILED: files, PENDING: [], SUCCEEDED: [] } };
    await s3.send(new PutObjectCommand({ Bucket: planned.bucket, Key: `${prefix}/manifest.json`, Body: JSON.stringify(manifest) }));
    const state = {
      ...planned,
      map: {
        MapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:weekly/map:1',
        ResultWriterDetails: { Bucket: planned.bucket, Key: `${prefix}/manifest.json` },
      },
    };
    return await aggregate(aggregateDeps(config))(state);
  } finally {
    s3.destroy();
  }
}
