// Lint rules, including the layering of house-style 3.1: spec is pure and imports no other layer; the planner
// sees only the engine client's types; the engine never imports spec or planner; the CLI never imports berthd.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// House style 3.1: src/spec and src/planner are the functional core. Outside their one shell file each
// (spec/read.ts, planner/apply.ts) they do no IO, read no clock, environment or timer, and see the engine client
// only as types. test/lint/layering.test.ts proves each rule fires.
const IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'os',
  'dgram',
  'dns',
  'dns/promises',
  'tls',
  'worker_threads',
  'cluster',
  'readline',
  'process',
  'timers',
  'timers/promises',
  'inspector',
  'v8',
  'vm',
];
const pureCorePaths = IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
  name,
  message: 'src/spec and src/planner are pure: IO belongs in spec/read.ts, planner/apply.ts or the CLI',
}));
const clientTypesOnly = {
  group: ['**/client/*', '**/client/**'],
  allowTypeImports: true,
  message: 'the core sees the engine client only as types (`import type`); planner/apply.ts runs a plan',
};
const pureCoreRules = (layers) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { paths: pureCorePaths, patterns: [clientTypesOnly, ...layers] },
  ],
  'no-restricted-globals': [
    'error',
    ...['process', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'].map(
      (name) => ({ name, message: `src/spec and src/planner are pure: no ${name}; the shell passes what it gives` }),
    ),
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "MemberExpression[object.name='Date'][property.name='now']",
      message: 'src/spec and src/planner are pure: the time comes in the input (`now`)',
    },
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'src/spec and src/planner are pure: the time comes in the input (`now`)',
    },
    {
      selector: "MemberExpression[object.name='Math'][property.name='random']",
      message: 'src/spec and src/planner are pure: randomness comes in the input',
    },
  ],
});

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
    rules: pureCoreRules([
      {
        group: ['**/planner/*', '**/planner/**', '**/engine/*', '**/engine/**', '**/cli/*', '**/cli/**'],
        message: 'src/spec imports no other layer',
      },
    ]),
  },
  {
    files: ['src/planner/**/*.ts'],
    ignores: ['src/planner/apply.ts'],
    rules: pureCoreRules([
      {
        group: ['**/cli/*', '**/cli/**', '**/engine/*', '**/engine/**'],
        message: 'the planner imports neither the CLI nor berthd',
      },
    ]),
  },
  {
    // The Kubernetes conversion is pure like the core: src/cli/commands/convert.ts reads the files and prints.
    files: ['src/convert/**/*.ts'],
    rules: pureCoreRules([
      {
        group: ['**/planner/*', '**/planner/**', '**/engine/*', '**/engine/**', '**/cli/*', '**/cli/**'],
        message: 'src/convert is pure and imports only the stack model',
      },
    ]),
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
    files: ['src/**/*.ts'],
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
              group: ['**/engine/*', '**/engine/*/**'],
              message: 'the CLI reaches an engine only through src/client, never through berthd modules',
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
