import type { SnapshotFile } from '../../../../src/adapters/snapshot/format';
import { snapshotInUse } from '../../../../src/adapters/snapshot/snapshot-in-use';
import { sampleSnapshot } from '../../support/sample-snapshot';

const WEB = `sha256:${'a'.repeat(64)}`;
const API = `sha256:${'b'.repeat(64)}`;

/** The sample snapshot with an in-use record in eu-west-1 (one image, one failed source) and none in us-east-1. */
function recorded(): SnapshotFile {
  const file = sampleSnapshot();
  const [eu, us] = file.registries;
  if (eu === undefined || us === undefined) throw new Error('the sample snapshot has two registries');
  return {
    ...file,
    registries: [
      {
        ...eu,
        inUse: [
          { repositoryName: 'team/app', imageDigest: WEB, consumer: 'ecs:service/prod/web' },
          { repositoryName: 'team/app', imageDigest: API, consumer: 'lambda:api:1' },
        ],
        inUseErrors: [{ source: 'lambda', code: 'AccessDeniedException', message: 'not authorized' }],
      },
      us,
    ],
  };
}

describe('snapshotInUse', () => {
  it("binds each recorded image to its registry's account and region", () => {
    // Act
    const { entries, recorded: isRecorded } = snapshotInUse(recorded());

    // Assert
    expect(isRecorded).toBe(true);
    expect(entries).toEqual([
      { accountId: '111122223333', region: 'eu-west-1', repositoryName: 'team/app', imageDigest: WEB, consumer: 'ecs:service/prod/web' },
      { accountId: '111122223333', region: 'eu-west-1', repositoryName: 'team/app', imageDigest: API, consumer: 'lambda:api:1' },
    ]);
  });

  it('replays a source that could not be read as a failure of its region, saying when it was recorded', () => {
    // Act
    const { failures } = snapshotInUse(recorded());

    // Assert
    expect(failures).toEqual([
      {
        region: 'eu-west-1',
        source: 'lambda',
        code: 'AccessDeniedException',
        message: 'not authorized (recorded when the snapshot was captured at 2026-03-01T00:00:00.000Z)',
      },
    ]);
  });

  it("reads only the regions asked for, and says nothing was recorded when none of them has a record, but keeps every region's failures", () => {
    // Act
    const result = snapshotInUse(recorded(), ['us-east-1']);

    // Assert: eu-west-1's Lambda functions may run us-east-1's images: what they run is still unknown.
    expect(result).toEqual({
      entries: [],
      failures: [expect.objectContaining({ region: 'eu-west-1', source: 'lambda', code: 'AccessDeniedException' })],
      warnings: [],
      recorded: false,
    });
  });

  it('replays what a source could not see as a warning of its region', () => {
    // Arrange
    const file = recorded();
    const [eu] = file.registries;
    if (eu) eu.inUseWarnings = [{ source: 'ecs', code: 'InUseReferenceUnresolved', message: 'chosen at run time' }];

    // Act
    const { warnings } = snapshotInUse(file);

    // Assert
    expect(warnings).toEqual([{ region: 'eu-west-1', source: 'ecs', code: 'InUseReferenceUnresolved', message: 'chosen at run time' }]);
  });

  it('says nothing was recorded for a snapshot written without an in-use record', () => {
    // Act
    const result = snapshotInUse(sampleSnapshot());

    // Assert
    expect(result.recorded).toBe(false);
  });
});
