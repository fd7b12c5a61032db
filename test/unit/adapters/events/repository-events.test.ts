// What the handlers are told about an event: the samples in events/ read into repositories, origins
// and calls, and the shapes that are refused.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readPolicyChanged, readRepositoryCreated, type Reading } from '../../../../src/adapters/events/repository-events';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'events');
const ACCOUNT = '123456789012';

type Sample = Record<string, unknown> & { detail: Record<string, unknown> };

function sample(file: string): Sample {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as Sample;
}

/** The event of a reading that must have one. */
function eventOf<E>(reading: Reading<E>): E {
  if (reading.kind !== 'event') throw new Error(`expected an event, got ${reading.kind}: ${reading.reason}`);
  return reading.event;
}

describe('repository-events', () => {
  describe('readRepositoryCreated', () => {
    it('reads an API call: the repository of the response, the caller, the time, no tags', () => {
      const event = eventOf(readRepositoryCreated(sample('create-repository.json')));

      expect(event).toEqual({
        id: '3f1c2a5e-8d4b-4c1e-9a77-2b6f0e9d1c11',
        origin: { account: ACCOUNT, region: 'us-east-1', registryId: ACCOUNT, callerArn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer` },
        ref: {
          accountId: ACCOUNT,
          region: 'us-east-1',
          repositoryName: 'team-a/web-api',
          repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-a/web-api`,
          createdAt: '2025-06-03T14:17:44Z',
        },
        tags: [],
        createdBy: 'api',
      });
    });

    it('reads the tags given in the request', () => {
      expect(eventOf(readRepositoryCreated(sample('create-repository-opted-out.json'))).tags).toEqual([
        { Key: 'team', Value: 'team-a' },
        { Key: 'ecr-janitor:opt-out', Value: 'true' },
      ]);
    });

    it('reads the region of the call, not the region of the bus that delivered it', () => {
      const forwarded = sample('create-repository.json');
      forwarded.detail.awsRegion = 'eu-west-1';

      const { origin, ref } = eventOf(readRepositoryCreated(forwarded));

      expect(origin.region).toBe('eu-west-1');
      expect(ref).toMatchObject({ region: 'eu-west-1', repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/team-a/web-api` });
    });

    it.each([
      ['a pull-through cache', 'create-repository-pull-through-cache.json', 'docker-hub/library/nginx', 'ecr', '2025-06-03T14:31:07Z'],
      ['create-on-push', 'create-repository-on-push.json', 'team-b/checkout-worker', 'ecr', '2025-12-19T09:12:40Z'],
      ['replication', 'create-repository-replication.json', 'team-a/payments-api', 'replication', '2025-06-03T14:35:52Z'],
    ])('reads a repository ECR created for %s', (_label, file, repositoryName, createdBy, createdAt) => {
      const event = eventOf(readRepositoryCreated(sample(file)));

      expect(event).toMatchObject({
        origin: { account: ACCOUNT, region: 'us-east-1' },
        ref: {
          accountId: ACCOUNT,
          region: 'us-east-1',
          repositoryName,
          repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${repositoryName}`,
          createdAt,
        },
        tags: [],
        createdBy,
      });
      // An AWS service made the call: no caller of the account's own to recognise.
      expect(event.origin.callerArn).toBeUndefined();
    });

    it('reads a replication creation from its response too, when the record carries one', () => {
      const replicated = sample('create-repository-replication.json');
      replicated.detail.requestParameters = null;
      replicated.detail.responseElements = {
        repository: {
          repositoryName: 'team-a/payments-api',
          registryId: ACCOUNT,
          repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-a/payments-api`,
        },
      };

      expect(eventOf(readRepositoryCreated(replicated))).toMatchObject({
        ref: { repositoryName: 'team-a/payments-api' },
        createdBy: 'replication',
      });
    });

    it('takes a creation by the replication service for replication whatever its event source says', () => {
      const replicated = sample('create-repository-replication.json');
      replicated.detail.eventSource = 'ecr.amazonaws.com';
      expect(eventOf(readRepositoryCreated(replicated)).createdBy).toBe('replication');
    });

    it("puts a replicated repository in the destination registry the request names, and says when that is another account's", () => {
      const replicated = sample('create-repository-replication.json');
      (replicated.detail.requestParameters as Record<string, unknown>).registryId = '210987654321';

      const { origin, ref } = eventOf(readRepositoryCreated(replicated));

      expect(origin).toMatchObject({ account: ACCOUNT, registryId: '210987654321' });
      expect(ref.repositoryArn).toBe('arn:aws:ecr:us-east-1:210987654321:repository/team-a/payments-api');
    });

    it('says a failed call failed', () => {
      expect(readRepositoryCreated(sample('create-repository-failed.json'))).toEqual({
        kind: 'failed',
        reason: 'the call failed (RepositoryAlreadyExistsException)',
      });
    });

    it.each([
      ['not an object', 'CreateRepository'],
      [
        'another call',
        { ...sample('create-repository.json'), detail: { ...sample('create-repository.json').detail, eventName: 'DeleteRepository' } },
      ],
      [
        'a time that is not ISO-8601',
        { ...sample('create-repository.json'), detail: { ...sample('create-repository.json').detail, eventTime: 'Jun 3, 2025' } },
      ],
    ])('calls %s malformed', (_label, input) => {
      expect(readRepositoryCreated(input)).toMatchObject({ kind: 'malformed' });
    });

    it('calls an event that names no repository anywhere malformed, saying where it looked', () => {
      const nameless = sample('create-repository.json');
      nameless.detail.responseElements = null;
      nameless.detail.requestParameters = null;

      expect(readRepositoryCreated(nameless)).toEqual({
        kind: 'malformed',
        reason: 'no repository name in detail.responseElements, detail.serviceEventDetails or detail.requestParameters',
      });
    });
  });

  describe('readPolicyChanged', () => {
    it('reads a PutLifecyclePolicy: the repository, the text put, the time of the call and the caller', () => {
      const event = eventOf(readPolicyChanged(sample('put-lifecycle-policy.json')));

      expect(event).toMatchObject({
        id: '5e4d3c2b-1a09-4f8e-8d7c-6b5a4f3e2d1c',
        origin: { account: ACCOUNT, region: 'us-east-1', callerArn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer` },
        ref: {
          accountId: ACCOUNT,
          region: 'us-east-1',
          repositoryName: 'team-a/web-api',
          repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-a/web-api`,
        },
        change: {
          eventName: 'PutLifecyclePolicy',
          calledAt: Date.parse('2025-06-03T14:20:05Z'),
          policyText: expect.stringContaining('"rules"'),
        },
      });
    });

    it('reads a DeleteLifecyclePolicy without a policy text', () => {
      const { change } = eventOf(readPolicyChanged(sample('delete-lifecycle-policy.json')));
      expect(change).toEqual({
        eventName: 'DeleteLifecyclePolicy',
        calledAt: expect.any(Number),
        eventId: '6f5e4d3c-2b1a-4098-9e8d-7c6b5a4f3e2d',
      });
    });

    it('builds the ARN of the repository the call named, whatever other repository the event lists', () => {
      // The tags the handler reads are those of this ARN: it must be the repository it writes.
      const misleading = sample('put-lifecycle-policy.json');
      misleading.detail.resources = [{ accountId: ACCOUNT, ARN: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/someone-else` }];

      expect(eventOf(readPolicyChanged(misleading)).ref.repositoryArn).toBe(`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-a/web-api`);
    });

    it('puts the repository in the registry the call named', () => {
      const foreign = sample('put-lifecycle-policy.json');
      (foreign.detail.requestParameters as Record<string, unknown>).registryId = '999999999999';

      const { origin, ref } = eventOf(readPolicyChanged(foreign));

      expect(origin.registryId).toBe('999999999999');
      expect(ref).toMatchObject({
        accountId: '999999999999',
        repositoryArn: 'arn:aws:ecr:us-east-1:999999999999:repository/team-a/web-api',
      });
    });

    it('says a failed call failed', () => {
      const failed = sample('put-lifecycle-policy.json');
      failed.detail.errorCode = 'LifecyclePolicyNotFoundException';
      expect(readPolicyChanged(failed)).toEqual({ kind: 'failed', reason: 'the call failed (LifecyclePolicyNotFoundException)' });
    });

    it('calls a create event malformed', () => {
      expect(readPolicyChanged(sample('create-repository.json'))).toMatchObject({
        kind: 'malformed',
        reason: expect.stringContaining('eventName'),
      });
    });
  });
});
