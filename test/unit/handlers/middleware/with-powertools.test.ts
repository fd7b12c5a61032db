import type { Context } from 'aws-lambda';
import { withPowertools } from '../../../../src/handlers/middleware/with-powertools';
import { captureOutput } from '../../../support/output';

const context = {
  functionName: 'ecr-janitor-prod-onRepositoryCreated',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ecr-janitor-prod-onRepositoryCreated',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/ecr-janitor-prod-onRepositoryCreated',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** Runs `fn` with stdout and stderr captured (error logs go to stderr); returns the JSON lines Powertools wrote. */
async function jsonLines(fn: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const { output } = await captureOutput(() => fn().catch(() => undefined));
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('middleware', () => {
  describe('withPowertools', () => {
    it('rethrows a failure so Lambda retries it, after logging it and counting it in the Errors metric', async () => {
      const failing = withPowertools(async () => {
        throw new Error('ThrottlingException outlived the retries');
      });
      // The log and the metric go to the captured output, not into the test run's.
      await expect(captureOutput(() => failing({}, context))).rejects.toThrow('ThrottlingException outlived the retries');

      const lines = await jsonLines(() => failing({}, context));
      const errorLog = lines.find((l) => l.level === 'ERROR');
      expect(errorLog?.message).toContain('invocation failed');
      expect(JSON.stringify(errorLog?.error)).toContain('ThrottlingException outlived the retries');
      const emf = lines.find((l) => typeof l._aws === 'object');
      expect(emf?.Errors).toBe(1);
    });

    it('counts no error when the handler succeeds', async () => {
      const ok = withPowertools(async () => 'done');
      const lines = await jsonLines(() => ok({}, context));
      expect(lines.some((l) => l.level === 'ERROR')).toBe(false);
      expect(lines.some((l) => l.Errors !== undefined)).toBe(false);
    });
  });
});
