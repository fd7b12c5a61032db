import { deadlineBefore } from '../../../../src/handlers/runtime/deadline';

describe('deadlineBefore', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fires the margin before the invocation runs out, with the reason "deadline"', async () => {
    // Arrange
    const { signal } = deadlineBefore({ getRemainingTimeInMillis: () => 900_000 }, { marginMs: 180_000, share: 0.2 });

    // Act
    await jest.advanceTimersByTimeAsync(719_999);
    const early = signal?.aborted;
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect(early).toBe(false);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe('deadline');
  });

  it('keeps only its share of a short invocation, so the step still gets most of the time', async () => {
    // Arrange: 10 s left; 20 % of it (2 s) is less than the 180 s margin.
    const { signal } = deadlineBefore({ getRemainingTimeInMillis: () => 10_000 }, { marginMs: 180_000, share: 0.2 });

    // Act
    await jest.advanceTimersByTimeAsync(7_999);
    const early = signal?.aborted;
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect(early).toBe(false);
    expect(signal?.aborted).toBe(true);
  });

  it('never fires once cleared, and has no signal without a context', async () => {
    // Arrange
    const deadline = deadlineBefore({ getRemainingTimeInMillis: () => 1_000 }, { marginMs: 100, share: 0.5 });

    // Act
    deadline.clear();
    await jest.advanceTimersByTimeAsync(5_000);

    // Assert
    expect(deadline.signal?.aborted).toBe(false);
    expect(deadlineBefore(undefined, { marginMs: 100, share: 0.5 }).signal).toBeUndefined();
  });
});
