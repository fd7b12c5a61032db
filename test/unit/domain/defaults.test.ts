// One set of numbers: the stack's parameter defaults (serverless.yml, through
// scripts/serverless-defaults.cjs), the configuration of an unset variable (src/config/janitor.ts) and the
// CLI's flag defaults all come from src/domain/defaults.ts and agree with each other.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/program';
import { PARAMETER_DEFAULTS, loadConfig, loadWeeklyRunParameters } from '../../../src/config';
import * as defaults from '../../../src/domain/defaults';
import { readPricePerGbMonth } from '../../../src/domain/money';
import { recordingContext } from '../../support/cli-context';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVERLESS_YML = readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the script is CommonJS, as the framework loads it
const stackDefaults = require(path.join(ROOT, 'scripts', 'serverless-defaults.cjs')) as () => Record<string, string>;

/** `NAME: ${param:name}` of the functions' environment in serverless.yml: which variable each parameter sets. */
function environmentParameters(): Map<string, string> {
  const environment = /\n {2}environment:\n((?: {4}.*\n)+)/.exec(SERVERLESS_YML)?.[1] ?? '';
  return new Map([...environment.matchAll(/^ {4}([A-Z_]+): \$\{param:(\w+)\}$/gm)].map((m) => [m[1] as string, m[2] as string]));
}

/** A command's options by attribute name, with their default values. */
function flagDefaults(command: string): Map<string, unknown> {
  const program = buildProgram(recordingContext(0));
  const found = program.commands.find((c: Command) => c.name() === command);
  if (found === undefined) throw new Error(`no command ${command}`);
  return new Map(found.options.map((option) => [option.attributeName(), option.defaultValue as unknown]));
}

