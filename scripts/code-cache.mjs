// Writes dist/berth.cache, V8's code cache for dist/berth.cjs, after loading the bundle and running `berth config`
// on examples/hello, so the functions a stack command needs are compiled in it (V8 caches what has been compiled).
// A cache from another Node version is rejected by V8 and berth still runs, compiling as usual.
import { renameSync, writeFileSync } from 'node:fs';
import { loadBundle } from '../bin/load-bundle.js';

const dist = new URL('../dist/', import.meta.url).pathname;
const { exports, script } = loadBundle(`${dist}berth.cjs`, { cache: false });
const silent = { cwd: process.cwd(), env: {}, stdout: () => undefined, stderr: () => undefined, readStdin: () => '' };
const hello = new URL('../examples/hello', import.meta.url).pathname;
await exports.main(['--project-directory', hello, '-f', `${hello}/compose.yaml`, 'config', '-q'], silent);
await exports.main(['--help'], silent);
writeFileSync(`${dist}berth.cache.tmp`, script.createCachedData());
renameSync(`${dist}berth.cache.tmp`, `${dist}berth.cache`);
