// The stack's parameter defaults (serverless.yml `params.default`): PARAMETER_DEFAULTS of src/config/parameters.ts,
// made from the named defaults of src/domain/defaults.ts, so the stack, the functions and the CLI
// start from the same numbers.
const loadConfigModule = require('./lib/load-config.cjs');

module.exports = () => ({ ...loadConfigModule().PARAMETER_DEFAULTS });
