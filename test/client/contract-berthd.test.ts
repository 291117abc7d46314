// The EngineClient contract on berthd: one berthd of its own (data root and socket in a temp folder) for the
// file, a new client of it for each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { dockerEngineClient } from '../../src/client/docker/client.js';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { hasRunc } from '../cli/engines.js';
import { clientContract } from './contract.js';

let dir = '';
let daemon: Berthd | undefined;

describe.runIf(hasRunc)('berthd', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-contract-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  }, 60_000);

  afterAll(async () => {
    await daemon?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  // berthd does not pass stdin to a container yet (conmon's attach socket is SOCK_SEQPACKET, which node's net
  // cannot open): the contract's attach-with-stdin test is skipped here until it does.
  clientContract('berthd', async () => dockerEngineClient(daemon?.socket ?? ''), { gaps: ['attach-stdin'] });
});
