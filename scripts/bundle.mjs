// Bundles the compiled CLI (dist/cli/main.js and its dependencies) into one CommonJS file, dist/berth.cjs, and
// writes V8's code cache for it, dist/berth.cache, which bin/berth.js hands to vm.Script. Node's ES module loader
// pays per file (yaml alone was ~80 modules, ~125 ms of a ~360 ms `berth config`); one file took ~60 ms more to
// compile on every run, which the code cache saves (measured: loading the bundle 110 → 34 ms).
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outfile: new URL('../dist/berth.cjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // listr2 is loaded only when the tty progress display first draws (bundled, it cost ~10 ms on every start).
  // ink and react only when the dashboard draws, through bin/import-esm.js (src/cli/dashboard/load.ts says why).
  external: ['listr2', 'ink', 'react'],
  // ...through require (listr2 ships CommonJS too): a vm.Script has no loader for import() on Node 20.
  supported: { 'dynamic-import': false },
  // import.meta has no meaning in CommonJS; the one use (finding bin/berthd.js) gets the bundle's own URL.
  define: { 'import.meta.url': '__berthModuleUrl' },
  banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
execFileSync(process.execPath, [new URL('./code-cache.mjs', import.meta.url).pathname], { stdio: 'inherit' });
