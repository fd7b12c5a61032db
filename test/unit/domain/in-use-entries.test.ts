import { InvalidInputError } from '../../../src/domain/errors';
import { inUseEntryOf, parseInUseList } from '../../../src/domain/in-use-entries';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('in-use-entries', () => {
  describe('inUseEntryOf', () => {
    it('binds an ECR image to its registry and prefers the digest the platform resolved', () => {
      expect(inUseEntryOf({ image: `${REGISTRY}/web:latest@${D2}`, imageDigest: D1, consumer: 'ecs:task/prod/1' })).toEqual({
        accountId: ACCOUNT,
        region: REGION,
        repositoryName: 'web',
        imageDigest: D1,
        consumer: 'ecs:task/prod/1',
      });
    });

    it('takes the digest from the image when the platform resolved none', () => {
      expect(inUseEntryOf({ image: `${REGISTRY}/web@${D2}`, consumer: 'lambda:api:3' })?.imageDigest).toBe(D2);
    });

    it.each([
      ['its tag', `${REGISTRY}/web:v1.2`, 'v1.2'],
      ['latest, when it names no tag', `${REGISTRY}/web`, 'latest'],
      ['its tag, through an explicit port', `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com:443/web:v1`, 'v1'],
    ])('keeps an ECR image named by tag only as a tag entry of its repository: %s', (_label, image, tag) => {
      expect(inUseEntryOf({ image, consumer: 'events:rule/default/nightly' })).toEqual({
        accountId: ACCOUNT,
        region: REGION,
        repositoryName: 'web',
        tag,
        consumer: 'events:rule/default/nightly',
      });
    });

    it.each([
      ['an image of another registry', { image: `public.ecr.aws/nginx/nginx@${D1}`, consumer: 'ecs:task/a/1' }],
      ['an image of another registry by tag', { image: 'docker.io/library/nginx:1.27', consumer: 'ecs:task/a/1' }],
      ['text that is no image reference', { image: 'not an image', imageDigest: D1, consumer: 'ecs:task/a/1' }],
    ])('returns undefined for %s', (_label, workload) => {
      expect(inUseEntryOf(workload)).toBeUndefined();
    });
  });

  describe('parseInUseList', () => {
    it('reads one reference a line, several on a line as kubectl prints them, and skips comments and blank lines', () => {
      // Arrange
      const text = [
        '# images of the EKS prod cluster',
        '',
        `docker-pullable://${REGISTRY}/web@${D1} docker.io/library/nginx@${D2}   ${REGISTRY}/api@${D2}`,
        `web@${D2} # a comment after a reference`,
        D1,
      ].join('\n');

      // Act
      const list = parseInUseList(text, 'eks.txt');

      // Assert
      expect(list.entries).toEqual([
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: D1, consumer: 'list:eks.txt' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'api', imageDigest: D2, consumer: 'list:eks.txt' },
        { repositoryName: 'web', imageDigest: D2, consumer: 'list:eks.txt' },
        { imageDigest: D1, consumer: 'list:eks.txt' },
      ]);
      expect(list.ignored).toBe(1);
    });

    it('reads a JSON array of strings', () => {
      expect(parseInUseList(`[" ${REGISTRY}/web@${D1}", "sha256:${'3'.repeat(64)}"]`, 's3://b/k').entries).toHaveLength(2);
    });

    it.each([
      [
        'a reference without a digest',
        `web@${D1}\nnginx:1.25\n`,
        /in-use list f\.txt, line 2: "nginx:1\.25" is not an image pinned by digest/,
      ],
      ['a truncated digest', `web@sha256:abc`, /line 1: "web@sha256:abc"/],
      ['a JSON entry that is not a string', `["web@${D1}", 42]`, /entry 2 is not a string/],
      ['JSON that does not parse', '[ "web@', /starts like a JSON array but is not valid JSON/],
    ])('throws an error naming the place for %s', (_label, text, message) => {
      expect(() => parseInUseList(text, 'f.txt')).toThrow(InvalidInputError);
      expect(() => parseInUseList(text, 'f.txt')).toThrow(message);
    });

    it('shortens a very long bad line in the message', () => {
      expect(() => parseInUseList('x'.repeat(500), 'f.txt')).toThrow(/"x{119}…"/);
    });
  });
});
