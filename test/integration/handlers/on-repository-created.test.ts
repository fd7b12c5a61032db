// onRepositoryCreated against moto, through the handler's own clients: the runtime reads the same
// environment a deployed function gets, with AWS_ENDPOINT_URL pointing every SDK client at moto.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TagResourceCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { lambdaHandler } from '../../../src/handlers/on-repository-created';
import { freshMotoAndEnvEachTest, FUNCTION_ENV, handlerCalls as calls, useLambdaEnv, type LambdaEnvKey } from '../support/lambda-env';
import { ecrClientForMoto, MOTO_ACCOUNT_ID, MOTO_REGION } from '../support/moto';
import { rulesOf, UNTAGGED_7_DAYS } from '../support/policy-rules';
import { createRepository, getPolicy } from '../support/seed';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');

type Sample = Record<string, unknown> & { id: string; detail: Record<string, unknown> };

function sample(file: string): Sample {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as Sample;
}

/** The function's environment (serverless.yml's) plus `overrides`. */
function useEnv(overrides: Partial<Record<LambdaEnvKey, string>> = {}): void {
  useLambdaEnv({ ...FUNCTION_ENV, ...overrides });
}

describe('onRepositoryCreated handler (moto)', () => {
  let ecr: ECRClient;

  freshMotoAndEnvEachTest(() => useEnv());
  beforeAll(() => {
    ecr = ecrClientForMoto();
  });
  afterAll(() => ecr.destroy());

  it('applies the default policy to a new repository', async () => {
    await createRepository(ecr, 'team-a/web-api');

    const result = await lambdaHandler(sample('create-repository.json'));

    expect(result).toEqual({
      status: 'done',
      action: expect.objectContaining({ outcome: 'applied', region: MOTO_REGION, repositoryName: 'team-a/web-api', before: null }),
    });
    expect(rulesOf(await getPolicy(ecr, 'team-a/web-api'))).toEqual([expect.objectContaining({ rulePriority: 1, ...UNTAGGED_7_DAYS })]);
    expect(calls().PutLifecyclePolicy).toBe(1);
  });

  it("merges the rule into a policy the repository already has, keeping the team's rule", async () => {
    const teamRule = {
      rulePriority: 1,
      description: 'keep 30 releases',
      selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 30 },
      action: { type: 'expire' },
    };
    await createRepository(ecr, 'team-a/web-api', { policyText: { rules: [teamRule] } });

    await lambdaHandler(sample('create-repository.json'));

    expect(rulesOf(await getPolicy(ecr, 'team-a/web-api'))).toEqual([
      teamRule,
      expect.objectContaining({ rulePriority: 2, ...UNTAGGED_7_DAYS }),
    ]);
  });

  describe('repositories ECR creates itself', () => {
    it.each([
      ['a pull-through cache', 'create-repository-pull-through-cache.json', 'docker-hub/library/nginx'],
      ['replication', 'create-repository-replication.json', 'team-a/payments-api'],
      ['create-on-push', 'create-repository-on-push.json', 'team-b/checkout-worker'],
    ])('gives a repository made by %s the default policy, as an API-created one', async (_how, file, name) => {
      // Arrange: ECR made the repository without a lifecycle policy (no creation template gave one).
      await createRepository(ecr, name);

      // Act
      const result = await lambdaHandler(sample(file));

      // Assert: its tags were read (the event names none), then the rule was written.
      expect(result).toEqual({
        status: 'done',
        action: expect.objectContaining({ outcome: 'applied', region: MOTO_REGION, repositoryName: name, before: null }),
      });
      expect(rulesOf(await getPolicy(ecr, name))).toEqual([expect.objectContaining({ rulePriority: 1, ...UNTAGGED_7_DAYS })]);
      expect(calls().ListTagsForResource).toBe(1);
      expect(calls().PutLifecyclePolicy).toBe(1);
    });

    it('leaves alone a repository whose creation template already expires untagged images', async () => {
      // Arrange
      const template = {
        rules: [
          {
            rulePriority: 1,
            description: 'from the creation template',
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
            action: { type: 'expire' },
          },
        ],
      };
      await createRepository(ecr, 'docker-hub/library/nginx', { policyText: template });

      // Act
      const result = await lambdaHandler(sample('create-repository-pull-through-cache.json'));

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant' } });
      expect(calls().PutLifecyclePolicy).toBeUndefined();
    });

    it('honours an opt-out tag the creation template gave the repository', async () => {
      // Arrange
      await createRepository(ecr, 'team-b/checkout-worker', { tags: { 'ecr-janitor:opt-out': 'true' } });

      // Act
      const result = await lambdaHandler(sample('create-repository-on-push.json'));

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
      expect(await getPolicy(ecr, 'team-b/checkout-worker')).toBeUndefined();
    });
  });

  it('handles a nested repository name', async () => {
    await createRepository(ecr, 'platform/payments/settlement-worker');

    const result = await lambdaHandler(sample('create-repository-nested.json'));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', repositoryName: 'platform/payments/settlement-worker' } });
    expect(rulesOf(await getPolicy(ecr, 'platform/payments/settlement-worker'))).toEqual([expect.objectContaining(UNTAGGED_7_DAYS)]);
  });

  it('uses the configured number of days', async () => {
    useEnv({ DEFAULT_DAYS: '14' });
    await createRepository(ecr, 'team-a/web-api');

    await lambdaHandler(sample('create-repository.json'));

    expect(rulesOf(await getPolicy(ecr, 'team-a/web-api'))[0]?.selection.countNumber).toBe(14);
  });

  it('does nothing for a failed CreateRepository call', async () => {
    await createRepository(ecr, 'team-a/web-api');

    const result = await lambdaHandler(sample('create-repository-failed.json'));

    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('RepositoryAlreadyExistsException') });
    expect(await getPolicy(ecr, 'team-a/web-api')).toBeUndefined();
    expect(calls().total).toBe(0);
  });

  it('honours the opt-out tag given in the request', async () => {
    // Created here without tags: only the event says the repository opted out.
    await createRepository(ecr, 'team-a/scratch');

    const result = await lambdaHandler(sample('create-repository-opted-out.json'));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
    expect(await getPolicy(ecr, 'team-a/scratch')).toBeUndefined();
    expect(calls().ListTagsForResource).toBeUndefined();
    expect(calls().PutLifecyclePolicy).toBeUndefined();
  });

  it("reads the repository's tags when the request had none, and honours an opt-out added since", async () => {
    const repository = await createRepository(ecr, 'team-a/web-api');
    await ecr.send(
      new TagResourceCommand({ resourceArn: repository.repositoryArn, tags: [{ Key: 'ecr-janitor:opt-out', Value: 'TRUE' }] }),
    );

    const result = await lambdaHandler(sample('create-repository.json'));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
    expect(calls().ListTagsForResource).toBe(1);
    expect(await getPolicy(ecr, 'team-a/web-api')).toBeUndefined();
  });

  it('skips a repository whose name matches an exclude glob', async () => {
    useEnv({ EXCLUDE: 'sandbox/**, team-a/*' });
    await createRepository(ecr, 'team-a/web-api');

    const result = await lambdaHandler(sample('create-repository.json'));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-excluded' } });
    expect(await getPolicy(ecr, 'team-a/web-api')).toBeUndefined();
    expect(calls().total).toBe(0);
  });

  it('writes at most once when the same event is delivered twice', async () => {
    await createRepository(ecr, 'team-a/web-api');
    const event = sample('create-repository.json');

    const first = await lambdaHandler(event);
    const policyAfterFirst = await getPolicy(ecr, 'team-a/web-api');
    const second = await lambdaHandler(structuredClone(event));

    expect(first).toMatchObject({ action: { outcome: 'applied' } });
    expect(second).toMatchObject({ action: { outcome: 'compliant' } });
    expect(calls().PutLifecyclePolicy).toBe(1);
    expect(await getPolicy(ecr, 'team-a/web-api')).toBe(policyAfterFirst);
  });

  it('writes nothing in dry-run mode but says what it would write', async () => {
    useEnv({ DRY_RUN: 'true' });
    await createRepository(ecr, 'team-a/web-api');

    const result = await lambdaHandler(sample('create-repository.json'));

    expect(result).toMatchObject({ status: 'done', action: { outcome: 'planned' } });
    expect(result.status === 'done' && rulesOf(result.action.after)).toEqual([expect.objectContaining(UNTAGGED_7_DAYS)]);
    expect(await getPolicy(ecr, 'team-a/web-api')).toBeUndefined();
    expect(calls().PutLifecyclePolicy).toBeUndefined();
  });

  it.each([
    ['no detail', (e: Sample) => ({ ...e, detail: undefined })],
    [
      'no repository name in the response',
      (e: Sample) => ({
        ...e,
        detail: { ...e.detail, responseElements: { repository: { repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/x' } } },
      }),
    ],
    [
      'a registry id that is not an account',
      (e: Sample) => ({
        ...e,
        detail: {
          ...e.detail,
          responseElements: {
            repository: {
              repositoryName: 'team-a/web-api',
              repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team-a/web-api',
              registryId: 'me',
            },
          },
        },
      }),
    ],
    ['another API call', (e: Sample) => ({ ...e, detail: { ...e.detail, eventName: 'DeleteRepository' } })],
    ['not an object', () => 'CreateRepository team-a/web-api'],
  ])('acknowledges a malformed event (%s) without writing', async (_label, malform) => {
    await createRepository(ecr, 'team-a/web-api');

    const result = await lambdaHandler(malform(sample('create-repository.json')));

    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('unexpected event shape') });
    expect(calls().total).toBe(0);
    expect(await getPolicy(ecr, 'team-a/web-api')).toBeUndefined();
  });

  it('acknowledges the event when the repository is already gone, rather than retrying it into the dead-letter queue', async () => {
    // The event names a repository moto does not have (deleted right after its creation).
    const result = await lambdaHandler(sample('create-repository.json'));

    expect(result).toMatchObject({ status: 'dropped', code: 'RepositoryNotFoundException' });
    expect(calls().PutLifecyclePolicy).toBeUndefined();
  });

  it('reads the account from the event (the repository lives in the moto account)', async () => {
    const repository = await createRepository(ecr, 'team-a/web-api');
    expect(repository.registryId).toBe(MOTO_ACCOUNT_ID);
    expect(
      (sample('create-repository.json').detail.responseElements as { repository: { repositoryArn: string } }).repository.repositoryArn,
    ).toBe(repository.repositoryArn);
  });

  it("puts the policy in the region the event names, when it was forwarded from another region's bus", async () => {
    // Arrange: the function runs in us-east-1; the repository was created in us-west-2.
    useEnv({ REGIONS: `${MOTO_REGION},us-west-2` });
    const oregon = ecrClientForMoto('us-west-2');
    const created = await createRepository(oregon, 'team-a/web-api');
    const event = sample('create-repository.json') as unknown as { region: string; detail: Record<string, unknown> };
    event.region = 'us-west-2';
    event.detail.awsRegion = 'us-west-2';
    (event.detail.responseElements as { repository: { repositoryArn: string } }).repository.repositoryArn = created.repositoryArn ?? '';

    try {
      // Act
      const result = await lambdaHandler(event);

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { region: 'us-west-2', outcome: 'applied' } });
      expect(rulesOf(await getPolicy(oregon, 'team-a/web-api'))).toEqual([expect.objectContaining(UNTAGGED_7_DAYS)]);
      expect(await getPolicy(ecr, 'team-a/web-api').catch(() => 'no such repository here')).toBe('no such repository here');
    } finally {
      oregon.destroy();
    }
  });

  it('acknowledges a repository created in a region that is not configured, without calling ECR', async () => {
    // Arrange
    const event = sample('create-repository.json') as unknown as { region: string; detail: Record<string, unknown> };
    event.region = 'ap-south-1';
    event.detail.awsRegion = 'ap-south-1';

    // Act
    const result = await lambdaHandler(event);

    // Assert
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('not one of the configured regions') });
    expect(calls().total ?? 0).toBe(0);
  });
});
