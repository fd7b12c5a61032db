// `ecr-janitor advise`, then `remediate --adopt --apply`, then `audit`, end to end against moto: the
// adopted policies are exactly the advice, and the audit of the registry with them counts what the
// advice said they remove. moto sets every push time to its own clock and never records pulls, so
// the registry is advised and audited 60 days after its images were pushed (--now), when none was
// pulled since.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { AdviceFile } from '../../../src/domain/advice';
import type { AuditReport } from '../../../src/domain/report';
import { ecrClientForMoto, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage, putPolicy } from '../support/seed';
import { DAY_MS, janitor, moto, outcomes, stdoutJson, tempDir, useMotoCredentials, type RemediationJson } from './support/cli';

const TEAM_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images after 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};

describe('ecr-janitor advise, remediate --adopt, audit (CLI against moto)', () => {
  let restoreEnv: () => void;
  let ecr: ECRClient;
  let dir: { path: string; remove: () => void };
  /** 60 days after the pushes, when the advice and the audit are made. */
  let later: number;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    ecr = ecrClientForMoto();
    dir = tempDir();
    await createRepository(ecr, 'team-a/web');
    await createRepository(ecr, 'team-b/api', { policyText: TEAM_POLICY });
    for (const name of ['team-a/web', 'team-b/api']) {
      // Ten releases, five pull-request builds, a fixed name and an untagged leftover, each with layers of its own.
      for (let i = 0; i < 10; i++) await pushImage(ecr, name, { manifest: imageManifest({ layers: [1_000_000 + i] }), tag: `v1.${i}.0` });
      for (let i = 0; i < 5; i++) await pushImage(ecr, name, { manifest: imageManifest({ layers: [2_000_000 + i] }), tag: `pr-${i}` });
      await pushImage(ecr, name, { manifest: imageManifest({ layers: [3_000_000] }), tag: 'latest' });
      await pushUntaggedImage(ecr, name, imageManifest({ layers: [4_000_000] }));
    }
    later = Date.now() + 60 * DAY_MS;
  });

  afterAll(() => {
    ecr.destroy();
    dir.remove();
    restoreEnv();
  });

  it('adopts exactly the advised policies, and the audit then counts what the advice said they remove', async () => {
    const now = new Date(later).toISOString();
    const advised = await janitor(['advise', ...moto(), '--in-use-scan', 'none', '--now', now, '--format', 'json'], later);
    expect(advised.code).toBe(0);
    const advice = stdoutJson<AdviceFile>(advised);
    expect(advice.repositories.map((r) => [r.repositoryName, r.advice])).toEqual(
      expect.arrayContaining([
        ['team-a/web', 'policy'],
        ['team-b/api', 'policy'],
      ]),
    );
    for (const entry of advice.repositories) {
      // Seven releases beyond the last three, five pull-request builds and the untagged leftover.
      expect(entry.removedNow.images).toBe(13);
      expect(entry.checks.fixedNames).toEqual({ images: 1, actedOnNow: 0, actedOnIn30Days: 0 });
    }
    const file = join(dir.path, 'advice.json');
    writeFileSync(file, advised.stdout);

    const dry = stdoutJson<RemediationJson>(
      await janitor(['remediate', ...moto(), '--in-use-scan', 'none', '--adopt', file, '--format', 'json'], later),
    );
    expect(outcomes(dry)).toEqual({ 'us-east-1/team-a/web': 'planned', 'us-east-1/team-b/api': 'planned' });
    expect(await getPolicy(ecr, 'team-a/web')).toBeUndefined();

    const applied = await janitor(['remediate', ...moto(), '--in-use-scan', 'none', '--adopt', file, '--apply', '--format', 'json'], later);
    expect(applied.code).toBe(0);
    expect(outcomes(stdoutJson<RemediationJson>(applied))).toEqual({
      'us-east-1/team-a/web': 'applied',
      'us-east-1/team-b/api': 'applied',
    });
    for (const entry of advice.repositories) expect(await getPolicy(ecr, entry.repositoryName)).toBe(entry.recommendedPolicyText);

    const audited = await janitor(['audit', ...moto(), '--in-use-scan', 'none', '--now', now, '--format', 'json'], later);
    const report = stdoutJson<AuditReport>(audited);
    for (const entry of advice.repositories) {
      const row = report.repositories.find((r) => r.repositoryName === entry.repositoryName);
      expect({ images: row?.doomedImages, bytes: row?.reclaimableBytes }).toEqual(entry.removedNow);
      expect(row?.policyStatus).toBe('ok');
      expect(row?.findings.filter((f) => f.severity === 'warning')).toEqual([]);
    }

    // Adopted: advising again finds nothing to change, and adopting the old file again writes nothing.
    const again = stdoutJson<AdviceFile>(
      await janitor(['advise', ...moto(), '--in-use-scan', 'none', '--now', now, '--format', 'json'], later),
    );
    expect(again.repositories.map((r) => r.reason)).toEqual([
      'the current policy already is what the advisor recommends',
      'the current policy already is what the advisor recommends',
    ]);
    const twice = stdoutJson<RemediationJson>(
      await janitor(['remediate', ...moto(), '--in-use-scan', 'none', '--adopt', file, '--apply', '--format', 'json'], later),
    );
    expect(outcomes(twice)).toEqual({ 'us-east-1/team-a/web': 'compliant', 'us-east-1/team-b/api': 'compliant' });
  });

  it('skips a repository whose policy changed after the advice was made', async () => {
    const now = new Date(later).toISOString();
    await createRepository(ecr, 'team-c/batch');
    await pushImage(ecr, 'team-c/batch', { manifest: imageManifest({ layers: [5_000_000] }), tag: 'pr-1' });
    const advised = await janitor(
      ['advise', ...moto(), '--in-use-scan', 'none', '--now', now, '--repository', 'team-c/batch', '--format', 'json'],
      later,
    );
    const file = join(dir.path, 'advice-c.json');
    writeFileSync(file, advised.stdout);
    // A team writes its own policy after the advice was made.
    const team = JSON.stringify(TEAM_POLICY);
    await putPolicy(ecr, 'team-c/batch', team);
    const result = stdoutJson<RemediationJson>(
      await janitor(['remediate', ...moto(), '--in-use-scan', 'none', '--adopt', file, '--apply', '--format', 'json'], later),
    );
    expect(outcomes(result)).toEqual({ 'us-east-1/team-c/batch': 'skipped-changed' });
    expect(await getPolicy(ecr, 'team-c/batch')).toBe(team);
  });
});
