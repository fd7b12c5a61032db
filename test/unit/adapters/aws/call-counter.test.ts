import { DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, LifecyclePolicyNotFoundException } from '@aws-sdk/client-ecr';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers, type FakeAnswer } from '../../support/fake-ecr-http';

/** A client on the fake transport with a fast, fixed-delay standard retry. */
function fakeClient(
  script: Record<string, FakeAnswer[]>,
  maxAttempts = 3,
): { client: ECRClient; received: ReturnType<typeof fakeEcrTransport>['received'] } {
  const { requestHandler, received } = fakeEcrTransport(script);
  const client = new ECRClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler, maxAttempts, retryMode: 'standard' });
  return { client, received };
}

const throttled: FakeAnswer = { status: 400, error: 'ThrottlingException', message: 'Rate exceeded' };
const repositories: FakeAnswer = { body: { repositories: [] } };

describe('CallCounter', () => {
  describe('snapshot', () => {
    it('returns only a zero total when nothing was called', () => {
      // Arrange
      const counter = new CallCounter();

      // Act
      const counts = counter.snapshot();

      // Assert
      expect(counts).toEqual({ calls: { total: 0 }, retries: {} });
    });
  });

  describe('since', () => {
    it('returns only the calls and retries made after the mark when the counter already counted others', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client } = fakeClient({
        DescribeRepositories: [repositories, throttled, repositories],
        GetLifecyclePolicy: [{ body: { lifecyclePolicyText: '{}' } }],
      });
      counter.attach(client);
      await client.send(new DescribeRepositoriesCommand({}));
      await client.send(new GetLifecyclePolicyCommand({ repositoryName: 'app' }));
      const mark = counter.snapshot();
      jest.useFakeTimers();

      try {
        // Act
        await settleWithFakeTimers(client.send(new DescribeRepositoriesCommand({})));
        const counts = counter.since(mark);

        // Assert
        expect(counts).toEqual({ calls: { DescribeRepositories: 1, total: 1 }, retries: { DescribeRepositories: 1 } });
        expect(counter.snapshot()).toEqual({
          calls: { DescribeRepositories: 2, GetLifecyclePolicy: 1, total: 3 },
          retries: { DescribeRepositories: 1 },
        });
      } finally {
        jest.useRealTimers();
      }
    });

    it('returns only a zero total when nothing was called after the mark', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client } = fakeClient({ DescribeRepositories: [repositories] });
      counter.attach(client);
      await client.send(new DescribeRepositoriesCommand({}));

      // Act
      const counts = counter.since(counter.snapshot());

      // Assert
      expect(counts).toEqual({ calls: { total: 0 }, retries: {} });
    });

    it('returns everything when the mark was taken before the first call', async () => {
      // Arrange
      const counter = new CallCounter();
      const mark = counter.snapshot();
      const { client } = fakeClient({ DescribeRepositories: [repositories] });
      counter.attach(client);

      // Act
      await client.send(new DescribeRepositoriesCommand({}));

      // Assert
      expect(counter.since(mark)).toEqual(counter.snapshot());
    });
  });

  describe('attach', () => {
    it('counts each call by operation name without the Command suffix', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client } = fakeClient({
        DescribeRepositories: [repositories],
        GetLifecyclePolicy: [{ body: { lifecyclePolicyText: '{}' } }],
      });
      counter.attach(client);

      // Act
      await client.send(new DescribeRepositoriesCommand({}));
      await client.send(new DescribeRepositoriesCommand({}));
      await client.send(new GetLifecyclePolicyCommand({ repositoryName: 'app' }));

      // Assert
      expect(counter.snapshot()).toEqual({ calls: { DescribeRepositories: 2, GetLifecyclePolicy: 1, total: 3 }, retries: {} });
    });

    it('counts throttling retries of a call that then succeeds', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client, received } = fakeClient({ DescribeRepositories: [throttled, throttled, repositories] });
      counter.attach(client);
      jest.useFakeTimers();

      try {
        // Act
        const pending = client.send(new DescribeRepositoriesCommand({}));
        const out = await settleWithFakeTimers(pending);

        // Assert
        expect(out.$metadata.attempts).toBe(3);
        expect(received).toHaveLength(3);
        expect(counter.snapshot()).toEqual({ calls: { DescribeRepositories: 1, total: 1 }, retries: { DescribeRepositories: 2 } });
      } finally {
        jest.useRealTimers();
      }
    });

    it('counts the retries of a call that fails after its last attempt', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client } = fakeClient({ DescribeRepositories: [throttled] }, 2);
      counter.attach(client);
      jest.useFakeTimers();

      try {
        // Act
        const pending = client.send(new DescribeRepositoriesCommand({})).then(
          () => undefined,
          (error: unknown) => error,
        );
        const error = await settleWithFakeTimers(pending);

        // Assert
        expect(error).toMatchObject({ name: 'ThrottlingException' });
        expect(counter.snapshot()).toEqual({ calls: { DescribeRepositories: 1, total: 1 }, retries: { DescribeRepositories: 1 } });
      } finally {
        jest.useRealTimers();
      }
    });

    it('counts no retry when the error is not retryable', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client } = fakeClient({ GetLifecyclePolicy: [{ status: 400, error: 'LifecyclePolicyNotFoundException' }] });
      counter.attach(client);

      // Act
      const act = client.send(new GetLifecyclePolicyCommand({ repositoryName: 'app' }));

      // Assert
      await expect(act).rejects.toBeInstanceOf(LifecyclePolicyNotFoundException);
      expect(counter.snapshot()).toEqual({ calls: { GetLifecyclePolicy: 1, total: 1 }, retries: {} });
    });

    it('counts each call once when the same client is attached twice', async () => {
      // Arrange
      const counter = new CallCounter();
      const { client } = fakeClient({ DescribeRepositories: [repositories] });
      counter.attach(client);
      counter.attach(client);

      // Act
      await client.send(new DescribeRepositoriesCommand({}));

      // Assert
      expect(counter.snapshot().calls).toEqual({ DescribeRepositories: 1, total: 1 });
    });

    it('sums the calls of several clients sharing one counter', async () => {
      // Arrange
      const counter = new CallCounter();
      const first = fakeClient({ DescribeRepositories: [repositories] });
      const second = fakeClient({ DescribeRepositories: [throttled, repositories] });
      counter.attach(first.client);
      counter.attach(second.client);
      jest.useFakeTimers();

      try {
        // Act
        await first.client.send(new DescribeRepositoriesCommand({}));
        const pending = second.client.send(new DescribeRepositoriesCommand({}));
        await settleWithFakeTimers(pending);

        // Assert
        expect(counter.snapshot()).toEqual({ calls: { DescribeRepositories: 2, total: 2 }, retries: { DescribeRepositories: 1 } });
      } finally {
        jest.useRealTimers();
      }
    });

    it('counts retries exactly when the client caches resolved middleware', async () => {
      // Arrange
      const counter = new CallCounter();
      const { requestHandler } = fakeEcrTransport({ DescribeRepositories: [throttled, repositories, repositories] });
      const client = new ECRClient({
        region: 'eu-west-1',
        credentials: TEST_CREDENTIALS,
        requestHandler,
        retryMode: 'standard',
        cacheMiddleware: true,
      });
      counter.attach(client);
      jest.useFakeTimers();

      try {
        // Act
        const first = client.send(new DescribeRepositoriesCommand({}));
        await settleWithFakeTimers(first);
        await client.send(new DescribeRepositoriesCommand({}));

        // Assert
        expect(counter.snapshot()).toEqual({ calls: { DescribeRepositories: 2, total: 2 }, retries: { DescribeRepositories: 1 } });
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
