// The EngineClient contract on Debian's dockerd (20.10), started by this file on its own data root, exec root
// and socket, without firewall rules or a default bridge (test/engine/dockerd-engine.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { dockerEngineClient } from '../../src/client/docker/client.js';
import type { Engine } from '../engine/dockerd-engine.js';
import { hasDockerd, startDockerd } from '../engine/dockerd-engine.js';
import { clientContract } from './contract.js';

let dir = '';
let dockerd: Engine | undefined;

describe.runIf(hasDockerd)('dockerd', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-contract-d-'));
    dockerd = await startDockerd(dir);
  }, 90_000);

  afterAll(async () => {
    await dockerd?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  // dockerd 20.10 answers a refused operation (removing a network in use) with 403, which the client takes for
  // "unauthorized" (src/client/docker/answer-error.ts); the contract checks the refusal there, not its kind.
  clientContract('dockerd', async () => dockerEngineClient(dockerd?.socket ?? ''), { gaps: ['forbidden-kind'] });
});
