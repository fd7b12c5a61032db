// onPolicyChanged against moto, through the handler's own clients (AWS_ENDPOINT_URL → moto).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TagResourceCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { mergeDefaultRule } from '../../../src/domain/policy';
import { lambdaHandler } from '../../../src/handlers/on-policy-changed';
import { freshMotoAndEnvEachTest, FUNCTION_ENV, handlerCalls as calls, useLambdaEnv, type LambdaEnvKey } from '../support/lambda-env';
import { ecrClientForMoto } from '../support/moto';
import { rulesOf, UNTAGGED_7_DAYS } from '../support/policy-rules';
import { createRepairTable } from '../support/repair-table';
import { createRepository, getPolicy, putPolicy } from '../support/seed';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');
const REPO = 'team-a/web-api';
const JANITOR_ROLES = [
  'arn:aws:iam::123456789012:role/ecr-janitor-prod-ScheduledAuditRole-7Hq2kP1xYzA0',
  'arn:aws:iam::123456789012:role/ecr-janitor-prod-OnRepositoryCreatedRole-Lm3nB8vC2dE4',
  'arn:aws:iam::123456789012:role/ecr-janitor-prod-OnPolicyChangedRole-Qw5eR7tY9uI1',
];

interface Sample {
  id: string;
  detail: Record<string, unknown> & {
    requestParameters: { repositoryName: string; lifecyclePolicyText?: string };
    userIdentity: { arn: string; sessionContext: { sessionIssuer: { arn: string } } };
  };
}

function sample(file: string): Sample {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as Sample;
}

/** The policy text the weakening PutLifecyclePolicy sample wrote (tagged rules only). */
const WEAKENED = sample('put-lifecycle-policy.json').detail.requestParameters.lifecyclePolicyText ?? '';
const COMPLIANT = sample('put-lifecycle-policy-compliant.json').detail.requestParameters.lifecyclePolicyText ?? '';

/** The function's environment (serverless.yml's, with its JANITOR_ROLES) plus `overrides`. */
function useEnv(overrides: Partial<Record<LambdaEnvKey, string>> = {}): void {
  useLambdaEnv({ ...FUNCTION_ENV, JANITOR_ROLES: JANITOR_ROLES.join(','), ...overrides });
}

