import { GetObjectCommand, NoSuchKey, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3InUseList, parseS3Uri } from '../../../../src/adapters/aws/s3-in-use-list';
import { ConfigError } from '../../../../src/domain/errors';

const s3 = mockClient(S3Client);

beforeEach(() => s3.reset());
afterAll(() => s3.restore());

describe('S3InUseList', () => {
  describe('parseS3Uri', () => {
    it('splits an S3 URI into bucket and key, keeping the slashes of the key', () => {
      expect(parseS3Uri('s3://ops-lists/ecr/prod/in-use.txt')).toEqual({ bucket: 'ops-lists', key: 'ecr/prod/in-use.txt' });
    });

    it.each(['https://ops-lists.s3.amazonaws.com/in-use.txt', 's3://ops-lists', 's3://Ops_Lists/x', 's3:///x'])(
      'refuses %s, naming the form it wants',
      (uri) => {
        expect(() => parseS3Uri(uri)).toThrow(ConfigError);
        expect(() => parseS3Uri(uri)).toThrow('write s3://BUCKET/KEY');
      },
    );
  });

  describe('read', () => {
    it('reads the whole object with GetObject on the configured bucket and key', async () => {
      // Arrange
      // The SDK's body stream, reduced to what the adapter calls.
      const body = { transformToString: async (encoding?: string) => (encoding === 'utf-8' ? 'web@sha256:…\n' : '') };
      s3.on(GetObjectCommand).resolves({ Body: body as unknown as GetObjectCommandOutput['Body'] });

      // Act
      const text = await new S3InUseList(new S3Client({ region: 'eu-west-1' }), 's3://ops-lists/ecr/in-use.txt').read();

      // Assert
      expect(text).toBe('web@sha256:…\n');
      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'ops-lists', Key: 'ecr/in-use.txt' });
    });

    it('throws when the object is missing: no list is not an empty list', async () => {
      // Arrange
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

      // Act / Assert
      await expect(new S3InUseList(new S3Client({ region: 'eu-west-1' }), 's3://ops-lists/in-use.txt').read()).rejects.toBeInstanceOf(
        NoSuchKey,
      );
    });
  });
});
