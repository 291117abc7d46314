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
// The convert and swarm blocks (from main) spread this; plan-union's rules above use the paths directly.
const pureCore = { paths: pureCorePaths };
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
              group: ['**/spec/**', '**/planner/**', '**/cli/**'],
              message: 'the engine never imports spec, planner or the CLI',
            },
          ],
        },
      ],
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
