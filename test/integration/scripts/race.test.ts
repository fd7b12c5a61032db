// `npm run race` (scripts/race) on the integration tests' moto server, every setup of the table, small:
// the invariants must hold whatever the timings were. The race runs as it ships, bundled, in a process
// of its own (its world and its repair run in worker threads of that bundle).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { RaceResult } from '../../../scripts/race/harness';
import { motoEndpoint } from '../support/moto';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface RaceLine {
  lostTeamWrites: number;
  overwrites: number;
  repairedOverwrites: number;
  targetsMet: boolean;
  setups: RaceResult[];
}

describe('the write race (moto behind a fault-injecting proxy)', () => {
  let dir: string;
  let line: RaceLine;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecr-janitor-race-'));
    const script = path.join(dir, 'race.js');
    await build({
      entryPoints: [path.join(ROOT, 'scripts/race/main.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      mainFields: ['module', 'main'],
      logLevel: 'warning',
    });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [script, '--endpoint', motoEndpoint(), '--repositories', '8', '--seconds', '6', '--seed', '7'],
      { cwd: ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 240_000 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    line = JSON.parse(lines[0] ?? '') as RaceLine;
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('races in every setup of the table', () => {
    expect(line.setups.map((s) => s.setup)).toEqual([
      'no faults',
      '50% of puts throttled',
      '30% of responses dropped',
      '50% of puts held 2.5 s, landing late',
      '50% throttled, the repair throttled too',
    ]);
    for (const setup of line.setups) {
      expect(setup.teamWrites).toBeGreaterThan(8);
      expect(setup.janitorWrites).toBeGreaterThan(0);
    }
  });

  it('loses no team write in any setup', () => {
    expect(line.setups.map((s) => [s.setup, s.lostTeamWrites])).toEqual(line.setups.map((s) => [s.setup, 0]));
  });

  it("repairs every overwrite, unless the team's next write replaced it first", () => {
    for (const s of line.setups) expect([s.setup, s.repairedOverwrites + s.supersededOverwrites]).toEqual([s.setup, s.overwrites]);
  });

  it('writes no repository again in a run after a write of that run whose answer was lost', () => {
    for (const s of line.setups) expect([s.setup, s.writesAfterUnknownOutcome]).toEqual([s.setup, 0]);
  });

  it('gives up no event, and fails no repository', () => {
    for (const s of line.setups) expect([s.setup, s.deadLettered, s.outcomes.failed ?? 0]).toEqual([s.setup, 0, 0]);
  });

  it('exercised the faults: held writes ended as unknown outcomes and landed late over team writes, which the repair put back', () => {
    const held = line.setups.find((s) => s.setup.includes('held'));
    expect(held?.outcomes['unknown-outcome']).toBeGreaterThan(0);
    expect(held?.overwrites).toBeGreaterThan(0);
    expect(held?.repairedOverwrites).toBeGreaterThan(0);
  });
});
