import { loadWeeklyRunParameters } from '../../../src/config/parameters';
import { ConfigError } from '../../../src/domain/errors';

describe('loadWeeklyRunParameters', () => {
  const none = { batchSize: '', workers: '', toleratedFailurePercent: '' };

  describe('defaults', () => {
    it('uses the documented defaults when the parameters are empty or unset', () => {
      expect(loadWeeklyRunParameters(none)).toEqual({ batchSize: 200, workers: 4, toleratedFailurePercent: 10 });
      expect(loadWeeklyRunParameters({ batchSize: undefined, workers: undefined, toleratedFailurePercent: undefined })).toEqual({
        batchSize: 200,
        workers: 4,
        toleratedFailurePercent: 10,
      });
    });
  });

  describe('parsing', () => {
    it.each([
      [
        { batchSize: '1', workers: '1', toleratedFailurePercent: '0' },
        { batchSize: 1, workers: 1, toleratedFailurePercent: 0 },
      ],
      [
        { batchSize: '1000', workers: '100', toleratedFailurePercent: '100' },
        { batchSize: 1000, workers: 100, toleratedFailurePercent: 100 },
      ],
      [
        { batchSize: ' 500 ', workers: '8', toleratedFailurePercent: '25' },
        { batchSize: 500, workers: 8, toleratedFailurePercent: 25 },
      ],
    ])('reads %j as numbers, bounds included', (params, expected) => {
      expect(loadWeeklyRunParameters(params)).toEqual(expected);
    });
  });

  describe('invalid values', () => {
    it.each([
      ['batchSize', '0', 'from 1 to 1000'],
      ['batchSize', '1001', 'from 1 to 1000'],
      ['batchSize', '200.5', 'whole number'],
      ['batchSize', '2e2', 'whole number'],
      ['workers', '0', 'from 1 to 100'],
      ['workers', '101', 'from 1 to 100'],
      ['workers', 'four', 'whole number'],
      ['toleratedFailurePercent', '-1', 'from 0 to 100'],
      ['toleratedFailurePercent', '101', 'from 0 to 100'],
      ['toleratedFailurePercent', '10%', 'whole number'],
    ])('%s=%j names the parameter and its range', (parameter, value, reason) => {
      const run = (): unknown => loadWeeklyRunParameters({ ...none, [parameter]: value });
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(`parameter ${parameter} (${JSON.stringify(value)}) must be a whole number`);
      expect(run).toThrow(reason);
    });

    it('lists every invalid parameter at once, each once', () => {
      const run = (): unknown => loadWeeklyRunParameters({ batchSize: '0', workers: 'x', toleratedFailurePercent: '500' });
      expect(run).toThrow(
        /^invalid configuration:\n {2}- parameter batchSize .*\n {2}- parameter workers .*\n {2}- parameter toleratedFailurePercent [^\n]*$/,
      );
    });
  });
});