describe('the named defaults', () => {
  describe("the stack's parameter defaults", () => {
    it('are what serverless.yml takes as params.default', () => {
      expect(SERVERLESS_YML).toMatch(/^params:\n {2}default: \$\{file\(\.\/scripts\/serverless-defaults\.cjs\)\}\n/m);
      expect(stackDefaults()).toEqual(PARAMETER_DEFAULTS);
    });

    it('name every parameter serverless.yml uses, and no other', () => {
      // `${param:NAME}` in the template, `param:NAME` and `param('NAME')` in the variable sources it loads.
      const sources = ['serverless-params.cjs', 'serverless-stack.cjs'].map((f) => readFileSync(path.join(ROOT, 'scripts', f), 'utf8'));
      const used = new Set(
        [SERVERLESS_YML, ...sources].flatMap((text) => [...text.matchAll(/param:(\w+)|\bparam\('(\w+)'\)/g)].map((m) => m[1] ?? m[2])),
      );

      expect([...used].sort()).toEqual(Object.keys(PARAMETER_DEFAULTS).sort());
    });

    it('are the named numbers, written as the framework passes them', () => {
      expect(PARAMETER_DEFAULTS).toMatchObject({
        defaultDays: String(defaults.DEFAULT_UNTAGGED_DAYS),
        schedule: defaults.DEFAULT_SCHEDULE,
        batchSize: String(defaults.DEFAULT_BATCH_SIZE),
        workers: String(defaults.DEFAULT_WORKERS),
        toleratedFailurePercent: String(defaults.DEFAULT_TOLERATED_FAILURE_PERCENT),
        eventHandlerConcurrency: String(defaults.DEFAULT_EVENT_HANDLER_CONCURRENCY),
        concurrency: String(defaults.DEFAULT_CONCURRENCY),
      });
      expect(readPricePerGbMonth(PARAMETER_DEFAULTS.pricePerGbMonth)).toEqual({
        ok: true,
        usdPerGbMonth: defaults.DEFAULT_PRICE_PER_GB_MONTH,
      });
    });
  });

  describe("the README's configuration table", () => {
    it('lists every parameter with its default', () => {
      const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
      const table = /\n## Configuration\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
      const rows = [...table.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map((m) => [m[1] as string, (m[2] as string).trim()]);
      // A default in backticks is the value itself; "none" (or "the deploy region") is an empty parameter.
      const documented = Object.fromEntries(rows.map(([name, cell]) => [name, /^`(.*)`$/.exec(cell ?? '')?.[1] ?? '']));

      expect(documented).toEqual(PARAMETER_DEFAULTS);
    });
  });

  describe('the configuration', () => {
    it('reads a function deployed with every default as one whose variables are unset', () => {
      const fromStack = Object.fromEntries(
        [...environmentParameters()].map(([variable, param]) => [variable, PARAMETER_DEFAULTS[param as keyof typeof PARAMETER_DEFAULTS]]),
      );
      expect(Object.keys(fromStack).length).toBeGreaterThan(15);

      expect(loadConfig({ ...fromStack, AWS_REGION: 'eu-west-1' })).toEqual(loadConfig({ AWS_REGION: 'eu-west-1' }));
    });

    it('takes the named numbers for unset variables', () => {
      expect(loadConfig({ AWS_REGION: 'eu-west-1' })).toMatchObject({
        defaultDays: defaults.DEFAULT_UNTAGGED_DAYS,
        dryRun: defaults.DEFAULT_DRY_RUN,
        optOutTag: defaults.DEFAULT_OPT_OUT_TAG,
        pricePerGbMonth: defaults.DEFAULT_PRICE_PER_GB_MONTH,
        concurrency: defaults.DEFAULT_CONCURRENCY,
        connectionTimeoutMs: defaults.DEFAULT_CONNECTION_TIMEOUT_MS,
        requestTimeoutMs: defaults.DEFAULT_REQUEST_TIMEOUT_MS,
        reportBus: defaults.DEFAULT_REPORT_BUS,
        archiveAfterDays: defaults.DEFAULT_ARCHIVE_AFTER_DAYS,
        guard: defaults.DEFAULT_GUARD,
        guardHorizonDays: defaults.DEFAULT_GUARD_HORIZON_DAYS,
        bulkTags: defaults.DEFAULT_BULK_TAGS,
      });
      expect(loadWeeklyRunParameters({ batchSize: '', workers: '', toleratedFailurePercent: '' })).toEqual({
        batchSize: defaults.DEFAULT_BATCH_SIZE,
        workers: defaults.DEFAULT_WORKERS,
        toleratedFailurePercent: defaults.DEFAULT_TOLERATED_FAILURE_PERCENT,
      });
    });
  });

  describe("the CLI's flags", () => {
    it('default to what the deployed functions use', () => {
      const config = loadConfig({ AWS_REGION: 'eu-west-1' });
      const audit = flagDefaults('audit');

      expect(Object.fromEntries(audit)).toMatchObject({
        days: config.defaultDays,
        optOutTag: config.optOutTag,
        pricePerGbMonth: config.pricePerGbMonth,
        concurrency: config.concurrency,
        connectTimeout: config.connectionTimeoutMs,
        requestTimeout: config.requestTimeoutMs,
        archiveAfterDays: config.archiveAfterDays,
        guard: config.guard,
        guardHorizonDays: config.guardHorizonDays,
        maxUntaggedDays: defaults.DEFAULT_LINT_MAX_UNTAGGED_DAYS,
        maxAttempts: defaults.DEFAULT_MAX_ATTEMPTS,
        retryMode: defaults.DEFAULT_RETRY_MODE,
        progressInterval: defaults.DEFAULT_PROGRESS_INTERVAL_SECONDS,
      });
    });

    it("of the weekly run default to the state machine's", () => {
      const weekly = flagDefaults('weekly');
      const machine = loadWeeklyRunParameters({ batchSize: '', workers: '', toleratedFailurePercent: '' });

      expect(weekly.get('batchSize')).toBe(machine.batchSize);
      expect(weekly.get('workers')).toBe(machine.workers);
      expect(weekly.get('days')).toBe(loadConfig({ AWS_REGION: 'eu-west-1' }).defaultDays);
    });
  });
});
