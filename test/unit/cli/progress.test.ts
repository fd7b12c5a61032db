import { progressOf, progressReporter } from '../../../src/cli/progress';
import type { ReportError } from '../../../src/domain/report-problems';
import { recordingContext } from '../../support/cli-context';

const START = Date.parse('2026-06-01T12:00:00.000Z');

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = START;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const denied: ReportError = {
  region: 'ap-south-1',
  code: 'AccessDeniedException',
  message: 'region failure: its repositories could not be listed: denied',
};

describe('progress', () => {
  describe('progressReporter when stderr is not a terminal', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('says when a region starts and ends, and done/total once per interval in between', () => {
      // Arrange
      const ctx = recordingContext(START);
      const clock = manualClock();
      const progress = progressReporter(ctx, { intervalMs: 5_000, now: clock.now });

      // Act
      progress.update({ region: 'us-east-1', done: 0, total: 200 });
      for (let done = 1; done <= 200; done++) {
        clock.advance(100); // 200 repositories, one every 100 ms: 20 s in all
        progress.update({ region: 'us-east-1', done, total: 200 });
      }
      progress.done();

      // Assert
      expect(ctx.errLines).toEqual([
        'us-east-1: 200 repositories to read',
        'progress: 50/200 repositories (25%), 1 region',
        'progress: 100/200 repositories (50%), 1 region',
        'progress: 150/200 repositories (75%), 1 region',
        'us-east-1: done',
      ]);
    });

    it('says a region whose repositories could not be listed is a region failure, and counts it', () => {
      // Arrange
      const ctx = recordingContext(START);
      const clock = manualClock();
      const progress = progressReporter(ctx, { intervalMs: 1_000, now: clock.now });

      // Act
      progress.update({ region: 'ap-south-1', done: 0, total: 0, listingError: denied });
      progress.update({ region: 'eu-west-1', done: 0, total: 3 });
      clock.advance(1_000);
      progress.update({ region: 'eu-west-1', done: 1, total: 3 });
      progress.done();

      // Assert
      expect(ctx.errLines).toEqual([
        'ap-south-1: region failure: its repositories could not be listed: denied (AccessDeniedException)',
        'eu-west-1: 3 repositories to read',
        'progress: 1/3 repositories (33%), 2 regions, 1 failed',
      ]);
      expect(ctx.errLines.join('\n')).not.toContain('0 repositories to read');
    });

    it('keeps printing while one slow repository holds everything up, and stops when done', () => {
      // Arrange: jest's fake timers move the clock and fire the interval.
      jest.useFakeTimers({ now: START });
      const ctx = recordingContext(START);
      const progress = progressReporter(ctx, { intervalMs: 10_000 });
      progress.update({ region: 'us-east-1', done: 0, total: 4 });
      progress.update({ region: 'us-east-1', done: 3, total: 4 });

      // Act
      jest.advanceTimersByTime(30_000);
      progress.done();
      jest.advanceTimersByTime(30_000);

      // Assert
      expect(ctx.errLines).toEqual([
        'us-east-1: 4 repositories to read',
        'progress: 3/4 repositories (75%), 1 region',
        'progress: 3/4 repositories (75%), 1 region',
        'progress: 3/4 repositories (75%), 1 region',
      ]);
    });

    it('says at once what it starts with, then how long it has waited, until the first region reports', () => {
      // Arrange: a silent endpoint keeps the first region from reporting for 12 s.
      jest.useFakeTimers({ now: START });
      const ctx = recordingContext(START);
      const progress = progressReporter(ctx, { intervalMs: 5_000 });

      // Act
      progress.begin('reading us-east-1: what is in use, then the repositories');
      jest.advanceTimersByTime(12_000);
      progress.update({ region: 'us-east-1', done: 0, total: 0, listingError: denied });
      jest.advanceTimersByTime(20_000);
      progress.done();

      // Assert
      expect(ctx.errLines).toEqual([
        'reading us-east-1: what is in use, then the repositories…',
        'progress: still reading us-east-1: what is in use, then the repositories (5 s)',
        'progress: still reading us-east-1: what is in use, then the repositories (10 s)',
        `us-east-1: ${denied.message} (AccessDeniedException)`,
      ]);
    });

    it('stops saying it waits once done, even when no region reported', () => {
      jest.useFakeTimers({ now: START });
      const ctx = recordingContext(START);
      const progress = progressReporter(ctx, { intervalMs: 1_000 });

      progress.begin('planning run w1');
      progress.done();
      jest.advanceTimersByTime(10_000);

      expect(ctx.errLines).toEqual(['planning run w1…']);
    });

    it('prints no status lines with an interval of 0', () => {
      // Arrange
      const ctx = recordingContext(START);
      const clock = manualClock();
      const progress = progressReporter(ctx, { intervalMs: 0, now: clock.now });

      // Act
      progress.update({ region: 'us-east-1', done: 0, total: 2 });
      clock.advance(3_600_000);
      progress.update({ region: 'us-east-1', done: 1, total: 2 });
      progress.update({ region: 'us-east-1', done: 2, total: 2 });

      // Assert
      expect(ctx.errLines).toEqual(['us-east-1: 2 repositories to read', 'us-east-1: done']);
    });
  });

  describe('progressReporter on a terminal', () => {
    it('redraws one bar over every region, counting failed regions, and ends its line', () => {
      // Arrange
      const ctx = { ...recordingContext(START), interactive: true };
      const written: string[] = [];
      const progress = progressReporter(ctx, { stderr: { write: (s: string) => written.push(s) > 0 } });

      // Act
      progress.update({ region: 'ap-south-1', done: 0, total: 0, listingError: denied });
      progress.update({ region: 'us-east-1', done: 1, total: 2 });
      progress.done();

      // Assert
      expect(written).toEqual([
        `\r[${'#'.repeat(30)}] 0/0 repositories (1 region, 1 failed)`,
        `\r[${'#'.repeat(15)}${'.'.repeat(15)}] 1/2 repositories (2 regions, 1 failed)`,
        '\n',
      ]);
      expect(ctx.errLines).toEqual([]);
    });
  });

  describe('progressOf', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it.each([
      [2, ['us-east-1: 10 repositories to read', 'progress: 0/10 repositories (0%), 1 region']],
      [5, ['us-east-1: 10 repositories to read']],
      [0, ['us-east-1: 10 repositories to read']],
    ])('prints status lines every --progress-interval %d seconds (0: none)', (progressInterval, lines) => {
      // Arrange
      jest.useFakeTimers({ now: START });
      const ctx = recordingContext(START);
      const progress = progressOf(ctx, { progressInterval });

      // Act: a run that stays at 0/10 for three seconds
      progress.update({ region: 'us-east-1', done: 0, total: 10 });
      jest.advanceTimersByTime(3_000);
      progress.done();

      // Assert
      expect(ctx.errLines).toEqual(lines);
    });
  });
});
