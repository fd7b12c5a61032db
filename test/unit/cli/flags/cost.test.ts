import { UsageError } from '../../../../src/cli/errors';
import { addCostFlags, checkArchivePrice } from '../../../../src/cli/flags/cost';
import { DEFAULT_ARCHIVE_AFTER_DAYS, DEFAULT_PRICE_PER_GB_MONTH } from '../../../../src/domain/defaults';
import { parsedFlags } from '../../support/flags';

describe('cli cost flags', () => {
  describe('addCostFlags', () => {
    it('takes the named storage price and archive age by default, and no archive price', () => {
      expect(parsedFlags(addCostFlags, [])).toEqual({
        pricePerGbMonth: DEFAULT_PRICE_PER_GB_MONTH,
        groupByTag: [],
        archiveAfterDays: DEFAULT_ARCHIVE_AFTER_DAYS,
      });
    });

    it('reads both prices by the one price grammar and each tag key once', () => {
      expect(
        parsedFlags(addCostFlags, [
          '--price-per-gb-month',
          '.2',
          '--archive-price-per-gb-month',
          '0.05',
          '--group-by-tag',
          'team',
          '--group-by-tag',
          'team',
          '--archive-after-days',
          '30',
        ]),
      ).toEqual({ pricePerGbMonth: 0.2, archivePricePerGbMonth: 0.05, groupByTag: ['team'], archiveAfterDays: 30 });
    });

    it.each([
      [['--archive-after-days', '0'], '"0" is not a positive whole number'],
      [['--archive-after-days', '99999'], 'is more than'],
      [['--archive-price-per-gb-month', '1e3'], 'is not a decimal number such as 0.10'],
    ])('refuses %p, naming the flag', (argv, message) => {
      const refused = parsedFlags(addCostFlags, argv);

      expect(refused).toContain(`option '${argv[0]}`);
      expect(refused).toContain(message);
    });
  });

  describe('checkArchivePrice', () => {
    it('accepts no archive price, or one up to the storage price', () => {
      expect(() => checkArchivePrice({ pricePerGbMonth: 0.1 })).not.toThrow();
      expect(() => checkArchivePrice({ pricePerGbMonth: 0.1, archivePricePerGbMonth: 0.1 })).not.toThrow();
    });

    it('refuses an archive price above the storage price', () => {
      expect(() => checkArchivePrice({ pricePerGbMonth: 0.1, archivePricePerGbMonth: 0.2 })).toThrow(UsageError);
      expect(() => checkArchivePrice({ pricePerGbMonth: 0.1, archivePricePerGbMonth: 0.2 })).toThrow(
        '--archive-price-per-gb-month 0.2 is above --price-per-gb-month 0.1: archive storage is never priced above standard storage',
      );
    });
  });
});
