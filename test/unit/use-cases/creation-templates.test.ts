import type { CreationTemplate, PullThroughCacheRule, ReplicationRule } from '../../../src/domain/creation-templates';
import { PolicyWriteError } from '../../../src/domain/errors';
import { parsePolicyOrThrow } from '../../../src/domain/policy';
import type { CreationTemplateWriter, RegistrySettingsReader } from '../../../src/ports/registry-settings';
import { auditCreationTemplates, remediateCreationTemplates } from '../../../src/use-cases/creation-templates';
import { awsError } from '../support/fake-registry';

const ACCOUNT = '123456789012';
const TAGGED_ONLY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'keep 10 releases',
      selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 10 },
      action: { type: 'expire' },
    },
  ],
});
const CLEAN = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
      action: { type: 'expire' },
    },
  ],
});

/** One region's registry settings in memory, with every write recorded and chosen reads or writes failing. */
class FakeSettings implements RegistrySettingsReader, CreationTemplateWriter {
  readonly writes: Array<{ prefix: string; lifecyclePolicy: string }> = [];
  reads = 0;
  failReads?: Error;
  failWrite?: Error;
  /** Runs after the given number of template reads (someone else changing a template meanwhile). */
  onRead?: { after: number; change: (templates: CreationTemplate[]) => void };

  constructor(
    readonly region: string,
    public templates: CreationTemplate[],
    readonly rules: PullThroughCacheRule[] = [],
    readonly replicationRules: ReplicationRule[] = [],
  ) {}

  async creationTemplates(): Promise<CreationTemplate[]> {
    if (this.failReads) throw this.failReads;
    this.reads += 1;
    if (this.onRead && this.reads > this.onRead.after) {
      this.onRead.change(this.templates);
      this.onRead = undefined;
    }
    return this.templates.map((t) => ({ ...t }));
  }

  async pullThroughCacheRules(): Promise<PullThroughCacheRule[]> {
    if (this.failReads) throw this.failReads;
    return this.rules;
  }

  async replication(): Promise<{ accountId: string; rules: ReplicationRule[] }> {
    return { accountId: ACCOUNT, rules: this.replicationRules };
  }

  async putCreationTemplateLifecyclePolicy(prefix: string, lifecyclePolicy: string): Promise<void> {
    if (this.failWrite) throw this.failWrite;
    this.writes.push({ prefix, lifecyclePolicy });
    const template = this.templates.find((t) => t.prefix === prefix);
    if (template) template.lifecyclePolicy = lifecyclePolicy;
  }
}

