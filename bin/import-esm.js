// import() for the bundled CLI: dist/berth.cjs runs through vm.Script, where import() has no loader on Node 20,
// and ink's module graph has top-level await, so require() cannot load it. A file of its own, loaded by Node's
// own require, can import. Only the dashboard uses it (src/cli/dashboard/load.ts).
exports.importEsm = (specifier) => import(specifier);
