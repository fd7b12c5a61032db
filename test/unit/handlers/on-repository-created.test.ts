// onRepositoryCreated over an in-memory registry: what it writes for each event in events/. (The same
// function against moto, through its own clients: test/integration/handlers/on-repository-created.test.ts.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePolicyOrThrow } from '../../../src/domain/policy';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import type { RepositoryCreatedDeps } from '../../../src/handlers/deps/event';
import { makeHandler } from '../../../src/handlers/on-repository-created';
import { logger, metrics } from '../../../src/handlers/runtime/powertools';
import { FakeRegistry, onlyIn } from '../support/fake-registry';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');
const ACCOUNT = '123456789012';

function sample(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as Record<string, unknown>;
}

function handlerOver(registry: FakeRegistry, config: Partial<RepositoryCreatedDeps['config']> = {}) {
  return makeHandler({
    config: {
      defaultDays: 7,
      dryRun: false,
      optOutTag: DEFAULT_OPT_OUT_TAG,
      exclude: [],
      regions: ['us-east-1'],
      enforcedMaxUntaggedDays: undefined,
      ...config,
    },
    registry: onlyIn(registry),
    pacing: { sleep: () => Promise.resolve(), random: () => 0 },
  });
}

describe('onRepositoryCreated handler', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));
  afterEach(() => {
    metrics.clearMetrics();
    jest.restoreAllMocks();
  });

  it('gives a new repository the default rule and counts it', async () => {
    // Arrange
    const registry = new FakeRegistry('us-east-1', [{ name: 'team-a/web-api' }], ACCOUNT);
    const addMetric = jest.spyOn(metrics, 'addMetric');

    // Act
    const result = await handlerOver(registry)(sample('create-repository.json'));

    // Assert
    expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', repositoryName: 'team-a/web-api' } });
    expect(parsePolicyOrThrow(registry.policyOf('team-a/web-api') ?? '').rules).toEqual([
      expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countNumber: 7 }) }),
    ]);
    expect(addMetric).toHaveBeenCalledWith('RepositoriesRemediated', 'Count', 1);
  });

  it('honours the opt-out tag given in the request without reading the tags', async () => {
    // Arrange
    const registry = new FakeRegistry('us-east-1', [{ name: 'team-a/scratch' }], ACCOUNT);

    // Act
    const result = await handlerOver(registry)(sample('create-repository-opted-out.json'));

    // Assert
    expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
    expect(registry.callsOf('listTags')).toEqual([]);
    expect(registry.writes).toEqual([]);
  });

  it('reads the tags of the repository it writes when the request gave none', async () => {
    // Arrange
    const registry = new FakeRegistry(
      'us-east-1',
      [{ name: 'team-a/web-api', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] }],
      ACCOUNT,
    );
    const listTags = jest.spyOn(registry, 'listTags');

    // Act
    const result = await handlerOver(registry)(sample('create-repository.json'));

    // Assert
    expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out' } });
    expect(listTags).toHaveBeenCalledWith(
      expect.objectContaining({ repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-a/web-api` }),
    );
  });

  it.each([
    ['create-repository-pull-through-cache.json', 'docker-hub/library/nginx'],
    ['create-repository-replication.json', 'team-a/payments-api'],
    ['create-repository-on-push.json', 'team-b/checkout-worker'],
  ])('remediates the repository of events/%s as an API-created one', async (file, name) => {
    // Arrange
    const registry = new FakeRegistry('us-east-1', [{ name }], ACCOUNT);

    // Act
    const result = await handlerOver(registry)(sample(file));

    // Assert
    expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', repositoryName: name } });
    expect(registry.writes).toEqual([expect.objectContaining({ repositoryName: name })]);
  });

  it("leaves alone a repository replicated into another account's registry", async () => {
    // Arrange
    const registry = new FakeRegistry('us-east-1', [{ name: 'team-a/payments-api' }], ACCOUNT);
    const event = sample('create-repository-replication.json') as { detail: { requestParameters: { registryId: string } } };
    event.detail.requestParameters.registryId = '210987654321';

    // Act
    const result = await handlerOver(registry)(event);

    // Assert
    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining("another account's registry (210987654321)") });
    expect(registry.calls).toEqual([]);
  });

  it('acknowledges a failed call without calling ECR', async () => {
    // Arrange
    const registry = new FakeRegistry('us-east-1', [{ name: 'team-a/web-api' }], ACCOUNT);

    // Act
    const result = await handlerOver(registry)(sample('create-repository-failed.json'));

    // Assert
    expect(result).toEqual({ status: 'ignored', reason: 'the call failed (RepositoryAlreadyExistsException)' });
    expect(registry.calls).toEqual([]);
  });

  it('acknowledges a repository already deleted as dropped', async () => {
    // Arrange: the registry does not have the repository any more.
    const registry = new FakeRegistry('us-east-1', [], ACCOUNT);

    // Act
    const result = await handlerOver(registry)(sample('create-repository.json'));

    // Assert
    expect(result).toMatchObject({ status: 'dropped', code: 'RepositoryNotFoundException' });
  });
});
