// `npm run upload:org -- --prefix PREFIX --regions REGION[,REGION…] --organization-id o-… [--reader-arn ARN …] [--endpoint URL]`
// Puts what `npm run package:org` wrote (.serverless-org/manifest.json lists it: member.json and the
// function zips) into one artifact bucket per region, `<prefix>-<region>`: Lambda reads a function's
// code only from a bucket in the function's region. Each bucket is created when missing, kept private
// (public access blocked, owner-enforced objects, encrypted, TLS only), and its policy lets the
// organization's StackSet execution roles (`stacksets-exec-*`, in member accounts) read the artifacts.
// Run it with the credentials of the account that deploys org.json. Running it again changes nothing
// that is already right; one region's failure never stops the others (exit 1 names each).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  paginateListObjectsV2,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { CallCounter } from '../../src/adapters/aws/call-counter';
import { baseClientConfig } from '../../src/adapters/aws/clients';
import { REGION_NAME, partitionOf } from '../../src/domain/region';
import { ARTIFACT_BUCKET_PREFIX_PATTERN } from './member-template';
import type { Manifest } from './package';

/** What to upload where. */
export interface UploadOptions {
  /** The directory `npm run package:org` wrote. @default .serverless-org */
  dir: string;
  /** Buckets are `<prefix>-<region>`. */
  prefix: string;
  /** One bucket per region. */
  regions: string[];
  /** The organization whose StackSet execution roles may read the artifacts. */
  organizationId: string;
  /** More principals of the organization that may read them (e.g. the role that deploys member.json in the management account when the buckets are elsewhere). @default [] */
  readerArns: string[];
}

/** What the upload did in one region. */
export type RegionOutcome =
  | { region: string; bucket: string; ok: true; objects: number; uploaded: number }
  | { region: string; bucket: string; ok: false; error: string };

/** Bad options: nothing was written. */
export class UploadUsageError extends Error {
  override readonly name = 'UploadUsageError';
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):(role|user)\/.+$/;
/** Uploads of a few hundred kilobytes each: more time than an API call's default. */
const UPLOAD_TIMEOUT_MS = 120_000;

/** The bucket of one region. */
export function artifactBucket(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

/**
 * The bucket policy: TLS only, and the artifacts readable by the organization's StackSet execution
 * roles (and `readerArns`) alone, under the key prefix of the releases.
 */
export function artifactBucketPolicy(
  bucket: string,
  region: string,
  keyRoot: string,
  options: Pick<UploadOptions, 'organizationId' | 'readerArns'>,
): object {
  const partition = partitionOf(region);
  const arn = `arn:${partition}:s3:::${bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'OrganizationStackSetsReadArtifacts',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${arn}/${keyRoot}/*`,
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': options.organizationId },
          ArnLike: { 'aws:PrincipalArn': [`arn:${partition}:iam::*:role/stacksets-exec-*`, ...options.readerArns] },
        },
      },
    ],
  };
}

/**
 * The manifest and its files, each checked against its recorded digest, before anything is written.
 *
 * @throws UploadUsageError naming the missing or changed file and `npm run package:org`
 */
export function readArtifacts(dir: string): { manifest: Manifest; bodies: Map<string, Buffer> } {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new UploadUsageError(`${manifestPath} does not exist: run \`npm run package:org\` first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const bodies = new Map<string, Buffer>();
  for (const file of manifest.files) {
    const full = path.join(dir, file.file);
    if (!existsSync(full)) throw new UploadUsageError(`${full} is listed in the manifest but missing: run \`npm run package:org\` again`);
    const body = readFileSync(full);
    if (createHash('sha256').update(body).digest('hex') !== file.sha256) {
      throw new UploadUsageError(`${full} changed since it was packaged: run \`npm run package:org\` again`);
    }
    bodies.set(file.file, body);
  }
  return { manifest, bodies };
}

/**
 * Checks the options.
 *
 * @throws UploadUsageError naming the option and what it must be
 */
export function checkOptions(options: UploadOptions): void {
  if (options.prefix === '')
    throw new UploadUsageError('--prefix is required: the artifact buckets are <prefix>-<region>, e.g. --prefix acme-ecr-janitor');
  if (!new RegExp(ARTIFACT_BUCKET_PREFIX_PATTERN).test(options.prefix)) {
    throw new UploadUsageError(
      `--prefix ${JSON.stringify(options.prefix)} must be lowercase letters, digits and hyphens, at most 48 characters, no dots`,
    );
  }
  if (options.regions.length === 0) {
    throw new UploadUsageError('--regions is required: every region of the stack set, comma-separated, e.g. --regions us-east-1,eu-west-1');
  }
  const bad = options.regions.filter((r) => !REGION_NAME.test(r));
  if (bad.length > 0) throw new UploadUsageError(`--regions: ${bad.join(', ')} is not an AWS region name such as eu-west-1`);
  if (!ORGANIZATION_ID.test(options.organizationId)) {
    throw new UploadUsageError('--organization-id is required: the organization id, o-… ("aws organizations describe-organization")');
  }
  const badArns = options.readerArns.filter((a) => !PRINCIPAL_ARN.test(a));
  if (badArns.length > 0) throw new UploadUsageError(`--reader-arn ${badArns.join(', ')} is not an IAM role or user ARN`);
}

