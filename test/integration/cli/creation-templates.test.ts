// `remediate --creation-templates` end to end against moto, which has no repository creation templates
// (DescribeRepositoryCreationTemplates answers HTTP 500): the region whose templates cannot be read is
// named and the run exits 3, while its repositories are remediated as without the flag. The templates'
// own merge and writes are proven against an SDK mock in test/unit/cli/commands/creation-templates.test.ts.
import { ecrClientForMoto, resetMoto } from '../support/moto';
import { createRepository, getPolicy } from '../support/seed';
import { janitor, moto, outcomes, stdoutJson, useMotoCredentials, type RemediationJson } from './support/cli';

interface WithTemplates extends RemediationJson {
  creationTemplates?: { actions: unknown[]; errors: Array<{ region: string; code: string; message: string }> };
}

describe('ecr-janitor remediate --creation-templates (moto)', () => {
  let restoreEnv: () => void;

  beforeAll(() => {
    restoreEnv = useMotoCredentials();
  });

  beforeEach(async () => {
    await resetMoto();
    await createRepository(ecrClientForMoto(), 'web');
  });

  afterAll(() => restoreEnv());

  it('remediates the repositories and exits 3 naming the region whose templates could not be read', async () => {
    // Act
    const run = await janitor(['remediate', ...moto(), '--in-use-scan', 'none', '--creation-templates', '--apply', '--format', 'json']);

    // Assert
    expect(run.code).toBe(3);
    const result = stdoutJson<WithTemplates>(run);
    expect(outcomes(result)).toEqual({ 'us-east-1/web': 'applied' });
    expect(await getPolicy(ecrClientForMoto(), 'web')).toContain('"tagStatus":"untagged"');
    expect(result.creationTemplates?.actions).toEqual([]);
    expect(result.creationTemplates?.errors.map((e) => e.region)).toEqual(['us-east-1']);
    expect(run.stderr).toContain('the creation templates of 1 region could not be read');
    expect(run.stderr).toMatch(/^us-east-1: /m);
  });

  it('reads no creation template without the flag, and exits 0', async () => {
    const run = await janitor(['remediate', ...moto(), '--in-use-scan', 'none', '--apply', '--format', 'json']);

    expect(run.code).toBe(0);
    const result = stdoutJson<WithTemplates>(run);
    expect(result.creationTemplates).toBeUndefined();
    expect(result.apiCalls.DescribeRepositoryCreationTemplates).toBeUndefined();
    expect(outcomes(result)).toEqual({ 'us-east-1/web': 'applied' });
  });
});
