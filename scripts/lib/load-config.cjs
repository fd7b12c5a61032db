// Loads src/config/index.ts (bundled in memory with esbuild) for the framework's variable sources, which are
// CommonJS and run before anything is built. Bundled once per process: the framework asks several times.
const { buildSync } = require('esbuild');
const path = require('node:path');

let loaded;

/** The exports of src/config: loadConfig, loadWeeklyRunParameters, PARAMETER_DEFAULTS, … */
module.exports = function loadConfigModule() {
  if (loaded === undefined) {
    const out = buildSync({
      entryPoints: [path.join(__dirname, '..', '..', 'src', 'config', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
    });
    const module = { exports: {} };
    new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
    loaded = module.exports;
  }
  return loaded;
};
