#!/usr/bin/env node
// The berth command: a thin launcher for the compiled CLI (npm run build writes dist/berth.cjs, one bundled file,
// and its code cache dist/berth.cache).
const { join } = require('node:path');
const { loadBundle } = require('./load-bundle.js');

const { exports: cli } = loadBundle(join(__dirname, '..', 'dist', 'berth.cjs'));
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
