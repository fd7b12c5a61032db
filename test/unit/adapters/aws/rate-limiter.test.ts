import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { createEcrClient } from '../../../../src/adapters/aws/clients';
import { AdaptiveRateLimit, TokenBucket, attachRateLimits, parseRateLimits } from '../../../../src/adapters/aws/rate-limiter';
import { ConfigError } from '../../../../src/domain/errors';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

/** The shape of the fake transport's handler. */
interface FakeHandler {
  handle: (request: { headers: Record<string, string>; body?: unknown }) => Promise<{ response: unknown }>;
}

/** A clock the test moves by hand, in milliseconds. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('rate-limiter', () => {
  describe('TokenBucket', () => {
    it('lets the burst go at once and queues the rest at the rate when calls arrive together', () => {
      // Arrange
      const clock = manualClock();
      const bucket = new TokenBucket({ perSecond: 10, burst: 2 }, clock.now);

      // Act
      const waits = [bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()];

      // Assert
      expect(waits.map(Math.round)).toEqual([0, 0, 100, 200]);
    });

    it('refills at the rate up to the burst when time passes', () => {
      // Arrange
      const clock = manualClock();
      const bucket = new TokenBucket({ perSecond: 10 }, clock.now);
      bucket.reserve();

      // Act
      clock.advance(100);
      const afterOneToken = bucket.reserve();
      clock.advance(10_000);
      const afterAQuietSpell = [bucket.reserve(), bucket.reserve()];

      // Assert
      expect(afterOneToken).toBe(0);
      expect(afterAQuietSpell.map(Math.round)).toEqual([0, 100]);
    });

    it.each([
      [{ perSecond: 0 }, /perSecond/],
      [{ perSecond: -1 }, /perSecond/],
      [{ perSecond: Number.POSITIVE_INFINITY }, /perSecond/],
      [{ perSecond: 5, burst: 0 }, /burst/],
      [{ perSecond: 5, burst: 1.5 }, /burst/],
    ])('throws a ConfigError when the limit is %p', (limit, message) => {
      // Act
      const act = (): unknown => new TokenBucket(limit);

      // Assert
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(message);
    });
  });

  describe('AdaptiveRateLimit', () => {
    function paced(perSecond: number, burst = 1) {
      let now = 0;
      const pace = new AdaptiveRateLimit({ ceiling: { perSecond, burst }, floorPerSecond: 1, clock: () => now });
      return { pace, advance: (ms: number) => (now += ms) };
    }

    it('gives turns at the ceiling, with the burst after a quiet spell', () => {
      // Arrange
      const { pace, advance } = paced(10, 2);
      advance(1000);

      // Act
      const waits = [pace.reserve(), pace.reserve(), pace.reserve(), pace.reserve()];

      // Assert
      expect(waits).toEqual([0, 0, 100, 200]);
    });

    it('halves the rate on each throttle down to the floor, and pushes the next turn back', () => {
      // Arrange
      const { pace } = paced(8);
      pace.reserve();

      // Act
      pace.throttled();
      const afterOne = pace.perSecond;
      const wait = pace.reserve();
      for (let i = 0; i < 10; i++) pace.throttled();

      // Assert
      expect(afterOne).toBe(4);
      expect(wait).toBe(250);
      expect(pace.perSecond).toBe(1);
    });

    it('recovers a tenth of the ceiling after each call that went through, never above it', () => {
      // Arrange
      const { pace } = paced(10);
      pace.throttled();
      pace.throttled();

      // Act
      const rates: number[] = [];
      for (let i = 0; i < 10; i++) {
        pace.succeeded();
        rates.push(pace.perSecond);
      }

      // Assert
      expect(rates.slice(0, 3)).toEqual([3.5, 4.5, 5.5]);
      expect(rates.at(-1)).toBe(10);
    });
  });

  describe('attachRateLimits', () => {
    it('spaces the calls of a limited operation and leaves the others alone when calls arrive together', async () => {
      // Arrange: fake timers drive both the bucket's clock and its waits, so the spacing is exact
      // whatever the machine's load (no wall-clock measurement).
      jest.useFakeTimers({ now: 0 });
      try {
        const { requestHandler, received } = fakeEcrTransport({
          DescribeRepositories: [{ body: { repositories: [] } }],
          DescribeImages: [{ body: { imageDetails: [] } }],
        });
        const arrivals: Array<{ operation: string; at: number }> = [];
        const inner = requestHandler as unknown as FakeHandler;
        const timed: FakeHandler = {
          handle: async (request) => {
            arrivals.push({ operation: (request.headers['x-amz-target'] ?? '').split('.').pop() ?? '', at: Date.now() });
            return inner.handle(request);
          },
        };
        const client = new ECRClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler: timed });
        attachRateLimits(client, { DescribeRepositories: { perSecond: 20, burst: 1 } }, () => Date.now());
        // One unlimited call first: the SDK reads its shared config files (real I/O) on the first send,
        // which would otherwise let the calls below reach the limiter at different fake times.
        await settleWithFakeTimers(client.send(new DescribeImagesCommand({ repositoryName: 'warm-up' })), 10);
        arrivals.length = 0;

        // Act
        await settleWithFakeTimers(
          Promise.all([
            ...[1, 2, 3].map(() => client.send(new DescribeRepositoriesCommand({}))),
            ...[1, 2, 3].map(() => client.send(new DescribeImagesCommand({ repositoryName: 'app' }))),
          ]),
          10,
        );

        // Assert: 20 a second is one every 50 ms; the other operation waits for nothing.
        const limited = arrivals.filter((a) => a.operation === 'DescribeRepositories').map((a) => a.at);
        const free = arrivals.filter((a) => a.operation === 'DescribeImages').map((a) => a.at);
        expect(received).toHaveLength(7);
        expect(limited.slice(1).map((at, i) => at - (limited[i] ?? 0))).toEqual([50, 50]);
        expect(free).toHaveLength(3);
        expect(Math.max(...free)).toBeLessThan(limited[1] ?? 0);
      } finally {
        jest.useRealTimers();
      }
    });

    it('throws a ConfigError naming the operation when a limit is invalid', () => {
      // Arrange
      const client = new ECRClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });

      // Act
      const act = (): unknown => attachRateLimits(client, { DescribeImages: { perSecond: 0 } });

      // Assert
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/DescribeImages/);
    });
  });

  describe('createEcrClient', () => {
    it('adds the rate-limit middleware inside the retry loop when rateLimits are given', () => {
      // Arrange
      const options = { region: 'eu-west-1', credentials: TEST_CREDENTIALS, rateLimits: { DescribeImages: { perSecond: 18, burst: 5 } } };

      // Act
      const client = createEcrClient(options);

      // Assert
      const stack = client.middlewareStack.identify();
      expect(stack).toContain('ecrJanitorRateLimit - after retryMiddleware');
      expect(createEcrClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS }).middlewareStack.identify()).not.toContain(
        'ecrJanitorRateLimit - after retryMiddleware',
      );
    });

    it.each(['standard', 'adaptive'] as const)('uses the %s retry mode when asked', async (retryMode) => {
      // Act
      const client = createEcrClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, retryMode });

      // Assert
      await expect(client.config.retryStrategy()).resolves.toMatchObject({ mode: retryMode });
    });

    it('throws a ConfigError when the retry mode is unknown', () => {
      // Arrange
      const options = { region: 'eu-west-1', retryMode: 'legacy' as 'standard' };

      // Act
      const act = (): unknown => createEcrClient(options);

      // Assert
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/retryMode/);
    });
  });
});

describe('parseRateLimits', () => {
  it('reads Operation=PER_SECOND[/BURST] entries, comma-separated', () => {
    expect(parseRateLimits('DescribeImages=18/5, GetLifecyclePolicy=2.5')).toEqual({
      DescribeImages: { perSecond: 18, burst: 5 },
      GetLifecyclePolicy: { perSecond: 2.5, burst: 1 },
    });
  });

  it('means no limits when empty', () => {
    expect(parseRateLimits('')).toEqual({});
  });

  it.each([
    ['DescribeImages', 'must look like Operation=PER_SECOND'],
    ['DescribeImages=fast', 'must look like Operation=PER_SECOND'],
    ['DeleteRepository=5', 'is not an operation ecr-janitor calls'],
    ['DescribeImages=0', 'perSecond must be a positive number'],
    ['DescribeImages=5/0', 'burst must be a whole number from 1 to 1000'],
    ['DescribeImages=1000.5', 'perSecond must be a positive number of calls per second up to 1000'],
    ['DescribeImages=99999999999999999999', 'up to 1000'],
    ['DescribeImages=5/1001', 'burst must be a whole number from 1 to 1000'],
  ])('rejects %s with a message that names the problem', (text, message) => {
    expect(() => parseRateLimits(text)).toThrow(message);
  });
});
