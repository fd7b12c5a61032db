import { compareLocations, isAccountFailure } from '../../../src/domain/report-problems';

describe('report-problems', () => {
  describe('isAccountFailure', () => {
    it.each([
      ['an account whose role could not be assumed', { accountId: '111111111111', region: '' }, true],
      ['a region of an account', { accountId: '111111111111', region: 'eu-west-1' }, false],
      ["a single account's failure without a region", { region: '' }, false],
      ["a single account's region", { region: 'eu-west-1' }, false],
    ])('tells %s: %p', (_name, error, expected) => {
      expect(isAccountFailure(error)).toBe(expected);
    });
  });

  describe('compareLocations', () => {
    it("orders by account, then region, then repository, a region's listing before its repositories", () => {
      // Arrange
      const locations = [
        { accountId: '222222222222', region: 'eu-west-1', repositoryName: 'a' },
        { accountId: '111111111111', region: 'us-east-1', repositoryName: 'b' },
        { accountId: '111111111111', region: 'us-east-1' },
        { accountId: '111111111111', region: 'eu-west-1', repositoryName: 'z' },
        { accountId: '111111111111', region: '' },
        { region: 'us-east-1', repositoryName: 'c' },
      ];

      // Act
      const ordered = [...locations].sort(compareLocations);

      // Assert
      expect(ordered.map((l) => `${l.accountId ?? '-'}|${l.region}|${l.repositoryName ?? ''}`)).toEqual([
        '-|us-east-1|c',
        '111111111111||',
        '111111111111|eu-west-1|z',
        '111111111111|us-east-1|',
        '111111111111|us-east-1|b',
        '222222222222|eu-west-1|a',
      ]);
    });
  });
});
