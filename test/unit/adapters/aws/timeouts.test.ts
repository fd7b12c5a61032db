import { worstCaseCallMs } from '../../../../src/adapters/aws/timeouts';
import {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  TIMEOUT_RETRIES,
} from '../../../../src/domain/defaults';

const DEFAULTS = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  connectionTimeoutMs: DEFAULT_CONNECTION_TIMEOUT_MS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
};

describe('aws/timeouts', () => {
  describe('worstCaseCallMs', () => {
    it('gives up on a silent endpoint within the first attempt and TIMEOUT_RETRIES more with the defaults', () => {
      // Act
      const worst = worstCaseCallMs(DEFAULTS);

      // Assert: every attempt runs into the request timeout; retry n pauses at most 0.1 s × 2^n.
      const pauses = Array.from({ length: TIMEOUT_RETRIES }, (_, i) => 100 * 2 ** (i + 1)).reduce((sum, ms) => sum + ms, 0);
      expect(worst).toBe((TIMEOUT_RETRIES + 1) * DEFAULT_REQUEST_TIMEOUT_MS + pauses);
    });

    it.each([
      { maxAttempts: 1, timeoutRetries: 7, expected: 10_000 },
      { maxAttempts: 2, timeoutRetries: 7, expected: 2 * 10_000 + 200 },
      { maxAttempts: 3, timeoutRetries: 7, expected: 3 * 10_000 + 200 + 400 },
      { maxAttempts: 8, timeoutRetries: 7, expected: 8 * 10_000 + 25_400 },
      { maxAttempts: 8, timeoutRetries: 0, expected: 10_000 },
      { maxAttempts: 8, timeoutRetries: 2, expected: 3 * 10_000 + 600 },
    ])(
      'makes at most $maxAttempts attempts and $timeoutRetries retries of a timeout: $expected ms',
      ({ maxAttempts, timeoutRetries, expected }) => {
        expect(worstCaseCallMs({ maxAttempts, timeoutRetries, connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 })).toBe(expected);
      },
    );

    it('caps each pause at the SDK’s 20 s', () => {
      // Arrange: retries 8 and 9 would pause 25.6 s and 51.2 s uncapped
      const options = { maxAttempts: 10, timeoutRetries: 9, connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000 };

      // Act / Assert: 10 attempts, pauses 0.2 + 0.4 + … + 12.8 s (25.4 s), then 20 s twice
      expect(worstCaseCallMs(options)).toBe(10 * 1_000 + 25_400 + 2 * 20_000);
    });

    it('counts an attempt as the longer of the connection and request timeouts', () => {
      expect(worstCaseCallMs({ maxAttempts: 1, connectionTimeoutMs: 15_000, requestTimeoutMs: 10_000 })).toBe(15_000);
      expect(worstCaseCallMs({ maxAttempts: 1, connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 })).toBe(10_000);
    });
  });
});
