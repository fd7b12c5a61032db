import { partitionOf, REGION_NAME, repositoryArnOf } from '../../../src/domain/region';

describe('region', () => {
  describe('partitionOf', () => {
    it.each([
      ['us-east-1', 'aws'],
      ['eu-central-2', 'aws'],
      ['cn-north-1', 'aws-cn'],
      ['us-gov-west-1', 'aws-us-gov'],
      ['us-iso-east-1', 'aws-iso'],
      ['us-isob-east-1', 'aws-iso-b'],
      ['eu-isoe-west-1', 'aws-iso-e'],
      ['us-isof-south-1', 'aws-iso-f'],
    ])('puts %s in %s', (region, partition) => {
      expect(partitionOf(region)).toBe(partition);
    });
  });

  describe('REGION_NAME', () => {
    it.each(['us-east-1', 'us-gov-west-1', 'eu-central-2'])('accepts %s', (name) => {
      expect(REGION_NAME.test(name)).toBe(true);
    });

    it.each(['', 'us-east', 'US-EAST-1', 'us_east_1', 'useast1'])('refuses %j', (name) => {
      expect(REGION_NAME.test(name)).toBe(false);
    });
  });

  describe('repositoryArnOf', () => {
    it('builds the ARN in the partition of the region, nested name and all', () => {
      expect(repositoryArnOf('us-east-1', '123456789012', 'platform/payments/settlement-worker')).toBe(
        'arn:aws:ecr:us-east-1:123456789012:repository/platform/payments/settlement-worker',
      );
      expect(repositoryArnOf('cn-north-1', '123456789012', 'web')).toBe('arn:aws-cn:ecr:cn-north-1:123456789012:repository/web');
    });
  });
});