async function ensureBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that takes no location constraint.
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    if (error instanceof BucketAlreadyOwnedByYou || (error as { name?: string }).name === 'BucketAlreadyOwnedByYou') return;
    if ((error as { name?: string }).name === 'BucketAlreadyExists') {
      throw new Error(`bucket ${bucket} belongs to another account: choose another --prefix`, { cause: error });
    }
    throw error;
  }
}

async function uploadRegion(
  s3: S3Client,
  region: string,
  options: UploadOptions,
  manifest: Manifest,
  bodies: Map<string, Buffer>,
): Promise<{ objects: number; uploaded: number }> {
  const bucket = artifactBucket(options.prefix, region);
  await ensureBucket(s3, bucket, region);
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await s3.send(
    new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
  );
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    }),
  );
  // An object already there with the same content is left as it is: a second run uploads nothing.
  const stored = await etags(s3, bucket, `${manifest.keyPrefix}/`);
  let uploaded = 0;
  for (const file of manifest.files) {
    const body = bodies.get(file.file);
    if (body === undefined) throw new Error(`${file.file} was not read`);
    if (stored.get(file.key) === createHash('md5').update(body).digest('hex')) continue;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: file.key, Body: body, ContentType: file.contentType }));
    uploaded++;
  }
  // Last: until the artifacts are there, nobody needs to read them.
  const keyRoot = manifest.keyPrefix.split('/')[0] ?? manifest.keyPrefix;
  await s3.send(
    new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(artifactBucketPolicy(bucket, region, keyRoot, options)) }),
  );
  return { objects: manifest.files.length, uploaded };
}

/**
 * The ETag of every object under `prefix`, every page read: for a single-part upload encrypted with
 * S3-managed keys, the MD5 of its content.
 */
async function etags(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) if (o.Key !== undefined && o.ETag !== undefined) found.set(o.Key, o.ETag.replaceAll('"', ''));
  }
  return found;
}

/**
 * Uploads the packaged artifacts to every region's bucket, the regions at the same time; a region
 * that fails is reported with its error and leaves the others be.
 *
 * @example const outcomes = await uploadArtifacts(options, { s3For: (region) => new S3Client({ region }) });
 * @throws UploadUsageError when the options or the packaged files are not right (nothing is written then)
 */
export async function uploadArtifacts(options: UploadOptions, deps: { s3For: (region: string) => S3Client }): Promise<RegionOutcome[]> {
  checkOptions(options);
  const { manifest, bodies } = readArtifacts(options.dir);
  const regions = [...new Set(options.regions)];
  return Promise.all(
    regions.map(async (region): Promise<RegionOutcome> => {
      const bucket = artifactBucket(options.prefix, region);
      try {
        return { region, bucket, ok: true, ...(await uploadRegion(deps.s3For(region), region, options, manifest, bodies)) };
      } catch (error) {
        return { region, bucket, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    }),
  );
}

/** The command line's options; `endpoint` sends every call there (a local emulator). */
export function parseUploadArgs(args: string[]): UploadOptions & { endpoint?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        prefix: { type: 'string', default: '' },
        regions: { type: 'string', default: '' },
        'organization-id': { type: 'string', default: '' },
        'reader-arn': { type: 'string', multiple: true, default: [] },
        dir: { type: 'string', default: '.serverless-org' },
        endpoint: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UploadUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  return {
    prefix: values.prefix.trim(),
    regions: values.regions
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== ''),
    organizationId: values['organization-id'].trim(),
    readerArns: values['reader-arn'],
    dir: values.dir,
    ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseUploadArgs>;
  try {
    options = parseUploadArgs(process.argv.slice(2));
    checkOptions(options);
  } catch (error) {
    process.stderr.write(`upload:org: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  const counter = new CallCounter();
  const s3For = (region: string) => {
    const s3 = new S3Client({
      ...baseClientConfig({
        region,
        requestTimeoutMs: UPLOAD_TIMEOUT_MS,
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      }),
      ...(options.endpoint === undefined ? {} : { forcePathStyle: true }),
    });
    counter.attach(s3);
    return s3;
  };
  let outcomes: RegionOutcome[];
  try {
    outcomes = await uploadArtifacts(options, { s3For });
  } catch (error) {
    process.stderr.write(`upload:org: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  for (const o of outcomes) {
    process.stderr.write(
      o.ok
        ? `upload:org: ${o.region}: s3://${o.bucket} holds the ${o.objects} artifacts (${o.uploaded} uploaded now)\n`
        : `upload:org: ${o.region}: FAILED (s3://${o.bucket}): ${o.error}\n`,
    );
  }
  const calls = counter.snapshot().calls;
  process.stderr.write(`upload:org: ${calls.total ?? 0} S3 calls\n`);
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}

if (require.main === module) void main();
