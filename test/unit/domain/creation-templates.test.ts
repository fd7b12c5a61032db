import {
  coveringTemplate,
  creationTemplateWarnings,
  planTemplate,
  templateCleanupProblem,
  templateFor,
  type CreationTemplate,
  type RegistrySettings,
} from '../../../src/domain/creation-templates';
import { parsePolicyOrThrow } from '../../../src/domain/policy';

const ACCOUNT = '123456789012';
const CLEAN = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'untagged',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
      action: { type: 'expire' },
    },
  ],
});
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

/** A template; `null` for one without a lifecycle policy. */
const template = (prefix: string, appliedFor: string[], lifecyclePolicy: string | null = CLEAN): CreationTemplate => ({
  prefix,
  appliedFor,
  ...(lifecyclePolicy === null ? {} : { lifecyclePolicy }),
});

function settings(overrides: Partial<RegistrySettings> = {}): RegistrySettings {
  return { accountId: ACCOUNT, region: 'us-east-1', templates: [], pullThroughCacheRules: [], replicationRules: [], ...overrides };
}

describe('creation-templates', () => {
  describe('templateFor', () => {
    const templates = [
      template('ROOT', ['PULL_THROUGH_CACHE', 'REPLICATION']),
      template('docker-hub', ['PULL_THROUGH_CACHE']),
      template('docker-hub/library', ['PULL_THROUGH_CACHE']),
      template('prod', ['REPLICATION']),
    ];

    it.each([
      ['the longest prefix the name lies under', 'docker-hub/library/nginx', 'PULL_THROUGH_CACHE', 'docker-hub/library'],
      ['a shorter prefix when the longer does not hold the name', 'docker-hub/bitnami/redis', 'PULL_THROUGH_CACHE', 'docker-hub'],
      ['ROOT for a name under no prefix', 'quay/coreos/etcd', 'PULL_THROUGH_CACHE', 'ROOT'],
      ['only templates for the scenario', 'docker-hub/library/nginx', 'REPLICATION', 'ROOT'],
      ['a prefix at a / boundary only', 'production/api', 'REPLICATION', 'ROOT'],
      ['the prefix of the scenario', 'prod/api', 'REPLICATION', 'prod'],
    ] as const)('takes %s', (_label, name, scenario, prefix) => {
      expect(templateFor(templates, name, scenario)?.prefix).toBe(prefix);
    });

    it('is undefined when no template of the scenario holds the name', () => {
      expect(templateFor([template('prod', ['REPLICATION'])], 'dev/api', 'REPLICATION')).toBeUndefined();
      expect(templateFor([template('ROOT', ['PULL_THROUGH_CACHE'])], 'dev/api', 'CREATE_ON_PUSH')).toBeUndefined();
    });
  });

  describe('coveringTemplate', () => {
    it('covers the names under a prefix with a template of that prefix or a shorter one, or ROOT', () => {
      expect(coveringTemplate([template('docker-hub', ['PULL_THROUGH_CACHE'])], 'docker-hub/', 'PULL_THROUGH_CACHE')?.prefix).toBe(
        'docker-hub',
      );
      expect(coveringTemplate([template('team', ['REPLICATION'])], 'team/api', 'REPLICATION')?.prefix).toBe('team');
      expect(coveringTemplate([template('ROOT', ['REPLICATION'])], '', 'REPLICATION')?.prefix).toBe('ROOT');
    });

    it('does not count a template that covers only some of the names', () => {
      expect(
        coveringTemplate([template('docker-hub/library', ['PULL_THROUGH_CACHE'])], 'docker-hub/', 'PULL_THROUGH_CACHE'),
      ).toBeUndefined();
      // A filter "prod" replicates prod-web too, which lies under no template "prod".
      expect(coveringTemplate([template('prod', ['REPLICATION'])], 'prod', 'REPLICATION')).toBeUndefined();
    });
  });

  describe('templateCleanupProblem', () => {
    it.each([
      ['no policy', null, 'no lifecycle policy'],
      ['an empty policy text', '  ', 'no lifecycle policy'],
      ['a tagged-only policy', TAGGED_ONLY, 'never expires untagged images'],
      ['an invalid policy', '{"rules":[]}', 'not valid'],
    ])('names %s', (_label, policy, problem) => {
      expect(templateCleanupProblem(template('ROOT', ['PULL_THROUGH_CACHE'], policy))).toContain(problem);
    });

    it('is undefined for a policy that expires untagged images', () => {
      expect(templateCleanupProblem(template('ROOT', ['PULL_THROUGH_CACHE'], CLEAN))).toBeUndefined();
    });
  });

  describe('creationTemplateWarnings', () => {
    it('finds nothing when every template cleans untagged images and covers every rule', () => {
      const local = settings({
        templates: [template('ROOT', ['PULL_THROUGH_CACHE', 'REPLICATION'])],
        pullThroughCacheRules: [{ ecrRepositoryPrefix: 'docker-hub' }],
        replicationRules: [{ destinations: [{ region: 'us-east-1', registryId: ACCOUNT }], repositoryFilters: [] }],
      });
      expect(creationTemplateWarnings(local, [local])).toEqual([]);
    });

    it('names a template without untagged cleanup, with the command that fixes it', () => {
      const local = settings({ templates: [template('docker-hub', ['PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'], TAGGED_ONLY)] });
      expect(creationTemplateWarnings(local, [local])).toEqual([
        {
          region: 'us-east-1',
          repositoryName: '',
          code: 'CreationTemplateWithoutCleanup',
          message: expect.stringMatching(
            /prefix docker-hub \(for PULL_THROUGH_CACHE, CREATE_ON_PUSH\).*never expires untagged images.*remediate --creation-templates --apply --region us-east-1/,
          ),
        },
      ]);
    });

    it('names a pull-through-cache rule that no PULL_THROUGH_CACHE template covers', () => {
      const local = settings({
        templates: [template('docker-hub/library', ['PULL_THROUGH_CACHE']), template('ROOT', ['REPLICATION'])],
        pullThroughCacheRules: [{ ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io' }],
      });
      expect(creationTemplateWarnings(local, [local])).toEqual([
        expect.objectContaining({
          code: 'PullThroughCacheWithoutTemplate',
          message: expect.stringContaining('pull-through-cache rule docker-hub (from registry-1.docker.io)'),
        }),
      ]);
    });

    it("names a replication filter that no REPLICATION template of the destination covers, judging the destination's templates", () => {
      const source = settings({
        templates: [template('ROOT', ['REPLICATION'])],
        replicationRules: [
          {
            destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }],
            repositoryFilters: [
              { filter: 'team-a/', filterType: 'PREFIX_MATCH' },
              { filter: 'team-b/', filterType: 'PREFIX_MATCH' },
            ],
          },
        ],
      });
      const destination = settings({ region: 'eu-west-1', templates: [template('team-a', ['REPLICATION'])] });

      const warnings = creationTemplateWarnings(source, [source, destination]);

      expect(warnings).toEqual([
        expect.objectContaining({
          region: 'us-east-1',
          code: 'ReplicationWithoutTemplate',
          message: expect.stringMatching(/starting with team-b\/ to eu-west-1.*prefix team-b, --applied-for REPLICATION/),
        }),
      ]);
    });

    it('says nothing of a destination it did not read (another account, or a region not audited)', () => {
      const source = settings({
        replicationRules: [
          {
            destinations: [
              { region: 'eu-west-1', registryId: '999999999999' },
              { region: 'ap-south-1', registryId: ACCOUNT },
            ],
            repositoryFilters: [],
          },
        ],
      });
      expect(creationTemplateWarnings(source, [source])).toEqual([]);
    });
  });

  describe('planTemplate', () => {
    it('merges the default rule into a policy that never expires untagged images, keeping its rules', () => {
      const plan = planTemplate(template('ROOT', ['PULL_THROUGH_CACHE'], TAGGED_ONLY), { days: 7 });

      expect(plan.outcome).toBe('planned');
      const rules = plan.outcome === 'planned' ? parsePolicyOrThrow(plan.lifecyclePolicy).rules : [];
      expect(rules).toEqual([
        expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'tagged' }) }),
        expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countNumber: 7 }) }),
      ]);
    });

    it('gives a template without a policy the default rule alone', () => {
      const plan = planTemplate(template('ROOT', ['REPLICATION'], null), { days: 14 });
      expect(plan.outcome === 'planned' && parsePolicyOrThrow(plan.lifecyclePolicy).rules).toEqual([
        expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countNumber: 14 }) }),
      ]);
    });

    it('leaves a compliant template alone, and says why an invalid one cannot be merged', () => {
      expect(planTemplate(template('ROOT', ['REPLICATION'], CLEAN), { days: 7 })).toEqual({ outcome: 'compliant' });
      expect(planTemplate(template('ROOT', ['REPLICATION'], '{"rules":[]}'), { days: 7 })).toEqual({
        outcome: 'unmergeable',
        message: expect.stringContaining('not valid'),
      });
    });

    it('shortens a longer untagged rule with the enforced maximum (enforcedMaxUntaggedDays), as for repositories', () => {
      const long = CLEAN.replace('"countNumber":3', '"countNumber":90');
      const plan = planTemplate(template('ROOT', ['REPLICATION'], long), { days: 7, enforcedMaxUntaggedDays: 30 });
      expect(plan.outcome === 'planned' && parsePolicyOrThrow(plan.lifecyclePolicy).rules[0]?.selection.countNumber).toBe(30);
    });
  });
});
