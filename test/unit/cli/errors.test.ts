import { EndpointUnresponsiveError } from '../../../src/adapters/aws/timeout-budget';
import { EXIT, UsageError, exitCodeFor, isUnreachable } from '../../../src/cli/errors';
import { JanitorError } from '../../../src/domain/errors';
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
      ['a timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), EXIT.partial],
      ['a call not sent to a silent endpoint', new EndpointUnresponsiveError('not sent'), EXIT.partial],
      [
        "a bucket error caused by a timeout (weekly's)",
        new JanitorError("the run's objects could not be written", { cause: Object.assign(new Error('t'), { name: 'TimeoutError' }) }),
        EXIT.partial,
      ],
    ])('returns the documented code for %s', (_case, error, code) => {
      // Act
      const exitCode = exitCodeFor(error);

      // Assert
      expect(exitCode).toBe(code);
    });
  });

  describe('isUnreachable', () => {
    it('follows the causes, and stops at ten', () => {
      let deep: Error = Object.assign(new Error('t'), { name: 'TimeoutError' });
      for (let i = 0; i < 9; i++) deep = new Error(`wrap ${i}`, { cause: deep });

      expect(isUnreachable(deep)).toBe(true);
      expect(isUnreachable(new Error('wrap 10', { cause: deep }))).toBe(false);
      expect(isUnreachable(new Error('refused', { cause: new Error('ECONNREFUSED') }))).toBe(false);
    });
  });
});
