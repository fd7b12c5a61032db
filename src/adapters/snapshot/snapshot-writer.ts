import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RegistrySnapshot, SnapshotWriter } from '../../ports/snapshot';
import { SNAPSHOT_FORMAT, type SnapshotFile } from './format';
import { safeJson } from '../../domain/text';

/**
 * A captured snapshot in the file format: the time as ISO-8601, each repository with the fields
 * the file keeps, and the in-use record of each registry that has one (its failures only when there
 * are some). The arrays come last in each object, as {@link snapshotChunks} streams them.
 *
 * @example JSON.stringify(snapshotFileOf(outcome.snapshot))
 */
export function snapshotFileOf(snapshot: RegistrySnapshot): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: new Date(snapshot.capturedAt).toISOString(),
    errors: snapshot.errors,
    ...(snapshot.accounts === undefined ? {} : { accounts: snapshot.accounts }),
    registries: snapshot.registries.map(({ accountId, region, inUse, blobMounting, repositories }) => ({
      accountId,
      region,
      ...(inUse === undefined
        ? {}
        : {
            inUse: inUse.images,
            ...(inUse.failures.length > 0 ? { inUseErrors: inUse.failures } : {}),
            ...(inUse.warnings.length > 0 ? { inUseWarnings: inUse.warnings } : {}),
          }),
      ...(blobMounting === undefined ? {} : { blobMounting }),
      repositories: repositories.map((s) => ({
        repositoryName: s.repositoryName,
        repositoryArn: s.repositoryArn,
        createdAt: s.createdAt ?? null,
        tags: s.tags,
        lifecyclePolicyText: s.lifecyclePolicyText,
        images: s.images,
      })),
    })),
  };
}

/** Chunks are joined up to about this many characters before they are written. */
const WRITE_BATCH_CHARS = 1 << 20;

/**
 * The text of `safeJson(snapshot)` plus a newline (control characters and bidirectional marks as
 * JSON escapes: a repository name prints safely and parses back the same), in pieces: the
 * envelope, then each registry's head, then one repository at a time, each stringified alone. No piece holds more
 * than one repository, so a large account never builds a string past V8's maximum length.
 * Equal to the one-shot text when the arrays are each object's last key, as {@link SnapshotFile}
 * declares them and {@link snapshotFileOf} builds them.
 *
 * @example [...snapshotChunks(file)].join('') === `${safeJson(file)}\n` // true
 */
export function* snapshotChunks(snapshot: SnapshotFile): Generator<string> {
  const { registries, ...envelope } = snapshot;
  yield `${openObject(envelope)}"registries":[`;
  for (const [r, registry] of registries.entries()) {
    const { repositories, ...head } = registry;
    yield `${r === 0 ? '' : ','}${openObject(head)}"repositories":[`;
    for (const [i, repository] of repositories.entries()) yield `${i === 0 ? '' : ','}${safeJson(repository)}`;
    yield ']}';
  }
  yield ']}\n';
}

/** `{"a":1,"b":2,` for `{ a: 1, b: 2 }`, ready for one more key; `{` for an empty object. */
function openObject(value: object): string {
  const text = safeJson(value);
  return text === '{}' ? '{' : `${text.slice(0, -1)},`;
}

/** Joins small chunks so the file is written in large pieces. */
function* batched(chunks: Iterable<string>): Generator<string> {
  let pending: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= WRITE_BATCH_CHARS) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

/**
 * Writes a snapshot file repository by repository (see {@link snapshotChunks}) to a temporary
 * name, then renames it into place: a reader never sees half a snapshot, and a failed write or
 * rename leaves the previous file as it was and no temporary file behind.
 *
 * @example await writeSnapshotFile('account.json', file);
 */
export async function writeSnapshotFile(path: string, snapshot: SnapshotFile): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    await pipeline(Readable.from(batched(snapshotChunks(snapshot))), createWriteStream(temporary));
    await rename(temporary, path);
  } catch (error) {
    // The write's error is the one worth reporting; a temporary file that cannot be removed is not.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes captured snapshots to one file (see {@link writeSnapshotFile}).
 *
 * @example await captureSnapshot(readers, new SnapshotFileWriter('account.json'), options);
 */
export class SnapshotFileWriter implements SnapshotWriter {
  /** @param path the file to write; it is replaced whole or left as it was */
  constructor(private readonly path: string) {}

  async write(snapshot: RegistrySnapshot): Promise<void> {
    await writeSnapshotFile(this.path, snapshotFileOf(snapshot));
  }
}
