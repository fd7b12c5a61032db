import { pacingOf, ruleOf } from '../../../../src/use-cases/remediation/options';

describe('remediation options', () => {
  describe('pacingOf', () => {
    afterEach(() => jest.useRealTimers());

    it('paces five changed rounds and ten throttled ones, pausing 300 ms doubling to at most 5 s, without overrides', () => {
      // Act
      const pacing = pacingOf({});

      // Assert
      expect(pacing).toMatchObject({ rounds: 5, throttledRounds: 10, baseDelayMs: 300, maxDelayMs: 5_000 });
    });

    it('takes each override on its own and keeps the defaults of the rest', () => {
      // Arrange
      const sleep = async (): Promise<void> => undefined;

      // Act
      const pacing = pacingOf({ pacing: { rounds: 2, sleep } });

      // Assert
      expect(pacing.rounds).toBe(2);
      expect(pacing.sleep).toBe(sleep);
      expect(pacing).toMatchObject({ throttledRounds: 10, baseDelayMs: 300, maxDelayMs: 5_000 });
    });

    it('sleeps for real by default: the pause ends when its milliseconds have passed, not before', async () => {
      // Arrange
      jest.useFakeTimers();
      let done = false;
      const pause = pacingOf({})
        .sleep(300)
        .then(() => (done = true));

      // Act / Assert
      await jest.advanceTimersByTimeAsync(299);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await pause;
      expect(done).toBe(true);
    });

    it('reads the wall clock and a jitter in [0, 1) by default', () => {
      // Arrange
      jest.useFakeTimers({ now: Date.parse('2026-06-01T12:00:00Z') });
      const pacing = pacingOf({});

      // Act
      const jitters = Array.from({ length: 100 }, () => pacing.random());

      // Assert
      expect(pacing.now()).toBe(Date.parse('2026-06-01T12:00:00Z'));
      expect(jitters.every((r) => r >= 0 && r < 1)).toBe(true);
      expect(new Set(jitters).size).toBeGreaterThan(1);
    });

    it('hands each run its own pacing: changing one does not change the defaults', () => {
      // Act
      const first = pacingOf({});
      first.rounds = 1;

      // Assert
      expect(pacingOf({}).rounds).toBe(5);
    });
  });

  describe('ruleOf', () => {
    it('carries the days and, when set, the enforced maximum untagged age, zero included', () => {
      expect(ruleOf({ days: 7, enforcedMaxUntaggedDays: 30 })).toEqual({ days: 7, enforcedMaxUntaggedDays: 30 });
      expect(ruleOf({ days: 7, enforcedMaxUntaggedDays: 0 })).toEqual({ days: 7, enforcedMaxUntaggedDays: 0 });
    });

    it('leaves the enforced maximum out, not undefined, when it is off', () => {
      // Act
      const rule = ruleOf({ days: 14 });

      // Assert
      expect(rule).toEqual({ days: 14 });
      expect('enforcedMaxUntaggedDays' in rule).toBe(false);
    });
  });
});
