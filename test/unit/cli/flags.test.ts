import { InvalidArgumentError } from 'commander';
import { parseEndpoint, parseIntInRange, parsePricePerGbMonth } from '../../../src/cli/flags';

function rejection(parse: (value: string) => unknown, value: string): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error(`"${value}" was accepted`);
}

describe('cli flags', () => {
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
});
