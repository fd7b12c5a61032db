import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { decodeLedgerEvent, LEDGER_PREFIX } from '../../../src/domain/ledger';
import { makeHandler } from '../../../src/handlers/on-policy-executed';
import { logger, metrics } from '../../../src/handlers/runtime/powertools';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');
const sample = (name: string): Record<string, unknown> & { detail: Record<string, unknown> } =>
  JSON.parse(readFileSync(path.join(EVENTS_DIR, name), 'utf8')) as Record<string, unknown> & { detail: Record<string, unknown> };

describe('onPolicyExecuted handler', () => {
  beforeEach(() => {
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
  });
  afterEach(() => jest.restoreAllMocks());

  it('records each image the evaluation acted on, with its rule and whether that rule is the janitor’s, under ledger/v1/', async () => {
    const store = new MemoryObjectStore();
    const handler = makeHandler({ store, regions: ['eu-west-1', 'us-west-2'] });

    const result = await handler(sample('policy-execution-expire.json'));

    expect(result).toEqual({ status: 'recorded', actions: expect.any(Number) as number });
    const keys = await store.list(LEDGER_PREFIX);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^ledger\/v1\/eu-west-1\/team-a%2Fweb-api\//);
    const record = decodeLedgerEvent((await store.get(keys[0] as string)) ?? '');
    expect(record?.repositoryName).toBe('team-a/web-api');
    expect(record?.actions.length).toBe(result.status === 'recorded' ? result.actions : -1);
    expect(record?.actions.length).toBeGreaterThan(0);
    expect(record?.actions.some((a) => a.defaultRule && a.rulePriority === 2 && a.action === 'expire')).toBe(true);
    expect(metrics.addMetric).toHaveBeenCalledWith('LifecycleActionsRecorded', 'Count', record?.actions.length);
  });

  it('counts a redelivered event once: the same key, the same content', async () => {
    const store = new MemoryObjectStore();
    const handler = makeHandler({ store, regions: ['eu-west-1'] });
    const event = sample('policy-execution-expire.json');

    await handler(event);
    const [key] = await store.list(LEDGER_PREFIX);
    const first = await store.get(key as string);
    await handler(structuredClone(event));

    expect(await store.list(LEDGER_PREFIX)).toEqual([key]);
    expect(await store.get(key as string)).toBe(first);
  });

  it('records a transition to the archive class as a transition', async () => {
    const store = new MemoryObjectStore();
    const result = await makeHandler({ store, regions: ['eu-west-1', 'us-east-1', 'us-west-2'] })(
      sample('policy-execution-transition.json'),
    );

    expect(result.status).toBe('recorded');
    const [key] = await store.list(LEDGER_PREFIX);
    expect(decodeLedgerEvent((await store.get(key as string)) ?? '')?.actions.every((a) => a.action === 'transition')).toBe(true);
  });

  it('ignores, and says why, an event of a region the stack is not configured for, and anything that is not the event', async () => {
    const store = new MemoryObjectStore();
    const handler = makeHandler({ store, regions: ['ap-south-1'] });

    const elsewhere = await handler(sample('policy-execution-expire.json'));
    const other = await handler(sample('put-lifecycle-policy.json'));

    expect(elsewhere).toEqual({ status: 'ignored', reason: 'eu-west-1 is not a configured region' });
    expect(other).toEqual({ status: 'ignored', reason: expect.stringContaining('PolicyExecutionEvent') as string });
    expect(await store.list('')).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('writes nothing for an evaluation that acted on nothing', async () => {
    const store = new MemoryObjectStore();
    const event = sample('policy-execution-expire.json');
    const details = event.detail.serviceEventDetails as Record<string, unknown>;
    const idle = {
      ...event,
      detail: { ...event.detail, serviceEventDetails: { ...details, lifecycleEventImageActions: [], lifecycleEventFailureDetails: [] } },
    };

    const result = await makeHandler({ store, regions: ['eu-west-1'] })(idle);

    expect(result).toEqual({ status: 'nothing-acted', actions: 0 });
    expect(await store.list('')).toEqual([]);
  });

  it('fails the invocation when the record cannot be written, so that Lambda retries it', async () => {
    const store = new MemoryObjectStore();
    store.put = async () => {
      throw Object.assign(new Error('slow down'), { name: 'SlowDown' });
    };

    await expect(makeHandler({ store, regions: ['eu-west-1'] })(sample('policy-execution-expire.json'))).rejects.toThrow('slow down');
  });
});
