import { GIB, compareRepositoryReports, monthlyUsd } from '../../../src/domain/report';
import { repositoryReport } from '../support/report-fixtures';

describe('report', () => {
  describe('GIB', () => {
    it('is 2^30 bytes, the GB AWS bills storage in', () => {
      expect(GIB).toBe(1_073_741_824);
    });
  });

  describe('monthlyUsd', () => {
    it.each([
      { bytes: 0, price: 0.1, usd: 0 },
      { bytes: GIB, price: 0.1, usd: 0.1 },
      { bytes: 5 * GIB, price: 0.1, usd: 0.5 },
      { bytes: GIB / 2, price: 0.1, usd: 0.05 },
      { bytes: 100 * GIB, price: 0.11, usd: 11 },
      { bytes: 1_000 * GIB, price: 0.1, usd: 100 },
      // 10^9 bytes is 0.9313 GiB: a decimal GB would give 0.1.
      { bytes: 1_000_000_000, price: 0.1, usd: 0.0931 },
      { bytes: 3 * GIB, price: 0, usd: 0 },
    ])('charges $usd USD for $bytes bytes at $price USD per GB-month', ({ bytes, price, usd }) => {
      // Act
      const cost = monthlyUsd(bytes, price);

      // Assert
      expect(cost).toBeCloseTo(usd, 10);
    });

    it('is linear in the price', () => {
      // Act
      const cheap = monthlyUsd(40 * GIB, 0.1);
      const dear = monthlyUsd(40 * GIB, 0.2);

      // Assert
      expect(dear).toBeCloseTo(2 * cheap, 10);
    });
  });

  describe('compareRepositoryReports', () => {
    it('puts the most reclaimable first, then the most stored, then orders by region, name and account', () => {
      // Arrange: three rows told apart by their bytes, four of equal bytes told apart by where they are.
      const row = (name: string, reclaimableBytes: number, storedBytes: number, region = 'us-east-1', accountId = '111111111111') =>
        repositoryReport({ repositoryName: name, reclaimableBytes, storedBytes, region, accountId });
      const rows = [
        row('b', 0, 1, 'us-east-1', '222222222222'),
        row('small', 1, 10),
        row('a', 0, 1),
        row('big', 5, 1, 'eu-west-1'),
        row('b', 0, 1, 'us-east-1', '111111111111'),
        row('stored', 0, 50),
        row('z', 0, 1, 'eu-west-1'),
      ];

      // Act
      const ordered = [...rows].sort(compareRepositoryReports);

      // Assert
      expect(ordered.map((r) => `${r.region}/${r.repositoryName}/${r.accountId}`)).toEqual([
        'eu-west-1/big/111111111111',
        'us-east-1/small/111111111111',
        'us-east-1/stored/111111111111',
        'eu-west-1/z/111111111111',
        'us-east-1/a/111111111111',
        'us-east-1/b/111111111111',
        'us-east-1/b/222222222222',
      ]);
    });
  });
});
