// Tests mirror src/: every source module with logic has a test file of its own name, so whoever
// changes a module finds its tests without searching. A test file of its own name is
// - test/unit/<the module's folder under src>/<name>.test.ts, or <name>.<kind>.test.ts (kind: properties, browser …);
// - or test/integration/<folder>/<name>.test.ts (or .<kind>.test.ts) where <folder> is the module's folder or one
//   above it within its layer: the integration tests are grouped by entry point (test/integration/cli/audit.test.ts
//   runs src/cli/commands/audit.ts), not by module.
// A test elsewhere with the same name does not count: test/unit/adapters/render/format.test.ts says nothing
// of src/adapters/snapshot/format.ts.
// A module has logic when its compiled JavaScript holds anything but imports and re-exports: ports and
// type modules compile to nothing and need no test.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Modules whose logic is proven by a test of another name, each with that test file. Keep it short:
 * an entry belongs here only when a test of the module's own name would repeat that test (a barrel
 * whose re-exports compute something, say). The check below holds each entry to its word.
 */
const PROVEN_BY_A_TEST_OF_ANOTHER_NAME: Readonly<Record<string, string>> = {};

/** Every file under `dir` (relative to ROOT, with forward slashes). */
function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * Whether a TypeScript module holds logic: its JavaScript, as the compiler emits it, has a statement
 * other than an import or an export of names from elsewhere (`export {}` included).
 */
