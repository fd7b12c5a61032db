import {
  byReclaimable,
  formatBytes,
  formatCount,
  formatPercent,
  formatPrice,
  formatUsd,
  groupValueText,
  missingTagOf,
  naiveSumNote,
  namedRepositories,
  policyLabel,
  wrapLine,
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

  describe('groupValueText', () => {
    it.each([
      ['the repositories without the tag', { by: 'tag:team', value: '(untagged)' }, 'no `team` tag'],
      ['a tag value', { by: 'tag:team', value: 'payments' }, 'payments'],
      ['a name prefix', { by: 'name-prefix', value: 'shop' }, 'shop'],
    ] as const)('reads %s', (_, group, text) => {
      expect(groupValueText(group)).toBe(text);
    });
  });

  describe('missingTagOf', () => {
    it('names the tag a group of repositories lacks, and nothing for other groups', () => {
      expect(missingTagOf({ by: 'tag:cost center', value: '(untagged)' })).toBe('cost center');
      expect(missingTagOf({ by: 'tag:team', value: 'web' })).toBeUndefined();
      expect(missingTagOf({ by: 'name-prefix', value: '(untagged)' })).toBeUndefined();
    });
  });

  describe('namedRepositories', () => {
    const repos = (n: number): Array<{ region: string; repositoryName: string; count: number }> =>
      Array.from({ length: n }, (_, i) => ({ region: 'eu-west-1', repositoryName: `r${i + 1}`, count: 1000 * (i + 1) }));

    it.each([
      [0, ''],
      [1, 'eu-west-1/r1 (1,000)'],
      [2, 'eu-west-1/r1 (1,000) and eu-west-1/r2 (2,000)'],
      [3, 'eu-west-1/r1 (1,000), eu-west-1/r2 (2,000) and eu-west-1/r3 (3,000)'],
      [5, 'eu-west-1/r1 (1,000), eu-west-1/r2 (2,000), eu-west-1/r3 (3,000) and 2 more'],
    ])('names the first three of %i and counts the rest', (n, text) => {
      expect(namedRepositories(repos(n))).toBe(text);
    });

    it('leaves the count out when none is given', () => {
      expect(namedRepositories([{ region: 'us-east-1', repositoryName: 'shop/api' }])).toBe('us-east-1/shop/api');
    });
  });

  describe('naiveSumNote', () => {
    it('explains a naive sum below the stored bytes, and says nothing otherwise', () => {
      expect(naiveSumNote({ naiveBytes: 97_000, storedBytes: 400_000_000 })).toMatch(/^Naive sum = the imageSizeInBytes/);
      expect(naiveSumNote({ naiveBytes: 400_000_000, storedBytes: 400_000_000 })).toBeUndefined();
      expect(naiveSumNote({ naiveBytes: 0, storedBytes: 0 })).toBeUndefined();
    });
  });

  describe('wrapLine', () => {
    it('wraps at word boundaries within the width, indenting the further lines, and loses no word', () => {
      const text = `  us-east-1 app: W: ${'word '.repeat(40)}end`;

      const lines = wrapLine(text, 40, '    ');

      expect(lines.length).toBeGreaterThan(4);
      expect(lines.every((l) => l.length <= 40)).toBe(true);
      expect(lines.slice(1).every((l) => l.startsWith('    ') && !l.startsWith('     '))).toBe(true);
      expect(lines.map((l) => l.trim()).join(' ')).toBe(text.trim());
    });

    it('keeps a word longer than the width whole, on a line of its own', () => {
      expect(wrapLine('short averyveryverylongword tail', 10, '  ')).toEqual(['short', '  averyveryverylongword', '  tail']);
    });

    it('returns a short line as it is', () => {
      expect(wrapLine('  fits', 40, '    ')).toEqual(['  fits']);
    });
  });
});
