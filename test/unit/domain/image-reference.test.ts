import { ecrRegistryOf, parseImageReference } from '../../../src/domain/image-reference';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('image-reference', () => {
  describe('parseImageReference', () => {
    it.each([
      [
        'an ECR image with tag and digest',
        `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2@${DIGEST}`,
        { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/web', tag: '1.2', digest: DIGEST },
      ],
      [
        'what kubectl prints for a Docker runtime',
        `docker-pullable://123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@${DIGEST}`,
        { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'web', digest: DIGEST },
      ],
      ['a bare repository with a digest', `web@${DIGEST}`, { repository: 'web', digest: DIGEST }],
      ['a Docker Hub name with a tag', 'nginx:1.25', { repository: 'nginx', tag: '1.25' }],
      ['a registry with a port', 'localhost:5000/app:dev', { registry: 'localhost:5000', repository: 'app', tag: 'dev' }],
      ['a nested path without a registry', 'library/nginx', { repository: 'library/nginx' }],
      [
        'an ECR image with an explicit port',
        `123456789012.dkr.ecr.eu-west-1.amazonaws.com:443/team/web:1.2@${DIGEST}`,
        { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com:443', repository: 'team/web', tag: '1.2', digest: DIGEST },
      ],
      [
        'a dual-stack ECR image',
        `123456789012.dkr-ecr.eu-west-1.on.aws/web@${DIGEST}`,
        { registry: '123456789012.dkr-ecr.eu-west-1.on.aws', repository: 'web', digest: DIGEST },
      ],
    ])('takes apart %s', (_label, text, expected) => {
      expect(parseImageReference(text)).toEqual(expected);
    });

    it.each([
      ['an empty string', ''],
      ['a digest that is too short', 'web@sha256:abc'],
      ['an upper-case repository', 'Web:1'],
      ['a tag that starts with a dot', 'web:.hidden'],
      ['text with a space', 'web @sha256:x'],
      ['a reference ending in a slash', 'registry.example.com/'],
    ])('returns undefined for %s', (_label, text) => {
      expect(parseImageReference(text)).toBeUndefined();
    });
  });

  describe('ecrRegistryOf', () => {
    it.each([
      ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', { accountId: '123456789012', region: 'eu-west-1' }],
      ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', { accountId: '123456789012', region: 'cn-north-1' }],
      ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', { accountId: '123456789012', region: 'us-east-1' }],
      ['123456789012.dkr-ecr.us-west-2.on.aws', { accountId: '123456789012', region: 'us-west-2' }],
      ['123456789012.dkr.ecr.eu-west-1.amazonaws.com:443', { accountId: '123456789012', region: 'eu-west-1' }],
      ['123456789012.dkr-ecr-fips.us-east-1.on.aws:443', { accountId: '123456789012', region: 'us-east-1' }],
      ['123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn', { accountId: '123456789012', region: 'cn-north-1' }],
      ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', { accountId: '123456789012', region: 'us-gov-west-1' }],
      ['123456789012.dkr-ecr.us-gov-east-1.on.aws', { accountId: '123456789012', region: 'us-gov-east-1' }],
      ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', { accountId: '123456789012', region: 'us-iso-east-1' }],
      ['123456789012.dkr-ecr.us-isob-east-1.on.aws.scloud', { accountId: '123456789012', region: 'us-isob-east-1' }],
      ['123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM', { accountId: '123456789012', region: 'eu-west-1' }],
    ])('reads the account and region of %s', (host, expected) => {
      expect(ecrRegistryOf(host)).toEqual(expected);
    });

    it.each([
      ['public.ecr.aws'],
      ['docker.io'],
      ['12345.dkr.ecr.eu-west-1.amazonaws.com'],
      ['123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example'],
      ['123456789012.dkr.ecr.eu-west-1.amazonaws.com:https'],
      ['123456789012.dkr-ecr.eu-west-1.on.aws.evil.example'],
      ['123456789012.dkr.ecr.eu-west-1.on.aws'],
      ['123456789012.dkr-ecr.eu-west-1.amazonaws.com'],
      ['123456789012.dkr.ecr.not-a-region.amazonaws.com'],
    ])('returns undefined for %s, which is no private ECR registry', (host) => {
      expect(ecrRegistryOf(host)).toBeUndefined();
    });
  });
});
