import { createHash } from 'node:crypto';
import { makeDemoSnapshot, serialiseSnapshot } from '../../../scripts/make-demo-snapshot';
import { INDEX_MEDIA_TYPES, parseManifest } from '../../../src/domain/image';
import { formatProblem, parsePolicy } from '../../../src/domain/policy';
import type { SnapshotFile } from '../../../src/adapters/snapshot/format';
import { SNAPSHOT_FORMAT } from '../../../src/adapters/snapshot/format';

// The demo snapshot is generated on first `npm start` (not committed): test what the generator makes.
const text = serialiseSnapshot(makeDemoSnapshot());
const snapshot = JSON.parse(text) as SnapshotFile;
const repositories = snapshot.registries.flatMap((registry) =>
  registry.repositories.map((repository) => ({ region: registry.region, repository })),
);
const images = repositories.flatMap(({ repository }) => repository.images);

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Collects `problem(...)` for every repository image; the test expects the list to be empty. */
function problems(
  check: (image: (typeof images)[number], byDigest: ReadonlyMap<string, (typeof images)[number]>, where: string) => string | undefined,
): string[] {
  const found: string[] = [];
  for (const { region, repository } of repositories) {
    const byDigest = new Map(repository.images.map((i) => [i.imageDigest, i]));
    for (const image of repository.images) {
      const problem = check(image, byDigest, `${region}/${repository.repositoryName}@${image.imageDigest}`);
      if (problem !== undefined) found.push(problem);
    }
  }
  return found;
}

