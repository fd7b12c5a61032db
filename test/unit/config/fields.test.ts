import type * as z from 'zod';
import { TOPIC_ARN, list, milliseconds, nonEmpty, parsedBy, price } from '../../../src/config/fields';

/** The messages of the issues `schema` finds in `text`; none when it accepts it. */
function problems(schema: z.ZodType, text: string): string[] {
  const result = schema.safeParse(text);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('config fields', () => {
  describe('nonEmpty', () => {
    it.each([
      [undefined, undefined],
      ['', undefined],
      ['   ', undefined],
      [' 30 ', '30'],
      ['eu-west-1', 'eu-west-1'],
    ])('reads %j as %j', (value, expected) => {
      expect(nonEmpty(value)).toBe(expected);
    });
  });

  describe('list', () => {
    it('splits at commas, trims each value and leaves out blanks', () => {
      expect(list(' team , ,cost-center,')).toEqual(['team', 'cost-center']);
    });

    it('reads an unset or empty variable as no values', () => {
      expect(list(undefined)).toEqual([]);
      expect(list('')).toEqual([]);
    });
  });

  describe('milliseconds', () => {
    it.each([
      ['100', 100],
      ['3000', 3000],
      ['600000', 600_000],
    ])('reads "%s" as %d', (text, expected) => {
      expect(milliseconds.parse(text)).toBe(expected);
    });

    it.each([
      ['1.5', 'must be a whole number of milliseconds'],
      ['-1', 'must be a whole number of milliseconds'],
      ['99', 'must be at least 100 (ms)'],
      ['600001', 'must be at most 600000 (10 minutes)'],
    ])('refuses "%s": %s', (text, message) => {
      expect(problems(milliseconds, text)).toEqual([message]);
    });
  });

  describe('price', () => {
    const storage = price('0.10', 'USD per GB-month of storage');

    it.each([
      ['0.10', 0.1],
      ['.5', 0.5],
      ['2', 2],
      ['100', 100],
    ])('reads "%s" as %d by the one price grammar', (text, expected) => {
      expect(storage.parse(text)).toBe(expected);
    });

    it('refuses what is no plain decimal number with the example and what the price is of', () => {
      expect(problems(storage, '1e3')).toEqual([
        'must be a price such as 0.10 (USD per GB-month of storage: a decimal number from 0 to 100, digits and one decimal point only)',
      ]);
    });

    it('refuses a price above the bound and asks for the unit', () => {
      expect(problems(storage, '100.01')).toEqual(['must be at most 100 (USD per GB-month; is it in the right unit?)']);
    });
  });

  describe('parsedBy', () => {
    const even = parsedBy((text) => {
      if (Number(text) % 2 !== 0) throw new Error(`"${text}" is odd`);
      return Number(text);
    });

    it('gives what the parser reads', () => {
      expect(even.parse('4')).toBe(4);
    });

    it("makes the parser's error message the problem", () => {
      expect(problems(even, '3')).toEqual(['"3" is odd']);
    });
  });

  describe('TOPIC_ARN', () => {
    it('takes an SNS topic ARN of any partition and refuses anything else', () => {
      expect(TOPIC_ARN.test('arn:aws:sns:eu-west-1:123456789012:ecr-janitor-report')).toBe(true);
      expect(TOPIC_ARN.test('arn:aws-us-gov:sns:us-gov-west-1:123456789012:report')).toBe(true);
      expect(TOPIC_ARN.test('arn:aws:sqs:eu-west-1:123456789012:report')).toBe(false);
      expect(TOPIC_ARN.test('ecr-janitor-report')).toBe(false);
    });
  });
});
