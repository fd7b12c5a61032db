// The upload step of an organization rollout against moto S3: the artifact bucket of each region is
// made private with the organization's read policy and holds every packaged file; a second run
// changes nothing; bad options and stale files write nothing; a region that fails leaves the others.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Manifest } from '../../../scripts/org/package';
import { parseUploadArgs, uploadArtifacts, type UploadOptions } from '../../../scripts/org/upload';
import { motoClientConfig, resetMoto } from '../support/moto';

jest.setTimeout(30_000);

const REGIONS = ['us-east-1', 'eu-west-1'];
const PREFIX = 'acme-ecr-janitor';
const ORG = 'o-abcdef1234';
const KEY_PREFIX = 'ecr-janitor/0.1.0-0123456789ab';
const FILES = { 'member.json': '{"Resources":{}}\n', 'weeklyPlan.zip': 'PK-plan', 'consolidateOrg.zip': 'PK-consolidate' };

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A .serverless-org/ as package:org writes it, with small stand-in files. */
function packagedDir(files: Record<string, string> = FILES, recorded: Record<string, string> = files): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'serverless-org-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  const manifest: Manifest = {
    keyPrefix: KEY_PREFIX,
    files: Object.entries(recorded).map(([file, body]) => ({
      file,
      key: `${KEY_PREFIX}/${file}`,
      contentType: file.endsWith('.json') ? 'application/json' : 'application/zip',
      sha256: sha256(body),
    })),
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('upload:org (moto S3)', () => {
  const clients = new Map<string, S3Client>();
  const s3For = (region: string): S3Client => {
    const client = clients.get(region) ?? new S3Client({ ...motoClientConfig(region), forcePathStyle: true });
    clients.set(region, client);
    return client;
  };
  const options = (over: Partial<UploadOptions> = {}): UploadOptions => ({
    dir: packagedDir(),
    prefix: PREFIX,
    regions: REGIONS,
    organizationId: ORG,
    readerArns: [],
    ...over,
  });

  async function bucketNames(): Promise<string[]> {
    return ((await s3For('us-east-1').send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '').sort();
  }

  async function state(region: string): Promise<object> {
    const s3 = s3For(region);
    const Bucket = `${PREFIX}-${region}`;
    // Contents by ETag (the MD5 of a single-part object): moto refuses GetObject on a bucket whose policy has any
    // condition (it does not evaluate them), so the objects are compared without reading them back.
    const objects = (await s3.send(new ListObjectsV2Command({ Bucket }))).Contents ?? [];
    return {
      location: (await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint ?? 'us-east-1',
      objects: Object.fromEntries(objects.map((o) => [o.Key, o.ETag?.replaceAll('"', '')])),
      policy: JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? '{}') as unknown,
      publicAccess: (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration,
      ownership: (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules,
      encryption: (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.map(
        (r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      ),
    };
  }

  beforeEach(resetMoto);
  afterAll(() => {
    for (const client of clients.values()) client.destroy();
  });

  it('makes one private bucket per region holding every packaged file, readable by the StackSet execution roles of the organization', async () => {
    const outcomes = await uploadArtifacts(options(), { s3For });

    expect(outcomes).toEqual(REGIONS.map((region) => ({ region, bucket: `${PREFIX}-${region}`, ok: true, objects: 3, uploaded: 3 })));
    expect(await bucketNames()).toEqual([`${PREFIX}-eu-west-1`, `${PREFIX}-us-east-1`]);
    for (const region of REGIONS) {
      const arn = `arn:aws:s3:::${PREFIX}-${region}`;
      expect(await state(region)).toEqual({
        location: region,
        objects: Object.fromEntries(Object.entries(FILES).map(([file, body]) => [`${KEY_PREFIX}/${file}`, md5(body)])),
        policy: {
          Version: '2012-10-17',
          Statement: [
            expect.objectContaining({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [arn, `${arn}/*`],
            }),
            {
              Sid: 'OrganizationStackSetsReadArtifacts',
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: `${arn}/ecr-janitor/*`,
              Condition: {
                StringEquals: { 'aws:PrincipalOrgID': ORG },
                ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/stacksets-exec-*'] },
              },
            },
          ],
        },
        publicAccess: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        ownership: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
        encryption: ['AES256'],
      });
    }
  });

  it('changes nothing when run again, and adds the extra readers it is given', async () => {
    await uploadArtifacts(options(), { s3For });
    const first = await state('eu-west-1');

    const again = await uploadArtifacts(options(), { s3For });

    expect(again.map((o) => (o.ok ? o.uploaded : 'failed'))).toEqual([0, 0]);
    expect(await state('eu-west-1')).toEqual(first);
    const reader = 'arn:aws:iam::111122223333:role/Admin';
    await uploadArtifacts(options({ readerArns: [reader] }), { s3For });
    const policy = (await state('eu-west-1')) as { policy: { Statement: Array<{ Condition?: { ArnLike?: Record<string, string[]> } }> } };
    expect(policy.policy.Statement[1]?.Condition?.ArnLike?.['aws:PrincipalArn']).toEqual(['arn:aws:iam::*:role/stacksets-exec-*', reader]);
  });

  it.each([
    ['no region list', { regions: [] }, '--regions is required'],
    ['no prefix', { prefix: '' }, '--prefix is required'],
    ['a prefix S3 would refuse', { prefix: 'Acme.Artifacts' }, 'must be lowercase letters, digits and hyphens'],
    ['a region that is not one', { regions: ['us-east-1', 'Europe'] }, 'Europe is not an AWS region name'],
    ['no organization', { organizationId: '' }, '--organization-id is required'],
    [
      'a packaged file changed since',
      { dir: packagedDir({ ...FILES, 'weeklyPlan.zip': 'PK-edited' }, FILES) },
      'weeklyPlan.zip changed since it was packaged',
    ],
    ['nothing packaged', { dir: mkdtempSync(path.join(tmpdir(), 'empty-')) }, 'run `npm run package:org` first'],
  ])('refuses %s with the fix, and creates nothing', async (_label, over, message) => {
    await expect(uploadArtifacts(options(over), { s3For })).rejects.toThrow(message);
    expect(await bucketNames()).toEqual([]);
  });

  it('reports a region that cannot be reached and still fills the others', async () => {
    // Nothing listens on port 9 of the loopback: the calls to "eu-west-1" fail at once.
    const unreachable = new S3Client({ ...motoClientConfig('eu-west-1'), endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
    try {
      const outcomes = await uploadArtifacts(options(), { s3For: (region) => (region === 'eu-west-1' ? unreachable : s3For(region)) });

      expect(outcomes.map((o) => [o.region, o.ok])).toEqual([
        ['us-east-1', true],
        ['eu-west-1', false],
      ]);
      expect(await bucketNames()).toEqual([`${PREFIX}-us-east-1`]);
    } finally {
      unreachable.destroy();
    }
  });
});

describe('parseUploadArgs', () => {
  it('reads the options of the command line', () => {
    expect(
      parseUploadArgs([
        '--prefix',
        'acme',
        '--regions',
        ' us-east-1, eu-west-1 ,',
        '--organization-id',
        ORG,
        '--reader-arn',
        'arn:aws:iam::111122223333:role/Admin',
      ]),
    ).toEqual({
      prefix: 'acme',
      regions: ['us-east-1', 'eu-west-1'],
      organizationId: ORG,
      readerArns: ['arn:aws:iam::111122223333:role/Admin'],
      dir: '.serverless-org',
    });
  });

  it('names an option it does not know', () => {
    expect(() => parseUploadArgs(['--region', 'us-east-1'])).toThrow("Unknown option '--region'");
  });
});
