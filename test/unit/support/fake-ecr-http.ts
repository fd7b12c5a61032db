import type { ECRClientConfig } from '@aws-sdk/client-ecr';

/** One scripted HTTP answer: a JSON body, or an error named as ECR names it (`__type`). */
export type FakeAnswer = { status?: number; body: Record<string, unknown> } | { status: number; error: string; message?: string };

/** A request the fake transport received: the operation (from `X-Amz-Target`, else the path of a REST call) and its JSON input. */
export interface ReceivedRequest {
  operation: string;
  input: Record<string, unknown>;
}

/** Static credentials so signing needs no provider chain. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

const encoder = new TextEncoder();

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return '';
}

/**
 * A fake ECR HTTP transport: the real SDK stack (serialisation, signing, retry, deserialisation,
 * our middlewares) runs, only the network is replaced. Answers are scripted per operation and
 * consumed in order; the last one repeats. A REST service's operation (AWS Batch, Inspector) is its
 * path: `/v1/describejobdefinitions`.
 */
export function fakeEcrTransport(script: Record<string, FakeAnswer[]>): {
  requestHandler: ECRClientConfig['requestHandler'];
  received: ReceivedRequest[];
} {
  const received: ReceivedRequest[] = [];
  const cursors = new Map<string, number>();
  const requestHandler = {
    handle: async (request: { headers: Record<string, string>; body?: unknown; path?: string }) => {
      const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
      const operation = target === '' ? (request.path ?? '') : (target.split('.').pop() ?? '');
      const text = bodyText(request.body);
      received.push({ operation, input: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
      const answers = script[operation] ?? [];
      const index = cursors.get(operation) ?? 0;
      cursors.set(operation, index + 1);
      const answer = answers[Math.min(index, answers.length - 1)];
      if (answer === undefined) throw new Error(`fake transport: no answer scripted for ${operation}`);
      const json = 'error' in answer ? { __type: answer.error, message: answer.message ?? answer.error } : answer.body;
      return {
        response: {
          statusCode: answer.status ?? 200,
          reason: undefined,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${received.length}` },
          body: encoder.encode(JSON.stringify(json)),
        },
      };
    },
  };
  return { requestHandler, received };
}

/**
 * Waits for `promise` under jest's fake timers by advancing the clock in steps until it settles.
 * (`runAllTimersAsync` alone can return before the SDK has scheduled its first retry timer, because
 * the first send does some real asynchronous set-up.)
 */
export async function settleWithFakeTimers<T>(promise: Promise<T>, stepMs = 250, maxSteps = 400): Promise<T> {
  let settled = false;
  const observed = promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let step = 0; step < maxSteps && !settled; step++) await jest.advanceTimersByTimeAsync(stepMs);
  await observed;
  return promise;
}
