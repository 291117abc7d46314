// Lint rules, including the layering of house-style 3.1: spec is pure and imports no other layer; the planner
// sees only the engine client's types; the engine never imports spec or planner; the CLI never imports berthd.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCore = {
  paths: [
    { name: 'node:fs', message: 'src/spec is pure: only src/spec/read.ts reads files' },
    { name: 'node:child_process', message: 'src/spec and src/planner are pure' },
    { name: 'node:net', message: 'src/spec and src/planner are pure' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'src/spec/schema/compiled.js',
      'src/engine/api/schemas/compiled.js',
      'bench/out/',
      // The showcase's Angular app follows Angular's conventions (constructor injection needs its value imports),
      // not berth's; it is checked by its own build (`ng build` in its image).
      'examples/angular-laravel-mysql/web/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/spec/**/*.ts'],
    ignores: ['src/spec/read.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pureCore,
          patterns: [
            { group: ['**/planner/**', '**/engine/**', '**/cli/**'], message: 'src/spec imports no other layer' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/spec is pure: the environment comes in LoadInput' },
      ],
    },
  },
  {
    files: ['src/planner/**/*.ts'],
    ignores: ['src/planner/apply.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { ...pureCore, patterns: [{ group: ['**/cli/**'], message: 'the planner does not import the CLI' }] },
      ],
    },
  },
  {
    // The Kubernetes conversion is pure like the core: src/cli/commands/convert.ts reads the files and prints.
    files: ['src/convert/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pureCore,
          patterns: [{ group: ['**/planner/**', '**/engine/**', '**/cli/**'], message: 'src/convert is pure' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/convert is pure: the environment comes in ConvertInput' },
        { name: 'setTimeout', message: 'src/convert is pure' },
        { name: 'Date', message: 'src/convert is pure' },
      ],
    },
  },
  {
    // The swarm planner (house style 3.1, enforced): no IO, no process, no timers, only the types of src/client.
    files: ['src/planner/swarm/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pureCore,
          patterns: [
            { group: ['**/cli/**'], message: 'the planner does not import the CLI' },
            {
              group: ['**/client/**'],
              allowTypeImports: true,
              message: 'the planner imports only types from src/client',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'the planner is pure: the caller passes data in' },
        { name: 'setTimeout', message: 'the planner is pure: no timers' },
        { name: 'setInterval', message: 'the planner is pure: no timers' },
        { name: 'Date', message: 'the planner is pure: the caller passes times in' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/spec/**', '**/planner/**', '**/cli/**', '**/client/**'],
              message:
                'berthd never imports spec, planner, the CLI or the client (what both sides speak is in src/shared)',
            },
          ],
        },
      ],
    },
  },
  {
    // What the client and berthd both speak: it depends on neither side.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/spec/**', '**/planner/**', '**/cli/**', '**/client/**', '**/engine/**'],
              message: 'src/shared imports no layer: it is what the client and berthd both use',
            },
          ],
        },
      ],
    },
  },
  {
    // House style 3.7: a file does one job and a function reads in one sitting. Blank and comment lines count too
    // (skipBlankLines/skipComments off): a file long in comments is long to read. Generated files are exempt.
    files: ['src/engine/**/*.ts', 'src/spec/**/*.ts'],
    ignores: ['**/*.generated.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/*', '!**/engine/client', '**/engine/*/**', '!**/engine/client/**'],
              message: 'the CLI reaches an engine only through src/engine/client',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // The launchers are CommonJS (bin/package.json): Node's ES module loader would add ~5 ms to every start.
    files: ['bin/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
