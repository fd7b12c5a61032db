// `ecr-janitor simulate --repository` end to end: the real CLI, SDK and HTTP, moto as ECR. Push
// times are moto's clock and cannot be backdated, so --now is set 30 days ahead to make the
// 7-day untagged rule fire. ECR semantics are tested in the unit tests; this proves the live read
// (images of every status, manifests walked for index children, the repository's own policy).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { RepositoryPreview, SideBySidePreview } from '../../../src/domain/simulation';
import { ecrClientForMoto, MOTO_ACCOUNT_ID, resetMoto } from '../support/moto';
import { createRepository, imageManifest, pushImage, pushIndex, pushUntaggedImage, type PushedImage } from '../support/seed';
import { policyOf, rule, taggedBy } from '../../fixtures/policy/builders';
import { DAY_MS, janitor, moto, stdoutJson, tempDirEachTest, useMotoCredentials } from './support/cli';

const REPO = 'shop/web';

/** Keeps the ten newest v-tagged images: selects no untagged image. */
const TAGGED_ONLY = policyOf(rule(1, { ...taggedBy('tagPrefixList', 'v'), countType: 'imageCountMoreThan', countNumber: 10 }));

describe('ecr-janitor simulate --repository (moto)', () => {
  let ecr: ECRClient;
  let restoreEnv: () => void;
  const dir = tempDirEachTest();
  let release: PushedImage;
  let orphan: PushedImage;
  let children: PushedImage[];
  let index: PushedImage;
  /** 30 days after the pushes (moto's clock), so the 7-day untagged rule fires. */
  let LATER: string;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    ecr = ecrClientForMoto();
    await resetMoto();
    // A release, an untagged orphan, and a tagged multi-arch index over two untagged children.
    await createRepository(ecr, REPO, { policyText: TAGGED_ONLY });
    release = await pushImage(ecr, REPO, { manifest: imageManifest({ layers: [7_000] }), tag: 'v1' });
    orphan = await pushUntaggedImage(ecr, REPO, imageManifest({ layers: [9_000] }));
    ({ index, children } = await pushIndex(ecr, REPO, {
      tag: 'v2',
      children: [{ manifest: imageManifest({ layers: [2_000] }) }, { manifest: imageManifest({ layers: [3_000] }) }],
    }));
    LATER = new Date(Date.now() + 30 * DAY_MS).toISOString();
  });

  afterAll(() => {
    ecr.destroy();
    restoreEnv();
  });

  it("previews the repository's own policy and the janitor's effective one side by side, from a live read", async () => {
    // Act
    const run = await janitor(['simulate', '--repository', REPO, ...moto(), '--now', LATER]);

    // Assert
    expect(run.code).toBe(0);
    const preview = stdoutJson<SideBySidePreview>(run);
    expect(preview).toMatchObject({ registryId: MOTO_ACCOUNT_ID, repositoryName: REPO, region: 'us-east-1', now: LATER });
    // The own policy keeps everything (two releases, ten allowed, and no untagged rule).
    expect(preview.own).toMatchObject({
      policyStatus: 'no-untagged-rule',
      lifecyclePolicyText: JSON.stringify(TAGGED_ONLY),
      previewResults: [],
    });
    // The effective policy expires the orphan only: the index children are protected by their index.
    expect(preview.effective.changed).toBe(true);
    expect(preview.effective.previewResults).toEqual([
      expect.objectContaining({
        imageDigest: orphan.digest,
        imageTags: [],
        action: { type: 'EXPIRE' },
        appliedRulePriority: 2,
        storageClass: 'STANDARD',
      }),
    ]);
    expect(preview.effective.previewResults.map((r) => r.imageDigest)).not.toEqual(expect.arrayContaining([children[0]?.digest]));
    expect(run.stderr).toMatch(/^read 5 images of shop\/web in us-east-1 \(\d+ API calls\)$/m);
  });

  it('evaluates a given policy against the live images, in the preview shape', async () => {
    // Arrange: every image pushed more than a day before --now
    const policyPath = join(dir.path, 'older-than-a-day.json');
    writeFileSync(
      policyPath,
      JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'expire every image a day after push',
            selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
            action: { type: 'expire' },
          },
        ],
      }),
    );

    // Act
    const run = await janitor(['simulate', '--repository', REPO, ...moto(), '--policy', policyPath, '--now', LATER]);

    // Assert: index children are never expired while their index exists (the manifests were read live)
    expect(run.code).toBe(0);
    const preview = stdoutJson<RepositoryPreview>(run);
    expect(preview).toMatchObject({ registryId: MOTO_ACCOUNT_ID, repositoryName: REPO });
    expect(preview.previewResults.map((r) => r.imageDigest).sort()).toEqual([release.digest, orphan.digest, index.digest].sort());
    expect(preview.summary.expiringImageTotalCount).toBe(3);
  });

  it('prints both policies in one table with --format table', async () => {
    // Act
    const run = await janitor(['simulate', '--repository', REPO, ...moto(), '--now', LATER, '--format', 'table']);

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^digest\s+tags\s+class\s+own\s+effective$/m);
    expect(run.stdout).toContain(`${orphan.digest.slice(0, 19)}  <untagged>  STANDARD  kept  EXPIRE (rule 2)`);
    expect(run.stdout).toContain('own policy (no-untagged-rule): 0 to expire, 0 to archive, 5 kept (of 5)');
    expect(run.stdout).toContain('effective policy (the janitor would change it): 1 to expire, 0 to archive, 4 kept (of 5)');
  });

  it('exits 1 naming the repository and the region when it does not exist', async () => {
    // Act
    const run = await janitor(['simulate', '--repository', 'shop/nope', ...moto()]);

    // Assert
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('repository "shop/nope" does not exist in us-east-1; check the name and --region');
  });
});
