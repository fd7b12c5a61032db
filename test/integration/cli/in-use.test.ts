// The in-use guard end to end against moto: an ECS service whose task definition pins an untagged
// image by digest and a Lambda image function pinned by digest hold the janitor's write to their
// repositories, a list file adds more, `snapshot` records the images in use and `audit --snapshot`
// judges with that record. moto describes no service revisions (the scanner falls back to the task
// definitions) and cannot backdate pushes: an image pushed now is removed by the 7-day rule at the
// end of a 7-day horizon, so every run here judges at the wall clock's now.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { AuditReport } from '../../../src/domain/report';
import type { SnapshotFile } from '../../../src/adapters/snapshot/format';
import { ecrClientForMoto, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage, type PushedImage } from '../support/seed';
import { MOTO_IN_USE_SCAN, createImageFunction, createService, ecrImage } from '../support/workloads';
import { janitor, moto, stdoutJson, tempDir, useMotoCredentials, type RemediationJson } from './support/cli';

jest.setTimeout(60_000);

describe('in-use guard (CLI against moto)', () => {
  let restoreEnv: () => void;
  let ecr: ECRClient;
  let dir: { path: string; remove: () => void };
  let web: PushedImage;
  let api: PushedImage;
  let batch: PushedImage;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    dir = tempDir();
    ecr = ecrClientForMoto();
    for (const name of ['web', 'api', 'batch']) await createRepository(ecr, name);
    web = await pushUntaggedImage(ecr, 'web', imageManifest({ layers: [2_000] }));
    await pushImage(ecr, 'web', { manifest: imageManifest({ layers: [3_000] }), tag: 'latest' });
    api = await pushUntaggedImage(ecr, 'api', imageManifest({ layers: [4_000] }));
    batch = await pushUntaggedImage(ecr, 'batch', imageManifest({ layers: [5_000] }));
    await createService('prod', 'web', ecrImage('web', web.digest));
    await createImageFunction('api', ecrImage('api', api.digest), 1);
  });

  afterAll(() => {
    ecr.destroy();
    dir.remove();
    restoreEnv();
  });

  it('audit reads ECS and Lambda, counts the in-use images and the repositories it would hold, and shows the cost of the scan', async () => {
    // Act
    const run = await janitor(['audit', ...moto(), '--format', 'json'], Date.now());

    // Assert
    const report = stdoutJson<AuditReport>(run);
    expect(run.code).toBe(0);
    expect(report.guard).toEqual({ mode: 'on', horizonDays: 7, sources: MOTO_IN_USE_SCAN.split(',') });
    expect(report.totals).toMatchObject({ inUseImages: 2, inUseAtRisk: 2, repositoriesHeld: 2 });
    expect(report.inUseAtRiskImages?.map((i) => [i.repositoryName, i.consumers])).toEqual([
      ['api', ['lambda:api:$LATEST', 'lambda:api:1']],
      ['web', ['ecs:service/prod/web']],
    ]);
    // One cluster with one service, whose revision moto cannot describe: the task definition is read instead.
    expect(report.apiCalls).toMatchObject({
      ListClusters: 1,
      ListServices: 1,
      DescribeServices: 1,
      DescribeTaskDefinition: 1,
      ListTasks: 1,
      ListFunctions: 1,
      GetFunction: 2,
    });
    expect(report.apiCalls.DescribeServiceRevisions).toBeUndefined();
  });

  it('snapshot records the images in use with their consumers, and audit --snapshot judges with that record', async () => {
    // Arrange
    const file = join(dir.path, 'account.json');

    // Act
    const captured = await janitor(['snapshot', ...moto(), '--out', file], Date.now());
    const offline = await janitor(['audit', '--snapshot', file, '--format', 'json'], Date.now());

    // Assert
    expect(captured.code).toBe(0);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
    expect(snapshot.registries[0]?.inUse).toEqual(
      expect.arrayContaining([
        { repositoryName: 'web', imageDigest: web.digest, consumer: 'ecs:service/prod/web' },
        { repositoryName: 'api', imageDigest: api.digest, consumer: 'lambda:api:1' },
      ]),
    );
    expect(snapshot.registries[0]?.inUseErrors).toBeUndefined();
    const report = stdoutJson<AuditReport>(offline);
    expect(report.guard?.sources).toEqual(['snapshot']);
    expect(report.totals.repositoriesHeld).toBe(2);
  });

  it('remediate adds the images of an --in-use list and plans a hold for each repository whose image is in use', async () => {
    // Arrange: a kubectl-style list naming batch's image (and an image of Docker Hub, ignored).
    const list = join(dir.path, 'eks.txt');
    writeFileSync(list, `docker-pullable://${ecrImage('batch', batch.digest)} docker.io/library/redis@${web.digest}\n`);

    // Act
    const run = await janitor(['remediate', ...moto(), '--in-use', list, '--format', 'json'], Date.now());

    // Assert
    const result = stdoutJson<RemediationJson>(run);
    expect(run.code).toBe(0);
    expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
      ['api', 'held-in-use'],
      ['batch', 'held-in-use'],
      ['web', 'held-in-use'],
    ]);
  });

  it('remediate --apply writes where nothing in use is at risk, holds the rest, and exits 0', async () => {
    // Act
    const run = await janitor(['remediate', ...moto(), '--apply', '--format', 'json'], Date.now());

    // Assert
    const result = stdoutJson<RemediationJson>(run);
    expect(run.code).toBe(0);
    expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
      ['api', 'held-in-use'],
      ['batch', 'applied'],
      ['web', 'held-in-use'],
    ]);
    expect(await getPolicy(ecr, 'web')).toBeUndefined();
    expect(await getPolicy(ecr, 'api')).toBeUndefined();
    expect(await getPolicy(ecr, 'batch')).toContain('added by ecr-janitor');
  });

  it('writes anyway with --guard off', async () => {
    // Act
    const run = await janitor(['remediate', ...moto(), '--apply', '--guard', 'off', '--format', 'json'], Date.now());

    // Assert
    const result = stdoutJson<RemediationJson>(run);
    expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
      ['api', 'applied'],
      ['batch', 'compliant'],
      ['web', 'applied'],
    ]);
    expect(await getPolicy(ecr, 'web')).toContain('added by ecr-janitor');
  });
});
