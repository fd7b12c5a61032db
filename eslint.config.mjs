// Lint with type information so promise misuse (a forgotten await) is caught.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'coverage/**',
      '.serverless/**',
      '.serverless-forwarder/**',
      '.serverless-org/**',
      '.venv/**',
      'node_modules/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The architecture's import rules (see the folder map in README.md): the domain is pure, use cases
  // depend on ports and the domain only, adapters never call a use case. Entry points (handlers,
  // CLI) and config wire everything.
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'boundaries/elements': [
        { type: 'domain', pattern: 'src/domain/**' },
        { type: 'ports', pattern: 'src/ports/**' },
        { type: 'use-cases', pattern: 'src/use-cases/**' },
        { type: 'adapters', pattern: 'src/adapters/**' },
        { type: 'handlers', pattern: 'src/handlers/**' },
        { type: 'cli', pattern: 'src/cli/**' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: 'domain' } },
              disallow: { to: { element: { types: { anyOf: ['ports', 'use-cases', 'adapters', 'handlers', 'cli'] } } } },
            },
            {
              from: { element: { type: 'ports' } },
              disallow: { to: { element: { types: { anyOf: ['use-cases', 'adapters', 'handlers', 'cli'] } } } },
            },
            {
              from: { element: { type: 'use-cases' } },
              disallow: { to: { element: { types: { anyOf: ['adapters', 'handlers', 'cli'] } } } },
            },
            {
              from: { element: { type: 'adapters' } },
              disallow: { to: { element: { types: { anyOf: ['use-cases', 'handlers', 'cli'] } } } },
            },
          ],
        },
      ],
    },
  },
  {
    // A source file a newcomer can hold in mind: split a longer one along its seams.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
  {
    // A double cast silences the compiler about a type it cannot prove: derive the type (a zod schema's
    // z.infer, a type guard) instead.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression > TSAsExpression.expression[typeAnnotation.type='TSUnknownKeyword']",
          message: 'No `as unknown as` in src/: derive the type from a schema (z.infer) or check it with a type guard.',
        },
      ],
    },
  },
  {
    // The SDK stays at the edge, and the deployed configuration is read by the entry points only.
    files: ['src/domain/**/*.ts', 'src/ports/**/*.ts', 'src/use-cases/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS SDK types belong in src/adapters/aws; use a port.' },
            { group: ['**/config'], message: 'Only handlers and the CLI read the configuration; pass settings in.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/config'], message: 'Only handlers and the CLI read the configuration; pass settings in.' }] },
      ],
    },
  },
);
