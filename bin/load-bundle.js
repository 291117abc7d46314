// Loads a CommonJS bundle through vm.Script with V8's code cache beside it (<name>.cache), so that starting berth
// does not compile its ~1 MB of JavaScript again each time. A missing or rejected cache only costs that compile.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export function loadBundle(file, opts = { cache: true }) {
  let cachedData;
  if (opts.cache) {
    try {
      cachedData = readFileSync(file.replace(/\.cjs$/, '.cache'));
    } catch {
      cachedData = undefined; // not built yet: compile as usual
    }
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}
