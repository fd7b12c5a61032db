import type { PolicyFinding } from '../../../../src/domain/policy';
import { NOW, image, policyOf, rule } from '../../../fixtures/policy/builders';
import { runRecorded, tempFilesEachTest } from '../../../support/cli-context';

const files = tempFilesEachTest('ecr-janitor-cli-lint-');

const file = (name: string, content: unknown): string => files.write(name, content);

const run = (argv: string[], stdin?: string) => runRecorded(argv, NOW, stdin);

const untagged = (priority: number, days: number) =>
  rule(priority, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });

/** A sound policy: ten releases kept, untagged images gone after 14 days. */
const sound = policyOf(
  rule(1, { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 10 }),
  untagged(2, 14),
);

/** The multi-prefix trap: the author meant "prod or release". */
const trap = policyOf(
  rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod', 'release'], countType: 'imageCountMoreThan', countNumber: 5 }),
  untagged(2, 14),
);

describe('cli lint-policy', () => {
  it('exits 0 and says so when the policy has no finding', async () => {
    // Arrange
    const path = file('sound.json', sound);

    // Act
    const { code, ctx } = await run(['lint-policy', path, '--images', file('images.json', [image('r', ['release-1'], 2)])]);

    // Assert
    expect(code).toBe(0);
    expect(ctx.outLines).toEqual([`${path}: no findings (2 rules)`]);
    expect(ctx.errLines).toEqual([]);
  });

  it('exits 1 on the multi-prefix trap, counting the images tagged for only some prefixes', async () => {
    // Arrange: images with a tag for one prefix only, as the author expected to be selected
    const images = [image('p', ['prod-1'], 9), image('r', ['release-1'], 8), image('both', ['prod-2', 'release-2'], 7)];

    // Act
    const { code, ctx } = await run(['lint-policy', file('trap.json', trap), '--images', file('images.json', { imageDetails: images })]);

    // Assert
    expect(code).toBe(1);
    expect(ctx.outLines[0]).toMatch(
      /^rule 1: warning TagPrefixListRequiresAll: rule 1 selects only images that carry a tag for every entry/,
    );
    expect(ctx.outLines[0]).toContain('2 have a tag for some entries but not all');
    expect(ctx.outLines.at(-1)).toMatch(/: 1 finding, 1 warning$/);
  });

  it('exits 0 when every finding is only info', async () => {
    // Arrange: archives images and never expires archived ones (info), untagged rule fine
    const archiving = policyOf(
      untagged(1, 7),
      rule(
        2,
        { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        { type: 'transition', targetStorageClass: 'archive' },
      ),
    );

    // Act
    const { code, ctx } = await run(['lint-policy', file('archive.json', archiving)]);

    // Assert
    expect(code).toBe(0);
    expect(ctx.outLines[0]).toMatch(/^rule 2: info ArchiveNeverExpires: /);
  });

  it('prints {findings} as JSON with --format json', async () => {
    // Act
    const { code, ctx } = await run(['lint-policy', file('trap.json', trap), '--format', 'json']);

    // Assert
    expect(code).toBe(1);
    const printed = JSON.parse(ctx.stdout()) as { findings: PolicyFinding[] };
    expect(printed.findings.map((f) => [f.code, f.severity, f.rulePriority])).toEqual([['TagPrefixListRequiresAll', 'warning', 1]]);
  });

  it.each([
    ['the default 30 days', [], 0],
    ['--max-untagged-days 7', ['--max-untagged-days', '7'], 1],
  ])('judges the untagged retention against %s', async (_name, flags, expected) => {
    // Act
    const { code } = await run(['lint-policy', file('sound.json', sound), ...flags]);

    // Assert
    expect(code).toBe(expected);
  });

  it('finds a rule that matches nothing only with --images, and says so without them', async () => {
    // Arrange
    const typo = policyOf(
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['relase'], countType: 'imageCountMoreThan', countNumber: 3 }),
      untagged(2, 7),
    );
    const path = file('typo.json', typo);

    // Act
    const without = await run(['lint-policy', path]);
    const withImages = await run(['lint-policy', path, '--images', file('images.json', [image('r', ['release-1'], 1)])]);

    // Assert
    expect(without.code).toBe(0);
    expect(without.ctx.stderr()).toContain('without --images, rules that match no image (RuleMatchesNothing) are not looked for');
    expect(withImages.code).toBe(1);
    expect(withImages.ctx.stdout()).toContain(
      'rule 1: warning RuleMatchesNothing: rule 1 (tagPrefixList ["relase"]) selects none of the 1 tagged image present',
    );
  });

  it('lints the policy inside aws ecr get-lifecycle-policy output read from standard input', async () => {
    // Arrange
    const output = JSON.stringify({ registryId: '123456789012', repositoryName: 'web', lifecyclePolicyText: JSON.stringify(trap) });

    // Act
    const { code, ctx } = await run(['lint-policy', '-'], output);

    // Assert
    expect(code).toBe(1);
    expect(ctx.stderr()).toContain('standard input: read the lifecycle policy from the "lifecyclePolicyText"');
  });

  it('exits 1 with the problems when the policy is not valid', async () => {
    // Act
    const { code, ctx } = await run(['lint-policy', file('bad.json', policyOf(rule(1, { tagStatus: 'tagged' })))]);

    // Assert
    expect(code).toBe(1);
    expect(ctx.outLines).toEqual([]);
    expect(ctx.stderr()).toContain('is not a valid ECR lifecycle policy');
  });

  it.each([
    ['--max-untagged-days 0', ['--max-untagged-days', '0']],
    ['--format yaml', ['--format', 'yaml']],
  ])('exits 2 for %s', async (_name, flags) => {
    // Act
    const { code } = await run(['lint-policy', file('sound.json', sound), ...flags]);

    // Assert
    expect(code).toBe(2);
  });
});
