import type { Reading, RepositoryEvent } from '../../../../src/adapters/events/repository-events';
import { eventHandler } from '../../../../src/handlers/middleware/event-handler';
import { logger, metrics } from '../../../../src/handlers/runtime/powertools';
import { awsError } from '../../support/fake-registry';

const ACCOUNT = '123456789012';
const EVENT: RepositoryEvent = {
  id: 'event-1',
  origin: { account: ACCOUNT, region: 'us-east-1', callerArn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer` },
  ref: { accountId: ACCOUNT, region: 'us-east-1', repositoryName: 'web', repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/web` },
};
const SCOPE = { regions: ['us-east-1'], janitorRoles: ['ecr-janitor-prod-us-east-1-policy'] };

/** A handler whose reading is `reading` and whose action is `act`. */
function handlerOf(
  reading: Reading<RepositoryEvent>,
  act = jest.fn(async (): Promise<string | { ignored: string }> => 'acted'),
  refuse?: (e: RepositoryEvent) => string | undefined,
) {
  return { act, handle: eventHandler(SCOPE, { handles: 'a test call', read: () => reading, act, ...(refuse ? { refuse } : {}) }) };
}

describe('event-handler', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));
  afterEach(() => {
    metrics.clearMetrics();
    jest.restoreAllMocks();
  });

  describe('eventHandler', () => {
    it("acts on an event that is the janitor's, without a Lambda context", async () => {
      const { handle, act } = handlerOf({ kind: 'event', event: EVENT });

      expect(await handle({})).toEqual({ status: 'done', action: 'acted' });
      expect(act).toHaveBeenCalledWith(EVENT, { byJanitor: false });
    });

    it("acts on the janitor's own call when the scope says so, telling the action who called", async () => {
      const own = {
        ...EVENT,
        origin: { ...EVENT.origin, callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-janitor-prod-us-east-1-policy/x` },
      };
      const act = jest.fn(async () => 'acted');
      const handle = eventHandler(
        { ...SCOPE, actsOnOwnCalls: true },
        { handles: 'a test call', read: () => ({ kind: 'event', event: own }), act },
      );

      expect(await handle({})).toEqual({ status: 'done', action: 'acted' });
      expect(act).toHaveBeenCalledWith(own, { byJanitor: true });
    });

    it('acknowledges an event the action answers needed nothing, as ignored with its reason', async () => {
      const { handle } = handlerOf(
        { kind: 'event', event: EVENT },
        jest.fn(async () => ({ ignored: 'nothing newer to put back' })),
      );

      expect(await handle({})).toEqual({ status: 'ignored', reason: 'nothing newer to put back' });
    });

    it('acknowledges a malformed event with a warning naming what the function handles', async () => {
      const warn = jest.spyOn(logger, 'warn');
      const { handle, act } = handlerOf({ kind: 'malformed', reason: 'detail: Required' });

      expect(await handle({})).toEqual({ status: 'ignored', reason: 'unexpected event shape: detail: Required' });
      expect(warn).toHaveBeenCalledWith('ignoring an event that is not a test call', { reason: 'detail: Required' });
      expect(act).not.toHaveBeenCalled();
    });

    it('acknowledges a failed call', async () => {
      const { handle, act } = handlerOf({ kind: 'failed', reason: 'the call failed (AccessDenied)' });

      expect(await handle({})).toEqual({ status: 'ignored', reason: 'the call failed (AccessDenied)' });
      expect(act).not.toHaveBeenCalled();
    });

    it.each([
      [
        'its own call',
        { ...EVENT.origin, callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-janitor-prod-us-east-1-policy/x` },
        'written by ecr-janitor itself',
      ],
      ['a region not configured', { ...EVENT.origin, region: 'eu-north-1' }, 'eu-north-1, which is not one of the configured regions'],
      ["another account's registry", { ...EVENT.origin, registryId: '999999999999' }, "another account's registry (999999999999)"],
    ])('leaves alone %s', async (_label, origin, reason) => {
      const { handle, act } = handlerOf({ kind: 'event', event: { ...EVENT, origin } });

      expect(await handle({})).toEqual({ status: 'ignored', reason: expect.stringContaining(reason) });
      expect(act).not.toHaveBeenCalled();
    });

    it('drops what the function refuses, without acting', async () => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      const { handle, act } = handlerOf({ kind: 'event', event: EVENT }, undefined, () => 'the event time is ahead');

      expect(await handle({})).toEqual({ status: 'dropped', code: 'InvalidInputError', reason: 'the event time is ahead' });
      expect(act).not.toHaveBeenCalled();
      expect(addMetric).toHaveBeenCalledWith('EventsDropped', 'Count', 1);
    });

    it('drops an error retrying cannot mend, and throws any other so that Lambda retries', async () => {
      const gone = handlerOf(
        { kind: 'event', event: EVENT },
        jest.fn(async () => Promise.reject(awsError('RepositoryNotFoundException', 'gone'))),
      );
      const throttled = awsError('ThrottlingException', 'slow down');
      const busy = handlerOf(
        { kind: 'event', event: EVENT },
        jest.fn(async () => Promise.reject(throttled)),
      );

      expect(await gone.handle({})).toEqual({ status: 'dropped', code: 'RepositoryNotFoundException', reason: 'gone' });
      await expect(busy.handle({})).rejects.toBe(throttled);
    });
  });
});
