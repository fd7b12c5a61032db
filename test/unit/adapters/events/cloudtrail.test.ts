// The event schemas against the sample events in events/ (the ones README's `serverless invoke
// local` uses) and against the shapes they must refuse.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  callerRoleArn,
  createRepositoryEvent,
  parseEvent,
  policyChangedEvent,
  requestTags,
  type CreateRepositoryEvent,
  type PolicyChangedEvent,
} from '../../../../src/adapters/events/cloudtrail';
import { isJanitorCall } from '../../../../src/domain/event-scope';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'events');

/** A sample event, as plain JSON to be mutated by a test. */
type Sample = Record<string, unknown> & { detail: Record<string, unknown> };

function sample(file: string): Sample {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as Sample;
}

function parsedCreate(file: string | Sample): CreateRepositoryEvent {
  const parsed = parseEvent(createRepositoryEvent, typeof file === 'string' ? sample(file) : file);
  if (!parsed.ok) throw new Error(`${typeof file === 'string' ? file : 'event'} did not parse: ${parsed.reason}`);
  return parsed.event;
}

function parsedPolicyChange(file: string | Sample): PolicyChangedEvent {
  const parsed = parseEvent(policyChangedEvent, typeof file === 'string' ? sample(file) : file);
  if (!parsed.ok) throw new Error(`event did not parse: ${parsed.reason}`);
  return parsed.event;
}

const CREATE_SAMPLES = [
  'create-repository.json',
  'create-repository-nested.json',
  'create-repository-opted-out.json',
  'create-repository-failed.json',
];
const POLICY_SAMPLES = ['put-lifecycle-policy.json', 'put-lifecycle-policy-compliant.json', 'delete-lifecycle-policy.json'];
/** Repositories ECR creates itself (see events/README.md for where each shape comes from). */
const ECR_CREATED_SAMPLES = [
  'create-repository-pull-through-cache.json',
  'create-repository-replication.json',
  'create-repository-on-push.json',
];

/** The domain's own-call rule over the caller an event names, as the handlers apply it. */
function isCallerOneOf(event: PolicyChangedEvent, roles: readonly string[]): boolean {
  return isJanitorCall({ account: event.account, callerArn: callerRoleArn(event) }, roles);
}

