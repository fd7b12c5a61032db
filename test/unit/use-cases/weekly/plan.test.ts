// planWeeklyRun's reading of the registry settings: the creation templates, pull-through-cache rules
// and replication of every region, judged together into the plan's warnings (which the report carries).
// The plan's items, shards and report are checked with the whole run in run.test.ts.
import { MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import type { CreationTemplate, PullThroughCacheRule, ReplicationRule } from '../../../../src/domain/creation-templates';
import { runKeys, type WeeklyPlan } from '../../../../src/domain/weekly';
import type { RegistrySettingsReader } from '../../../../src/ports/registry-settings';
import { planWeeklyRun } from '../../../../src/use-cases/weekly/plan';
import { FakeRegistry, awsError } from '../../support/fake-registry';
import { NOW } from '../../support/images';
import { PLAN_SETTINGS } from '../../support/weekly';

const ACCOUNT = '123456789012';
const SETTINGS = { ...PLAN_SETTINGS, apply: false };
const CLEAN = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
});

/** One region's registry settings, or a region whose settings cannot be read. */
class Settings implements RegistrySettingsReader {
  constructor(
    readonly region: string,
    private readonly templates: CreationTemplate[] | Error,
    private readonly rules: PullThroughCacheRule[] = [],
    private readonly replicationRules: ReplicationRule[] = [],
  ) {}
  async creationTemplates(): Promise<CreationTemplate[]> {
    if (this.templates instanceof Error) throw this.templates;
    return this.templates;
  }
  async pullThroughCacheRules(): Promise<PullThroughCacheRule[]> {
    return this.rules;
  }
  async replication(): Promise<{ accountId: string; rules: ReplicationRule[] }> {
    return { accountId: ACCOUNT, rules: this.replicationRules };
  }
}

async function storedPlan(store: MemoryObjectStore): Promise<WeeklyPlan> {
  return JSON.parse((await store.get(runKeys('run-1').plan)) ?? 'null') as WeeklyPlan;
}

describe('planWeeklyRun', () => {
  it("writes the registry settings' findings of every region into the plan, judged together, beside the listing", async () => {
    // Arrange: Virginia's template never cleans untagged images and replicates to Ireland, whose only
    // template is for pull-through cache; Ireland's pull-through-cache rule is covered.
    const store = new MemoryObjectStore();
    const virginia = new FakeRegistry('us-east-1', [{ name: 'api', images: [] }], ACCOUNT);
    const ireland = new FakeRegistry('eu-west-1', [{ name: 'web', images: [] }], ACCOUNT);
    const settings = [
      new Settings(
        'us-east-1',
        [{ prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'], lifecyclePolicy: '{"rules":[]}' }],
        [],
        [{ destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }], repositoryFilters: [] }],
      ),
      new Settings(
        'eu-west-1',
        [{ prefix: 'ROOT', appliedFor: ['PULL_THROUGH_CACHE'], lifecyclePolicy: CLEAN }],
        [{ ecrRepositoryPrefix: 'docker-hub' }],
      ),
    ];

    // Act
    const outcome = await planWeeklyRun(
      { registries: [{ reader: virginia }, { reader: ireland }], store, registrySettings: settings },
      'run-1',
      SETTINGS,
      NOW,
    );

    // Assert
    expect(outcome.itemCount).toBe(2);
    expect(outcome.plan.warnings.map((w) => [w.region, w.repositoryName, w.code])).toEqual([
      ['us-east-1', '', 'CreationTemplateWithoutCleanup'],
      ['us-east-1', '', 'ReplicationWithoutTemplate'],
    ]);
    expect((await storedPlan(store)).warnings).toEqual(outcome.plan.warnings);
  });

  it('plans every repository when a region cannot say, with one RegistrySettingsUnread warning for it', async () => {
    // Arrange
    const store = new MemoryObjectStore();
    const virginia = new FakeRegistry('us-east-1', [{ name: 'api', images: [] }], ACCOUNT);
    const settings = [new Settings('us-east-1', awsError('AccessDeniedException', 'not authorized'))];

    // Act
    const outcome = await planWeeklyRun({ registries: [{ reader: virginia }], store, registrySettings: settings }, 'run-1', SETTINGS, NOW);

    // Assert
    expect(outcome.items.map((i) => i.repositoryName)).toEqual(['api']);
    expect(outcome.plan.errors).toEqual([]);
    expect(outcome.plan.warnings.map((w) => [w.region, w.code])).toEqual([['us-east-1', 'RegistrySettingsUnread']]);
    expect(outcome.plan.warnings[0]?.message).toContain('AccessDeniedException');
  });

  it('reads no registry settings when none are given', async () => {
    const store = new MemoryObjectStore();
    const virginia = new FakeRegistry('us-east-1', [{ name: 'api', images: [] }], ACCOUNT);

    const outcome = await planWeeklyRun({ registries: [{ reader: virginia }], store }, 'run-1', SETTINGS, NOW);

    expect(outcome.plan.warnings).toEqual([]);
  });
});