function hasLogic(source: string): boolean {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const emitted = ts.createSourceFile('emitted.js', js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  return emitted.statements.some((s) => !ts.isImportDeclaration(s) && !ts.isExportDeclaration(s) && !ts.isEmptyStatement(s));
}

/** `name` and the folder under test/unit or test/integration of a test file; undefined for other files. */
function testedName(testFile: string): { kind: 'unit' | 'integration'; folder: string[]; name: string } | undefined {
  const match = /^test\/(unit|integration)\/(?:(.+)\/)?([^./]+)(?:\.[a-z-]+)?\.test\.ts$/.exec(testFile);
  if (match === null) return undefined;
  return { kind: match[1] as 'unit' | 'integration', folder: match[2]?.split('/') ?? [], name: match[3] ?? '' };
}

/** The tests among `testFiles` of the module `module` (a path under src/). */
function testsOf(module: string, testFiles: readonly string[]): string[] {
  const parts = module
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .split('/');
  const name = parts.pop();
  const folder = parts;
  return testFiles.filter((file) => {
    const test = testedName(file);
    if (test === undefined || test.name !== name) return false;
    if (test.kind === 'unit') return test.folder.join('/') === folder.join('/');
    // An integration test in the module's folder or one above it, within its layer (not at the root of test/integration, unless the module is).
    const within = test.folder.every((part, i) => folder[i] === part);
    return within && (test.folder.length > 0 || folder.length === 0);
  });
}

/** The test file to create for a module: its mirror under test/unit. */
function mirrorOf(module: string): string {
  return module.replace(/^src\//, 'test/unit/').replace(/\.ts$/, '.test.ts');
}

const sources = filesUnder('src').filter((file) => file.endsWith('.ts'));
const tests = filesUnder('test').filter((file) => file.endsWith('.test.ts'));
const withLogic = sources.filter((file) => hasLogic(readFileSync(path.join(ROOT, file), 'utf8')));

describe('tests mirror src', () => {
  it('finds the source modules and their tests', () => {
    // A wrong root or pattern would make every check below pass on nothing.
    expect(withLogic.length).toBeGreaterThan(50);
    expect(testsOf('src/domain/graph.ts', tests)).toEqual(['test/unit/domain/graph.properties.test.ts', 'test/unit/domain/graph.test.ts']);
  });

  it('every source module with logic has a test file of its own name', () => {
    // Act
    const missing = withLogic.filter((module) => testsOf(module, tests).length === 0 && !(module in PROVEN_BY_A_TEST_OF_ANOTHER_NAME));

    // Assert
    expect(missing.map((module) => `${module}: create ${mirrorOf(module)}`)).toEqual([]);
  });

  it('PROVEN_BY_A_TEST_OF_ANOTHER_NAME names modules with logic, without a test of their own name, each with a test that imports it', () => {
    // Act
    const wrong = Object.entries(PROVEN_BY_A_TEST_OF_ANOTHER_NAME).flatMap(([module, test]) => {
      if (!withLogic.includes(module)) return [`${module}: no module with logic of that name`];
      if (testsOf(module, tests).length > 0) return [`${module}: has a test of its own name; remove the entry`];
      if (!tests.includes(test)) return [`${module}: its test ${test} does not exist`];
      const imported = path.relative(path.dirname(path.join(ROOT, test)), path.join(ROOT, module)).replace(/\.ts$/, '');
      return readFileSync(path.join(ROOT, test), 'utf8').includes(`'${imported}'`) ? [] : [`${module}: ${test} does not import it`];
    });

    // Assert
    expect(wrong).toEqual([]);
  });

  describe('hasLogic', () => {
    it.each([
      ['an interface and a type', 'export interface Port { read(): Promise<string> }\nexport type Id = string;\n'],
      ['type-only imports and re-exports', "import type { A } from './a';\nexport type { A };\nexport type B = A[];\n"],
      ['a barrel of re-exports', "export * from './a';\nexport { b, type C } from './b';\n"],
      ['declarations only', 'declare const VERSION: string;\nexport declare function f(): void;\n'],
      ['nothing', '// a comment\n'],
    ])('finds none in %s', (_name, source) => {
      expect(hasLogic(source)).toBe(false);
    });

    it.each([
      ['a function', 'export function f(): number { return 1; }\n'],
      ['a constant', 'export const LIMIT = 50;\n'],
      ['a class', 'export class E extends Error {}\n'],
      ['an enum', 'export enum Kind { A, B }\n'],
      ['a constant beside re-exports', "export * from './a';\nexport const DEFAULT = 'x';\n"],
      ['a statement run on import', "import { register } from './r';\nregister('x');\n"],
    ])('finds it in %s', (_name, source) => {
      expect(hasLogic(source)).toBe(true);
    });
  });

  describe('testsOf', () => {
    const files = [
      'test/unit/domain/graph.test.ts',
      'test/unit/domain/graph.properties.test.ts',
      'test/unit/adapters/render/format.test.ts',
      'test/unit/adapters/render/html/page.browser.test.ts',
      'test/unit/domain/policy/validate.test.ts',
      'test/integration/cli/audit.test.ts',
      'test/integration/handlers/weekly.test.ts',
      'test/integration/in-use.test.ts',
      'test/unit/support/fake-registry.ts',
    ];

    it.each([
      ['src/domain/graph.ts', ['test/unit/domain/graph.test.ts', 'test/unit/domain/graph.properties.test.ts']],
      ['src/adapters/render/format.ts', ['test/unit/adapters/render/format.test.ts']],
      ['src/adapters/render/html/page.ts', ['test/unit/adapters/render/html/page.browser.test.ts']],
      ['src/cli/commands/audit.ts', ['test/integration/cli/audit.test.ts']],
    ])('finds the tests of %s', (module, expected) => {
      expect(testsOf(module, files)).toEqual(expected);
    });

    it.each([
      ['a unit test of that name in another folder', 'src/adapters/snapshot/format.ts'],
      ['a unit test of that name in a folder above', 'src/domain/advice/graph.ts'],
      ['a unit test of that name in a folder below', 'src/domain/validate.ts'],
      ['an integration test of that name in another layer', 'src/domain/weekly.ts'],
      ['an integration test of that name at the root of test/integration', 'src/use-cases/in-use.ts'],
      ['a support file of that name', 'src/support/fake-registry.ts'],
    ])('does not count %s', (_name, module) => {
      expect(testsOf(module, files)).toEqual([]);
    });
  });
});
