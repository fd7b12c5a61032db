import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SKIP_NOTES_DIR, noteSkip } from '../../support/skip-notes';

// The reporter is CommonJS (jest loads reporters untransformed): require it as jest does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SkipNotesReporter = require('../../support/skip-notes-reporter.cjs') as new (
  config: unknown,
  options: { dir: string; write: (text: string) => void },
) => { onRunComplete(): void };

describe('test/support/skip-notes', () => {
  let dir: string;
  const before = process.env[SKIP_NOTES_DIR];
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'skip-notes-test-')), 'notes');
  });
  afterEach(() => {
    rmSync(path.dirname(dir), { recursive: true, force: true });
    if (before === undefined) delete process.env[SKIP_NOTES_DIR];
    else process.env[SKIP_NOTES_DIR] = before;
  });

  it('prints at the end of the run why each file skipped, then removes the notes', () => {
    const printed: string[] = [];
    const reporter = new SkipNotesReporter({}, { dir, write: (text) => printed.push(text) });
    const root = path.resolve(__dirname, '..', '..', '..');

    noteSkip(path.join(root, 'test/unit/b.test.ts'), 'no browser', process.env);
    noteSkip(path.join(root, 'test/unit/a.test.ts'), 'no database', process.env);
    reporter.onRunComplete();

    expect(process.env[SKIP_NOTES_DIR]).toBe(dir);
    expect(printed).toEqual(['\nskipped test/unit/a.test.ts: no database\n', '\nskipped test/unit/b.test.ts: no browser\n']);
    expect(() => readdirSync(dir)).toThrow();
  });

  it('prints nothing when no file skipped', () => {
    const printed: string[] = [];
    const reporter = new SkipNotesReporter({}, { dir, write: (text) => printed.push(text) });

    reporter.onRunComplete();

    expect(printed).toEqual([]);
  });

  it('leaves no note outside a jest run that asked for them', () => {
    expect(() => noteSkip(__filename, 'anything', {})).not.toThrow();
  });
});
