// scripts/moto.sh's first install, run against a stand-in Python (no PyPI, no virtual environment):
// what a fresh clone prints while the emulator installs, and that a second run is silent.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');

/**
 * A Python that answers only what moto.sh asks: its version, `-m venv` (copies itself as the venv's
 * python), `-m pip install` (pip's own lines, then marks moto as installed, or fails when PIP_FAILS
 * is set) and the imports that check the install.
 */
const FAKE_PYTHON = `#!/usr/bin/env bash
here="$(cd "$(dirname "$0")" && pwd)"
case "$1 $2" in
  "-c import sys; print(sys.version)") echo "3.12.0 (stand-in)" ;;
  "-c import sys") exit 0 ;;
  "-c import moto.server") [[ -f "$here/../moto-installed" ]] ;;
  -c\\ import\\ importlib*) [[ -f "$here/../moto-installed" ]] ;;
  "-m venv") mkdir -p "$4/bin" && cp "$0" "$4/bin/python" ;;
  "-m pip")
    if [[ -n "\${PIP_FAILS:-}" ]]; then echo "ERROR: No matching distribution found for moto[server]==5.2.5" >&2; exit 1; fi
    echo "Collecting moto==5.2.5 (from moto[server]==5.2.5->-r requirements-dev.txt (line 4))"
    echo "  Downloading moto-5.2.5-py3-none-any.whl.metadata (12 kB)"
    echo "Collecting cfn-lint==1.58.0"
    echo "Installing collected packages: moto, cfn-lint"
    echo "Successfully installed cfn-lint-1.58.0 moto-5.2.5"
    touch "$here/../moto-installed" ;;
  *) echo "stand-in python: unexpected $*" >&2; exit 9 ;;
esac
`;

describe('scripts/moto.sh install', () => {
  let dir: string;

  function run(env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
    const result = spawnSync('bash', [path.join(dir, 'scripts/moto.sh'), 'install'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', TMPDIR: dir, PYTHON: path.join(dir, 'python'), ...env },
    });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecr-janitor-moto-'));
    mkdirSync(path.join(dir, 'scripts'));
    for (const file of ['moto.sh', 'requirements-dev.txt']) copyFileSync(path.join(ROOT, 'scripts', file), path.join(dir, 'scripts', file));
    writeFileSync(path.join(dir, 'python'), FAKE_PYTHON);
    chmodSync(path.join(dir, 'python'), 0o755);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says on the first run what it installs and for how long, then each package pip fetches, and how long it took', () => {
    const first = run();

    expect(first.status).toBe(0);
    expect(first.stdout).toBe('');
    const lines = first.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `moto.sh: first run: installing the local AWS emulator and the template linter (moto[server]==5.2.5 cfn-lint==1.58.0) from PyPI into ${dir}/.venv; this happens once per clone and takes 1 to 3 minutes`,
    );
    expect(lines.slice(1, -1)).toEqual([
      'moto.sh: creating the virtual environment',
      'moto.sh: pip: Collecting moto==5.2.5',
      'moto.sh: pip: Collecting cfn-lint==1.58.0',
      'moto.sh: pip: Successfully installed the packages',
    ]);
    expect(lines.at(-1)).toMatch(/^moto\.sh: installed in \d+ s$/);
  });

  it('says nothing on a later run, when the pinned versions are installed', () => {
    expect(run().status).toBe(0);

    expect(run()).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it("fails with pip's own error and records no install when pip fails", () => {
    const failed = run({ PIP_FAILS: '1' });

    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('ERROR: No matching distribution found for moto[server]==5.2.5');
    expect(failed.stderr).not.toContain('installed in');
    expect(existsSync(path.join(dir, '.venv/.requirements.sha256'))).toBe(false);
  });
});
