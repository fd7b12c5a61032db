// `audit` and `remediate --creation-templates` against a live registry whose calls are answered by an
// SDK mock built from the documented API shapes (moto answers 500 to creation templates and
// pull-through-cache rules, see test/integration/cli for the emulator's side).
import {
  DescribePullThroughCacheRulesCommand,
  DescribeRegistryCommand,
  GetAccountSettingCommand,
  DescribeRepositoriesCommand,
  DescribeRepositoryCreationTemplatesCommand,
  ECRClient,
  UpdateRepositoryCreationTemplateCommand,
  type RepositoryCreationTemplate,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { templateProblems } from '../../../../src/cli/commands/remediate';
import { EXIT } from '../../../../src/cli/errors';
import type { TemplateRemediation } from '../../../../src/domain/creation-templates';
import { parsePolicyOrThrow } from '../../../../src/domain/policy';
import type { AuditReport } from '../../../../src/domain/report';
import { runCaptured } from '../../../support/cli-context';
import { TAGGED_ONLY, UNTAGGED_30_DAYS } from '../../support/policies';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const ACCOUNT = '123456789012';
const LIVE = ['--region', 'us-east-1', '--in-use-scan', 'none'];

const ecr = mockClient(ECRClient);

/** The registry's templates, changed by UpdateRepositoryCreationTemplate as ECR would. */
let templates: RepositoryCreationTemplate[] = [];

beforeEach(() => {
  ecr.reset();
  templates = [
    { prefix: 'ROOT', appliedFor: ['REPLICATION'], description: 'replicas' },
    { prefix: 'docker-hub', appliedFor: ['PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'], lifecyclePolicy: TAGGED_ONLY },
  ];
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
  ecr.on(DescribeRepositoryCreationTemplatesCommand).callsFake((input: { prefixes?: string[] }) => ({
    registryId: ACCOUNT,
    repositoryCreationTemplates: templates.filter((t) => input.prefixes === undefined || input.prefixes.includes(t.prefix ?? '')),
  }));
  ecr.on(UpdateRepositoryCreationTemplateCommand).callsFake((input: RepositoryCreationTemplate) => {
    templates = templates.map((t) => (t.prefix === input.prefix ? { ...t, ...input } : t));
    return { registryId: ACCOUNT };
  });
  ecr
    .on(DescribePullThroughCacheRulesCommand)
    .resolves({ pullThroughCacheRules: [{ ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io' }] });
  ecr.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT, replicationConfiguration: { rules: [] } });
  ecr.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'DISABLED' });
});

afterAll(() => ecr.restore());

const run = (argv: string[]) => runCaptured(argv, NOW);

describe('cli creation templates', () => {
  describe('audit', () => {
    it('reports the templates without untagged cleanup and the pull-through-cache rules no template covers', async () => {
      // Act
      const result = await run(['audit', ...LIVE, '--format', 'json']);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.warnings.map((w) => [w.region, w.code, w.message])).toEqual([
        ['us-east-1', 'CreationTemplateWithoutCleanup', expect.stringContaining('prefix ROOT (for REPLICATION)')],
        ['us-east-1', 'CreationTemplateWithoutCleanup', expect.stringContaining('prefix docker-hub')],
        ['us-east-1', 'PullThroughCacheWithoutTemplate', expect.stringContaining('PULL_THROUGH_CACHE covers')],
      ]);
      expect(ecr).not.toHaveReceivedCommand(UpdateRepositoryCreationTemplateCommand);
    });

    it('reads no registry settings from a snapshot', async () => {
      const result = await run(['remediate', '--snapshot', 'missing.json', '--creation-templates']);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain('--creation-templates cannot be used with --snapshot');
    });
  });

  describe('remediate --creation-templates', () => {
    it('plans without --apply and writes nothing', async () => {
      // Act
      const result = await run(['remediate', ...LIVE, '--creation-templates']);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toContain('Creation templates (dry run; nothing was written — add --apply to write):');
      expect(result.stdout).toMatch(/us-east-1 +ROOT +REPLICATION +planned +none +\+ rule 1: expire untagged after 7 days/);
      expect(ecr).not.toHaveReceivedCommand(UpdateRepositoryCreationTemplateCommand);
    });

    it('merges the rule into each template that lacks it, leaving its scenarios and other settings as they were', async () => {
      // Act
      const result = await run(['remediate', ...LIVE, '--creation-templates', '--apply', '--days', '14', '--format', 'json']);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      const { creationTemplates } = JSON.parse(result.stdout) as { creationTemplates: TemplateRemediation };
      expect(creationTemplates.actions.map((a) => [a.prefix, a.outcome])).toEqual([
        ['ROOT', 'applied'],
        ['docker-hub', 'applied'],
      ]);
      const updates = ecr.commandCalls(UpdateRepositoryCreationTemplateCommand).map((call) => call.args[0].input);
      expect(updates.map((u) => [u.prefix, u.appliedFor, u.description])).toEqual([
        ['ROOT', ['REPLICATION'], 'replicas'],
        ['docker-hub', ['PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'], undefined],
      ]);
      expect(
        parsePolicyOrThrow(updates[1]?.lifecyclePolicy ?? '').rules.map((r) => [r.selection.tagStatus, r.selection.countNumber]),
      ).toEqual([
        ['tagged', 1],
        ['untagged', 14],
      ]);
    });

    it.each([
      ['--snapshot', ['--snapshot', 'account.json'], 'a snapshot holds no creation templates'],
      ['--adopt', ['--adopt', 'advice.json'], 'an advice file holds repository policies, not templates'],
    ])('refuses --creation-templates with %s before reading anything (exit 2)', async (_flag, extra, reason) => {
      // Act
      const result = await run(['remediate', ...LIVE, '--creation-templates', ...extra]);

      // Assert
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(reason);
      expect(ecr.calls()).toHaveLength(0);
    });

    it('shortens a longer untagged rule of a template to --max-untagged-days, as for repositories', async () => {
      // Arrange: ROOT keeps five releases and untagged images for 30 days.
      templates[0] = { ...templates[0], lifecyclePolicy: UNTAGGED_30_DAYS };

      // Act
      const result = await run(['remediate', ...LIVE, '--creation-templates', '--apply', '--max-untagged-days', '10']);

      // Assert
      expect(result.code).toBe(EXIT.ok);
      const root = ecr.commandCalls(UpdateRepositoryCreationTemplateCommand).find((call) => call.args[0].input.prefix === 'ROOT');
      const rules = parsePolicyOrThrow(root?.args[0].input.lifecyclePolicy ?? '').rules;
      expect(rules.map((r) => [r.selection.tagStatus, r.selection.countNumber])).toEqual([
        ['tagged', 5],
        ['untagged', 10],
      ]);
    });

    it('never turns create-on-push on: every update carries the scenarios its template had, and no more', async () => {
      // Arrange
      const before = new Map(templates.map((t) => [t.prefix, [...(t.appliedFor ?? [])]]));

      // Act
      await run(['remediate', ...LIVE, '--creation-templates', '--apply']);

      // Assert
      const updates = ecr.commandCalls(UpdateRepositoryCreationTemplateCommand).map((call) => call.args[0].input);
      expect(updates).toHaveLength(2);
      for (const update of updates) expect(update.appliedFor).toEqual(before.get(update.prefix));
      expect(templates.find((t) => t.prefix === 'ROOT')?.appliedFor).toEqual(['REPLICATION']);
    });

    it('exits 3 naming the template when a write is refused', async () => {
      // Arrange
      ecr.on(UpdateRepositoryCreationTemplateCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      // Act
      const result = await run(['remediate', ...LIVE, '--creation-templates', '--apply']);

      // Assert
      expect(result.code).toBe(EXIT.partial);
      expect(result.stderr).toContain('2 creation templates were not remediated:');
      expect(result.stderr).toContain(
        'failed: us-east-1/ROOT: UpdateRepositoryCreationTemplate on ROOT failed (AccessDeniedException): denied',
      );
    });
  });

  describe('templateProblems', () => {
    it('is empty when every template was handled', () => {
      expect(
        templateProblems({
          actions: [{ region: 'us-east-1', prefix: 'ROOT', appliedFor: [], outcome: 'applied', before: null }],
          errors: [],
        }),
      ).toEqual([]);
    });

    it('names the regions it could not read and the templates it could not change', () => {
      const result: TemplateRemediation = {
        actions: [
          { region: 'us-east-1', prefix: 'ROOT', appliedFor: ['REPLICATION'], outcome: 'unmergeable', before: '{}', message: 'not valid' },
        ],
        errors: [{ region: 'eu-west-1', code: 'AccessDeniedException', message: 'its creation templates could not be read: denied' }],
      };
      expect(templateProblems(result)).toEqual([
        '1 creation template was not remediated; the creation templates of 1 region could not be read:',
        expect.stringContaining('eu-west-1'),
        'unmergeable: us-east-1/ROOT: not valid',
      ]);
    });
  });
});
