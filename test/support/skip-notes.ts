// Notes from test files on why they skipped themselves (a browser missing on this machine), read by
// the run's reporter (skip-notes-reporter.cjs): jest itself only counts "1 skipped", and drops what a
// skipped file printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The environment variable naming the directory of the run's notes; jest.config.js sets it. */
export const SKIP_NOTES_DIR = 'ECR_JANITOR_SKIP_NOTES_DIR';

/**
 * Leaves a note that the test file `testFile` skipped its tests, and why, for the reporter to print
 * when the run ends; nothing outside a jest run that set {@link SKIP_NOTES_DIR}.
 *
 * @example if (!available) noteSkip(__filename, 'Chromium not found at /usr/bin/chromium: …');
 */
export function noteSkip(testFile: string, reason: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[SKIP_NOTES_DIR];
  if (dir === undefined || dir === '') return;
  const root = path.resolve(__dirname, '..', '..');
  const file = path.relative(root, testFile).split(path.sep).join('/');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${file.replace(/[^\w.-]+/g, '_')}.txt`), `skipped ${file}: ${reason}\n`);
}
