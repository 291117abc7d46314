// Bundles the compiled CLI (dist/cli/main.js and its dependencies) into one file, dist/berth.mjs. Node's ES module
// loader pays per file: yaml alone is ~80 modules and took ~125 ms of a ~360 ms `berth config`; one file takes ~60.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outfile: new URL('../dist/berth.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Loaded with import() by the tty progress display only: left out, so the ~200 KB of listr2 and its dependencies
  // are not parsed on every start (about 10 ms of `berth --help`).
  external: ['listr2'],
  // Some bundled CommonJS (ajv's runtime helpers) calls require(); give the ES module a real one.
  banner: {
    js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);",
  },
});