describe('cloudtrail', () => {
  describe('createRepositoryEvent', () => {
    it.each(CREATE_SAMPLES)('accepts events/%s', (file) => {
      expect(parseEvent(createRepositoryEvent, sample(file)).ok).toBe(true);
    });

    it.each(ECR_CREATED_SAMPLES)('accepts events/%s, a repository ECR created itself', (file) => {
      expect(parseEvent(createRepositoryEvent, sample(file))).toMatchObject({ ok: true });
    });

    it('refuses a service event that says it is an API call', () => {
      const event = sample('create-repository-pull-through-cache.json');
      event.detail.eventType = 'AwsApiCall';
      expect(parseEvent(createRepositoryEvent, event)).toEqual({ ok: false, reason: expect.stringContaining('detail-type') });
    });

    it.each([
      ['ECR Public', 'ecr-public.amazonaws.com'],
      ['another service', 'codecommit.amazonaws.com'],
    ])('refuses a CreateRepository of %s', (_label, eventSource) => {
      const event = sample('create-repository-replication.json');
      event.detail.eventSource = eventSource;
      expect(parseEvent(createRepositoryEvent, event)).toEqual({ ok: false, reason: expect.stringContaining('detail.eventSource') });
    });

    it.each([...POLICY_SAMPLES, 'schedule.json'])('refuses events/%s', (file) => {
      expect(parseEvent(createRepositoryEvent, sample(file)).ok).toBe(false);
    });

    it('reads the repository from the response, nested name and all', () => {
      const event = parsedCreate('create-repository-nested.json');
      expect(event.detail.responseElements?.repository).toEqual({
        repositoryName: 'platform/payments/settlement-worker',
        repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/platform/payments/settlement-worker',
        registryId: '123456789012',
      });
      expect(event.detail.eventTime).toBe('2025-06-04T09:02:31Z');
    });

    it('keeps the error code and no repository for a failed call', () => {
      const event = parsedCreate('create-repository-failed.json');
      expect(event.detail.errorCode).toBe('RepositoryAlreadyExistsException');
      expect(event.detail.responseElements).toBeNull();
    });

    it('names the missing field when the shape is wrong', () => {
      const event = sample('create-repository.json');
      delete event.detail.eventTime;
      const parsed = parseEvent(createRepositoryEvent, event);
      expect(parsed).toEqual({ ok: false, reason: expect.stringContaining('detail.eventTime') });
    });

    it.each([
      ['a service event', { source: 'aws.ecr', 'detail-type': 'AWS Service Event via CloudTrail' }, 'detail-type'],
      ['another service', { source: 'aws.ecs' }, 'source'],
      ['an account that is not 12 digits', { account: '12345' }, 'account'],
    ])('refuses %s', (_label, change, field) => {
      const parsed = parseEvent(createRepositoryEvent, { ...sample('create-repository.json'), ...change });
      expect(parsed).toEqual({ ok: false, reason: expect.stringContaining(field) });
    });

    it.each([null, 'CreateRepository', 42, {}, []])('refuses %j without throwing', (event) => {
      expect(parseEvent(createRepositoryEvent, event).ok).toBe(false);
    });

    it('reports at most five problems in one line', () => {
      const parsed = parseEvent(createRepositoryEvent, {});
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason.split('; ').length).toBeLessThanOrEqual(5);
        expect(parsed.reason).not.toContain('\n');
      }
    });
  });

  describe('requestTags', () => {
    it('reads the tags of the request', () => {
      expect(requestTags(parsedCreate('create-repository-opted-out.json'))).toEqual([
        { Key: 'team', Value: 'team-a' },
        { Key: 'ecr-janitor:opt-out', Value: 'true' },
      ]);
    });

    it('reads lower-case key/value too', () => {
      const event = sample('create-repository.json');
      (event.detail.requestParameters as Record<string, unknown>).tags = [{ key: 'ecr-janitor:opt-out', value: 'true' }];
      expect(requestTags(parsedCreate(event))).toEqual([{ Key: 'ecr-janitor:opt-out', Value: 'true' }]);
    });

    it('is empty when the request had no tags', () => {
      expect(requestTags(parsedCreate('create-repository.json'))).toEqual([]);
    });
  });

  describe('policyChangedEvent', () => {
    it.each(POLICY_SAMPLES)('accepts events/%s', (file) => {
      expect(parseEvent(policyChangedEvent, sample(file)).ok).toBe(true);
    });

    it.each([...CREATE_SAMPLES, 'schedule.json'])('refuses events/%s', (file) => {
      expect(parseEvent(policyChangedEvent, sample(file)).ok).toBe(false);
    });

    it.each(ECR_CREATED_SAMPLES)('refuses events/%s', (file) => {
      expect(parseEvent(policyChangedEvent, sample(file)).ok).toBe(false);
    });

    it('carries the policy the caller wrote', () => {
      const event = parsedPolicyChange('put-lifecycle-policy.json');
      expect(event.detail.eventName).toBe('PutLifecyclePolicy');
      expect(JSON.parse(event.detail.requestParameters?.lifecyclePolicyText ?? '')).toMatchObject({
        rules: [{ selection: { tagStatus: 'tagged' } }],
      });
    });

    it('has no policy text for a delete', () => {
      const event = parsedPolicyChange('delete-lifecycle-policy.json');
      expect(event.detail.eventName).toBe('DeleteLifecyclePolicy');
      expect(event.detail.requestParameters).toEqual({ repositoryName: 'team-a/web-api' });
    });
  });

  describe('callerRoleArn', () => {
    it('is the role behind an assumed-role session', () => {
      expect(callerRoleArn(parsedPolicyChange('put-lifecycle-policy.json'))).toBe('arn:aws:iam::123456789012:role/ci-deployer');
    });

    it("falls back to the caller's own ARN (an IAM user)", () => {
      const event = sample('put-lifecycle-policy.json');
      event.detail.userIdentity = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' };
      expect(callerRoleArn(parsedPolicyChange(event))).toBe('arn:aws:iam::123456789012:user/alice');
    });

    it('is undefined when the event names no caller', () => {
      const event = sample('put-lifecycle-policy.json');
      delete event.detail.userIdentity;
      expect(callerRoleArn(parsedPolicyChange(event))).toBeUndefined();
    });
  });

  describe('isCallerOneOf', () => {
    const withCaller = (arn: string | undefined, issuer?: string): PolicyChangedEvent => {
      const event = sample('put-lifecycle-policy.json');
      event.detail.userIdentity = {
        type: 'AssumedRole',
        ...(arn ? { arn } : {}),
        ...(issuer ? { sessionContext: { sessionIssuer: { arn: issuer } } } : {}),
      };
      return parsedPolicyChange(event);
    };

    it.each([
      [
        'the role ARN',
        withCaller(undefined, 'arn:aws:iam::123456789012:role/ecr-janitor-prod-us-east-1-audit'),
        ['arn:aws:iam::123456789012:role/ecr-janitor-prod-us-east-1-audit'],
        true,
      ],
      [
        'the role name, from the session issuer',
        withCaller(undefined, 'arn:aws:iam::123456789012:role/ecr-janitor-prod-us-east-1-audit'),
        ['ecr-janitor-prod-us-east-1-audit'],
        true,
      ],
      [
        'the role name, from an assumed-role ARN',
        withCaller('arn:aws:sts::123456789012:assumed-role/ecr-janitor-prod-us-east-1-policy/session'),
        ['ecr-janitor-prod-us-east-1-policy'],
        true,
      ],
      [
        'the role name, from a role with a path',
        withCaller(undefined, 'arn:aws:iam::123456789012:role/service/ecr-janitor-prod-us-east-1-audit'),
        ['ecr-janitor-prod-us-east-1-audit'],
        true,
      ],
      [
        'a same-named role of another account',
        withCaller(undefined, 'arn:aws:iam::999999999999:role/ecr-janitor-prod-us-east-1-audit'),
        ['ecr-janitor-prod-us-east-1-audit'],
        false,
      ],
      ['another role', withCaller(undefined, 'arn:aws:iam::123456789012:role/ci-deployer'), ['ecr-janitor-prod-us-east-1-audit'], false],
      [
        'a user whose name is a janitor role name',
        withCaller('arn:aws:iam::123456789012:user/ecr-janitor-prod-us-east-1-audit'),
        ['ecr-janitor-prod-us-east-1-audit'],
        false,
      ],
      ['no caller', withCaller(undefined), ['ecr-janitor-prod-us-east-1-audit'], false],
    ])('recognises %s: %#', (_label, event, roles, expected) => {
      expect(isCallerOneOf(event, roles)).toBe(expected);
    });
  });

  describe('sample events', () => {
    it.each([...CREATE_SAMPLES, ...POLICY_SAMPLES, 'schedule.json'])(
      'events/%s uses the moto account and region, in the EventBridge envelope',
      (file) => {
        const event = sample(file);
        expect(event).toMatchObject({ version: '0', account: '123456789012', region: 'us-east-1' });
        expect(typeof event.id).toBe('string');
        expect(typeof event.time).toBe('string');
        if (event.source === 'aws.ecr') {
          expect(event.detail).toMatchObject({
            awsRegion: 'us-east-1',
            recipientAccountId: '123456789012',
            eventSource: 'ecr.amazonaws.com',
          });
          // CloudTrail eventTime and the envelope time are the same instant.
          expect(event.detail.eventTime).toBe(event.time);
        }
      },
    );

    it.each(ECR_CREATED_SAMPLES)('events/%s is made by ECR in the moto account and region, at the envelope time', (file) => {
      const event = sample(file);
      expect(event).toMatchObject({ version: '0', source: 'aws.ecr', account: '123456789012', region: 'us-east-1' });
      expect(event.detail).toMatchObject({
        eventName: 'CreateRepository',
        awsRegion: 'us-east-1',
        recipientAccountId: '123456789012',
        userIdentity: { invokedBy: expect.stringMatching(/^(replication\.)?ecr\.amazonaws\.com$/) },
      });
      expect(event.detail.eventTime).toBe(event.time);
    });

    it('the weakened policy does not expire untagged images and the compliant one does', () => {
      const rules = (file: string) =>
        (
          JSON.parse(parsedPolicyChange(file).detail.requestParameters?.lifecyclePolicyText ?? '') as {
            rules: Array<{ selection: { tagStatus: string } }>;
          }
        ).rules;
      expect(rules('put-lifecycle-policy.json').map((r) => r.selection.tagStatus)).toEqual(['tagged']);
      expect(rules('put-lifecycle-policy-compliant.json').map((r) => r.selection.tagStatus)).toEqual(['tagged', 'untagged']);
    });
  });
});
