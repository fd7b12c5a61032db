// The deployed functions' in-use guard against moto: the weekly audit reads what an ECS service and
// the list object in S3 (inUseListS3Uri) say is in use, holds those repositories' writes, writes the
// others, and names the held repositories in its event; a list object that cannot be read holds every
// write that would remove an image. onPolicyChanged judges a repair the same way.
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { lambdaHandler as onPolicyChanged } from '../../../src/handlers/on-policy-changed';
import { logger } from '../../../src/handlers/runtime/powertools';
import { runWeeklyExecution } from '../support/state-machine';
import { ecrCallEvent } from '../support/cloudtrail';
import { FUNCTION_ENV, restoreLambdaEnv, useLambdaEnv } from '../support/lambda-env';
import { MOTO_REGION, ecrClientForMoto, motoClientConfig, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushUntaggedImage, type PushedImage } from '../support/seed';
import { createService, ecrImage } from '../support/workloads';

jest.setTimeout(60_000);

const BUCKET = 'ecr-janitor-prod-reportbucket-in-use';
const LISTS = 'ops-lists';

describe('in-use guard of the deployed functions (moto)', () => {
  let ecr: ECRClient;
  let s3: S3Client;
  let web: PushedImage;
  let batch: PushedImage;

  function useEnv(listKey = 'ecr/in-use.txt'): void {
    useLambdaEnv({ ...FUNCTION_ENV, REGIONS: MOTO_REGION, REPORT_BUCKET: BUCKET, IN_USE_LIST_S3_URI: `s3://${LISTS}/${listKey}` });
  }

  beforeAll(async () => {
    await resetMoto();
    logger.setLogLevel('SILENT');
    ecr = ecrClientForMoto();
    s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: LISTS }));
    for (const name of ['web', 'batch', 'api']) await createRepository(ecr, name);
    web = await pushUntaggedImage(ecr, 'web', imageManifest({ layers: [2_000] }));
    batch = await pushUntaggedImage(ecr, 'batch', imageManifest({ layers: [3_000] }));
    await pushUntaggedImage(ecr, 'api', imageManifest({ layers: [4_000] }));
    await createService('prod', 'web', ecrImage('web', web.digest));
    // The list names batch's image by a bare repository name, as a cluster outside ECS would.
    await s3.send(new PutObjectCommand({ Bucket: LISTS, Key: 'ecr/in-use.txt', Body: `# EKS prod\nbatch@${batch.digest}\n` }));
  });

  afterAll(() => {
    ecr.destroy();
    s3.destroy();
    restoreLambdaEnv();
    logger.setLogLevel('INFO');
  });

  it('the weekly run holds the repositories whose images ECS and the list name, writes the other, and says so in its event', async () => {
    // Arrange
    useEnv();

    // Act
    const detail = await runWeeklyExecution();

    // Assert
    expect(detail.remediation).toEqual({ applied: 1, 'held-in-use': 2 });
    expect(detail.heldRepositories.map((r) => [r.repositoryName, r.consumers])).toEqual([
      ['batch', ['list:s3://ops-lists/ecr/in-use.txt']],
      ['web', ['ecs:service/prod/web']],
    ]);
    expect(detail.totals).toMatchObject({ repositoriesHeld: 2, inUseImages: 2 });
    expect(detail.errorCount).toBe(0);
    expect(await getPolicy(ecr, 'web')).toBeUndefined();
    expect(await getPolicy(ecr, 'batch')).toBeUndefined();
    expect(await getPolicy(ecr, 'api')).toContain('added by ecr-janitor');
  });

  it('onPolicyChanged holds the repair of a deleted policy when a service runs an image the rule would remove', async () => {
    // Arrange: the team "deleted" web's policy (it has none); the event is the trigger.
    useEnv();
    const event = ecrCallEvent('DeleteLifecyclePolicy', 'web');

    // Act
    const result = await onPolicyChanged(event);

    // Assert
    expect(result).toMatchObject({
      status: 'done',
      action: { outcome: 'held-in-use', inUseAtRisk: [{ imageDigest: web.digest, consumers: ['ecs:service/prod/web'] }] },
    });
    expect(await getPolicy(ecr, 'web')).toBeUndefined();
  });

  it('holds every write that would remove an image, with an error for the region, when the list object is missing', async () => {
    // Arrange
    useEnv('ecr/missing.txt');
    await createRepository(ecr, 'fresh');
    await pushUntaggedImage(ecr, 'fresh', imageManifest({ layers: [5_000] }));

    // Act
    const detail = await runWeeklyExecution();

    // Assert
    expect(detail.remediation).toMatchObject({ 'held-in-use': 3 });
    expect(detail.errorCount).toBe(1);
    expect(await getPolicy(ecr, 'fresh')).toBeUndefined();
  });
});
