// Bundles the CLI (and the demo generator, the local emulator and the benchmarks) into self-contained
// CommonJS files under dist/.
import { build } from 'esbuild';
import { chmod, readdir } from 'node:fs/promises';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: false,
  logLevel: 'warning',
  mainFields: ['module', 'main'],
};

await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
await chmod('dist/cli.js', 0o755);

await build({ ...common, entryPoints: ['scripts/make-demo-snapshot.ts'], outfile: 'dist/make-demo-snapshot.js' });
await build({ ...common, entryPoints: ['scripts/emulator/main.ts'], outfile: 'dist/emulator.js' });
await build({ ...common, entryPoints: ['scripts/make-demo-history.ts'], outfile: 'dist/make-demo-history.js' });
await build({ ...common, entryPoints: ['scripts/make-demo-week.ts'], outfile: 'dist/make-demo-week.js' });
await build({ ...common, entryPoints: ['scripts/race/main.ts'], outfile: 'dist/race.js' });

const benches = (await readdir('scripts/bench')).filter((f) => f.endsWith('.ts'));
await build({ ...common, entryPoints: benches.map((f) => `scripts/bench/${f}`), outdir: 'dist/bench' });
