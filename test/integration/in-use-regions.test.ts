// The in-use guard across regions, in every entry point, against moto: an ECS service in us-east-1
// runs an untagged image of eu-west-1's registry. With both regions configured, `audit`, `remediate`,
// `snapshot`, `onPolicyChanged` and the weekly run all hold the write to eu-west-1's repository and
// name the service; a repository nothing uses is written. With eu-west-1 alone configured, us-east-1's
// workloads are not read, and nothing holds the write (what the docs say: list such workloads).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AuditReport } from '../../src/domain/report';
import type { SnapshotFile } from '../../src/adapters/snapshot/format';
import { lambdaHandler as onPolicyChanged } from '../../src/handlers/on-policy-changed';
import { logger } from '../../src/handlers/runtime/powertools';
import { janitor, moto, outcomes, stdoutJson, tempDir, useMotoCredentials, type RemediationJson } from './cli/support/cli';
import { ecrCallEvent } from './support/cloudtrail';
import { FUNCTION_ENV, restoreLambdaEnv, useLambdaEnv } from './support/lambda-env';
import { ecrClientForMoto, motoClientConfig, resetMoto } from './support/moto';
import { createRepository, getPolicy, imageManifest, pushUntaggedImage, type PushedImage } from './support/seed';
import { runWeeklyExecution } from './support/state-machine';
import { createService, ecrImage } from './support/workloads';

jest.setTimeout(60_000);

const BUCKET = 'ecr-janitor-prod-reportbucket-regions';
const REGIONS = 'eu-west-1,us-east-1';

describe('the in-use guard judges every repository against the workloads of every configured region (moto)', () => {
  let restoreEnv: () => void;
  let ecr: ECRClient;
  let dir: { path: string; remove: () => void };
  let web: PushedImage;

  beforeAll(async () => {
    await resetMoto();
    logger.setLogLevel('SILENT');
    restoreEnv = useMotoCredentials();
    dir = tempDir();
    ecr = ecrClientForMoto('eu-west-1');
    const s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3.destroy();
    for (const name of ['web', 'api']) await createRepository(ecr, name);
    web = await pushUntaggedImage(ecr, 'web', imageManifest({ layers: [2_000] }));
    await pushUntaggedImage(ecr, 'api', imageManifest({ layers: [3_000] }));
    // The service runs in us-east-1; its image is in eu-west-1's registry.
    await createService('prod', 'web', ecrImage('web', web.digest, 'eu-west-1'), 'us-east-1');
  });

  afterAll(() => {
    ecr.destroy();
    dir.remove();
    restoreEnv();
    restoreLambdaEnv();
    logger.setLogLevel('INFO');
  });

  function useEnv(regions: string): void {
    useLambdaEnv({ ...FUNCTION_ENV, REGIONS: regions, REPORT_BUCKET: BUCKET });
  }

  it('audit counts the image in use and the write it would hold', async () => {
    // Act
    const run = await janitor(['audit', ...moto(REGIONS), '--format', 'json'], Date.now());

    // Assert
    const report = stdoutJson<AuditReport>(run);
    expect(run.code).toBe(0);
    expect(report.inUseAtRiskImages?.map((i) => [i.region, i.repositoryName, i.imageDigest, i.consumers, i.held])).toEqual([
      ['eu-west-1', 'web', web.digest, ['ecs:service/prod/web'], true],
    ]);
    expect(report.totals).toMatchObject({ repositoriesHeld: 1, inUseImages: 1 });
  });

  it('snapshot records the image in eu-west-1’s registry, and audit --snapshot of that region alone still holds it', async () => {
    // Arrange
    const file = join(dir.path, 'regions.json');

    // Act
    const captured = await janitor(['snapshot', ...moto(REGIONS), '--out', file], Date.now());
    const offline = await janitor(['audit', '--snapshot', file, '--region', 'eu-west-1', '--format', 'json'], Date.now());

    // Assert
    expect(captured.code).toBe(0);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
    expect(snapshot.registries.find((r) => r.region === 'eu-west-1')?.inUse).toEqual([
      { repositoryName: 'web', imageDigest: web.digest, consumer: 'ecs:service/prod/web' },
    ]);
    expect(stdoutJson<AuditReport>(offline).totals.repositoriesHeld).toBe(1);
  });

  it('remediate plans a hold for eu-west-1’s repository, and sees nothing in use when us-east-1 is not configured', async () => {
    // Act
    const both = await janitor(['remediate', ...moto(REGIONS), '--format', 'json'], Date.now());
    const alone = await janitor(['remediate', ...moto('eu-west-1'), '--format', 'json'], Date.now());

    // Assert
    const result = stdoutJson<RemediationJson>(both);
    expect(outcomes(result)).toEqual({ 'eu-west-1/api': 'planned', 'eu-west-1/web': 'held-in-use' });
    expect(result.actions.find((a) => a.repositoryName === 'web')?.inUseAtRisk).toEqual([
      expect.objectContaining({ imageDigest: web.digest, consumers: ['ecs:service/prod/web'] }),
    ]);
    expect(outcomes(stdoutJson<RemediationJson>(alone))).toEqual({ 'eu-west-1/api': 'planned', 'eu-west-1/web': 'planned' });
  });

  it('onPolicyChanged holds the repair of eu-west-1’s repository', async () => {
    // Arrange
    useEnv(REGIONS);

    // Act
    const result = await onPolicyChanged(ecrCallEvent('DeleteLifecyclePolicy', 'web', 'eu-west-1'));

    // Assert
    expect(result).toMatchObject({
      status: 'done',
      action: { outcome: 'held-in-use', inUseAtRisk: [{ imageDigest: web.digest, consumers: ['ecs:service/prod/web'] }] },
    });
    expect(await getPolicy(ecr, 'web')).toBeUndefined();
  });

  it('the weekly run holds eu-west-1’s repository and writes the other', async () => {
    // Arrange
    useEnv(REGIONS);

    // Act
    const detail = await runWeeklyExecution();

    // Assert
    expect(detail.remediation).toEqual({ applied: 1, 'held-in-use': 1 });
    expect(detail.heldRepositories.map((r) => [r.region, r.repositoryName, r.consumers])).toEqual([
      ['eu-west-1', 'web', ['ecs:service/prod/web']],
    ]);
    expect(await getPolicy(ecr, 'web')).toBeUndefined();
    expect(await getPolicy(ecr, 'api')).toContain('added by ecr-janitor');
  });

  it('remediate --apply after it holds the write still, and leaves the written repository as it is', async () => {
    // Act
    const run = await janitor(['remediate', ...moto(REGIONS), '--apply', '--format', 'json'], Date.now());

    // Assert
    expect(outcomes(stdoutJson<RemediationJson>(run))).toEqual({ 'eu-west-1/api': 'compliant', 'eu-west-1/web': 'held-in-use' });
    expect(await getPolicy(ecr, 'web')).toBeUndefined();
  });
});
