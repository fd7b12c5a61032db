import {
  byReclaimable,
  formatBytes,
  formatCount,
  formatPercent,
  formatPrice,
  formatUsd,
  policyLabel,
} from '../../../../src/adapters/render/format';
import type { RepositoryReport } from '../../../../src/domain/report';
import { GIB } from '../../../../src/domain/report';
import { repositoryReport } from '../../support/report-fixtures';

/** A small repository row: ten images, 1 GiB stored, nothing to reclaim. */
function repository(overrides: Partial<RepositoryReport> = {}): RepositoryReport {
  const small = { images: 10, untaggedImages: 2, doomedImages: 2, storedBytes: GIB, naiveBytes: 2 * GIB, reclaimableBytes: 0 };
  return repositoryReport({ ...small, monthlyCostUsd: 0.1, monthlySavingsUsd: 0, ...overrides });
}

describe('render/format', () => {
  describe('formatBytes', () => {
    it.each([
      [0, '0 B'],
      [512, '512 B'],
      [1023, '1023 B'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [1024 * 1024 - 1, '1.0 MiB'],
      [300 * 1024 * 1024, '300.0 MiB'],
      [5 * GIB, '5.0 GiB'],
      [1.5 * 2 ** 40, '1.5 TiB'],
      [-2048, '-2.0 KiB'],
    ])('formats %p bytes as %p when given the default precision', (bytes, expected) => {
      expect(formatBytes(bytes)).toBe(expected);
    });

    it('uses the requested number of decimals when given a precision', () => {
      expect(formatBytes(3 * GIB, 2)).toBe('3.00 GiB');
    });
  });

  describe('formatUsd', () => {
    it.each([
      [0, '$0.00'],
      [1, '$1.00'],
      [8.2791, '$8.28'],
      [1234.5, '$1,234.50'],
      [1_234_567.891, '$1,234,567.89'],
      [0.0042, '<$0.01'],
      [-3, '-$3.00'],
    ])('formats %p as %p', (usd, expected) => {
      expect(formatUsd(usd)).toBe(expected);
    });
  });

  describe('formatCount', () => {
    it.each([
      [0, '0'],
      [999, '999'],
      [1000, '1,000'],
      [1_234_567, '1,234,567'],
    ])('formats %p as %p', (n, expected) => {
      expect(formatCount(n)).toBe(expected);
    });
  });

  describe('formatPercent', () => {
    it.each([
      [1, 4, '25%'],
      [0, 4, '0%'],
      [1, 1000, '<1%'],
      [3, 0, '–'],
    ])('formats %p of %p as %p', (part, whole, expected) => {
      expect(formatPercent(part, whole)).toBe(expected);
    });
  });

  describe('formatPrice', () => {
    it('shows cents when the price has two decimals or fewer', () => {
      expect(formatPrice(0.1)).toBe('$0.10/GB-month');
    });

    it('keeps every decimal when the price is finer than a cent', () => {
      expect(formatPrice(0.025)).toBe('$0.025/GB-month');
    });
  });

  describe('policyLabel', () => {
    it('names the status in words when the repository is neither opted out nor excluded', () => {
      expect(policyLabel(repository({ policyStatus: 'no-untagged-rule' }))).toBe('no untagged rule');
    });

    it('adds the remediation markers when the repository is opted out and excluded', () => {
      expect(policyLabel(repository({ policyStatus: 'missing', optedOut: true, excluded: true }))).toBe('no policy (opted out, excluded)');
    });
  });

  describe('byReclaimable', () => {
    it('orders by reclaimable then stored bytes without touching the input when given unsorted repositories', () => {
      const input = [
        repository({ repositoryName: 'a', reclaimableBytes: 1, storedBytes: 5 }),
        repository({ repositoryName: 'b', reclaimableBytes: 3, storedBytes: 1 }),
        repository({ repositoryName: 'c', reclaimableBytes: 1, storedBytes: 9 }),
      ];

      const sorted = byReclaimable(input);

      expect(sorted.map((r) => r.repositoryName)).toEqual(['b', 'c', 'a']);
      expect(input.map((r) => r.repositoryName)).toEqual(['a', 'b', 'c']);
    });
  });
});
