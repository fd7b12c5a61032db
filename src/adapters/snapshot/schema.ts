import * as z from 'zod';
import { InvalidInputError } from '../../domain/errors';
import type { SnapshotFile } from '../../domain/registry';
import { SNAPSHOT_FORMAT } from '../../domain/registry';

const timestamp = z.union([z.string(), z.number()]);

const imageSchema = z.looseObject({
  imageDigest: z.string().startsWith('sha256:', 'must be a sha256 digest'),
  imageTags: z.array(z.string()).optional(),
  imageSizeInBytes: z.number().nonnegative().optional(),
  imagePushedAt: timestamp.optional(),
  lastRecordedPullTime: timestamp.optional(),
  lastArchivedAt: timestamp.optional(),
  lastActivatedAt: timestamp.optional(),
  imageManifestMediaType: z.string().optional(),
  artifactMediaType: z.string().optional(),
  subjectManifestDigest: z.string().optional(),
  imageStatus: z.string().optional(),
  imageManifest: z.string().optional(),
});

/** Schema of the snapshot file (`ecr-janitor-snapshot/1`). */
export const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT, { error: `must be "${SNAPSHOT_FORMAT}"` }),
  capturedAt: z.string(),
  registries: z.array(
    z.object({
      accountId: z.string(),
      region: z.string().min(1),
      repositories: z.array(
        z.object({
          repositoryName: z.string().min(1),
          repositoryArn: z.string(),
          createdAt: z.string().nullable(),
          tags: z.array(z.object({ Key: z.string(), Value: z.string() })),
          lifecyclePolicyText: z.string().nullable(),
          images: z.array(imageSchema),
        }),
      ),
      inUse: z
        .array(
          z.object({
            repositoryName: z.string().min(1),
            imageDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 digest'),
            consumer: z.string().min(1),
          }),
        )
        .optional(),
      inUseErrors: z.array(z.object({ source: z.enum(['ecs', 'lambda', 'list']), code: z.string(), message: z.string() })).optional(),
    }),
  ),
});

/**
 * Checks a parsed snapshot document; the error names the file and each bad field's path.
 *
 * @example const snapshot = parseSnapshot(JSON.parse(text), 'snap.json');
 */
export function parseSnapshot(doc: unknown, source: string): SnapshotFile {
  const result = snapshotSchema.safeParse(doc);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    const more = result.error.issues.length > 10 ? `\n  … and ${result.error.issues.length - 10} more` : '';
    throw new InvalidInputError(
      `snapshot file ${source} is not an ecr-janitor snapshot (write one with "ecr-janitor snapshot --out FILE"):\n  - ${issues.join('\n  - ')}${more}`,
    );
  }
  return result.data as SnapshotFile;
}
