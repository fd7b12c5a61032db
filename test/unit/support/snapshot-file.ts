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

/** A snapshot of three accounts (A 111111111111, B 222222222222, C 333333333333): A with one repository, B with none in its region, C not read. */
export function organizationSnapshot(): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-05-31T00:00:00.000Z',
    errors: [
      { accountId: '333333333333', region: '', code: 'AccessDenied', message: 'role could not be assumed' },
      { accountId: '111111111111', region: 'us-east-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' },
    ],
    accounts: [
      { accountId: '111111111111', name: 'Payments', regions: ['us-east-1'] },
      { accountId: '222222222222', name: null, regions: ['us-east-1'] },
      { accountId: '333333333333', name: 'Sandbox', regions: ['us-east-1'] },
    ],
    registries: [
      {
        accountId: '111111111111',
        region: 'us-east-1',
        repositories: [
          {
            repositoryName: 'web',
            repositoryArn: `arn:aws:ecr:us-east-1:111111111111:repository/web`,
            createdAt: null,
            tags: [],
            lifecyclePolicyText: null,
            images: [],
          },
          {
            repositoryName: 'locked',
            repositoryArn: `arn:aws:ecr:us-east-1:111111111111:repository/locked`,
            createdAt: null,
            tags: [],
            lifecyclePolicyText: null,
            images: [],
          },
        ],
      },
      { accountId: '222222222222', region: 'us-east-1', repositories: [] },
    ],
  };
}
