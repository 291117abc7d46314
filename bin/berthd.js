#!/usr/bin/env node
// berthd, the built-in engine (npm run build writes dist/engine/daemon/main.js, an ES module).
import('../dist/engine/daemon/main.js').then(({ berthdMain }) => berthdMain());
