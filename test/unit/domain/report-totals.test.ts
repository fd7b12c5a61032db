import type { RepositoryReport } from '../../../src/domain/report';
import { GIB } from '../../../src/domain/report';
import { totalsOf } from '../../../src/domain/report-totals';
import { repositoryReport } from '../support/report-fixtures';

/** A repository of `overrides` on an otherwise empty one: nothing stored, no images, its policy ok. */
function row(overrides: Partial<RepositoryReport>): RepositoryReport {
  return repositoryReport({
    accountId: '111122223333',
    region: 'eu-west-1',
    repositoryName: 'app',
    policyStatus: 'ok',
    images: 0,
    untaggedImages: 0,
    doomedImages: 0,
    storedBytes: 0,
    naiveBytes: 0,
    reclaimableBytes: 0,
    monthlyCostUsd: 0,
    monthlySavingsUsd: 0,
    ...overrides,
  });
}

describe('report-totals', () => {
  describe('totalsOf', () => {
    it('returns zeros for no repositories', () => {
      // Act
      const totals = totalsOf([], 0.1);

      // Assert
      expect(totals).toEqual({
        repositories: 0,
        repositoriesWithoutLifecyclePolicy: 0,
        repositoriesWithoutUntaggedCleanup: 0,
        repositoriesWithFindings: 0,
        images: 0,
        untaggedImages: 0,
        referrersAtRisk: 0,
        inUseImages: 0,
        inUseAtRisk: 0,
        repositoriesHeld: 0,
        storedBytes: 0,
        naiveBytes: 0,
        reclaimableBytes: 0,
        monthlyCostUsd: 0,
        monthlySavingsUsd: 0,
        archivableBytes: 0,
        monthlyArchiveSavingsUsd: null,
      });
    });

    it('adds up images, in-use images and bytes and counts repositories by policy status and held by the guard', () => {
      // Arrange
      const rows = [
        row({
          repositoryName: 'a',
          policyStatus: 'missing',
          images: 10,
          untaggedImages: 4,
          referrersAtRisk: 2,
          inUseImages: 3,
          inUseAtRisk: 2,
          heldInUse: true,
          storedBytes: 2 * GIB,
          naiveBytes: 3 * GIB,
          reclaimableBytes: GIB,
        }),
        row({
          repositoryName: 'b',
          policyStatus: 'no-untagged-rule',
          images: 5,
          untaggedImages: 1,
          referrersAtRisk: 1,
          inUseImages: 1,
          inUseAtRisk: 1,
          storedBytes: GIB,
          naiveBytes: GIB,
          reclaimableBytes: GIB / 2,
        }),
        row({
          repositoryName: 'c',
          policyStatus: 'ok',
          images: 7,
          untaggedImages: 0,
          findings: [
            { code: 'ShadowedRule', severity: 'warning', rulePriority: 2, message: 'rule 2 can never act' },
            { code: 'ArchiveNeverExpires', severity: 'info', rulePriority: 1, message: 'rule 1 archives images' },
          ],
          storedBytes: 3 * GIB,
          naiveBytes: 6 * GIB,
          reclaimableBytes: 0,
        }),
        row({ repositoryName: 'd', policyStatus: 'missing', images: 0 }),
      ];

      // Act
      const totals = totalsOf(rows, 0.1);

      // Assert
      expect(totals).toEqual({
        repositories: 4,
        repositoriesWithoutLifecyclePolicy: 2,
        repositoriesWithoutUntaggedCleanup: 3,
        repositoriesWithFindings: 1,
        images: 22,
        untaggedImages: 5,
        referrersAtRisk: 3,
        inUseImages: 4,
        inUseAtRisk: 3,
        repositoriesHeld: 1,
        storedBytes: 6 * GIB,
        naiveBytes: 10 * GIB,
        reclaimableBytes: 1.5 * GIB,
        monthlyCostUsd: expect.closeTo(0.6, 10),
        monthlySavingsUsd: expect.closeTo(0.15, 10),
        archivableBytes: 0,
        monthlyArchiveSavingsUsd: null,
      });
    });

    it('prices the summed bytes at the given price rather than summing the rows own costs', () => {
      // Arrange: rows priced at another rate must not leak into the totals.
      const rows = [row({ storedBytes: GIB, reclaimableBytes: GIB, monthlyCostUsd: 99, monthlySavingsUsd: 99 })];

      // Act
      const totals = totalsOf(rows, 0.25);

      // Assert
      expect(totals.monthlyCostUsd).toBeCloseTo(0.25, 10);
      expect(totals.monthlySavingsUsd).toBeCloseTo(0.25, 10);
    });
  });
});
