import { DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { createEcrClient } from '../../../../src/adapters/aws/clients';
import { EndpointUnresponsiveError, SilentEndpoints, isTimeout } from '../../../../src/adapters/aws/timeout-budget';
import { SILENT_AFTER_TIMEOUTS, SILENT_HOLD_MS, TIMEOUT_RETRIES } from '../../../../src/domain/defaults';
import { TEST_CREDENTIALS, fakeEcrTransport, settleWithFakeTimers } from '../../support/fake-ecr-http';

type Step = 'timeout' | 'throttle' | 'answer';

/** A transport that plays `steps` in order (the last repeats): a timed-out attempt, a throttling answer, or an empty listing. */
function scripted(steps: Step[]): { requestHandler: object; hosts: string[] } {
  const hosts: string[] = [];
  const throttled = fakeEcrTransport({ DescribeRepositories: [{ status: 400, error: 'ThrottlingException', message: 'Rate exceeded' }] });
  const answered = fakeEcrTransport({ DescribeRepositories: [{ body: { repositories: [] } }] });
  type Request = { hostname: string; port?: number; headers: Record<string, string>; body?: unknown };
  type Handle = (request: Request) => Promise<unknown>;
  const requestHandler = {
    handle: async (request: Request): Promise<unknown> => {
      hosts.push(request.port === undefined ? request.hostname : `${request.hostname}:${request.port}`);
      const step = steps[Math.min(hosts.length - 1, steps.length - 1)];
      if (step === 'timeout') throw Object.assign(new Error('socket timed out after 100 ms'), { name: 'TimeoutError' });
      const transport = step === 'throttle' ? throttled : answered;
      return (transport.requestHandler as { handle: Handle }).handle(request);
    },
  };
  return { requestHandler, hosts };
}

function clientWith(steps: Step[], endpoints: SilentEndpoints, endpoint = 'http://127.0.0.1:4999'): { client: ECRClient; hosts: string[] } {
  const { requestHandler, hosts } = scripted(steps);
  const counter = new CallCounter();
  const client = createEcrClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, endpoint, requestHandler, endpoints, counter });
  return { client, hosts };
}

function list(client: ECRClient): Promise<unknown> {
  return settleWithFakeTimers(client.send(new DescribeRepositoriesCommand({})));
}

describe('timeout-budget', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('a call', () => {
    it('retries a timed-out attempt once, then fails with the timeout, though more attempts are allowed', async () => {
      // Arrange: every attempt times out; the client may make 8.
      const { client, hosts } = clientWith(['timeout'], new SilentEndpoints());

      // Act
      const outcome = list(client);

      // Assert
      await expect(outcome).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: TIMEOUT_RETRIES + 1 } });
      expect(hosts).toHaveLength(2);
    });

    it('still retries throttling up to the attempts allowed', async () => {
      // Arrange: throttled five times, then answered.
      const { client, hosts } = clientWith(['throttle', 'throttle', 'throttle', 'throttle', 'throttle', 'answer'], new SilentEndpoints());

      // Act
      const outcome = await list(client);

      // Assert
      expect(outcome).toMatchObject({ repositories: [] });
      expect(hosts).toHaveLength(6);
    });

    it('succeeds when the retry after a timeout is answered', async () => {
      const { client, hosts } = clientWith(['timeout', 'answer'], new SilentEndpoints());

      await expect(list(client)).resolves.toMatchObject({ repositories: [] });
      expect(hosts).toHaveLength(2);
    });
  });

  describe('an endpoint that times out again and again', () => {
    it('is left alone: the next call fails at once, naming the endpoint and the fix, without being sent', async () => {
      // Arrange: two calls time out twice each: four timeouts in a row at 127.0.0.1:4999.
      const endpoints = new SilentEndpoints();
      const { client, hosts } = clientWith(['timeout'], endpoints);
      await expect(list(client)).rejects.toMatchObject({ name: 'TimeoutError' });
      await expect(list(client)).rejects.toMatchObject({ name: 'TimeoutError' });
      const sent = hosts.length;

      // Act
      const outcome = list(client);

      // Assert
      await expect(outcome).rejects.toBeInstanceOf(EndpointUnresponsiveError);
      await expect(outcome).rejects.toThrow(
        `not sent: 127.0.0.1:4999 left the calls before it without an answer (${SILENT_AFTER_TIMEOUTS} timeouts in a row of 10000 ms); check the endpoint and the network, or raise --request-timeout`,
      );
      expect(hosts).toHaveLength(sent);
      expect(sent).toBeLessThan(5);
    });

    it('stops a call that is retrying there as soon as the endpoint counts as silent', async () => {
      // Arrange: the endpoint already timed out twice in a row (another client of the same process).
      const endpoints = new SilentEndpoints();
      endpoints.timedOut('127.0.0.1:4999');
      endpoints.timedOut('127.0.0.1:4999');
      const { client, hosts } = clientWith(['timeout'], endpoints);

      // Act: its first timeout is the third in a row.
      await expect(list(client)).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 1 } });

      // Assert
      expect(hosts).toHaveLength(1);
    });

    it('is tried again once the hold is over', () => {
      let now = 0;
      const endpoints = new SilentEndpoints({ now: () => now });
      for (let i = 0; i < SILENT_AFTER_TIMEOUTS; i++) endpoints.timedOut('ecr:443');

      expect(endpoints.isSilent('ecr:443')).toBe(true);
      now = SILENT_HOLD_MS - 1;
      expect(endpoints.isSilent('ecr:443')).toBe(true);
      now = SILENT_HOLD_MS;
      expect(endpoints.isSilent('ecr:443')).toBe(false);
      // Its count starts again: one more timeout is not enough.
      expect(endpoints.timedOut('ecr:443')).toBe(false);
    });

    it('counts no silence across an answer, and none for another endpoint', () => {
      const endpoints = new SilentEndpoints();

      endpoints.timedOut('a:1');
      endpoints.timedOut('a:1');
      endpoints.answered('a:1');
      endpoints.timedOut('a:1');
      endpoints.timedOut('b:1');
      endpoints.timedOut('b:1');

      expect(endpoints.isSilent('a:1')).toBe(false);
      expect(endpoints.isSilent('b:1')).toBe(false);
      expect(endpoints.timedOut('b:1')).toBe(true);
    });

    it('is no longer silent once a call through another client is answered there', async () => {
      const endpoints = new SilentEndpoints();
      endpoints.timedOut('127.0.0.1:4999');
      endpoints.timedOut('127.0.0.1:4999');
      const { client } = clientWith(['answer'], endpoints);

      await expect(list(client)).resolves.toMatchObject({ repositories: [] });
      expect(endpoints.timedOut('127.0.0.1:4999')).toBe(false);
    });
  });

  describe('isTimeout', () => {
    it.each([
      [{ name: 'TimeoutError' }, true],
      [Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), true],
      [{ name: 'ThrottlingException' }, false],
      [new Error('boom'), false],
      ['TimeoutError', false],
      [undefined, false],
    ])('says whether %p is an attempt without an answer', (error, expected) => {
      expect(isTimeout(error)).toBe(expected);
    });
  });
});
