import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../../../src/cli/errors';
import { runCli } from '../../../../src/cli/program';
import type { AdviceFile } from '../../../../src/domain/advice';
import type { ImageDetail } from '../../../../src/domain/image';
import type { SnapshotFile } from '../../../../src/adapters/snapshot/format';
import { SNAPSHOT_FORMAT } from '../../../../src/adapters/snapshot/format';
import { recordingContext } from '../../../support/cli-context';
import { imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const CAPTURED = '2026-03-01T00:00:00.000Z';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-cli-advise-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Twelve releases (the support clock's days ago) and five pull-request builds. */
function images(): ImageDetail[] {
  const release = (i: number): ImageDetail =>
    imageOf(imageManifest({ config: blob(`r${i}-c`, 100), layers: [blob(`r${i}`, 1_000_000)] }), {
      tags: [`v1.${i}.0`],
      pushedDaysAgo: 130 - i * 10,
    });
  const pr = (i: number): ImageDetail =>
    imageOf(imageManifest({ config: blob(`p${i}-c`, 100), layers: [blob(`p${i}`, 2_000_000)] }), {
      tags: [`pr-${i}`],
      pushedDaysAgo: 60 - i * 5,
    });
  return [...Array.from({ length: 12 }, (_, i) => release(i)), ...Array.from({ length: 5 }, (_, i) => pr(i))];
}

function snapshot(names: string[], tags: Record<string, string> = {}): string {
  const path = join(dir, 'snapshot.json');
  const file: SnapshotFile = {
    format: SNAPSHOT_FORMAT,
    capturedAt: CAPTURED,
    registries: [
      {
        accountId: '111122223333',
        region: 'us-east-1',
        repositories: names.map((repositoryName) => ({
          repositoryName,
          repositoryArn: `arn:aws:ecr:us-east-1:111122223333:repository/${repositoryName}`,
          createdAt: null,
          tags: tags[repositoryName] === undefined ? [] : [{ Key: 'team', Value: tags[repositoryName] as string }],
          lifecyclePolicyText: null,
          images: images(),
        })),
      },
    ],
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const ctx = recordingContext(NOW);
  const code = await runCli(argv, ctx);
  return { code, stdout: ctx.stdout(), stderr: ctx.stderr() };
}

describe('ecr-janitor advise', () => {
  it('writes the advice file with --format json, judged as of the capture time of a snapshot', async () => {
    const result = await run(['advise', '--snapshot', snapshot(['team-a/web']), '--format', 'json']);
    expect(result.code).toBe(EXIT.ok);
    const file = JSON.parse(result.stdout) as AdviceFile;
    expect(file.now).toBe(CAPTURED);
    expect(file.generatedAt).toBe(new Date(NOW).toISOString());
    expect(file.repositories).toHaveLength(1);
    expect(file.repositories[0]).toMatchObject({ repositoryName: 'team-a/web', advice: 'policy', currentPolicyText: null });
    expect(file.settings).toMatchObject({ keepPulledDays: 90, rollbackMargin: 3 });
  });

  it('takes --keep-pulled-days and --rollback-margin', async () => {
    const result = await run([
      'advise',
      '--snapshot',
      snapshot(['app']),
      '--format',
      'json',
      '--rollback-margin',
      '5',
      '--keep-pulled-days',
      '30',
    ]);
    const file = JSON.parse(result.stdout) as AdviceFile;
    const rules = JSON.parse(file.repositories[0]?.recommendedPolicyText ?? '{}') as { rules: Array<{ description: string }> };
    expect(rules.rules.map((r) => r.description)).toContain(
      'keep last 5 v*.*: no v*.* image was pulled in the last 30 days; the newest 5 stay for rollbacks (advised by ecr-janitor)',
    );
  });

  it('advises only the repositories named with --repository', async () => {
    const result = await run([
      'advise',
      '--snapshot',
      snapshot(['a', 'b', 'c']),
      '--repository',
      'b',
      '--repository',
      'c',
      '--format',
      'json',
    ]);
    expect((JSON.parse(result.stdout) as AdviceFile).repositories.map((r) => r.repositoryName).sort()).toEqual(['b', 'c']);
  });

  it('exits 3 and names a repository it could not find', async () => {
    const result = await run(['advise', '--snapshot', snapshot(['a']), '--repository', 'nope']);
    expect(result.code).toBe(EXIT.partial);
    expect(result.stdout).toContain('RepositoryNotFoundException');
    expect(result.stderr).toContain('1 repository could not be fully advised');
  });

  it('prints Markdown with one section per team of --group-by-tag, and Terraform', async () => {
    const file = snapshot(['a', 'b'], { a: 'checkout', b: 'search' });
    const md = await run(['advise', '--snapshot', file, '--group-by-tag', 'team', '--format', 'markdown']);
    expect(md.stdout).toContain('## checkout');
    expect(md.stdout).toContain('## search');
    const tf = await run(['advise', '--snapshot', file, '--format', 'terraform']);
    expect(tf.stdout.match(/^resource "aws_ecr_lifecycle_policy"/gm)).toHaveLength(2);
  });

  it.each([
    [['--rollback-margin', '-1'], /--rollback-margin/],
    [['--keep-pulled-days', '0'], /--keep-pulled-days/],
    [['--format', 'yaml'], /--format/],
  ])('refuses %j as a usage error', async (flags, message) => {
    const result = await run(['advise', '--snapshot', snapshot(['a']), ...flags]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
  });

  describe('remediate --adopt', () => {
    it('plans the recommended policies of an advice file (a dry run)', async () => {
      const file = snapshot(['a', 'b']);
      const advice = await run(['advise', '--snapshot', file, '--format', 'json']);
      const path = join(dir, 'advice.json');
      writeFileSync(path, advice.stdout);
      const result = await run(['remediate', '--snapshot', file, '--adopt', path, '--format', 'json']);
      expect(result.code).toBe(EXIT.ok);
      const plan = JSON.parse(result.stdout) as { actions: Array<{ repositoryName: string; outcome: string; after: string }> };
      const recommended = (JSON.parse(advice.stdout) as AdviceFile).repositories.map((r) => [
        r.repositoryName,
        'planned',
        r.recommendedPolicyText,
      ]);
      expect(plan.actions.map((a) => [a.repositoryName, a.outcome, a.after])).toEqual(recommended.sort());
    });

    it('refuses a file that is not an advice file, before reading anything', async () => {
      const path = join(dir, 'not-advice.json');
      writeFileSync(path, JSON.stringify({ rules: [] }));
      const result = await run(['remediate', '--snapshot', snapshot(['a']), '--adopt', path]);
      expect(result.code).toBe(EXIT.invalid);
      expect(result.stderr).toContain('is not of format ecr-janitor-advice/1');
    });
  });
});