describe('creation-templates use cases', () => {
  describe('auditCreationTemplates', () => {
    it('judges every region together: a replication rule against the templates of its destination', async () => {
      // Arrange
      const virginia = new FakeSettings(
        'us-east-1',
        [{ prefix: 'ROOT', appliedFor: ['PULL_THROUGH_CACHE'], lifecyclePolicy: CLEAN }],
        [{ ecrRepositoryPrefix: 'docker-hub' }],
        [{ destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }], repositoryFilters: [] }],
      );
      const ireland = new FakeSettings('eu-west-1', [{ prefix: 'team-a', appliedFor: ['REPLICATION'], lifecyclePolicy: TAGGED_ONLY }]);

      // Act
      const { warnings } = await auditCreationTemplates([virginia, ireland]);

      // Assert
      expect(warnings.map((w) => [w.region, w.code])).toEqual([
        ['us-east-1', 'ReplicationWithoutTemplate'],
        ['eu-west-1', 'CreationTemplateWithoutCleanup'],
      ]);
    });

    it('warns about a region it cannot read, naming the permissions, and judges the others', async () => {
      // Arrange
      const unread = new FakeSettings('us-east-1', []);
      unread.failReads = awsError('AccessDeniedException', 'not authorized to perform ecr:DescribeRepositoryCreationTemplates');
      const ireland = new FakeSettings('eu-west-1', [{ prefix: 'ROOT', appliedFor: ['REPLICATION'] }]);

      // Act
      const { warnings } = await auditCreationTemplates([unread, ireland]);

      // Assert
      expect(warnings).toEqual([
        {
          region: 'us-east-1',
          repositoryName: '',
          code: 'RegistrySettingsUnread',
          message: expect.stringMatching(
            /AccessDeniedException.*ecr:DescribeRepositoryCreationTemplates, ecr:DescribePullThroughCacheRules and ecr:DescribeRegistry/,
          ),
        },
        expect.objectContaining({ region: 'eu-west-1', code: 'CreationTemplateWithoutCleanup' }),
      ]);
    });
  });

  describe('remediateCreationTemplates', () => {
    const templates = (): CreationTemplate[] => [
      { prefix: 'ROOT', appliedFor: ['REPLICATION'] },
      { prefix: 'docker-hub', appliedFor: ['PULL_THROUGH_CACHE'], lifecyclePolicy: TAGGED_ONLY },
      { prefix: 'quay', appliedFor: ['PULL_THROUGH_CACHE'], lifecyclePolicy: CLEAN },
    ];

    it('plans without --apply: writes nothing, says what each template would get', async () => {
      // Arrange
      const registry = new FakeSettings('us-east-1', templates());

      // Act
      const { actions, errors } = await remediateCreationTemplates([{ reader: registry, writer: registry }], { days: 7, apply: false });

      // Assert
      expect(actions.map((a) => [a.prefix, a.outcome])).toEqual([
        ['ROOT', 'planned'],
        ['docker-hub', 'planned'],
        ['quay', 'compliant'],
      ]);
      expect(registry.writes).toEqual([]);
      expect(errors).toEqual([]);
    });

    it("merges the default rule into the templates that lack it, keeping each template's rules and scenarios", async () => {
      // Arrange
      const registry = new FakeSettings('us-east-1', templates());

      // Act
      const { actions } = await remediateCreationTemplates([{ reader: registry, writer: registry }], { days: 7, apply: true });

      // Assert
      expect(actions.map((a) => [a.prefix, a.outcome])).toEqual([
        ['ROOT', 'applied'],
        ['docker-hub', 'applied'],
        ['quay', 'compliant'],
      ]);
      expect(registry.writes.map((w) => w.prefix)).toEqual(['ROOT', 'docker-hub']);
      const hub = parsePolicyOrThrow(registry.writes[1]?.lifecyclePolicy ?? '');
      expect(hub.rules.map((r) => r.selection.tagStatus)).toEqual(['tagged', 'untagged']);
      expect(registry.templates.map((t) => t.appliedFor)).toEqual([['REPLICATION'], ['PULL_THROUGH_CACHE'], ['PULL_THROUGH_CACHE']]);
    });

    it('skips a template whose policy changed since it was planned, and writes nothing to it', async () => {
      // Arrange: someone puts a new policy on docker-hub after the first read.
      const registry = new FakeSettings('us-east-1', templates().slice(1, 2));
      registry.onRead = {
        after: 1,
        change: (all) => {
          const hub = all.find((t) => t.prefix === 'docker-hub');
          if (hub) hub.lifecyclePolicy = TAGGED_ONLY.replace('10 releases', '20 releases');
        },
      };

      // Act
      const { actions } = await remediateCreationTemplates([{ reader: registry, writer: registry }], { days: 7, apply: true });

      // Assert
      expect(actions).toEqual([
        expect.objectContaining({ prefix: 'docker-hub', outcome: 'skipped-changed', message: expect.stringContaining('changed since') }),
      ]);
      expect(registry.writes).toEqual([]);
    });

    it('reports a write that failed, saying whether it may have landed, and goes on with the others', async () => {
      // Arrange
      const registry = new FakeSettings('us-east-1', templates());
      registry.failWrite = new PolicyWriteError(
        'UpdateRepositoryCreationTemplate on ROOT failed (ServerException): internal',
        'unknown',
        'ServerException',
      );

      // Act
      const { actions } = await remediateCreationTemplates([{ reader: registry, writer: registry }], { days: 7, apply: true });

      // Assert
      expect(actions.map((a) => [a.prefix, a.outcome])).toEqual([
        ['ROOT', 'failed'],
        ['docker-hub', 'failed'],
        ['quay', 'compliant'],
      ]);
      expect(actions[0]?.message).toContain('it may have landed');
    });

    it('says why a template cannot be merged into', async () => {
      const registry = new FakeSettings('us-east-1', [{ prefix: 'ROOT', appliedFor: ['REPLICATION'], lifecyclePolicy: '{"rules":[]}' }]);
      const { actions } = await remediateCreationTemplates([{ reader: registry, writer: registry }], { days: 7, apply: true });
      expect(actions).toEqual([expect.objectContaining({ outcome: 'unmergeable', message: expect.stringContaining('not valid') })]);
      expect(registry.writes).toEqual([]);
    });

    it('records a region it cannot read as an error and remediates the others', async () => {
      // Arrange
      const unread = new FakeSettings('us-east-1', []);
      unread.failReads = awsError('AccessDeniedException', 'denied');
      const ireland = new FakeSettings('eu-west-1', templates().slice(0, 1));

      // Act
      const { actions, errors } = await remediateCreationTemplates(
        [
          { reader: unread, writer: unread },
          { reader: ireland, writer: ireland },
        ],
        { days: 7, apply: true },
      );

      // Assert
      expect(errors).toEqual([
        { region: 'us-east-1', code: 'AccessDeniedException', message: 'its creation templates could not be read: denied' },
      ]);
      expect(actions).toEqual([expect.objectContaining({ region: 'eu-west-1', prefix: 'ROOT', outcome: 'applied' })]);
    });
  });
});
