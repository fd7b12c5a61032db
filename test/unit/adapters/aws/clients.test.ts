import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { createEcrClient, createEcrClientPool } from '../../../../src/adapters/aws/clients';
import type { WatchedTransport } from '../../../../src/adapters/aws/timeout-budget';
import { ConfigError } from '../../../../src/domain/errors';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';
import { DEFAULT_MAX_ATTEMPTS } from '../../../../src/domain/defaults';

describe('clients', () => {
  describe('createEcrClient', () => {
    it('uses adaptive retry with the default attempts when none are given', async () => {
      // Arrange
      const options = { region: 'eu-west-1', credentials: TEST_CREDENTIALS };

      // Act
      const client = createEcrClient(options);

      // Assert
      const strategy = await client.config.retryStrategy();
      expect(strategy).toMatchObject({ mode: 'adaptive' });
      await expect(client.config.maxAttempts()).resolves.toBe(DEFAULT_MAX_ATTEMPTS);
      await expect(client.config.region()).resolves.toBe('eu-west-1');
    });

    it('uses the given attempts and endpoint when set', async () => {
      // Arrange
      const options = { region: 'us-east-1', endpoint: 'http://127.0.0.1:5000', maxAttempts: 1, credentials: TEST_CREDENTIALS };

      // Act
      const client = createEcrClient(options);

      // Assert
      await expect(client.config.maxAttempts()).resolves.toBe(1);
      const endpoint = await client.config.endpoint?.();
      expect(endpoint).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 5000 });
    });

    it.each([0, -1, 2.5, Number.NaN])('throws a ConfigError when maxAttempts is %p', (maxAttempts) => {
      // Arrange
      const options = { region: 'eu-west-1', maxAttempts };

      // Act
      const act = (): unknown => createEcrClient(options);

      // Assert
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/maxAttempts/);
    });

    it('throws a ConfigError when the region is empty', () => {
      // Arrange
      const options = { region: ' ' };

      // Act
      const act = (): unknown => createEcrClient(options);

      // Assert
      expect(act).toThrow(ConfigError);
    });

    it('retries throttling with the adaptive strategy and counts the retries when a counter is given', async () => {
      // Arrange
      const counter = new CallCounter();
      const throttled = { status: 400, error: 'ThrottlingException', message: 'Rate exceeded' };
      const { requestHandler, received } = fakeEcrTransport({
        DescribeRepositories: [throttled, throttled, { body: { repositories: [] } }],
      });
      const client = createEcrClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler, counter });
      jest.useFakeTimers();

      try {
        // Act
        const pending = client.send(new DescribeRepositoriesCommand({}));
        const out = await settleWithFakeTimers(pending);

        // Assert
        expect(out.repositories).toEqual([]);
        expect(received).toHaveLength(3);
        expect(counter.snapshot()).toEqual({ calls: { DescribeRepositories: 1, total: 1 }, retries: { DescribeRepositories: 2 } });
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('createEcrClientPool', () => {
    it('returns the same client when a region is asked for twice', () => {
      // Arrange
      const clientFor = createEcrClientPool({ credentials: TEST_CREDENTIALS });

      // Act
      const first = clientFor('eu-west-1');
      const again = clientFor('eu-west-1');
      const other = clientFor('us-east-1');

      // Assert
      expect(again).toBe(first);
      expect(other).not.toBe(first);
    });

    it('builds each region its own client when regions differ', async () => {
      // Arrange
      const clientFor = createEcrClientPool({ credentials: TEST_CREDENTIALS });

      // Act
      const regions = await Promise.all(['eu-west-1', 'ap-south-1'].map((region) => clientFor(region).config.region()));

      // Assert
      expect(regions).toEqual(['eu-west-1', 'ap-south-1']);
    });
  });

  describe('timeouts', () => {
    it('gives every client connection and request timeouts that throw', async () => {
      // Act
      const client = createEcrClient({
        region: 'eu-west-1',
        credentials: TEST_CREDENTIALS,
        connectionTimeoutMs: 2_000,
        requestTimeoutMs: 7_000,
      });

      // Assert
      // The SDK's Node handler, inside the transport that watches for silent endpoints.
      const handler = (client.config.requestHandler as unknown as WatchedTransport).inner as {
        configProvider?: Promise<Record<string, unknown>>;
      };
      await expect(handler.configProvider).resolves.toMatchObject({
        connectionTimeout: 2_000,
        requestTimeout: 7_000,
        throwOnRequestTimeout: true,
      });
    });

    it.each([0, 99, 600_001, 1.5])('refuses a request timeout of %p ms', (requestTimeoutMs) => {
      // Act
      const act = (): unknown => createEcrClient({ region: 'eu-west-1', requestTimeoutMs });

      // Assert
      expect(act).toThrow(/requestTimeoutMs must be a whole number of milliseconds from 100 to 600000/);
    });
  });
});
