// Chunked upload against the real registry: a blob larger than the chunk size goes up as PATCH chunks with
// Content-Range and a closing PUT; the registry then has it under its digest, byte for byte.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBlob, uploadBlob } from '../../../src/engine/registry/blobs.js';
import { RegistryClient } from '../../../src/engine/registry/registry-client.js';
import { startRegistry, type TestRegistry } from './registry-server.js';

const hasRegistry = spawnSync('docker-registry', ['--version']).status === 0;

describe.runIf(hasRegistry)('uploadBlob', () => {
  let dir: string;
  let registry: TestRegistry;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-registry-chunks-'));
    registry = await startRegistry(join(dir, 'registry'));
  }, 30_000);
  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads in PATCH chunks, then finds the blob with HEAD', async () => {
    const data = randomBytes((2 << 20) + 12345);
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}` as const;
    const path = join(dir, 'blob');
    writeFileSync(path, data);
    const client = await RegistryClient.connect({
      registry: registry.host,
      config: { configDir: dir, insecureRegistries: [], registryMirrors: [] },
    });
    let sent = 0;
    const first = await uploadBlob(
      client,
      'berth/chunks',
      { digest, size: data.length, path },
      {
        chunkSize: 1 << 20,
        onBytes: (n) => (sent += n),
      },
    );
    expect(first.how).toBe('pushed');
    expect(sent).toBe(data.length);
    expect(registry.log().match(/"PATCH \/v2\/berth\/chunks\/blobs\/uploads\//g)).toHaveLength(3);
    expect(await hasBlob(client, 'berth/chunks', digest)).toBe(true);
    const back = Buffer.from(
      await (await fetch(`http://${registry.host}/v2/berth/chunks/blobs/${digest}`)).arrayBuffer(),
    );
    expect(back.equals(data)).toBe(true);
    expect((await uploadBlob(client, 'berth/chunks', { digest, size: data.length, path })).how).toBe('exists');
  }, 60_000);
});
