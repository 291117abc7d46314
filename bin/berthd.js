#!/usr/bin/env node
// berthd, the built-in engine (npm run build writes dist/engine/daemon/main.js).
import { berthdMain } from '../dist/engine/daemon/main.js';

await berthdMain();
