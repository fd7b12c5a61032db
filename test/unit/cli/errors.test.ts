import { EXIT, UsageError, exitCodeFor } from '../../../src/cli/errors';
import { ConfigError, InvalidInputError, InvalidPolicyError, MergeError } from '../../../src/domain/errors';

describe('cli errors', () => {
  describe('exitCodeFor', () => {
    it.each([
      ['a usage error', new UsageError('bad flag'), EXIT.usage],
      ['invalid input', new InvalidInputError('not JSON'), EXIT.invalid],
      ['an invalid policy', new InvalidPolicyError('bad policy', []), EXIT.invalid],
      ['a merge error', new MergeError('too many rules'), EXIT.invalid],
      ['a configuration error', new ConfigError('missing'), EXIT.invalid],
      ['an error from elsewhere', new Error('boom'), EXIT.invalid],
    ])('returns the documented code for %s', (_case, error, code) => {
      // Act
      const exitCode = exitCodeFor(error);

      // Assert
      expect(exitCode).toBe(code);
    });
  });
});
