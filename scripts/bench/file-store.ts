// A bucket on disk for the scale benchmark: in the deployed run the plan, the shards' results, the
// manifest cache and the report artifacts live in S3, outside every function's memory. Holding them in
// the benchmark's own heap (hundreds of megabytes of manifest cache at a million images) would make its
// peak RSS measure the bucket instead of the pipeline.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ListOptions, ObjectStore } from '../../src/ports/object-store';
import type { ReportStore } from '../../src/ports/report';

/**
 * Objects as files under `root`, one file per key (the key's `/` as directories, each part
 * URI-encoded so that no key escapes the root).
 *
 * @example const store = new FileObjectStore(await mkdtemp(path.join(tmpdir(), 'bench-'))); await store.put('runs/1/plan.json', '{}', 'application/json');
 */
export class FileObjectStore implements ObjectStore, ReportStore {
  readonly location: string;
  /** Puts and gets, as MemoryObjectStore counts them. */
  readonly counts = { get: 0, put: 0, list: 0 };
  /** Bytes written over the store's life (replaced objects included). */
  bytesWritten = 0;

  constructor(private readonly root: string) {
    this.location = `file://${root}`;
  }

  private fileOf(key: string): string {
    return path.join(
      this.root,
      ...key.split('/').map((part) => (part === '' ? '%' : encodeURIComponent(part).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length)))),
    );
  }

  async get(key: string): Promise<string | undefined> {
    this.counts.get++;
    try {
      return await readFile(this.fileOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string, _contentType: string): Promise<void> {
    this.counts.put++;
    this.bytesWritten += Buffer.byteLength(body);
    const file = this.fileOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<string[]> {
    this.counts.list++;
    const { startAfter } = options;
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path
          .relative(this.root, path.join(entry.parentPath, entry.name))
          .split(path.sep)
          .map((part) => (part === '%' ? '' : decodeURIComponent(part)))
          .join('/'),
      )
      .filter((key) => key.startsWith(prefix) && (startAfter === undefined || key > startAfter))
      .sort();
  }

  linkTo(key: string): string {
    return `${this.location}/${key}`;
  }

  /** Deletes every object and the root. */
  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
