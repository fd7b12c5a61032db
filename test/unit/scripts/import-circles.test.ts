// The import-circle check of `npm run lint` (.dependency-cruiser.cjs): it refuses a circle, type-only
// imports included, and accepts the same files once the circle is cut.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIR = path.join('test-artifacts', 'import-circles');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');

/** Writes the files under DIR and runs the check on them; returns its exit status and output. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  rmSync(path.join(ROOT, DIR), { recursive: true, force: true });
  mkdirSync(path.join(ROOT, DIR), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(ROOT, DIR, name), text);
  const run = spawnSync(process.execPath, [DEPCRUISE, '--config', '.dependency-cruiser.cjs', DIR], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

afterAll(() => rmSync(path.join(ROOT, DIR), { recursive: true, force: true }));

describe('the import-circle check', () => {
  it('refuses files that import each other, even when one import is of types only', () => {
    const { status, output } = check({
      'groups.ts': "import { total } from './report';\nexport interface Group { n: number }\nexport const sum = total;\n",
      'report.ts': "import type { Group } from './groups';\nexport const total = (groups: Group[]) => groups.length;\n",
    });

    expect(status).not.toBe(0);
    expect(output).toContain('no-circular');
    expect(output).toContain('groups.ts');
  });

  it('accepts them once the shared type lives where both can import it', () => {
    const { status, output } = check({
      'groups.ts': "import { total } from './report';\nexport const sum = total;\n",
      'report.ts': 'export interface Group { n: number }\nexport const total = (groups: Group[]) => groups.length;\n',
    });

    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });
});
