#!/usr/bin/env node
// Checks that `berth config` prints the same bytes as another build of berth, on every file of the Compose corpus
// (../shared/corpus, as test/spec/corpus.test.ts) and on bench/gen-stack.mjs's 500-service stack: stdout, stderr
// and exit code of config, config --format json, -q, --services, --profiles, --images and --hash '*'. This build
// runs each twice with an empty stack cache, so both the first run (which fills the cache) and the second (which
// is served from it) are compared. Both builds run in this process, from their bundles (dist/berth.cjs).
//
//   node bench/config-same.mjs OTHER_ROOT     e.g. a copy of bin/ and dist/ made before a change
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStack } from './gen-stack.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const other = process.argv[2];
if (!other) {
  console.error('usage: node bench/config-same.mjs OTHER_ROOT (a berth folder with bin/ and a built dist/)');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const bundle = (dir) =>
  require(join(resolve(dir), 'bin', 'load-bundle.js')).loadBundle(join(resolve(dir), 'dist', 'berth.cjs')).exports;
const before = bundle(other);
const after = bundle(root);

const corpus = resolve(process.env.BERTH_CORPUS ?? join(root, '..', '..', 'shared', 'corpus'));
const cache = mkdtempSync(join(tmpdir(), 'berth-config-same-'));
const env = { HOME: '/root', XDG_CACHE_HOME: cache };

async function run(cli, cwd, argv) {
  let out = '';
  let err = '';
  const ctx = { cwd, env, stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: () => '' };
  const code = await cli.main(argv, ctx);
  return JSON.stringify({ code, out, err });
}

const variants = [[], ['--format', 'json'], ['-q'], ['--services'], ['--profiles'], ['--images'], ['--hash', '*']];
let checked = 0;
const differ = [];
async function compare(cwd, files) {
  const f = files.flatMap((x) => ['-f', x]);
  for (const v of variants) {
    const argv = [...f, 'config', ...v];
    const want = await run(before, cwd, argv);
    for (const pass of ['first', 'cached']) {
      const got = await run(after, cwd, argv);
      checked++;
      if (got !== want) differ.push(`${cwd} ${argv.join(' ')} (${pass} run)`);
    }
  }
}

try {
  const rows = readFileSync(join(corpus, 'expect.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t')[0]);
  for (const file of rows) await compare(dirname(join(corpus, file)), [basename(file)]);
  const stack = mkdtempSync(join(tmpdir(), 'berth-config-same-stack-'));
  try {
    await compare(
      stack,
      generateStack(stack, { services: 500 }).map((p) => basename(p)),
    );
  } finally {
    rmSync(stack, { recursive: true, force: true });
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
console.log(
  `${checked} runs compared (${variants.length} variants of ${checked / variants.length / 2} stacks, first and cached run)`,
);
if (differ.length > 0) {
  console.log(`${differ.length} differ:\n${differ.slice(0, 30).join('\n')}`);
  process.exit(1);
}
console.log('all identical');
