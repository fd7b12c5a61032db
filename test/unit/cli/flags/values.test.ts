import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../../../src/cli/errors';
import {
  argumentParser,
  parseBucketFlag,
  parseCountNumber,
  parseEndpoint,
  parseIntInRange,
  parsePricePerGbMonth,
  parseRegions,
} from '../../../../src/cli/flags/values';

function rejection(parse: (value: string) => unknown, value: string): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error(`"${value}" was accepted`);
}

describe('cli flag values', () => {
  describe('parsePricePerGbMonth', () => {
    const price = parsePricePerGbMonth;

    it.each([
      ['0.10', 0.1],
      ['0', 0],
      ['2', 2],
      ['.5', 0.5],
      ['3.', 3],
      [' 0.023 ', 0.023],
      ['100', 100],
    ])('reads "%s" as %d', (value, expected) => {
      expect(price(value)).toBe(expected);
    });

    it.each(['0x10', '1e3', '1E-1', '-1', '+1', 'Infinity', 'NaN', '', ' ', '0.1.2', '1,5', '0b1'])(
      'refuses "%s", which is no plain decimal number',
      (value) => {
        expect(rejection(price, value)).toContain('is not a decimal number such as 0.10');
      },
    );

    it('refuses a number above the bound and says the unit', () => {
      expect(rejection(price, '100.01')).toBe('"100.01" is more than 100 USD per GB-month; is it in the right unit?');
    });

    it('refuses a number too long to be finite', () => {
      expect(rejection(price, '9'.repeat(400))).toContain('is more than 100');
    });
  });

  describe('parseIntInRange', () => {
    const concurrency = parseIntInRange(1, 64, 'the reason');

    it.each([
      ['1', 1],
      ['64', 64],
      ['08', 8],
    ])('reads "%s" as %d', (value, expected) => {
      expect(concurrency(value)).toBe(expected);
    });

    it.each(['0', '65', '-1', '1.5', '0x10', '1e1', '', 'eight', '99999999999999999999'])(
      'refuses "%s" and states the range and why',
      (value) => {
        expect(rejection(concurrency, value)).toBe(`"${value}" is not a whole number from 1 to 64 (the reason)`);
      },
    );
  });

  describe('parseEndpoint', () => {
    it.each(['http://127.0.0.1:5000', 'https://ecr.eu-west-1.amazonaws.com', 'http://localhost:4566/'])('accepts %s', (value) => {
      expect(parseEndpoint(value)).toBe(value);
    });

    it.each(['localhost:5000', '127.0.0.1:5000', 'ftp://127.0.0.1', 'file:///tmp/x', 'http://', 'not a url', ''])(
      'refuses "%s" with an example',
      (value) => {
        expect(rejection(parseEndpoint, value)).toBe(`"${value}" is not an http(s) URL; write e.g. http://127.0.0.1:5000`);
      },
    );
  });

  describe('parseCountNumber', () => {
    it('reads a whole number up to the largest countNumber ECR accepts', () => {
      expect(parseCountNumber('7')).toBe(7);
      expect(parseCountNumber('2147483647')).toBe(2147483647);
    });

    it.each([
      ['0', '"0" is not a positive whole number'],
      ['2147483648', '"2147483648" is more than 2147483647, the largest countNumber ECR accepts (a 32-bit integer)'],
    ])('refuses "%s"', (value, message) => {
      expect(rejection(parseCountNumber, value)).toBe(message);
    });
  });

  describe('parseBucketFlag', () => {
    it('takes a bucket name and refuses anything else', () => {
      expect(parseBucketFlag('org-central-reports')).toBe('org-central-reports');
      expect(() => parseBucketFlag('Not_A_Bucket')).toThrow('is not an S3 bucket name');
    });
  });

  describe('parseRegions', () => {
    it('reads each region once, in order, and none when not given', () => {
      expect(parseRegions('eu-west-1, us-east-1,eu-west-1,')).toEqual(['eu-west-1', 'us-east-1']);
      expect(parseRegions(undefined)).toEqual([]);
    });

    it('refuses a value that is not a region name as a usage error naming it', () => {
      expect(() => parseRegions('eu-west-1,europe')).toThrow(UsageError);
      expect(() => parseRegions('eu-west-1,europe')).toThrow('--region: "europe" is not an AWS region name');
    });
  });

  describe('argumentParser', () => {
    const even = argumentParser((value) => {
      if (Number(value) % 2 !== 0) throw new Error(`"${value}" is odd`);
      return Number(value);
    });

    it("gives the reader's value", () => {
      expect(even('4')).toBe(4);
    });

    it("turns the reader's error into an invalid argument with its message, which commander reports with the flag", () => {
      expect(rejection(even, '3')).toBe('"3" is odd');
    });
  });
});
