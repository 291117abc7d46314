// A blob download cut mid-body is resumed with a Range request and still verified into the content store; a
// server that ignores Range (answers 200 with the whole blob) gives the same bytes. Against a small local server
// that speaks just enough of the distribution API.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src/engine/content/content-store.js';
import { blobStream } from '../../../src/engine/registry/blobs.js';
import { RegistryClient } from '../../../src/engine/registry/registry-client.js';

const data = randomBytes(3 << 20);
const digest = `sha256:${createHash('sha256').update(data).digest('hex')}` as const;
let server: Server | undefined;
let dir: string | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(honourRange: boolean): Promise<{ host: string; ranges: string[] }> {
  const ranges: string[] = [];
  let gets = 0;
  server = createServer((req, res) => {
    if (req.url === '/v2/') return void res.end('{}');
    if (req.url !== `/v2/r/blobs/${digest}`) return void res.writeHead(404).end();
    gets++;
    const range = req.headers.range;
    if (range) ranges.push(range);
    if (gets === 1) {
      res.writeHead(200, { 'Content-Length': data.length });
      res.write(data.subarray(0, 1 << 20), () => res.socket?.destroy()); // the connection breaks after 1 MiB
      return;
    }
    const from = honourRange && range ? Number(/bytes=(\d+)-/.exec(range)?.[1]) : 0;
    res.writeHead(from > 0 ? 206 : 200, { 'Content-Length': data.length - from });
    res.end(data.subarray(from));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return { host: `127.0.0.1:${(server.address() as { port: number }).port}`, ranges };
}

describe('blobStream', () => {
  it.each([true, false])(
    'resumes a cut transfer (server honours Range: %s) and the digest verifies',
    async (honour) => {
      const { host, ranges } = await start(honour);
      dir = mkdtempSync(join(tmpdir(), 'berth-blob-resume-'));
      const content = await ContentStore.open(dir);
      const client = await RegistryClient.connect({
        registry: host,
        config: { configDir: dir, insecureRegistries: [], registryMirrors: [] },
      });
      expect(client.base.protocol).toBe('http:'); // loopback, and the server does not speak TLS
      let counted = 0;
      const info = await content.ingest(
        blobStream(client, 'r', { digest, size: data.length }, (n) => (counted += n)),
        digest,
      );
      expect(info).toEqual({ digest, size: data.length });
      expect(ranges).toHaveLength(1);
      expect(ranges[0]).toMatch(/^bytes=\d+-$/);
      expect(Number(/\d+/.exec(ranges[0] as string)?.[0])).toBeGreaterThan(0);
      expect(counted).toBe(data.length);
    },
  );
});
