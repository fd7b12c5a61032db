// `org-report`'s flags: what it refuses before it reads anything (the bucket is read on the emulator
// in test/integration/handlers/consolidate-org.test.ts).
import { EXIT } from '../../../../src/cli/errors';
import { runCaptured } from '../../../support/cli-context';

const NOW = Date.parse('2026-11-02T06:00:00Z');

describe('cli/commands/org-report', () => {
  it.each([
    [['org-report'], "required option '--bucket <name>' not specified"],
    [['org-report', '--bucket', 'Not_A_Bucket'], 'is not an S3 bucket name'],
    [['org-report', '--bucket', 'org-central-reports', '--format', 'pdf'], "argument 'pdf' is invalid"],
    [['org-report', '--bucket', 'org-central-reports', '--endpoint', 'ftp://localhost'], '--endpoint'],
  ])('refuses %p as a usage error, naming what is wrong', async (argv, message) => {
    const run = await runCaptured(argv, NOW);

    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});
