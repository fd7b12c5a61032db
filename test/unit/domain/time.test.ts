import fc from 'fast-check';
import type { Timestamp } from '../../../src/domain/time';
import { DAY_MS, toEpochMs } from '../../../src/domain/time';

/** 2025-06-03T14:17:44Z, the example of the TSDoc. */
const T = 1_748_960_264_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('time', () => {
  describe('toEpochMs', () => {
    it.each<[string, string, number]>([
      ['UTC with Z', '2025-06-03T14:17:44Z', T],
      ['UTC with lower-case z and t', '2025-06-03t14:17:44z', T],
      ['a space instead of T', '2025-06-03 14:17:44Z', T],
      ['a positive offset with a colon', '2025-06-03T16:17:44+02:00', T],
      ['a negative offset with a colon', '2025-06-03T08:47:44-05:30', T],
      ['a positive offset without a colon', '2025-06-03T16:17:44+0200', T],
      ['a zero negative offset', '2025-06-03T14:17:44-00:00', T],
      ['an offset across midnight', '2025-06-04T00:17:44+10:00', T],
      ['milliseconds', '2025-06-03T14:17:44.123Z', T + 123],
      ['one fractional digit', '2025-06-03T14:17:44.5Z', T + 500],
      ['microseconds, truncated to milliseconds', '2025-06-03T14:17:44.123456Z', T + 123],
      ['nanoseconds with an offset', '2025-06-03T15:17:44.999999999+01:00', T + 999],
      ['the AWS CLI v2 shape', '2025-06-03T14:17:44.000000+00:00', T],
      ['a leap-year day', '2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
      ['the epoch', '1970-01-01T00:00:00Z', 0],
      ['before the epoch', '1969-12-31T23:59:59Z', -1000],
      ['a date without a time (UTC midnight)', '2025-06-03', Date.UTC(2025, 5, 3)],
      ['minutes only, with Z', '2025-06-03T14:17Z', T - 44_000],
    ])('parses ISO-8601 with %s', (_name, text, expected) => {
      // Act / Assert
      expect(toEpochMs(text)).toBe(expected);
    });

    it.each<[string, number, number]>([
      ['whole epoch seconds', 1_748_960_264, T],
      ['fractional epoch seconds', 1_748_960_264.25, T + 250],
      ['zero', 0, 0],
    ])('reads a number as %s', (_name, seconds, expected) => {
      // Act / Assert
      expect(toEpochMs(seconds)).toBe(expected);
    });

    it('reads a Date as its epoch milliseconds', () => {
      // Act / Assert
      expect(toEpochMs(new Date(T + 7))).toBe(T + 7);
    });

    it.each<[string, Timestamp | null | undefined]>([
      ['undefined', undefined],
      ['null', null],
      ['an invalid Date', new Date('not a date')],
      ['NaN seconds', Number.NaN],
      ['an empty string', ''],
      ['a word', 'yesterday'],
      ['a locale date', 'June 3, 2025'],
      ['a US date', '06/03/2025'],
      ['an RFC 2822 date', 'Tue, 03 Jun 2025 14:17:44 GMT'],
      ['epoch seconds as text', '1748960264'],
      ['month 13', '2025-13-01T00:00:00Z'],
      ['hour 25', '2025-06-03T25:00:00Z'],
      ['minute 60', '2025-06-03T14:60:00Z'],
      ['a one-digit offset', '2025-06-03T14:17:44+2'],
      ['trailing text', '2025-06-03T14:17:44Zjunk'],
      ['a decimal point without digits', '2025-06-03T14:17:44.Z'],
      ['letters in the digits', '2025-06-O3T14:17:44Z'],
    ])('gives NaN for %s', (_name, value) => {
      // Act / Assert
      expect(toEpochMs(value)).toBeNaN();
    });

    it('agrees with Date for every instant written as UTC ISO or with an offset', () => {
      fc.assert(
        fc.property(
          fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
          fc.integer({ min: -14 * 4, max: 14 * 4 }),
          (date, quarterHours) => {
            // Arrange: the same instant in UTC and in a zone quarterHours * 15 minutes east
            const offsetMinutes = quarterHours * 15;
            const local = new Date(date.getTime() + offsetMinutes * MINUTE).toISOString().slice(0, -1);
            const sign = offsetMinutes < 0 ? '-' : '+';
            const abs = Math.abs(offsetMinutes);
            const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;

            // Act / Assert
            expect(toEpochMs(date.toISOString())).toBe(date.getTime());
            expect(toEpochMs(`${local}${zone}`)).toBe(date.getTime());
            expect(toEpochMs(date.getTime() / 1000)).toBe(date.getTime());
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('DAY_MS', () => {
    it('is 24 hours', () => {
      // Act / Assert
      expect(DAY_MS).toBe(24 * HOUR);
    });
  });
});

describe('toEpochMs without an offset', () => {
  it.each([
    ['2025-06-03T14:17:44', Date.UTC(2025, 5, 3, 14, 17, 44)],
    ['2025-06-03T14:17', Date.UTC(2025, 5, 3, 14, 17)],
    ['2025-06-03', Date.UTC(2025, 5, 3)],
  ])('reads %s as UTC, whatever the machine time zone', (text, expected) => {
    expect(toEpochMs(text)).toBe(expected);
  });
});

describe('toEpochMs with impossible dates', () => {
  it.each(['2026-02-29T00:00:00Z', '2026-02-31T00:00:00Z', '2026-04-31T12:00:00Z', '1900-02-29T00:00:00Z'])(
    'rejects %s (no such day)',
    (text) => {
      expect(toEpochMs(text)).toBeNaN();
    },
  );

  it.each([
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['2026-01-31T00:00:00Z', Date.UTC(2026, 0, 31)],
  ])('accepts %s', (text, expected) => {
    expect(toEpochMs(text)).toBe(expected);
  });
});
