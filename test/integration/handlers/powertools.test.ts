// The deployed entry point: `handler` is `lambdaHandler` wrapped by middy with the Powertools logger
// and metrics middlewares. Invoked with a Lambda context against moto, its output must carry
// structured JSON logs with the event id and the request id, and EMF metrics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Context } from 'aws-lambda';
import { handler } from '../../../src/handlers/on-repository-created';
import { restoreLambdaEnv, useLambdaEnv } from '../support/lambda-env';
import { ecrClientForMoto, MOTO_REGION, resetMoto } from '../support/moto';
import { createRepository, getPolicy } from '../support/seed';
import { captureOutput } from '../../support/output';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');

function sample(file: string): { id: string } {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as { id: string };
}

function lambdaContext(awsRequestId: string): Context {
  const functionName = 'ecr-janitor-prod-onRepositoryCreated';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${MOTO_REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/06/03/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type LogLine = Record<string, unknown>;

/** Runs `fn` with stdout and stderr captured (Powertools writes warnings to stderr); returns the JSON lines. */
async function capturedLines<T>(fn: () => Promise<T>): Promise<{ result: T; lines: LogLine[] }> {
  const { value, output } = await captureOutput(fn);
  const lines = output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        return { unparsed: l };
      }
    });
  return { result: value, lines };
}

describe('middy-wrapped handler with Powertools (moto)', () => {
  let ecr: ECRClient;

  beforeAll(async () => {
    await resetMoto();
    useLambdaEnv({ REPORT_BUS: 'default' });
    ecr = ecrClientForMoto();
    await createRepository(ecr, 'team-a/web-api');
    await createRepository(ecr, 'team-a/scratch');
  });

  afterAll(() => {
    ecr.destroy();
    restoreLambdaEnv();
  });

  it('logs JSON with the event id and the Lambda context, and emits EMF metrics', async () => {
    const event = sample('create-repository.json');
    const context = lambdaContext('c6af9ac6-7b61-41e6-9a41-93e812345678');

    const { result, lines } = await capturedLines(() => handler(event, context));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied' } });
    expect(await getPolicy(ecr, 'team-a/web-api')).toBeDefined();
    expect(lines.filter((l) => 'unparsed' in l)).toEqual([]);
    const handled = lines.find((l) => l.message === 'repository handled');
    expect(handled).toMatchObject({
      level: 'INFO',
      service: 'ecr-janitor',
      eventId: event.id,
      function_request_id: context.awsRequestId,
      function_name: context.functionName,
      function_arn: context.invokedFunctionArn,
      function_memory_size: '512',
      cold_start: expect.any(Boolean),
      action: expect.objectContaining({ outcome: 'applied', repositoryName: 'team-a/web-api' }),
    });
    expect(typeof handled?.timestamp).toBe('string');
    const emf = lines.filter((l) => typeof l._aws === 'object');
    expect(emf).toContainEqual(expect.objectContaining({ RepositoriesRemediated: 1, service: 'ecr-janitor' }));
    const namespaces = emf.flatMap((l) =>
      (l._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics.map((m) => m.Namespace),
    );
    expect(new Set(namespaces)).toEqual(new Set(['EcrJanitor']));
  });

  it('keeps no keys from the previous invocation and logs the reason a repository was skipped', async () => {
    const event = sample('create-repository-opted-out.json');
    const context = lambdaContext('5d8e7f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f');

    const { result, lines } = await capturedLines(() => handler(event, context));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
    const handled = lines.find((l) => l.message === 'repository handled');
    expect(handled).toMatchObject({
      eventId: event.id,
      function_request_id: context.awsRequestId,
      cold_start: false,
      action: expect.objectContaining({ outcome: 'skipped-opt-out', message: 'tagged ecr-janitor:opt-out=true' }),
    });
    // Powertools drops a top-level `message` key with a warning; the handler must not log one.
    expect(lines.filter((l) => l.level === 'WARN')).toEqual([]);
  });

  it('acknowledges a malformed event with a warning and publishes no remediation metric', async () => {
    const { result, lines } = await capturedLines(() =>
      handler({ source: 'aws.ecr' }, lambdaContext('0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9')),
    );

    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('unexpected event shape') });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'ignoring an event that is not a CreateRepository call',
        function_request_id: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
      }),
    );
    expect(lines.some((l) => 'RepositoriesRemediated' in l)).toBe(false);
  });
});
