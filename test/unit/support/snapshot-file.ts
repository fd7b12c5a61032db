/** Snapshot files as the CLI tests write them: one region (us-east-1) of one account, captured 2026-05-01. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotFile } from '../../../src/adapters/snapshot/format';
import { SNAPSHOT_FORMAT } from '../../../src/adapters/snapshot/format';

/** One repository of a snapshot file. */
export type SnapshotRepository = SnapshotFile['registries'][number]['repositories'][number];

/** `repositoryName` in us-east-1 of account 111122223333 with the lifecycle policy text (null: none), no tags and no images. */
export function snapshotRepository(repositoryName: string, lifecyclePolicyText: string | null): SnapshotRepository {
  return {
    repositoryName,
    repositoryArn: `arn:aws:ecr:us-east-1:111122223333:repository/${repositoryName}`,
    createdAt: null,
    tags: [],
    lifecyclePolicyText,
    images: [],
  };
}

/**
 * Writes `snapshot.json` into `dir`: a one-region snapshot of `repositories` captured
 * 2026-05-01T00:00:00Z; returns its path.
 *
 * @example const path = writeSnapshot(dir, [snapshotRepository('app', null)]);
 */
export function writeSnapshot(dir: string, repositories: SnapshotRepository[]): string {
  const path = join(dir, 'snapshot.json');
  const file: SnapshotFile = {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-05-01T00:00:00.000Z',
    registries: [{ accountId: '111122223333', region: 'us-east-1', repositories }],
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}
