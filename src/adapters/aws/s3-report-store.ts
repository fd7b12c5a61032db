import { GetObjectCommand, NoSuchKey, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { ListOptions, ObjectStore } from '../../ports/object-store';
import type { ReportStore } from '../../ports/report';

/** The AWS console's address in the partition of `region` (China and GovCloud have their own). */
export function consoleOrigin(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return 'https://s3.console.aws.amazon.com';
}

/**
 * The S3 console page of one object: opening it asks for a sign-in to the account, and shows the
 * object only to a principal allowed to read it.
 *
 * @example s3ConsoleUrl('reports-bucket', 'eu-west-1', 'reports/2026-11-02/report.html')
 */
export function s3ConsoleUrl(bucket: string, region: string, key: string): string {
  const query = new URLSearchParams({ region, bucketType: 'general', prefix: key });
  return `${consoleOrigin(region)}/s3/object/${encodeURIComponent(bucket)}?${query.toString()}`;
}

/** Report artifacts, and the weekly run's working objects, in an S3 bucket. */
export class S3ReportStore implements ReportStore, ObjectStore {
  readonly location: string;

  /**
   * Wraps a bucket; the client is built once per container by the caller.
   *
   * @param region the bucket's region, for the console links of {@link linkTo}
   */
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly region: string,
  ) {
    this.location = `s3://${bucket}`;
  }

  /** The object's page in the S3 console (see {@link s3ConsoleUrl}). */
  linkTo(key: string): string {
    return s3ConsoleUrl(this.bucket, this.region, key);
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body?.transformToString('utf-8');
    } catch (error) {
      // A missing object (the first report) is an answer, not a failure.
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<string[]> {
    const keys: string[] = [];
    const input = { Bucket: this.bucket, Prefix: prefix, ...(options.startAfter === undefined ? {} : { StartAfter: options.startAfter }) };
    for await (const page of paginateListObjectsV2({ client: this.client, pageSize: 1000 }, input)) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    }
    return keys.sort();
  }
}
