import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError, UsageError } from '../../../src/cli/errors';
import {
  checkOutputDirectory,
  checkOutputFile,
  outputError,
  snapshotFileOutput,
  writeFilesAtomically,
  type WriteOps,
  writeReportFiles,
  type OutputProbe,
} from '../../../src/cli/output';
import type { RegistrySnapshot } from '../../../src/ports/snapshot';
import { auditReport, repositoryReport } from '../support/report-fixtures';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-output-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** The real file system, except that `access` fails with `code` (a root user never sees EACCES). */
function deniedProbe(code: string): OutputProbe {
  return {
    stat,
    realpath,
    access: () => Promise.reject(errno(code)),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a rejection');
}

describe('cli output', () => {
  describe('checkOutputDirectory', () => {
    it.each([
      ['an existing directory', (): string => dir],
      ['a directory to create under a writable one', (): string => join(dir, 'reports', '2026')],
    ])('accepts %s', async (_case, path) => {
      await expect(checkOutputDirectory(path(), '--out')).resolves.toBeUndefined();
    });

    it('refuses an existing file', async () => {
      // Arrange
      const file = join(dir, 'report.json');
      writeFileSync(file, '{}');

      // Act
      const error = await rejection(checkOutputDirectory(file, '--out'));

      // Assert
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toBe(`--out ${file} exists and is not a directory; give a directory (the report files are written into it)`);
    });

    it('refuses a path that runs through a file', async () => {
      // Arrange
      const file = join(dir, 'file');
      writeFileSync(file, '');

      // Act
      const error = await rejection(checkOutputDirectory(join(file, 'sub'), '--out'));

      // Assert
      expect(error.message).toContain(`${file} is a file, so the directory cannot be created`);
    });

    it.each(['/proc/self', '/proc/1/new-dir', '/sys/kernel', '/dev/null'])('refuses %s, on a special file system', async (path) => {
      // Act
      const error = await rejection(checkOutputDirectory(path, '--out'));

      // Assert
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toMatch(new RegExp(`^--out ${path}: /(proc|sys|dev) is a special file system`));
    });

    it.each([
      ['EACCES', 'is not writable (EACCES)'],
      ['EROFS', 'is on a read-only file system (EROFS)'],
    ])('refuses a directory it cannot write (%s)', async (code, reason) => {
      // Act
      const error = await rejection(checkOutputDirectory(join(dir, 'new'), '--out', deniedProbe(code)));

      // Assert
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toBe(`--out ${join(dir, 'new')}: the directory ${dir} ${reason}; choose another place or fix its permissions`);
    });
  });

  describe('checkOutputFile', () => {
    it.each([
      ['a new file', (): string => join(dir, 'account.json')],
      ['an existing file', (): string => (writeFileSync(join(dir, 'old.json'), 'x'), join(dir, 'old.json'))],
    ])('accepts %s in a writable directory', async (_case, path) => {
      await expect(checkOutputFile(path(), '--out')).resolves.toBeUndefined();
    });

    it('refuses a directory', async () => {
      const error = await rejection(checkOutputFile(dir, '--out'));

      expect(error.message).toBe(`--out ${dir} is a directory; give a file name such as ${dir}/account.json`);
    });

    it('refuses a file in a directory that does not exist', async () => {
      const error = await rejection(checkOutputFile(join(dir, 'missing', 'account.json'), '--out'));

      expect(error.message).toContain(`the directory ${join(dir, 'missing')} does not exist; create it first`);
    });

    it.each(['/proc/self/environ', '/proc/new.json', '/dev/stdout', '/sys/x.json'])(
      'refuses %s, on a special file system',
      async (path) => {
        const error = await rejection(checkOutputFile(path, '--out'));

        expect(error).toBeInstanceOf(UsageError);
        expect(error.message).toMatch(/is a special file system, not a place for a snapshot/);
      },
    );

    it('refuses something that is neither a file nor a directory', async () => {
      // Arrange
      const probe: OutputProbe = {
        stat: async (path) => (path === dir ? stat(path) : { isDirectory: () => false, isFile: () => false }),
        access: async () => undefined,
        realpath: async (path) => path,
      };

      // Act
      const error = await rejection(checkOutputFile(join(dir, 'fifo'), '--out', probe));

      // Assert
      expect(error.message).toBe(`--out ${join(dir, 'fifo')} exists and is not a regular file; give a file name`);
    });

    it('refuses a file whose directory it cannot write', async () => {
      const error = await rejection(checkOutputFile(join(dir, 'account.json'), '--out', deniedProbe('EACCES')));

      expect(error.message).toContain(`the directory ${dir} is not writable (EACCES)`);
    });
  });

  /** Write operations whose `nth` rename fails with EIO, the others done for real. */
  function renameFailsAt(nth: number): WriteOps {
    let renames = 0;
    return {
      writeFile: async (path, content) => writeFileSync(path, content),
      renameSync: (from, to) => {
        renames++;
        if (renames === nth) throw errno('EIO');
        renameSync(from, to);
      },
    };
  }

  describe('writeFilesAtomically', () => {
    const files = (): Array<{ path: string; content: string }> => [
      { path: join(dir, 'report.json'), content: '{"new":true}' },
      { path: join(dir, 'report.csv'), content: 'new' },
    ];

    it('writes every file and leaves no temporary file', async () => {
      // Act
      await writeFilesAtomically(files());

      // Assert
      expect(readdirSync(dir).sort()).toEqual(['report.csv', 'report.json']);
      expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toBe('new');
    });

    it('replaces nothing and leaves no temporary file when a later write fails', async () => {
      // Arrange: the previous reports, and a disk that fills up on the second file.
      writeFileSync(join(dir, 'report.json'), 'previous');
      const full: WriteOps = {
        writeFile: async (path, content) => {
          if (content === 'new') throw errno('ENOSPC');
          writeFileSync(path, content);
        },
        renameSync,
      };

      // Act
      const error = await rejection(writeFilesAtomically(files(), full));

      // Assert
      expect(error).toBeInstanceOf(OutputError);
      expect(error.message).toBe(
        `could not write ${join(dir, 'report.csv')}: no space left on the device; free some space or write elsewhere (ENOSPC)`,
      );
      expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous');
      expect(readdirSync(dir)).toEqual(['report.json']);
    });

    it('puts every previous file back, and leaves nothing else, when a rename into place fails midway', async () => {
      // Arrange: the previous reports, and a rename that fails for the second new file.
      writeFileSync(join(dir, 'report.json'), 'previous json');
      writeFileSync(join(dir, 'report.csv'), 'previous csv');
      // previous json aside, new json in, previous csv aside, new csv in: the fourth fails.
      const failing = renameFailsAt(4);

      // Act
      const error = await rejection(writeFilesAtomically(files(), failing));

      // Assert
      expect(error.message).toBe(`could not write ${join(dir, 'report.csv')}: an I/O error occurred on the device; check the disk (EIO)`);
      expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous json');
      expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toBe('previous csv');
      expect(readdirSync(dir).sort()).toEqual(['report.csv', 'report.json']);
    });

    it('takes the new files away again when there were none before and a rename fails', async () => {
      const failing = renameFailsAt(4);

      await rejection(writeFilesAtomically(files(), failing));

      expect(readdirSync(dir)).toEqual([]);
    });

    it('leaves no temporary file when a rename fails', async () => {
      // Arrange: a directory where the second file must go.
      mkdirSync(join(dir, 'report.csv'));
      writeFileSync(join(dir, 'report.csv', 'keep'), '');

      // Act
      const error = await rejection(writeFilesAtomically(files()));

      // Assert
      expect(error).toBeInstanceOf(OutputError);
      expect(error.message).toMatch(/^could not write .*report\.csv: /);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });

  describe('outputError', () => {
    it.each([
      ['ENOSPC', 'no space left on the device; free some space or write elsewhere'],
      ['EACCES', 'permission denied; fix the permissions or write elsewhere'],
      ['EROFS', 'the file system is read-only; write elsewhere'],
    ])('names the file and the fix for %s', (code, reason) => {
      // Act
      const error = outputError('out/report.json', errno(code));

      // Assert
      expect(error).toBeInstanceOf(OutputError);
      expect(error.message).toBe(`could not write out/report.json: ${reason} (${code})`);
    });

    it("keeps the system's message for an errno it does not expect", () => {
      expect(outputError('f', errno('EWEIRD')).message).toBe('could not write f: EWEIRD: simulated (EWEIRD)');
    });

    it('returns an error without an errno as it is', () => {
      // Arrange
      const bug = new TypeError('bug');

      // Act
      const error = outputError('f', bug);

      // Assert
      expect(error).toBe(bug);
    });
  });

  describe('writeReportFiles', () => {
    it('creates the directory and writes the five report files, in every format, with no temporary file left', async () => {
      // Arrange
      const out = join(dir, 'reports', 'week-1');
      const report = auditReport([repositoryReport({ repositoryName: 'team/app' })]);

      // Act
      const written = await writeReportFiles(out, report);

      // Assert
      expect(written).toEqual(['report.json', 'report.csv', 'report.md', 'report.html', 'cost-groups.csv'].map((f) => join(out, f)));
      expect(readdirSync(out).sort()).toEqual(['cost-groups.csv', 'report.csv', 'report.html', 'report.json', 'report.md']);
      expect(
        (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { repositories: Array<{ repositoryName: string }> }).repositories[0]
          ?.repositoryName,
      ).toBe('team/app');
    });

    it('names the directory and the fix when it cannot be created', async () => {
      // Arrange: a file where the directory should be
      const out = join(dir, 'file');
      writeFileSync(out, '');

      // Act
      const error = await rejection(writeReportFiles(join(out, 'reports'), auditReport([])));

      // Assert
      expect(error).toBeInstanceOf(OutputError);
      expect(error.message).toContain(
        `could not write ${join(out, 'reports')}: a part of the path is a file, not a directory; fix the path (ENOTDIR)`,
      );
    });
  });

  describe('snapshotFileOutput', () => {
    const snapshot: RegistrySnapshot = { capturedAt: Date.parse('2026-06-01T12:00:00.000Z'), errors: [], registries: [] };

    it('writes the snapshot file', async () => {
      // Arrange
      const path = join(dir, 'account.json');

      // Act
      await snapshotFileOutput(path).write(snapshot);

      // Assert
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
        format: 'ecr-janitor-snapshot/1',
        capturedAt: '2026-06-01T12:00:00.000Z',
        errors: [],
        registries: [],
      });
    });

    it('names the file and the fix when it cannot be written', async () => {
      // Arrange
      const path = join(dir, 'missing', 'account.json');

      // Act
      const error = await rejection(snapshotFileOutput(path).write(snapshot));

      // Assert
      expect(error).toBeInstanceOf(OutputError);
      expect(error.message).toBe(`could not write ${path}: the directory does not exist (any more); create it or fix the path (ENOENT)`);
    });
  });
});
