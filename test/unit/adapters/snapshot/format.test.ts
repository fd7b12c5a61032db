import { SNAPSHOT_FORMAT, type SnapshotFile } from '../../../../src/adapters/snapshot/format';
import { parseSnapshot } from '../../../../src/adapters/snapshot/schema';

/** True exactly when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * A snapshot as the first release wrote it: one account, none of the sections added since (errors,
 * accounts, in use and its errors and warnings, blob mounting).
 */
const FIRST_RELEASE_FILE = `{
  "format": "ecr-janitor-snapshot/1",
  "capturedAt": "2026-01-05T08:00:00.000Z",
  "registries": [
    {
      "accountId": "123456789012",
      "region": "eu-west-1",
      "repositories": [
        {
          "repositoryName": "team-a/web",
          "repositoryArn": "arn:aws:ecr:eu-west-1:123456789012:repository/team-a/web",
          "createdAt": null,
          "tags": [],
          "lifecyclePolicyText": null,
          "images": [
            {
              "imageDigest": "sha256:${'a'.repeat(64)}",
              "imageSizeInBytes": 1048576,
              "imagePushedAt": "2025-12-01T00:00:00.000Z",
              "imageStatus": "ACTIVE"
            }
          ]
        }
      ]
    }
  ]
}`;

describe('snapshot format', () => {
  it('names the format every snapshot written so far carries: another name would make them all unreadable', () => {
    expect(SNAPSHOT_FORMAT).toBe('ecr-janitor-snapshot/1');
  });

  it('is the one format a SnapshotFile may name', () => {
    // The compiler holds this: the file's format field and the constant are the same literal type.
    const same: Same<SnapshotFile['format'], typeof SNAPSHOT_FORMAT> = true;
    expect(same).toBe(true);
  });

  it('still reads a file of the first release, without the sections added since, as it was written', () => {
    // Act
    const file: SnapshotFile = parseSnapshot(JSON.parse(FIRST_RELEASE_FILE), 'old.json');

    // Assert
    expect(file).toEqual(JSON.parse(FIRST_RELEASE_FILE));
    expect(file.registries[0]?.inUse).toBeUndefined();
    expect(file.errors).toBeUndefined();
  });
});
