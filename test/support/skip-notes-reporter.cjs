// A jest reporter that ends the run with the notes test files left on why they skipped themselves
// (see skip-notes.ts). Plain CommonJS: jest loads reporters without transforming them.
const { mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** The environment variable that tells the test files where to leave their notes (skip-notes.ts). */
const SKIP_NOTES_DIR = 'ECR_JANITOR_SKIP_NOTES_DIR';

/** The notes in `dir`, sorted, one line each; none when there is no directory. */
function readNotes(dir) {
  let files;
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8').trim());
}

/**
 * Prints the skip notes on stderr once the run is complete, then removes them. It picks the run's
 * directory and publishes it in the environment when jest builds it, before the test processes start
 * (they inherit it).
 */
class SkipNotesReporter {
  constructor(_globalConfig, options = {}) {
    this.dir = options.dir ?? path.join(tmpdir(), `ecr-janitor-skip-notes-${process.pid}`);
    this.write = options.write ?? ((text) => process.stderr.write(text));
    process.env[SKIP_NOTES_DIR] = this.dir;
    // Notes of an earlier run that ended abruptly are not this run's.
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  onRunComplete() {
    for (const note of readNotes(this.dir)) this.write(`\n${note}\n`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = SkipNotesReporter;
