import { hoursInMonth, meanOver, reconcile, regionOfUsageType, toGbMonths, verdictOf, type StoredSample } from '../../../src/domain/bill';
import { InvalidInputError } from '../../../src/domain/errors';
import { GIB } from '../../../src/domain/report';

const DAY = 86_400_000;
const OCT = Date.parse('2026-10-01T00:00:00Z');

describe('bill', () => {
  describe('regionOfUsageType', () => {
    it.each([
      ['TimedStorage-ByteHrs', 'us-east-1'],
      ['USE1-TimedStorage-ByteHrs', 'us-east-1'],
      ['EUW1-TimedStorage-ByteHrs', 'eu-west-1'],
      ['EU-TimedStorage-ByteHrs', 'eu-west-1'],
      ['APN1-TimedStorage-ByteHrs', 'ap-northeast-1'],
    ])('%s is in %s', (usageType, region) => expect(regionOfUsageType(usageType)).toBe(region));

    it('refuses a code it does not know', () => expect(() => regionOfUsageType('ZZZ1-TimedStorage-ByteHrs')).toThrow(InvalidInputError));
  });

  describe('toGbMonths', () => {
    it('honours the pricing unit', () => {
      expect(hoursInMonth('2026-02')).toBe(672);
      expect(toGbMonths(3, 'GB-Mo', '2026-10')).toBe(3);
      expect(toGbMonths(744, 'GB-Hrs', '2026-10')).toBe(1);
      expect(toGbMonths(744 * GIB, 'Byte-Hrs', '2026-10')).toBe(1);
      expect(() => toGbMonths(1, 'Requests', '2026-10')).toThrow(/pricing_unit "Requests"/);
    });
  });

  describe('meanOver', () => {
    it('weighs by time, linear between samples and flat beyond the ends', () => {
      expect(
        meanOver(
          [
            { at: 0, bytes: 10 },
            { at: 10, bytes: 20 },
          ],
          0,
          10,
        ),
      ).toBe(15);
      expect(meanOver([{ at: 5, bytes: 10 }], 0, 10)).toBe(10);
      // flat 10 for the first half, then up to 30: 0.5 × 10 + 0.5 × 20
      expect(
        meanOver(
          [
            { at: 10, bytes: 30 },
            { at: 0, bytes: 10 },
            { at: -5, bytes: 10 },
          ],
          -10,
          10,
        ),
      ).toBe(15);
    });

    it('says nothing when the samples do not reach the ends of the period', () => {
      expect(meanOver([], 0, 10)).toBeUndefined();
      expect(meanOver([{ at: OCT + 20 * DAY, bytes: 1 }], OCT, OCT + 31 * DAY)).toBeUndefined();
    });
  });

  describe('verdictOf', () => {
    it.each([
      [1.99, 'within-2%'],
      [-2, 'within-2%'],
      [-9.5, 'within-10%'],
      [10.01, 'off'],
    ])('%s%% is %s', (d, verdict) => expect(verdictOf(d)).toBe(verdict));
  });

  describe('reconcile', () => {
    const weekly = (accountId: string, region: string, gib: (week: number) => number): StoredSample[] =>
      [0, 1, 2, 3, 4, 5].map((w) => ({ accountId, region, at: OCT - 3 * DAY + w * 7 * DAY, bytes: gib(w) * GIB }));

    it('compares billed GB-months per account, region and month with the time-weighted mean of the history', () => {
      const samples = [...weekly('1', 'us-east-1', () => 100), ...weekly('1', 'eu-west-1', () => 50)];
      const billed = [
        { accountId: '1', region: 'us-east-1', month: '2026-10', gbMonths: 60 },
        { accountId: '1', region: 'us-east-1', month: '2026-10', gbMonths: 40.5 },
        { accountId: '1', region: 'eu-west-1', month: '2026-10', gbMonths: 60 },
        { accountId: '1', region: 'eu-west-1', month: '2026-12', gbMonths: 1 },
        { accountId: '2', region: 'us-east-1', month: '2026-10', gbMonths: 1 },
      ];
      const { rows, unmeasured } = reconcile(billed, samples);
      expect(rows).toEqual([
        {
          accountId: '1',
          region: 'eu-west-1',
          month: '2026-10',
          billedGbMonths: 60,
          measuredGbMonths: 50,
          differencePercent: -16.67,
          verdict: 'off',
        },
        {
          accountId: '1',
          region: 'us-east-1',
          month: '2026-10',
          billedGbMonths: 100.5,
          measuredGbMonths: 100,
          differencePercent: -0.5,
          verdict: 'within-2%',
        },
      ]);
      expect(unmeasured.map((u) => [u.accountId, u.region, u.month, u.reason])).toEqual([
        ['1', 'eu-west-1', '2026-12', "the history's 6 samples do not cover the whole month"],
        ['2', 'us-east-1', '2026-10', 'the history has no stored bytes for it'],
      ]);
    });

    it('compares a repository when the bill names it', () => {
      const samples = weekly('1', 'us-east-1', () => 2).map((s) => ({ ...s, repositoryName: 'team/web' }));
      const { rows } = reconcile(
        [{ accountId: '1', region: 'us-east-1', month: '2026-10', gbMonths: 2.1, repositoryName: 'team/web' }],
        samples,
      );
      expect(rows).toEqual([expect.objectContaining({ repositoryName: 'team/web', measuredGbMonths: 2, verdict: 'within-10%' })]);
    });
  });
});
