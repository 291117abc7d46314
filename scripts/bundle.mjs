// Bundles the compiled CLI (dist/cli/main.js and its dependencies) into one CommonJS file, dist/berth.cjs, and
// writes V8's code cache for it, dist/berth.cache, which bin/berth.js hands to vm.Script. Node's ES module loader
// pays per file (yaml alone was ~80 modules, ~125 ms of a ~360 ms `berth config`); one file took ~60 ms more to
// compile on every run, which the code cache saves (measured: loading the bundle 110 → 34 ms).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const outfile = new URL('../dist/berth.cjs', import.meta.url).pathname;

/**
 * spec/load.js (the whole stack loader: YAML, the schema's validator, merge, normalize) is evaluated when a stack is
 * first loaded, not when the bundle starts: `ps` or `up` on a stack the stack cache holds never loads one. Its two
 * importers (read.js, load-cache.js) only call loadStack, so they get a stand-in that requires it on that call.
 */
const lazyStackLoader = {
  name: 'lazy-stack-loader',
  setup(b) {
    b.onResolve({ filter: /^\.\/load\.js$/ }, (args) =>
      /\/dist\/spec\/(read|load-cache)\.js$/.test(args.importer)
        ? { path: 'dist/spec/load.js', namespace: 'lazy-stack-loader', pluginData: join(args.resolveDir, 'load.js') }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-stack-loader' }, (args) => ({
      contents: `let real;\nexport function loadStack(input) {\n  real ??= require(${JSON.stringify(args.pluginData)});\n  return real.loadStack(input);\n}\n`,
      resolveDir: dirname(args.pluginData),
      loader: 'js',
    }));
  },
};
await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // listr2 is loaded only when the tty progress display first draws (bundled, it cost ~10 ms on every start).
  // ink and react only when the dashboard draws, through bin/import-esm.js (src/cli/dashboard/load.ts says why).
  external: ['listr2', 'ink', 'react'],
  plugins: [lazyStackLoader],
  // ...through require (listr2 ships CommonJS too): a vm.Script has no loader for import() on Node 20.
  supported: { 'dynamic-import': false },
  // import.meta has no meaning in CommonJS; the one use (finding bin/berthd.js) gets the bundle's own URL.
  define: { 'import.meta.url': '__berthModuleUrl' },
  banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
writeFileSync(outfile, asciiOnly(lazyBuiltins(readFileSync(outfile, 'utf8'))));
execFileSync(process.execPath, [new URL('./code-cache.mjs', import.meta.url).pathname], { stdio: 'inherit' });

/**
 * Node's own modules that its bootstrap has not loaded already (fs, path, events, url, util are) cost 1-8 ms each to
 * load (http with net and stream ~8, crypto ~5, child_process ~4), and the bundle required all of them when its
 * modules were evaluated, so `berth --version` paid for http and `berth ps` for child_process. Each
 * `var x = require("node:m");` (or `x = require(...)` in a module esbuild evaluates on first use; its form for a named
 * or namespace import, used only as `x.name`) becomes a proxy that requires the module on its first property read.
 * The line count stays, so the source map still holds.
 */
function lazyBuiltins(code) {
  const lazy =
    /^(\s*(?:var )?)([\w$]+) = require\("(?:node:)?(child_process|crypto|fs\/promises|http|https|net|os|perf_hooks|readline|stream|stream\/promises|string_decoder|tty|v8|zlib)"\);$/gm;
  const helper =
    'var __lazyBuiltin = (id) => { let m; const get = () => (m ??= require(id)); ' +
    'return new Proxy({}, { get: (_, k) => get()[k], has: (_, k) => k in get(), ' +
    'ownKeys: () => Reflect.ownKeys(get()), getOwnPropertyDescriptor: (_, k) => { ' +
    'const d = Reflect.getOwnPropertyDescriptor(get(), k); return d && { ...d, configurable: true }; } }); };';
  const out = code.replace(lazy, (_, lead, name, id) => `${lead}${name} = __lazyBuiltin("node:${id}");`);
  // after the banner's line, so that line numbers below it move by none: the helper shares the first line
  const nl = out.indexOf('\n');
  return `${out.slice(0, nl)} ${helper}${out.slice(nl)}`;
}

/**
 * bin/load-bundle.js reads the bundle as latin1, which is a copy where UTF-8 has to be decoded (1.3 MB: ~0.4 against
 * ~4 ms). esbuild escapes what is not ASCII in strings but not in regular expression literals (`µs` in a duration
 * pattern), so the few left (and any control character but tab and newlines) become \u escapes, which mean the same
 * in a string, a template and a pattern.
 */
function asciiOnly(code) {
  return code.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
