import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3ReportStore, s3ConsoleUrl } from '../../../../src/adapters/aws/s3-report-store';

const s3 = mockClient(S3Client);

describe('aws/s3-report-store', () => {
  beforeEach(() => s3.reset());

  describe('s3ConsoleUrl', () => {
    it.each([
      [
        'eu-west-1',
        'https://s3.console.aws.amazon.com/s3/object/reports-bucket?region=eu-west-1&bucketType=general&prefix=reports%2F2026-11-01%2Freport.html',
      ],
      [
        'cn-north-1',
        'https://console.amazonaws.cn/s3/object/reports-bucket?region=cn-north-1&bucketType=general&prefix=reports%2F2026-11-01%2Freport.html',
      ],
      [
        'us-gov-west-1',
        'https://console.amazonaws-us-gov.com/s3/object/reports-bucket?region=us-gov-west-1&bucketType=general&prefix=reports%2F2026-11-01%2Freport.html',
      ],
    ])('links the object in the console of the partition of %s', (region, url) => {
      expect(s3ConsoleUrl('reports-bucket', region, 'reports/2026-11-01/report.html')).toBe(url);
    });
  });

  describe('S3ReportStore', () => {
    it('links an artifact in its own bucket and region, whatever the key', () => {
      const store = new S3ReportStore(new S3Client({ region: 'eu-west-1' }), 'reports-bucket', 'eu-west-1');

      const link = new URL(store.linkTo('reports/x.html&prefix=evil'));

      expect(link.origin).toBe('https://s3.console.aws.amazon.com');
      expect(link.pathname).toBe('/s3/object/reports-bucket');
      expect(link.searchParams.getAll('prefix')).toEqual(['reports/x.html&prefix=evil']);
      expect(store.location).toBe('s3://reports-bucket');
    });

    it('writes and reads objects, and reads a missing one as undefined', async () => {
      s3.on(PutObjectCommand).resolves({});
      s3.on(GetObjectCommand, { Key: 'missing' }).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
      const store = new S3ReportStore(new S3Client({ region: 'eu-west-1' }), 'reports-bucket', 'eu-west-1');

      await store.put('reports/a.json', '{}', 'application/json');

      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: 'reports-bucket',
        Key: 'reports/a.json',
        Body: '{}',
        ContentType: 'application/json',
      });
      await expect(store.get('missing')).resolves.toBeUndefined();
    });

    it('lists every page of a prefix from the key given on, in key order', async () => {
      s3.on(ListObjectsV2Command)
        .resolvesOnce({ Contents: [{ Key: 'ledger/v1/r/a/2026-03-02T000000Z_b.json' }], NextContinuationToken: 'next', IsTruncated: true })
        .resolvesOnce({ Contents: [{ Key: 'ledger/v1/r/a/2026-03-01T120000Z_a.json' }] });
      const store = new S3ReportStore(new S3Client({ region: 'eu-west-1' }), 'reports-bucket', 'eu-west-1');

      const keys = await store.list('ledger/v1/r/a/', { startAfter: 'ledger/v1/r/a/2026-03-01T000000Z~' });

      expect(keys).toEqual(['ledger/v1/r/a/2026-03-01T120000Z_a.json', 'ledger/v1/r/a/2026-03-02T000000Z_b.json']);
      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
      expect(s3).toHaveReceivedNthCommandWith(1, ListObjectsV2Command, {
        Bucket: 'reports-bucket',
        Prefix: 'ledger/v1/r/a/',
        StartAfter: 'ledger/v1/r/a/2026-03-01T000000Z~',
      });
      expect(s3).toHaveReceivedNthCommandWith(2, ListObjectsV2Command, { ContinuationToken: 'next' });
    });
  });
});
