import { repairKey } from '../../../src/ports/repair-store';

describe('repair-store', () => {
  describe('repairKey', () => {
    it('names the account, the region and the repository', () => {
      expect(repairKey({ accountId: '111122223333', region: 'eu-west-1', repositoryName: 'app' })).toBe('111122223333/eu-west-1/app');
    });

    it('keeps a repository name with slashes whole, at the end', () => {
      expect(repairKey({ accountId: '111122223333', region: 'eu-west-1', repositoryName: 'team-a/web/api' })).toBe(
        '111122223333/eu-west-1/team-a/web/api',
      );
    });

    it('tells apart repositories of the same name in other regions and accounts', () => {
      // Arrange
      const refs = [
        { accountId: '111122223333', region: 'eu-west-1', repositoryName: 'app' },
        { accountId: '111122223333', region: 'us-east-1', repositoryName: 'app' },
        { accountId: '444455556666', region: 'eu-west-1', repositoryName: 'app' },
      ];

      // Act
      const keys = refs.map(repairKey);

      // Assert
      expect(new Set(keys).size).toBe(3);
    });

    it('ignores what else the reference carries', () => {
      // Arrange
      const ref = { accountId: '111122223333', region: 'eu-west-1', repositoryName: 'app' };
      const fuller = { ...ref, repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/app', createdAt: '2026-01-01T00:00:00Z' };

      // Act / Assert
      expect(repairKey(fuller)).toBe(repairKey(ref));
    });
  });
});
