#!/usr/bin/env node
// The berth command: a thin launcher for the compiled CLI (npm run build writes dist/berth.cjs, one bundled file,
// and its code cache dist/berth.cache).
import { loadBundle } from './load-bundle.js';

const { exports } = loadBundle(new URL('../dist/berth.cjs', import.meta.url).pathname);
process.exitCode = await exports.main(process.argv.slice(2));
