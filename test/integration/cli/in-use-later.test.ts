// The in-use guard sees what runs later, against moto: images that nothing runs now but that an
// EventBridge rule, an EventBridge Scheduler schedule or an AWS Batch job definition will start hold the janitor's write to their repository, named after what starts
// them; a repository nothing uses is written. Every list these scanners read is paged and counted
// (moto never pages: paging is covered with client mocks in the unit tests).
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { AuditReport } from '../../../src/domain/report';
import { ecrClientForMoto, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage, type PushedImage } from '../support/seed';
import { createRuleStartingTask, createScheduleStartingTask, ecrImage, registerJobDefinition } from '../support/workloads';
import { janitor, moto, outcomes, stdoutJson, useMotoCredentials, type RemediationJson } from './support/cli';

jest.setTimeout(60_000);

describe('in-use guard: what runs later (CLI against moto)', () => {
  let restoreEnv: () => void;
  let ecr: ECRClient;
  let report: PushedImage;
  let tagged: PushedImage;
  let worker: PushedImage;
  let etl: PushedImage;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    ecr = ecrClientForMoto();
    for (const name of ['report', 'worker', 'etl', 'free']) await createRepository(ecr, name);
    report = await pushUntaggedImage(ecr, 'report', imageManifest({ layers: [2_000] }));
    tagged = await pushImage(ecr, 'report', { manifest: imageManifest({ layers: [2_500] }), tag: 'v1' });
    worker = await pushUntaggedImage(ecr, 'worker', imageManifest({ layers: [2_700] }));
    etl = await pushUntaggedImage(ecr, 'etl', imageManifest({ layers: [2_900] }));
    await pushUntaggedImage(ecr, 'free', imageManifest({ layers: [3_000] }));
    // Nothing runs now: a rule starts the digest once a day, another the image tagged v1.
    await createRuleStartingTask('nightly', ecrImage('report', report.digest));
    await createRuleStartingTask('weekly', `${ecrImage('report', tagged.digest).split('@')[0]}:v1`);
    // A schedule starts worker's image.
    await createScheduleStartingTask('monthly', ecrImage('worker', worker.digest));
    // A Batch job definition runs etl's image whenever a job is submitted to it.
    await registerJobDefinition('etl-nightly', ecrImage('etl', etl.digest));
  });

  afterAll(() => {
    ecr.destroy();
    restoreEnv();
  });

  it('audit counts the images rules start as in use, the digest at risk and the tag resolved, and the calls it made', async () => {
    // Act
    const run = await janitor(['audit', ...moto(), '--format', 'json'], Date.now());

    // Assert
    const result = stdoutJson<AuditReport>(run);
    expect(run.code).toBe(0);
    expect(result.inUseAtRiskImages?.map((i) => [i.repositoryName, i.imageDigest, i.consumers])).toEqual([
      ['etl', etl.digest, ['batch:etl-nightly:1']],
      ['report', report.digest, ['events:rule/default/nightly']],
      ['worker', worker.digest, ['scheduler:default/monthly']],
    ]);
    expect(result.repositories.find((r) => r.repositoryName === 'report')?.inUseImages).toBe(2);
    expect(result.apiCalls).toMatchObject({
      ListEventBuses: 1,
      ListRules: 1,
      ListTargetsByRule: 2,
      ListSchedules: 1,
      GetSchedule: 1,
      DescribeTaskDefinition: 3,
      DescribeJobDefinitions: 1,
    });
  });

  it('remediate --apply holds the repository a rule will pull from and writes the other', async () => {
    // Act
    const run = await janitor(['remediate', ...moto(), '--apply', '--format', 'json'], Date.now());

    // Assert
    expect(outcomes(stdoutJson<RemediationJson>(run))).toEqual({
      'us-east-1/etl': 'held-in-use',
      'us-east-1/free': 'applied',
      'us-east-1/report': 'held-in-use',
      'us-east-1/worker': 'held-in-use',
    });
    expect(await getPolicy(ecr, 'report')).toBeUndefined();
    expect(await getPolicy(ecr, 'free')).toContain('added by ecr-janitor');
  });
});
