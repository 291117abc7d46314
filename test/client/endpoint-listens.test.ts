// engineListens, the check every command makes before it talks to the engine (connect.ts): a socket that accepts a
// connection counts, a missing one and one left behind by a server that has gone do not, so connect.ts starts
// berthd or names the engine that does not answer, as it did when the check was a GET /version.
import { linkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineListens } from '../../src/client/endpoint.js';

describe('engineListens', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-listens-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('must say yes for a socket that accepts connections, and no once its server has closed (and removed) it', async () => {
    const socket = join(dir, 'engine.sock');
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(socket, r));
    expect(await engineListens(socket)).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await engineListens(socket)).toBe(false);
  });

  it('must say no for a path with no socket, or a file that is not one', async () => {
    expect(await engineListens(join(dir, 'missing.sock'))).toBe(false);
    writeFileSync(join(dir, 'plain'), 'not a socket');
    expect(await engineListens(join(dir, 'plain'))).toBe(false);
  });

  it('must say no for a socket left by a process that has gone (nobody accepts)', async () => {
    // a server that is killed leaves its socket file; closing it here without unlinking does the same
    const socket = join(dir, 'stale.sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(socket, r));
    linkSync(socket, join(dir, 'kept.sock')); // keep the socket file after close() unlinks the original
    await new Promise((r) => server.close(r));
    expect(await engineListens(join(dir, 'kept.sock'))).toBe(false);
  });
});
