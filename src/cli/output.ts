// Everything a command writes to disk: the checks made before any work, the atomic writes, and the
// artifacts themselves (the report files of `--out DIR`, the snapshot file).
import { constants, renameSync, type Stats } from 'node:fs';
import { access, mkdir, mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { REPORT_EXTENSIONS, renderAccountsCsv, renderCostGroupsCsv, renderReport } from '../adapters/render';
import { SnapshotFileWriter } from '../adapters/snapshot/snapshot-writer';
import type { AuditReport } from '../domain/report';
import type { SnapshotWriter } from '../ports/snapshot';
import { OutputError, UsageError } from './errors';
import type { HistoryForReport } from './history';

/**
 * Where output is refused: kernel and device file systems, where a "file" is an interface (writing
 * under /proc can change the running system) and a rename into place cannot work. /dev/shm is an
 * ordinary tmpfs and stays allowed.
 */
const SPECIAL_FILE_SYSTEMS = ['/proc', '/sys', '/dev'] as const;

/** The file-system calls the checks make; tests pass their own to reach branches a root user never sees. */
export interface OutputProbe {
  stat(path: string): Promise<Pick<Stats, 'isDirectory' | 'isFile'>>;
  access(path: string, mode: number): Promise<void>;
  realpath(path: string): Promise<string>;
}

const realProbe: OutputProbe = { stat, access, realpath };

/** Reasons for the errno codes an output write meets in practice, each with what to do. */
const IO_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some space or write elsewhere',
  EDQUOT: 'the disk quota is exhausted; free some space or write elsewhere',
  EACCES: 'permission denied; fix the permissions or write elsewhere',
  EPERM: 'operation not permitted; fix the permissions or write elsewhere',
  EROFS: 'the file system is read-only; write elsewhere',
  EISDIR: 'a directory is in the way; remove it or write elsewhere',
  ENOTDIR: 'a part of the path is a file, not a directory; fix the path',
  ENOENT: 'the directory does not exist (any more); create it or fix the path',
  EIO: 'an I/O error occurred on the device; check the disk',
  EMFILE: 'too many open files; retry with fewer processes running',
};

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns a failed write of `path` into an {@link OutputError} whose message names the file and the
 * fix (an errno the CLI does not expect keeps the system's own message); anything else is rethrown.
 *
 * @example try { await writeFile(p, text); } catch (error) { throw outputError(p, error); }
 */
export function outputError(path: string, error: unknown): Error {
  const code = errnoOf(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const reason = IO_REASONS[code] ?? (error as Error).message;
  return new OutputError(`could not write ${path}: ${reason} (${code})`, { cause: error });
}

async function statOrUndefined(probe: OutputProbe, path: string): Promise<Pick<Stats, 'isDirectory' | 'isFile'> | undefined> {
  try {
    return await probe.stat(path);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The special file system `path` (already resolved through symlinks) lies in, if any. */
function specialRoot(path: string): string | undefined {
  if (path === '/dev/shm' || path.startsWith('/dev/shm/')) return undefined;
  return SPECIAL_FILE_SYSTEMS.find((root) => path === root || path.startsWith(`${root}/`));
}

/** `path` with its existing part resolved through symlinks (`/dev/stdout` → `/proc/self/fd/1`). */
async function realTarget(probe: OutputProbe, existing: string, path: string): Promise<string> {
  const rest = relative(existing, path);
  const real = await probe.realpath(existing);
  return rest === '' ? real : `${real}${real.endsWith(sep) ? '' : sep}${rest}`;
}

async function checkWritableDirectory(probe: OutputProbe, flag: string, given: string, directory: string): Promise<void> {
  try {
    await probe.access(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = errnoOf(error) ?? 'EACCES';
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw new UsageError(`${flag} ${given}: the directory ${directory} ${why} (${code}); choose another place or fix its permissions`, {
      cause: error,
    });
  }
}

/**
 * Checks before any work that `dir` can receive the report files: it is a directory or can be
 * created as one (the nearest existing ancestor is a writable directory), and it is not on a special
 * file system such as /proc. Throws a {@link UsageError} that names the flag, the path and the fix.
 *
 * @example await checkOutputDirectory('reports/', '--out');
 */
export async function checkOutputDirectory(dir: string, flag: string, probe: OutputProbe = realProbe): Promise<void> {
  const target = resolve(dir);
  let existing = target;
  let stats = await statOrUndefined(probe, existing);
  while (stats === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    stats = await statOrUndefined(probe, existing);
  }
  const special = specialRoot(await realTarget(probe, existing, target));
  if (special !== undefined)
    throw new UsageError(`${flag} ${dir}: ${special} is a special file system, not a place for reports; give a directory on a disk`);
  if (stats === undefined || !stats.isDirectory()) {
    throw new UsageError(
      existing === target
        ? `${flag} ${dir} exists and is not a directory; give a directory (the report files are written into it)`
        : `${flag} ${dir}: ${existing} is a file, so the directory cannot be created; fix the path`,
    );
  }
  await checkWritableDirectory(probe, flag, dir, existing);
}

/**
 * Checks before any work that `file` can be written: it is not a directory nor anything but a
 * regular file, its directory exists and is writable (the file is written beside it, then renamed
 * into place), and it is not on a special file system such as /proc.
 *
 * @example await checkOutputFile('account.json', '--out');
 */
export async function checkOutputFile(file: string, flag: string, probe: OutputProbe = realProbe): Promise<void> {
  const target = resolve(file);
  const parent = dirname(target);
  const parentStats = await statOrUndefined(probe, parent);
  if (parentStats === undefined) throw new UsageError(`${flag} ${file}: the directory ${parent} does not exist; create it first`);
  if (!parentStats.isDirectory()) throw new UsageError(`${flag} ${file}: ${parent} is not a directory; fix the path`);
  const special = specialRoot(await realTarget(probe, parent, target));
  if (special !== undefined)
    throw new UsageError(`${flag} ${file}: ${special} is a special file system, not a place for a snapshot; give a file on a disk`);
  const stats = await statOrUndefined(probe, target);
  if (stats?.isDirectory()) throw new UsageError(`${flag} ${file} is a directory; give a file name such as ${file}/account.json`);
  if (stats !== undefined && !stats.isFile()) throw new UsageError(`${flag} ${file} exists and is not a regular file; give a file name`);
  await checkWritableDirectory(probe, flag, file, parent);
}

/** The file-system calls {@link writeFilesAtomically} makes; tests pass their own to make one fail. */
export interface WriteOps {
  /** Writes a whole file. */
  writeFile(path: string, content: string): Promise<void>;
  /** Renames, synchronously: the files go into place with no await between them (see writeFilesAtomically). */
  renameSync(from: string, to: string): void;
}

const realWriteOps: WriteOps = { writeFile: (path, content) => writeFile(path, content), renameSync };

/** The prefix of the staging directory a set of files is written in before it goes into place. */
export const STAGING_PREFIX = '.ecr-janitor-staging-';

/**
 * Replaces a set of files all or none. Each is written whole into a staging directory beside them
 * (same directory, so the same file system: renames are atomic); a file in the way that is not a
 * regular file (a directory) refuses the set before anything is written. Then, in one synchronous
 * stretch that no signal handler can interrupt, each previous file is moved aside into the staging
 * directory and the new one renamed into place; when a rename fails, those already moved are put
 * back. The staging directory is removed in every case. Expected I/O errors become an
 * {@link OutputError} naming the file. (A crash of the machine during the renames can still leave a
 * mix; nothing short of it can.)
 *
 * @example await writeFilesAtomically([{ path: 'out/report.json', content: json }, { path: 'out/report.csv', content: csv }]);
 */
export async function writeFilesAtomically(
  files: ReadonlyArray<{ path: string; content: string }>,
  ops: WriteOps = realWriteOps,
): Promise<void> {
  if (files.length === 0) return;
  let current = files[0]?.path ?? '';
  for (const file of files) {
    current = file.path;
    const existing = await stat(file.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw outputError(file.path, error);
    });
    if (existing !== undefined && !existing.isFile()) {
      throw outputError(file.path, Object.assign(new Error(`${file.path} is not a regular file`), { code: 'EISDIR' }));
    }
  }
  const groups = new Map<string, string>();
  try {
    for (const file of files) {
      current = file.path;
      const parent = dirname(file.path);
      if (!groups.has(parent)) groups.set(parent, await mkdtemp(join(parent, STAGING_PREFIX)));
    }
    const staged = files.map((file, i) => {
      const staging = groups.get(dirname(file.path)) as string;
      return { ...file, fresh: join(staging, `${i}.new`), previous: join(staging, `${i}.previous`) };
    });
    for (const file of staged) {
      current = file.path;
      await ops.writeFile(file.fresh, file.content);
    }
    // From here to the end of the loop, no await: a second SIGINT (process.exit) cannot land in between.
    const done: Array<(typeof staged)[number] & { hadPrevious: boolean }> = [];
    try {
      for (const file of staged) {
        current = file.path;
        let hadPrevious = true;
        try {
          ops.renameSync(file.path, file.previous);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          hadPrevious = false;
        }
        done.push({ ...file, hadPrevious });
        ops.renameSync(file.fresh, file.path);
      }
    } catch (error) {
      for (const file of done.reverse()) {
        // Best effort: put the previous file back, or take the new one away when there was none.
        try {
          if (file.hadPrevious) ops.renameSync(file.previous, file.path);
          else ops.renameSync(file.path, file.fresh);
        } catch {
          // Nothing more can be done here; the error below names the file that failed.
        }
      }
      throw error;
    }
  } catch (error) {
    throw error instanceof OutputError ? error : outputError(current, error);
  } finally {
    // The staging directories hold only the new files not placed and the previous ones replaced.
    await Promise.all([...groups.values()].map((staging) => rm(staging, { recursive: true, force: true }).catch(() => undefined)));
  }
}

/**
 * Writes the report files of `--out DIR` (report.json, report.csv, report.md, report.html and
 * cost-groups.csv), creating the directory, all or none (see {@link writeFilesAtomically}); returns
 * their paths.
 *
 * @example ctx.err(`wrote ${(await writeReportFiles(opts.out, report, history)).join(', ')}`);
 */
export async function writeReportFiles(
  dir: string,
  report: AuditReport,
  options: HistoryForReport | Record<string, never> = {},
): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw outputError(dir, error);
  }
  const files = [
    ...(['json', 'csv', 'markdown', 'html'] as const).map((format) => ({
      path: join(dir, `report.${REPORT_EXTENSIONS[format]}`),
      content: renderReport(report, format, options),
    })),
    { path: join(dir, 'cost-groups.csv'), content: renderCostGroupsCsv(report) },
    // The per-account table, for a report of several accounts.
    ...(report.accounts.length > 1 ? [{ path: join(dir, 'accounts.csv'), content: renderAccountsCsv(report) }] : []),
  ];
  await writeFilesAtomically(files);
  return files.map((f) => f.path);
}

/**
 * The snapshot file of `snapshot --out FILE`, as a capture's writer: written repository by
 * repository (one string of a large account's snapshot could exceed V8's limit) and renamed into
 * place; a failed write becomes an {@link OutputError} naming the file and the fix.
 */
export function snapshotFileOutput(path: string): SnapshotWriter {
  const file = new SnapshotFileWriter(path);
  return {
    write: async (snapshot) => {
      try {
        await file.write(snapshot);
      } catch (error) {
        throw outputError(path, error);
      }
    },
  };
}