describe('onPolicyChanged handler (moto)', () => {
  let ecr: ECRClient;

  freshMotoAndEnvEachTest(() => useEnv());
  beforeAll(() => {
    ecr = ecrClientForMoto();
  });
  afterAll(() => ecr.destroy());

  describe('DeleteLifecyclePolicy', () => {
    it('re-applies the default policy after the policy was deleted', async () => {
      await createRepository(ecr, REPO); // the policy is gone, as after the call

      const result = await lambdaHandler(sample('delete-lifecycle-policy.json'));

      expect(result).toEqual({
        status: 'done',
        action: expect.objectContaining({ outcome: 'applied', repositoryName: REPO, before: null }),
      });
      expect(rulesOf(await getPolicy(ecr, REPO))).toEqual([expect.objectContaining({ rulePriority: 1, ...UNTAGGED_7_DAYS })]);
      expect(calls().PutLifecyclePolicy).toBe(1);
    });

    it('leaves a policy alone when someone has already put a compliant one back', async () => {
      await createRepository(ecr, REPO, { policyText: COMPLIANT });

      const result = await lambdaHandler(sample('delete-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant' } });
      expect(await getPolicy(ecr, REPO)).toBe(COMPLIANT);
      expect(calls().PutLifecyclePolicy).toBeUndefined();
    });
  });

  describe('PutLifecyclePolicy', () => {
    it("puts the team's policy back when a janitor write merged from an older read replaced it", async () => {
      // The janitor read an older policy a second before the team's call, and wrote its merge after it.
      const teamAt = Date.parse(sample('put-lifecycle-policy.json').detail.eventTime as string);
      const older =
        '{"rules":[{"rulePriority":1,"description":"Keep the 5 newest prod images","selection":{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}';
      await createRepository(ecr, REPO, { policyText: mergeDefaultRule(older, 7, { basedOnReadAt: teamAt - 1000 }).text });

      const result = await lambdaHandler(sample('put-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', readBack: 'matches' } });
      expect(await getPolicy(ecr, REPO)).toBe(mergeDefaultRule(WEAKENED, 7, { basedOnReadAt: teamAt }).text);
      expect(calls()).toMatchObject({ GetLifecyclePolicy: 3, ListTagsForResource: 1, PutLifecyclePolicy: 1 });
    });

    it("merges the untagged rule back into a weakened policy, keeping the team's rule", async () => {
      await createRepository(ecr, REPO, { policyText: WEAKENED });

      const result = await lambdaHandler(sample('put-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', before: WEAKENED } });
      const [teamRule, janitorRule] = rulesOf(await getPolicy(ecr, REPO));
      expect(teamRule).toEqual(rulesOf(WEAKENED)[0]);
      expect(janitorRule).toEqual(expect.objectContaining({ rulePriority: 2, ...UNTAGGED_7_DAYS }));
    });

    it('leaves a policy that still expires untagged images alone, after one read', async () => {
      await createRepository(ecr, REPO, { policyText: COMPLIANT });

      const result = await lambdaHandler(sample('put-lifecycle-policy-compliant.json'));

      // One read: the team's write could have been overwritten by a janitor write since (it was not).
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant', before: COMPLIANT } });
      expect(calls()).toEqual({ GetLifecyclePolicy: 1, total: 1 });
      expect(await getPolicy(ecr, REPO)).toBe(COMPLIANT);
    });

    it('shortens the untagged rule of a compliant policy that keeps untagged images longer than maxUntaggedDays', async () => {
      // Arrange: the compliant sample expires untagged images after 14 days; the limit is 10
      useEnv({ MAX_UNTAGGED_DAYS: '10' });
      await createRepository(ecr, REPO, { policyText: COMPLIANT });

      // Act
      const result = await lambdaHandler(sample('put-lifecycle-policy-compliant.json'));

      // Assert
      expect(result).toMatchObject({
        status: 'done',
        action: { outcome: 'applied', before: COMPLIANT, shortened: { rulePriority: 2, fromDays: 14, toDays: 10 } },
      });
      const [teamRule, untaggedRule] = rulesOf(await getPolicy(ecr, REPO));
      expect(teamRule).toEqual(rulesOf(COMPLIANT)[0]);
      expect(untaggedRule).toMatchObject({ rulePriority: 2, selection: { tagStatus: 'untagged', countNumber: 10 } });
      expect(calls().PutLifecyclePolicy).toBe(1);
    });

    it("ignores the janitor's own write, so it never loops", async () => {
      await createRepository(ecr, REPO, { policyText: WEAKENED });
      const event = sample('put-lifecycle-policy.json');
      const ownRole = JANITOR_ROLES[2] ?? '';
      event.detail.userIdentity.arn =
        'arn:aws:sts::123456789012:assumed-role/ecr-janitor-prod-OnPolicyChangedRole-Qw5eR7tY9uI1/ecr-janitor-prod-onPolicyChanged';
      event.detail.userIdentity.sessionContext.sessionIssuer.arn = ownRole;

      const result = await lambdaHandler(event);

      expect(result).toEqual({ status: 'ignored', reason: 'written by ecr-janitor itself' });
      expect(calls().total).toBe(0);
      expect(await getPolicy(ecr, REPO)).toBe(WEAKENED);
    });

    it('writes at most once when the same event is delivered twice', async () => {
      await createRepository(ecr, REPO, { policyText: WEAKENED });
      const event = sample('put-lifecycle-policy.json');

      const first = await lambdaHandler(event);
      const merged = await getPolicy(ecr, REPO);
      const second = await lambdaHandler(structuredClone(event));

      expect(first).toMatchObject({ action: { outcome: 'applied' } });
      expect(second).toMatchObject({ action: { outcome: 'compliant' } });
      expect(calls().PutLifecyclePolicy).toBe(1);
      expect(await getPolicy(ecr, REPO)).toBe(merged);
    });

    it('writes nothing in dry-run mode', async () => {
      useEnv({ DRY_RUN: 'true' });
      await createRepository(ecr, REPO, { policyText: WEAKENED });

      const result = await lambdaHandler(sample('put-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'planned' } });
      expect(calls().PutLifecyclePolicy).toBeUndefined();
      expect(await getPolicy(ecr, REPO)).toBe(WEAKENED);
    });

    it('leaves an opted-out repository alone', async () => {
      const repository = await createRepository(ecr, REPO, { policyText: WEAKENED });
      await ecr.send(
        new TagResourceCommand({ resourceArn: repository.repositoryArn, tags: [{ Key: 'ecr-janitor:opt-out', Value: 'true' }] }),
      );

      const result = await lambdaHandler(sample('put-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
      expect(await getPolicy(ecr, REPO)).toBe(WEAKENED);
    });

    it('leaves an excluded repository alone', async () => {
      useEnv({ EXCLUDE: 'team-a/*' });
      await createRepository(ecr, REPO, { policyText: WEAKENED });

      const result = await lambdaHandler(sample('put-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-excluded' } });
      expect(calls().total).toBe(0);
      expect(await getPolicy(ecr, REPO)).toBe(WEAKENED);
    });

    it('does not overwrite what ECR holds now when the event is stale', async () => {
      // The event says the policy was weakened; the team has since put a compliant one.
      await createRepository(ecr, REPO, { policyText: COMPLIANT });

      const result = await lambdaHandler(sample('put-lifecycle-policy.json'));

      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant' } });
      expect(await getPolicy(ecr, REPO)).toBe(COMPLIANT);
    });
  });

  describe('events it must not act on', () => {
    it('ignores a failed call', async () => {
      await createRepository(ecr, REPO);
      const event = { ...sample('delete-lifecycle-policy.json') } as Sample & { detail: Record<string, unknown> };
      event.detail = {
        ...event.detail,
        errorCode: 'LifecyclePolicyNotFoundException',
        errorMessage: 'Lifecycle policy does not exist',
        responseElements: null,
      };

      const result = await lambdaHandler(event);

      expect(result).toEqual({ status: 'ignored', reason: 'the call failed (LifecyclePolicyNotFoundException)' });
      expect(calls().total).toBe(0);
      expect(await getPolicy(ecr, REPO)).toBeUndefined();
    });

    it.each([
      ['a CreateRepository event', () => JSON.parse(readFileSync(path.join(EVENTS_DIR, 'create-repository.json'), 'utf8')) as unknown],
      [
        'no repository name',
        () => ({
          ...sample('delete-lifecycle-policy.json'),
          detail: { ...sample('delete-lifecycle-policy.json').detail, requestParameters: {} },
        }),
      ],
      [
        'no event time',
        () => {
          const event = sample('put-lifecycle-policy.json');
          delete event.detail.eventTime;
          return event;
        },
      ],
      ['an empty object', () => ({})],
      ['null', () => null],
    ])('acknowledges a malformed event (%s) without writing', async (_label, malformed) => {
      await createRepository(ecr, REPO);
      await putPolicy(ecr, REPO, WEAKENED);

      const result = await lambdaHandler(malformed());

      expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('unexpected event shape') });
      expect(calls().total).toBe(0);
      expect(await getPolicy(ecr, REPO)).toBe(WEAKENED);
    });
  });

  describe('with the repair table (REPAIR_TABLE)', () => {
    it("records the team's write, then puts it back on the janitor's own event when a late janitor write replaced it", async () => {
      // Arrange: the table, and the team's write handled while it was stored (it is only remediated and recorded).
      const { client, tableName } = await createRepairTable();
      useEnv({ REPAIR_TABLE: tableName });
      await createRepository(ecr, REPO, { policyText: WEAKENED });
      const team = sample('put-lifecycle-policy.json');
      const teamAt = Date.parse(team.detail.eventTime as string);
      await lambdaHandler(team);
      // A janitor write merged from a read before the team's call lands late, over it.
      const older =
        '{"rules":[{"rulePriority":1,"description":"Keep the 5 newest prod images","selection":{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}';
      const late = mergeDefaultRule(older, 7, { basedOnReadAt: teamAt - 1000 }).text;
      await putPolicy(ecr, REPO, late);
      const own = sample('put-lifecycle-policy.json');
      own.id = 'janitor-late-write';
      own.detail.userIdentity.sessionContext.sessionIssuer.arn = JANITOR_ROLES[0] ?? '';
      own.detail.requestParameters.lifecyclePolicyText = late;

      // Act
      const result = await lambdaHandler(own);
      const again = await lambdaHandler(structuredClone(own));
      client.destroy();

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', before: late } });
      expect(await getPolicy(ecr, REPO)).toBe(mergeDefaultRule(WEAKENED, 7, { basedOnReadAt: teamAt }).text);
      expect(again).toEqual({ status: 'ignored', reason: 'written by ecr-janitor itself, over no newer team write' });
    });
  });
});
