import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../domain/errors';
import { S3_BUCKET_NAME } from '../../domain/s3';
import type { InUseListReader } from '../../ports/in-use';

/** `s3://bucket/key`: a bucket name as S3 allows it, then a key. */
const S3_URI = new RegExp(`^s3://(${S3_BUCKET_NAME.source.slice(1, -1)})/(.+)$`);

/**
 * The bucket and key of an `s3://bucket/key` URI.
 *
 * @throws ConfigError when the text is not such a URI
 * @example parseS3Uri('s3://ops-lists/ecr/in-use.txt') // { bucket: 'ops-lists', key: 'ecr/in-use.txt' }
 */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = S3_URI.exec(uri);
  if (!match) throw new ConfigError(`"${uri}" is not an S3 object URI; write s3://BUCKET/KEY`);
  return { bucket: match[1] as string, key: match[2] as string };
}

/**
 * A list of images in use kept in S3 (`GetObject`, read whole). A missing object is an error, not an
 * empty list: the guard never guesses "not in use".
 *
 * @example const text = await new S3InUseList(s3, 's3://ops-lists/ecr/in-use.txt').read();
 */
export class S3InUseList implements InUseListReader {
  readonly location: string;
  private readonly bucket: string;
  private readonly key: string;

  /** The client is built once per container by the caller. */
  constructor(
    private readonly client: S3Client,
    uri: string,
  ) {
    const { bucket, key } = parseS3Uri(uri);
    this.location = uri;
    this.bucket = bucket;
    this.key = key;
  }

  async read(): Promise<string> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  }
}
