import { defaultRegion } from '../../../src/cli/context';

describe('cli context', () => {
  describe('defaultRegion', () => {
    it.each([
      ['AWS_REGION when both are set', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' }, 'eu-west-1'],
      ['AWS_DEFAULT_REGION when AWS_REGION is not set', { AWS_DEFAULT_REGION: 'us-east-1' }, 'us-east-1'],
      ['nothing when neither is set', {}, undefined],
      [
        'nothing when AWS_REGION is set but empty, as the region flags read it',
        { AWS_REGION: '', AWS_DEFAULT_REGION: 'us-east-1' },
        undefined,
      ],
    ])('returns %s', (_case, env, expected) => {
      // Act
      const region = defaultRegion(env);

      // Assert
      expect(region).toBe(expected);
    });
  });
});
