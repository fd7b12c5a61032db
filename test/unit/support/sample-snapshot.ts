/** A two-region snapshot file with an image index, its children and an orphan, for the snapshot adapter's tests. */
import type { SnapshotFile } from '../../../src/adapters/snapshot/format';
import { SNAPSHOT_FORMAT } from '../../../src/adapters/snapshot/format';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import { imageOf } from './images';
import { blob, imageManifest, indexManifest } from './manifests';
import { TAGGED_ONLY } from './policies';

export const amd64 = imageManifest({
  config: blob('amd64-config', 1_000),
  layers: [blob('shared-base', 100_000), blob('amd64-code', 9_000)],
});
export const arm64 = imageManifest({
  config: blob('arm64-config', 1_000),
  layers: [blob('shared-base', 100_000), blob('arm64-code', 7_000)],
});
export const list = indexManifest([amd64, arm64]);
export const orphan = imageManifest({
  config: blob('orphan-config', 1_000),
  layers: [blob('shared-base', 100_000), blob('orphan-code', 4_000)],
  format: 'docker',
});

/**
 * eu-west-1: `team/app` (tagged-only policy; an index `v1` of amd64 and arm64, and an orphan pushed
 * 30 days ago) and `bare` (no policy, no images); us-east-1: `other`, opted out, holding the orphan.
 */
export function sampleSnapshot(): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-03-01T00:00:00.000Z',
    registries: [
      {
        accountId: '111122223333',
        region: 'eu-west-1',
        repositories: [
          {
            repositoryName: 'team/app',
            repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/app',
            createdAt: '2025-01-01T00:00:00.000Z',
            tags: [{ Key: 'team', Value: 'a' }],
            lifecyclePolicyText: TAGGED_ONLY,
            images: [imageOf(list, { tags: ['v1'] }), imageOf(amd64), imageOf(arm64), imageOf(orphan, { pushedDaysAgo: 30 })],
          },
          {
            repositoryName: 'bare',
            repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/bare',
            createdAt: null,
            tags: [],
            lifecyclePolicyText: null,
            images: [],
          },
        ],
      },
      {
        accountId: '111122223333',
        region: 'us-east-1',
        repositories: [
          {
            repositoryName: 'other',
            repositoryArn: 'arn:aws:ecr:us-east-1:111122223333:repository/other',
            createdAt: null,
            tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }],
            lifecyclePolicyText: null,
            images: [imageOf(orphan, { pushedDaysAgo: 30 })],
          },
        ],
      },
    ],
  };
}
