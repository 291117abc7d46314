// Loads a CommonJS bundle through vm.Script with V8's code cache beside it (<name>.cache), so that starting berth
// does not compile its ~1 MB of JavaScript again each time. A missing or rejected cache only costs that compile.
// CommonJS (bin/package.json), as are the launchers: Node's ES module loader costs a start ~5 ms more.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

function loadBundle(file, opts = { cache: true }) {
  let cachedData;
  if (opts.cache) {
    try {
      cachedData = readFileSync(file.replace(/\.cjs$/, '.cache'));
    } catch {
      cachedData = undefined; // not built yet: compile as usual
    }
  }
  // latin1: the bundle is ASCII (scripts/bundle.mjs makes sure), and latin1 is a copy where UTF-8 needs decoding
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

exports.loadBundle = loadBundle;