describe('demo/snapshot.json', () => {
  describe('file', () => {
    it('stays under 4 MB so that a demo run stays quick', () => {
      expect(Buffer.byteLength(text)).toBeLessThan(4 * 1024 * 1024);
    });

    it('is exactly the same when generated again (deterministic)', () => {
      expect(serialiseSnapshot(makeDemoSnapshot())).toBe(text);
    });

    it('is a snapshot of two regions and about forty repositories with a few thousand images', () => {
      expect(snapshot.format).toBe(SNAPSHOT_FORMAT);
      expect(snapshot.capturedAt).toBe('2026-11-01T00:00:00.000Z');
      expect(snapshot.registries.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
      expect(repositories.length).toBeGreaterThanOrEqual(35);
      expect(repositories.length).toBeLessThanOrEqual(45);
      expect(images.length).toBeGreaterThanOrEqual(2000);
    });
  });

  describe('images', () => {
    it('carry a manifest whose sha256 is the image digest', () => {
      expect(
        problems((image, _, where) =>
          image.imageManifest !== undefined && image.imageDigest === `sha256:${sha256(image.imageManifest)}` ? undefined : where,
        ),
      ).toEqual([]);
    });

    it('have every index child in the same repository', () => {
      expect(
        problems((image, byDigest, where) => {
          const parsed = parseManifest(image.imageManifest ?? '', image.imageManifestMediaType);
          const missing = parsed.kind === 'index' ? parsed.children.filter((c) => !byDigest.has(c)) : [];
          return missing.length === 0 ? undefined : `${where}: missing ${missing.join(', ')}`;
        }),
      ).toEqual([]);
    });

    it('have the subject of every referrer in the same repository, named by the manifest too', () => {
      expect(
        problems((image, byDigest, where) => {
          if (image.subjectManifestDigest === undefined) return undefined;
          const parsed = parseManifest(image.imageManifest ?? '', image.imageManifestMediaType);
          return byDigest.has(image.subjectManifestDigest) && parsed.subject === image.subjectManifestDigest ? undefined : where;
        }),
      ).toEqual([]);
    });

    it('report their size as ECR does: blob sum for an image, largest child for an index', () => {
      expect(
        problems((image, byDigest, where) => {
          const parsed = parseManifest(image.imageManifest ?? '', image.imageManifestMediaType);
          const expected =
            parsed.kind === 'index'
              ? Math.max(...parsed.children.map((c) => byDigest.get(c)?.imageSizeInBytes ?? 0))
              : parsed.blobs.reduce((sum, b) => sum + b.size, 0);
          return image.imageSizeInBytes === expected ? undefined : `${where}: ${image.imageSizeInBytes} != ${expected}`;
        }),
      ).toEqual([]);
    });

    it('hold each tag on at most one image per repository', () => {
      const duplicates = repositories.flatMap(({ region, repository }) => {
        const tags = repository.images.flatMap((i) => i.imageTags ?? []);
        return tags.filter((t, i) => tags.indexOf(t) !== i).map((t) => `${region}/${repository.repositoryName}:${t}`);
      });

      expect(duplicates).toEqual([]);
    });

    it('happen before the capture time', () => {
      const capturedAt = Date.parse(snapshot.capturedAt);

      expect(
        problems((image, _, where) => {
          const times = [image.imagePushedAt, image.lastRecordedPullTime, image.lastArchivedAt]
            .filter((t) => t !== undefined)
            .map((t) => Date.parse(String(t)));
          return times.every((t) => t <= capturedAt) ? undefined : where;
        }),
      ).toEqual([]);
    });

    it('include the cases the janitor must handle', () => {
      const children = new Set(
        images.flatMap((i) => (INDEX_MEDIA_TYPES.has(i.imageManifestMediaType ?? '') ? parseManifest(i.imageManifest ?? '').children : [])),
      );
      const untagged = images.filter((i) => (i.imageTags ?? []).length === 0);

      expect(images.filter((i) => i.imageManifestMediaType === 'application/vnd.oci.image.index.v1+json').length).toBeGreaterThan(50);
      expect(images.filter((i) => i.imageManifest?.includes('"attestation-manifest"') === true).length).toBeGreaterThan(0);
      expect(images.filter((i) => i.artifactMediaType === 'application/vnd.dev.cosign.artifact.sig.v1+json').length).toBeGreaterThan(0);
      expect(images.filter((i) => i.artifactMediaType === 'application/spdx+json').length).toBeGreaterThan(0);
      expect(
        images.filter((i) => i.imageManifestMediaType === 'application/vnd.docker.distribution.manifest.v2+json').length,
      ).toBeGreaterThan(100);
      expect(untagged.filter((i) => !children.has(i.imageDigest) && i.subjectManifestDigest === undefined).length).toBeGreaterThan(100);
      expect(images.filter((i) => i.imageStatus === 'ARCHIVED' && i.lastArchivedAt !== undefined).length).toBeGreaterThan(0);
      expect(images.filter((i) => i.lastRecordedPullTime !== undefined).length).toBeGreaterThan(0);
    });
  });

  describe('repositories', () => {
    it('have only lifecycle policies that ECR accepts', () => {
      const invalid = repositories.flatMap(({ region, repository }) => {
        if (repository.lifecyclePolicyText === null) return [];
        const result = parsePolicy(repository.lifecyclePolicyText);
        return result.ok ? [] : [`${region}/${repository.repositoryName}: ${result.problems.map(formatProblem).join(' ')}`];
      });

      expect(invalid).toEqual([]);
    });

    it('spread the policies: none on about half, and tagged-only, any, archive and untagged rules on others', () => {
      const policies = repositories.map(({ repository }) => repository.lifecyclePolicyText);
      const parsed = policies.flatMap((p) => {
        const result = p === null ? undefined : parsePolicy(p);
        return result?.ok === true ? [result.policy] : [];
      });

      expect(policies.filter((p) => p === null).length / policies.length).toBeCloseTo(0.5, 1);
      expect(parsed.filter((p) => p.rules.every((r) => r.selection.tagStatus === 'tagged')).length).toBeGreaterThan(0);
      expect(parsed.filter((p) => p.rules.some((r) => r.selection.tagStatus === 'untagged')).length).toBeGreaterThan(0);
      expect(parsed.filter((p) => p.rules.some((r) => r.selection.tagStatus === 'any')).length).toBeGreaterThan(0);
      expect(parsed.filter((p) => p.rules.some((r) => r.action.type === 'transition')).length).toBeGreaterThan(0);
    });

    it('include exactly two opted out of remediation', () => {
      const optedOut = repositories.filter(({ repository }) =>
        repository.tags.some((t) => t.Key === 'ecr-janitor:opt-out' && t.Value === 'true'),
      );

      expect(optedOut).toHaveLength(2);
    });

    it('name their ARN after their region and name', () => {
      for (const { region, repository } of repositories) {
        expect(repository.repositoryArn).toBe(`arn:aws:ecr:${region}:123456789012:repository/${repository.repositoryName}`);
      }
    });
  });
});
