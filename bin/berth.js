#!/usr/bin/env node
// The berth command: a thin launcher for the compiled CLI (npm run build writes dist/berth.mjs, one bundled file).
import { main } from '../dist/berth.mjs';

process.exitCode = await main(process.argv.slice(2));
