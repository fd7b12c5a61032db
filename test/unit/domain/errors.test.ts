// Error names are literals on each class (the code in reports and logs, and what the weekly state
// machine matches), so they survive a minifying bundler; errorCode() is the one way to get a code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { EventRejectedError } from '../../../src/adapters/aws/eventbridge-publisher';
import { OutputError, UsageError } from '../../../src/cli/errors';
import {
  CentralReportError,
  ConfigError,
  InvalidInputError,
  InvalidPolicyError,
  JanitorError,
  MergeError,
  PolicyWriteError,
  errorCode,
} from '../../../src/domain/errors';
import { StepInputError } from '../../../src/adapters/events/weekly-steps';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every error class of the project, by the name it must carry. */
const CLASSES = {
  JanitorError: () => new JanitorError('m'),
  InvalidPolicyError: () => new InvalidPolicyError('m', ['p']),
  MergeError: () => new MergeError('m'),
  InvalidInputError: () => new InvalidInputError('m'),
  ConfigError: () => new ConfigError('m'),
  CentralReportError: () => new CentralReportError('m'),
  PolicyWriteError: () => new PolicyWriteError('m', 'unknown', 'InternalServerException'),
  UsageError: () => new UsageError('m'),
  OutputError: () => new OutputError('m'),
  EventRejectedError: () => new EventRejectedError('m'),
  StepInputError: () => new StepInputError('m'),
};

describe('error classes', () => {
  it.each(Object.entries(CLASSES))('%s carries its own name', (name, make) => {
    const error = make();
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe(`${name}: ${error.message}`);
  });

  it('keep their names in a minified bundle that does not keep class names', () => {
    // Arrange: the classes bundled and minified as serverless-esbuild would, without keepNames.
    const entry = Object.entries({
      JanitorError: 'src/domain/errors',
      InvalidPolicyError: 'src/domain/errors',
      MergeError: 'src/domain/errors',
      InvalidInputError: 'src/domain/errors',
      ConfigError: 'src/domain/errors',
      CentralReportError: 'src/domain/errors',
      PolicyWriteError: 'src/domain/errors',
      UsageError: 'src/cli/errors',
      OutputError: 'src/cli/errors',
      StepInputError: 'src/adapters/events/weekly-steps',
    })
      .map(([name, file]) => `import { ${name} } from './${file}'; names.push([${JSON.stringify(name)}, new ${name}('m', [], 'c').name]);`)
      .join('\n');
    const out = buildSync({
      stdin: { contents: `const names = [];\n${entry}\nmodule.exports = names;`, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      minify: true,
      keepNames: false,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
    });
    const module = { exports: [] as Array<[string, string]> };

    // Act
    new Function('module', 'exports', 'require', out.outputFiles[0]?.text ?? '')(module, module.exports, require);

    // Assert: minification renamed the classes, not the names.
    expect(out.outputFiles[0]?.text).not.toContain('class InvalidInputError');
    expect(module.exports.length).toBe(10);
    for (const [expected, actual] of module.exports) expect(actual).toBe(expected);
  });

  it("are the names the weekly state machine's ErrorEquals matches", () => {
    const yml = readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');
    const matched = /ErrorEquals: \[(StepInputError, InvalidInputError)\]/.exec(yml)?.[1]?.split(', ');

    expect(matched).toEqual([new StepInputError('m').name, new InvalidInputError('m').name]);
  });
});

describe('errorCode', () => {
  it("gives a failed write's service code", () => {
    expect(errorCode(new PolicyWriteError('m', 'throttled', 'ThrottlingException'))).toBe('ThrottlingException');
  });

  it("gives an error's name: the SDK's service code, or the janitor's own", () => {
    const sdk = Object.assign(new Error('gone'), { name: 'RepositoryNotFoundException' });
    expect(errorCode(sdk)).toBe('RepositoryNotFoundException');
    expect(errorCode(new InvalidInputError('m'))).toBe('InvalidInputError');
  });

  it.each([['a string'], [{ name: 'NotAnError' }], [undefined]])('gives Error for %j, which is no Error', (thrown) => {
    expect(errorCode(thrown)).toBe('Error');
  });
});
